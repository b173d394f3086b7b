"""A unit round report built in the background, and where its finished file is."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppraisalRound
from common.models import ChoiceLabels, register_kinds
from orgchart.models import OrgUnit


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("รอคิว")
    RUNNING = "running", _("กำลังสร้าง")
    DONE = "done", _("เสร็จแล้ว")
    FAILED = "failed", _("ไม่สำเร็จ")


class ReportJob(ChoiceLabels, models.Model):
    """The unit report of one round with every person's summary form, built by a worker.

    `file_path` (its name in the shared private storage) is set only once the file is
    complete: the storage keeps a file whole or not at all, so a half-written file is never
    served."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_jobs"
    )
    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="report_jobs")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="report_jobs")
    status = models.CharField(
        _("สถานะ"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file_path = models.CharField(max_length=255, blank=True)
    pages = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # What the book holds (reports.book.build_unit_book): the report alone or with every
    # person's summary form, the forms not yet scored or not, the attached forms or not.
    with_people = models.BooleanField(_("พร้อมแบบสรุปรายบุคคล"), default=True)
    scored_only = models.BooleanField(_("เฉพาะผู้ที่ประเมินแล้ว"), default=False)
    attachments = models.BooleanField(_("แนบแบบประเมินผลสัมฤทธิ์และสมรรถนะ"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # The worker writes this with every progress step; a running job whose heartbeat stops
    # (the worker was killed) is marked failed and can be retried.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("งานสร้างรายงาน")
        verbose_name_plural = _("งานสร้างรายงาน")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(done__lte=models.F("total")), name="job_done_le_total"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | ~Q(file_path=""), name="job_done_has_file"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.code} {self.unit.code} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0


@register_kinds
class ReportEvent(models.TextChoices):
    """What the audit trail records of report jobs (common.models.audit)."""

    START = "report.start", _("สั่งจัดทำรายงาน")
    RETRY = "report.retry", _("สั่งจัดทำรายงานใหม่")
