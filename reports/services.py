"""Every write of the reports app: start, run and retry a unit report job."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalRound
from common.errors import DomainError
from common.models import audit
from common.permissions import can
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of
from reports import book, cache
from reports.models import JobStatus, ReportEvent, ReportJob

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 0.25  # seconds between progress writes
# A running job whose worker has written no progress for this long is taken as dead: rendering
# one person takes well under a second and assembling a 10,000-page book about a minute.
STALE_AFTER = timedelta(minutes=5)


def fail_stale_jobs(queryset=None) -> int:
    """Mark running jobs whose worker stopped (no heartbeat for STALE_AFTER) as failed, so that
    they say so and can be retried; their file was never completed, so nothing is served."""
    limit = timezone.now() - STALE_AFTER
    qs = ReportJob.objects.all() if queryset is None else queryset
    stale = Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
    return qs.filter(stale, status=JobStatus.RUNNING).update(
        status=JobStatus.FAILED,
        error=_("ตัวประมวลผลเบื้องหลังหยุดทำงานระหว่างสร้างรายงาน กรุณากด “ลองใหม่”"),
        finished_at=timezone.now(),
    )


def _require_report(actor, rnd: AppraisalRound, unit: OrgUnit) -> None:
    roles = roles_of(actor)
    if not can(actor, "appraisal.view_round", rnd):
        raise PermissionDenied("appraisal.view_round")
    if unit.tree_id != rnd.department.tree_id or not (roles.is_admin or roles.hr_covers(unit)):
        raise PermissionDenied("appraisal.view_round")


def _enqueue(job_id: int) -> None:
    from reports.tasks import build_unit_report

    result = build_unit_report.enqueue(job_id)
    ReportJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


def sync_report_limit() -> int:
    """Above this many people the unit report is built by the worker, not in the request
    (settings.REPORTS_SYNC_MAX_PEOPLE; a 500-person report takes several seconds)."""
    return int(getattr(settings, "REPORTS_SYNC_MAX_PEOPLE", 150))


def _total(rnd, unit, *, with_people: bool, scored_only: bool) -> int:
    return book.unit_form_count(rnd, unit, scored_only=scored_only) if with_people else 0


@transaction.atomic
def job_start(
    *,
    actor,
    rnd: AppraisalRound,
    unit: OrgUnit,
    with_people: bool = True,
    scored_only: bool = False,
    attachments: bool = False,
) -> ReportJob:
    """Queue the unit's book (or, `with_people=False`, its report alone) for the worker; the
    same request while one is pending returns it."""
    _require_report(actor, rnd, unit)
    options = {
        "with_people": with_people,
        "scored_only": scored_only and with_people,
        "attachments": attachments and with_people,
    }
    fail_stale_jobs(ReportJob.objects.filter(owner=actor, round=rnd, unit=unit))
    pending = ReportJob.objects.filter(
        owner=actor,
        round=rnd,
        unit=unit,
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        **options,
    ).first()
    if pending is not None:
        return pending
    job = ReportJob.objects.create(
        owner=actor,
        round=rnd,
        unit=unit,
        total=_total(rnd, unit, with_people=with_people, scored_only=options["scored_only"]),
        **options,
    )
    audit(actor=actor, kind=ReportEvent.START, obj=job, summary=f"{rnd.code} {unit.code}")
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


@transaction.atomic
def job_retry(*, actor, job: ReportJob) -> ReportJob:
    """A failed job runs again from the start (finished per-person pages are reused); a job
    whose worker died is failed first."""
    fail_stale_jobs(ReportJob.objects.filter(pk=job.pk))
    job = (
        ReportJob.objects.select_for_update()
        .select_related("round__department", "unit")
        .get(pk=job.pk)
    )
    _require_report(actor, job.round, job.unit)
    if job.status != JobStatus.FAILED:
        raise DomainError(_("ลองใหม่ได้เฉพาะงานที่ไม่สำเร็จ"), code="state")
    job.status = JobStatus.QUEUED
    job.error = ""
    job.done = 0
    job.total = _total(
        job.round, job.unit, with_people=job.with_people, scored_only=job.scored_only
    )
    job.started_at = job.finished_at = None
    job.save()
    audit(actor=actor, kind=ReportEvent.RETRY, obj=job, summary=f"{job.round.code} {job.unit.code}")
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _person_of(user):
    """The person a book is built for (None for an account that is nobody's)."""
    return roles_of(user).person if user is not None else None


def job_file_name(job: ReportJob) -> str:
    """Where the book is kept in the shared private storage (the name the storage gives it is
    recorded in `file_path`)."""
    return f"reports/jobs/{job.pk}/{job.round.code}-{job.unit.code}.pdf"


def job_run(*, job_id: int) -> None:
    """The worker's part: build the book, report progress, record the outcome. Each write
    commits at once so the progress page sees it; only a queued job is taken, once."""
    started = timezone.now()
    taken = ReportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=started, heartbeat_at=started, done=0
    )
    if not taken:
        return
    job = ReportJob.objects.select_related("round__department", "unit").get(pk=job_id)
    # Every later write names this run: a run declared dead and retried cannot be overwritten
    # by the old one if it was only stalled.
    mine = ReportJob.objects.filter(pk=job_id, started_at=started)
    last = 0.0

    def progress(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PROGRESS_EVERY:
            mine.update(done=done, total=total, heartbeat_at=timezone.now())
            last = now

    try:
        data, stats = book.render_unit_book(
            job.round,
            job.unit,
            progress=progress,
            people=job.with_people,
            scored_only=job.scored_only,
            attachments=job.attachments,
            viewer=_person_of(job.owner),
        )
    except Exception as exc:
        logger.exception("report job %s failed", job_id)
        mine.update(
            status=JobStatus.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    stored = cache.store(job_file_name(job), data)
    recorded = mine.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.DONE,
        file_path=stored,
        pages=stats.pages,
        done=stats.people,
        total=stats.people,
        finished_at=timezone.now(),
    )
    if not recorded:  # this run was declared dead and retried meanwhile: its file is nobody's
        cache.storage().delete(stored)
