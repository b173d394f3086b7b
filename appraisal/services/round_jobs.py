"""A round's heavy steps in the background (issue 15): opening the round, moving it into the
released phase (which releases every reviewed result) and releasing from the console.

For a department of more than ROUND_SYNC_MAX_FORMS forms the console queues the step for the
worker instead of running it in the request: opening 254,550 forms took 82 s on the development
machine and releasing them 278 s (1.1 ms a form), while the app server kills a request after
GUNICORN_TIMEOUT (60 s) and its transaction is rolled back with it. The
step runs through the same services as in the request, with the same rules; a release goes in
batches of ROUND_RELEASE_BATCH forms, each committed with its progress, so that a worker that
dies leaves released what it released and the officer starts the rest again.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from appraisal.models import (
    PHASE_ORDER,
    AppraisalRound,
    JobStatus,
    Phase,
    RoundEvent,
    RoundJob,
    RoundJobAction,
)
from appraisal.selectors import overdue_agreements, round_scope
from appraisal.services import round_phases
from appraisal.services._busy import STALE_AFTER, refuse_if_busy
from appraisal.services._forms import lock_round
from appraisal.services.reminders import reminder_messages
from common.errors import DomainError
from common.models import audit
from common.permissions import can, require
from orgchart.models import Person

logger = logging.getLogger(__name__)
REMINDER_BATCH = 500  # e-mails per SMTP connection, progress written after each


def sync_max_forms() -> int:
    """Up to this many forms a step runs in the request (settings.ROUND_SYNC_MAX_FORMS)."""
    return int(getattr(settings, "ROUND_SYNC_MAX_FORMS", 2000))


def release_batch_size() -> int:
    return max(1, int(getattr(settings, "ROUND_RELEASE_BATCH", 1000)))


def _next_phase(rnd: AppraisalRound) -> str | None:
    i = PHASE_ORDER.index(rnd.phase)
    return PHASE_ORDER[i + 1] if i + 1 < len(PHASE_ORDER) else None


def step_size(*, actor, rnd: AppraisalRound, action: str) -> int:
    """How many forms the step makes or releases (0 for a step with no forms to touch)."""
    if action == RoundJobAction.OPEN:
        if rnd.phase != Phase.SETUP:
            return 0
        return Person.objects.filter(unit__tree_id=rnd.department.tree_id, is_active=True).count()
    if action == RoundJobAction.ADVANCE:
        if _next_phase(rnd) != Phase.RELEASED:
            return 0
        return round_phases.releasable_count(actor=actor, rnd=rnd, units=None)
    if action == RoundJobAction.RELEASE:
        units = round_scope(user=actor, rnd=rnd)
        return round_phases.releasable_count(actor=actor, rnd=rnd, units=units) if units else 0
    if action == RoundJobAction.REMIND:
        # At most one e-mail per form (an evaluator's one e-mail lists their waiting forms).
        return overdue_agreements(rnd=rnd, units=round_scope(user=actor, rnd=rnd)).count()
    raise ValueError(action)


def runs_in_background(*, actor, rnd: AppraisalRound, action: str) -> bool:
    return step_size(actor=actor, rnd=rnd, action=action) > sync_max_forms()


def latest_job(rnd: AppraisalRound) -> RoundJob | None:
    """The round's latest step run in the background, for the console (one read, no write: a
    step whose worker died shows as such, and is failed when the next step is asked for)."""
    job = RoundJob.objects.filter(round=rnd).select_related("actor").first()
    if job is not None:
        job.stale = job.stalled(STALE_AFTER)
    return job


def _check(actor, rnd: AppraisalRound, action: str) -> None:
    """The step's own rules, as its service checks them, asked before it is queued."""
    if action == RoundJobAction.REMIND:
        require(actor, "appraisal.view_round", rnd)
        if rnd.phase in (Phase.SETUP, Phase.CLOSED):
            raise DomainError(_("ส่งการแจ้งเตือนได้เฉพาะรอบที่เปิดอยู่"))
        return
    if action == RoundJobAction.RELEASE:
        if not rnd.phase_at_least(Phase.REVIEW) or rnd.is_closed:
            raise DomainError(_("ประกาศผลได้เมื่อรอบอยู่ในขั้นตอนทบทวนผลขึ้นไปเท่านั้น"))
        if not round_scope(user=actor, rnd=rnd):
            raise PermissionDenied("appraisal.release_form")
        return
    if not can(actor, "appraisal.manage_round", rnd):
        raise PermissionDenied("appraisal.manage_round")
    if action == RoundJobAction.OPEN:
        if not has_transition_perm(rnd.open, actor):
            raise DomainError(_("รอบนี้เปิดแล้ว"))
    elif not has_transition_perm(rnd.advance, actor):
        raise DomainError(_("รอบนี้เลื่อนขั้นตอนต่อไม่ได้จากขั้นตอนปัจจุบัน"))


def _enqueue(job_id: int) -> None:
    from appraisal.tasks import run_round_job

    result = run_round_job.enqueue(job_id)
    RoundJob.objects.filter(pk=job_id).update(task_id=str(result.id)[:64])


@transaction.atomic
def round_job_start(
    *, actor, rnd: AppraisalRound, action: str, expected_version: int | None = None
) -> RoundJob:
    """Queue the step for the worker after the same checks the step makes itself; refused
    while another step of the round is queued or running."""
    if action not in RoundJobAction.values:
        raise DomainError(_("ไม่รู้จักคำสั่งนี้"))
    versioned = action in (RoundJobAction.OPEN, RoundJobAction.ADVANCE)
    rnd = lock_round(rnd, expected_version if versioned else None)
    _check(actor, rnd, action)
    refuse_if_busy(rnd)
    job = RoundJob.objects.create(
        round=rnd,
        actor=actor,
        action=action,
        expected_version=expected_version if versioned else None,
        phase_before=rnd.phase,
        total=step_size(actor=actor, rnd=rnd, action=action),
    )
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def round_job_run(*, job_id: int) -> None:
    """The worker's part: take the queued step once, run it, record the outcome. Progress and
    the outcome commit at once, so the console sees them."""
    mine = RoundJob.take(job_id)
    if mine is None:
        return
    job = RoundJob.objects.select_related("round__department", "actor").get(pk=job_id)
    rnd, actor = job.round, job.actor
    try:
        if job.action == RoundJobAction.OPEN:
            made = round_phases.round_open(
                actor=actor, rnd=rnd, expected_version=job.expected_version, job=job_id
            )
            mine.update(done=made, total=made)
        elif job.action == RoundJobAction.ADVANCE:
            phase = round_phases.round_advance(
                actor=actor,
                rnd=rnd,
                expected_version=job.expected_version,
                release=False,
                job=job_id,
            )
            if phase == Phase.RELEASED:
                _release_all(mine, actor, rnd, None, job_id)
        elif job.action == RoundJobAction.REMIND:
            _remind_all(mine, actor, rnd)
        else:
            units = round_scope(user=actor, rnd=rnd)
            if not units:
                raise PermissionDenied("appraisal.release_form")
            count = _release_all(mine, actor, rnd, units, job_id)
            audit(actor=actor, kind=RoundEvent.RELEASE, obj=rnd, summary=f"{rnd.code}: {count}")
    except DomainError as exc:
        RoundJob.fail(mine, exc.message)
        return
    except PermissionDenied:
        RoundJob.fail(mine, _("ผู้สั่งงานไม่มีสิทธิ์ดำเนินการนี้แล้ว"))
        return
    except (OSError, smtplib.SMTPException) as exc:
        logger.warning("round job %s: e-mail failed: %s", job_id, exc)
        RoundJob.fail(mine, _("ส่งอีเมลไม่สำเร็จ กรุณาตรวจสอบการตั้งค่าเซิร์ฟเวอร์อีเมล"))
        return
    except Exception as exc:
        logger.exception("round job %s failed", job_id)
        RoundJob.fail(
            mine, _("เกิดข้อผิดพลาดระหว่างดำเนินการ (%(e)s) กรุณาสั่งอีกครั้ง") % {"e": type(exc).__name__}
        )
        raise
    mine.filter(status=JobStatus.RUNNING).update(
        status=JobStatus.DONE, finished_at=timezone.now(), heartbeat_at=timezone.now()
    )


def _release_all(mine, actor, rnd: AppraisalRound, units, job_id: int) -> int:
    """Release in batches, each committed with the progress; the total is recounted first."""
    total = round_phases.releasable_count(actor=actor, rnd=rnd, units=units)
    mine.update(done=0, total=total, heartbeat_at=timezone.now())
    done = 0
    size = release_batch_size()
    while True:
        n = round_phases.release_batch(actor=actor, rnd=rnd, units=units, size=size, job=job_id)
        if n == 0:
            break
        done += n
        total = max(total, done)
        mine.update(done=done, total=total, heartbeat_at=timezone.now())
        if n < size:
            break
    return done


def _remind_all(mine, actor, rnd: AppraisalRound) -> int:
    """E-mail the reminders in batches over one SMTP connection each, with the progress."""
    messages = reminder_messages(actor=actor, rnd=rnd)
    mine.update(done=0, total=len(messages), heartbeat_at=timezone.now())
    sent = 0
    size = REMINDER_BATCH
    for start in range(0, len(messages), size):
        sent += send_mass_mail(messages[start : start + size], fail_silently=False)
        mine.update(done=min(sent, len(messages)), heartbeat_at=timezone.now())
    audit(actor=actor, kind=RoundEvent.REMIND, obj=rnd, summary=f"{rnd.code}: {sent}")
    return sent
