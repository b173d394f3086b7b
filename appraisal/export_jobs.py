"""Excel exports too long to write in a request, written by the background worker (issue 15).

A department's 254,550 forms took 108 s and 3.2 GB of memory to export in the request, past
the app server's timeout. Above EXPORT_MAX_ROWS rows the list's export is queued instead: the
worker writes it under the same filters and the same view of its owner (the rows streamed in
chunks, never held whole), keeps it in the private storage, and only the owner downloads it,
which is when the access log records the export. Files are deleted EXPORT_KEEP_HOURS after
they were made.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import PENDING_JOB, ExportJob, ExportKind, JobStatus
from common.permissions import can

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes
STALE_AFTER = timedelta(minutes=10)  # a worker writes its progress every few seconds


def keep_hours() -> int:
    return int(getattr(settings, "EXPORT_KEEP_HOURS", 24))


def storage():
    return storages["default"]  # the private storage every server and worker shares


def _enqueue(job_id: int) -> None:
    from appraisal.tasks import run_export_job

    result = run_export_job.enqueue(job_id)
    ExportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def prune_old_exports() -> int:
    """Delete the files (and jobs) of exports made more than EXPORT_KEEP_HOURS ago."""
    limit = timezone.now() - timedelta(hours=keep_hours())
    old = list(ExportJob.objects.filter(created_at__lt=limit))
    for job in old:
        if job.file_path:
            try:
                storage().delete(job.file_path)
            except OSError:
                logger.warning("export %s: its file could not be deleted", job.pk)
    ExportJob.objects.filter(pk__in=[j.pk for j in old]).delete()
    return len(old)


@transaction.atomic
def export_job_start(*, owner, rnd, kind: str, query: str, total: int, access: dict) -> ExportJob:
    """Queue the export (the caller has checked that the owner may read the list); `access`
    is what the access log records when the file is downloaded. The same export still queued
    or running is returned instead of a second one."""
    prune_old_exports()
    pending = ExportJob.objects.filter(
        owner=owner, round=rnd, kind=kind, query=query, status__in=PENDING_JOB
    ).first()
    if pending is not None:
        return pending
    job = ExportJob.objects.create(
        owner=owner, round=rnd, kind=kind, query=query, total=total, access=access
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def export_job_run(*, job_id: int) -> None:
    """The worker's part: write the owner's export under the saved filters, with progress."""
    from appraisal import views_results  # the list and its export read the same query

    mine = ExportJob.take(job_id)
    if mine is None:
        return
    job = ExportJob.objects.select_related("round__department", "owner").get(pk=job_id)
    perm = "appraisal.view_distribution" if job.kind == ExportKind.NAMES else "appraisal.view_round"
    if not job.owner.is_active or not can(job.owner, perm, job.round):
        ExportJob.fail(mine, _("ผู้สั่งส่งออกไม่มีสิทธิ์อ่านรายการนี้แล้ว"))
        return
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(job.query)
    request.user = job.owner
    last = 0.0

    def progress(done: int, final: bool = False) -> None:
        nonlocal last
        now = time.monotonic()
        if final or now - last >= PROGRESS_EVERY:
            mine.update(done=done, heartbeat_at=timezone.now())
            last = now

    try:
        data, name = views_results.export_content(request, job.round, job.kind, progress=progress)
        # Stored under an ASCII name: the storage would strip the Thai vowels of `name`.
        stored = storage().save(f"exports/{job.pk}.xlsx", ContentFile(data))
    except Exception as exc:
        logger.exception("export job %s failed", job_id)
        ExportJob.fail(mine, _("เตรียมไฟล์ไม่สำเร็จ (%(e)s) กรุณาส่งออกใหม่") % {"e": type(exc).__name__})
        raise
    # The rows written (the list may have changed since it was counted) become the total.
    done = mine.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        file_path=stored,
        file_name=name,
        total=F("done"),
        finished_at=timezone.now(),
    )
    if not done:  # taken as dead and started again meanwhile: this file is nobody's
        storage().delete(stored)
