"""A round's heavy step run by the background worker (issue 15): opening a department of a
quarter of a million people, or releasing as many results, takes from a minute to many minutes:
far past a web request's time limit, after which the server kills the request and its whole
transaction is rolled back. The console queues the step instead and shows its progress; so too for e-mailing reminders
to as many people."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from appraisal.models.rounds import AppraisalRound, Phase
from common.models import ChoiceLabels


class RoundJobAction(models.TextChoices):
    OPEN = "open", _("เปิดรอบ (สร้างแบบประเมิน)")
    ADVANCE = "advance", _("เข้าสู่ขั้นตอนถัดไป")
    RELEASE = "release", _("ประกาศผล")
    REMIND = "remind", _("ส่งอีเมลแจ้งเตือน")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("รอคิว")
    RUNNING = "running", _("กำลังดำเนินการ")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


PENDING_JOB = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJob(ChoiceLabels, models.Model):
    """What a piece of work run by the worker keeps: its state, its progress and its times
    (the worker writes heartbeat_at with its progress; a running job without one for long is
    taken as dead)."""

    status = models.CharField(
        _("สถานะ"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    @property
    def pending(self) -> bool:
        return self.status in PENDING_JOB

    def stalled(self, after: timedelta) -> bool:
        """Running, with no sign from its worker for `after`: the worker died."""
        beat = self.heartbeat_at or self.started_at
        return bool(self.status == JobStatus.RUNNING and beat and beat < timezone.now() - after)

    @staticmethod
    def stalled_q(after: timedelta) -> Q:
        """stalled() as a filter, for the jobs not fetched."""
        limit = timezone.now() - after
        return Q(status=JobStatus.RUNNING) & (
            Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, started_at__lt=limit)
        )

    @classmethod
    def take(cls, pk: int) -> QuerySet | None:
        """Mark the queued job running for this worker, once: the job's row to write its
        progress and outcome to, named by this run (a run declared dead and started again
        cannot be overwritten by the old one), or None when it was not queued."""
        started = timezone.now()
        taken = cls.objects.filter(pk=pk, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING, started_at=started, heartbeat_at=started
        )
        return cls.objects.filter(pk=pk, started_at=started) if taken else None

    @staticmethod
    def fail(mine: QuerySet, message: str) -> None:
        mine.update(status=JobStatus.FAILED, error=message[:2000], finished_at=timezone.now())

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.done / self.total)) if self.total else 0


class RoundJob(BackgroundJob):
    """A step of a round (done: forms made or released, e-mails sent; total: as counted)."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="jobs")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="round_jobs"
    )
    action = models.CharField(_("การดำเนินการ"), max_length=8, choices=RoundJobAction.choices)
    # The round's version the officer saw: a round changed meanwhile is not stepped blindly.
    expected_version = models.PositiveIntegerField(null=True, blank=True)
    phase_before = models.CharField(max_length=16, choices=Phase.choices)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("งานเบื้องหลังของรอบการประเมิน")
        verbose_name_plural = _("งานเบื้องหลังของรอบการประเมิน")
        constraints = [
            # One step of a round at a time: a second click, or a second officer, is told.
            models.UniqueConstraint(
                fields=["round"],
                condition=Q(status__in=["queued", "running"]),
                name="round_job_one_pending",
            ),
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="round_job_done_le_total"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.get_action_display()} ({self.get_status_display()})"


class ExportKind(models.TextChoices):
    FORMS = "forms", _("แบบประเมินของรอบ")
    NAMES = "names", _("รายชื่อดีเด่นและดีมาก")


class ExportJob(BackgroundJob):
    """An Excel export of a list too long to write in a request (more than EXPORT_MAX_ROWS
    rows), written by the worker under the list's filters as the owner saw them, and kept in
    the private storage for its owner alone for EXPORT_KEEP_HOURS."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(_("รายการ"), max_length=8, choices=ExportKind.choices)
    query = models.TextField(blank=True)  # the list's filters (its query string)
    # What the access log records when the file is downloaded: the unit or round exported.
    access = models.JSONField(default=dict)
    file_path = models.CharField(max_length=255, blank=True)  # its name in the storage
    file_name = models.CharField(max_length=255, blank=True)  # the name it downloads as

    class Meta(BackgroundJob.Meta):
        verbose_name = _("งานส่งออก Excel")
        verbose_name_plural = _("งานส่งออก Excel")

    def __str__(self) -> str:
        return f"{self.round} {self.get_kind_display()} ({self.get_status_display()})"
