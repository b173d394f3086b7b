"""Whether a step of the round runs in the background (appraisal.services.round_jobs): while
one is queued or running, every other step of the round is refused, by the services
themselves after they have locked the round row. The step's own worker passes its job's id.
Private to appraisal.services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import PENDING_JOB, AppraisalRound, JobStatus, RoundJob
from common.errors import DomainError

# A running step whose worker has given no sign for this long is taken as dead: opening a
# quarter of a million forms takes a minute or two, a batch of releases a few seconds.
STALE_AFTER = timedelta(minutes=30)


def fail_stale_jobs(rnd: AppraisalRound) -> int:
    """Fail the round's steps whose worker died, so that they say so and can be asked again."""
    return RoundJob.objects.filter(RoundJob.stalled_q(STALE_AFTER), round=rnd).update(
        status=JobStatus.FAILED,
        error=_("ตัวประมวลผลเบื้องหลังหยุดทำงานระหว่างดำเนินการ กรุณาสั่งอีกครั้ง"),
        finished_at=timezone.now(),
    )


def pending_job(rnd: AppraisalRound, *, own: int | None = None) -> RoundJob | None:
    """The round's step queued or running in the background (other than `own`), if any."""
    fail_stale_jobs(rnd)
    qs = RoundJob.objects.filter(round=rnd, status__in=PENDING_JOB)
    if own is not None:
        qs = qs.exclude(pk=own)
    return qs.first()


def refuse_if_busy(rnd: AppraisalRound, *, own: int | None = None) -> None:
    """No step of the round while another runs in the background."""
    if pending_job(rnd, own=own) is not None:
        raise DomainError(_("มีงานของรอบนี้กำลังดำเนินการอยู่ กรุณารอให้เสร็จก่อน"), code="busy")
