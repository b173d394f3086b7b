"""Monitoring during the round and the development plan: check-ins, the journal with evidence, coaching notes, IDP rows."""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from appraisal.models.forms import AppraisalForm, FormCompetency, FormKpi
from common.models import ChoiceLabels
from orgchart.models import Person


class CheckIn(models.Model):
    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="checkins")
    on = models.DateField(_("วันที่"))
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    comment = models.TextField(_("สรุปความก้าวหน้า"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.on}"


class CheckInProgress(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="progress")
    item = models.ForeignKey(FormKpi, on_delete=models.CASCADE, related_name="progress")
    result = models.CharField(_("ผลการดำเนินงาน ณ วันที่"), max_length=500, blank=True)
    milestone = models.PositiveSmallIntegerField(
        _("บรรลุระดับ"), null=True, blank=True, validators=[MaxValueValidator(5)]
    )
    comment = models.CharField(_("หมายเหตุ"), max_length=500, blank=True)

    class Meta:
        ordering = ["item__order", "item__pk"]
        constraints = [
            models.UniqueConstraint(fields=["checkin", "item"], name="progress_unique_item"),
            models.CheckConstraint(
                condition=Q(milestone__isnull=True) | Q(milestone__lte=5),
                name="progress_milestone_0_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkin_id}:{self.item_id}"


class JournalKind(models.TextChoices):
    WORK = "work", _("ผลงาน")
    BEHAVIOUR = "behaviour", _("พฤติกรรม")


def evidence_path(instance, filename: str) -> str:
    # A random name under the form: the original name is kept in the row, never in the path.
    import uuid

    return f"evidence/{instance.form.round_id}/{instance.form_id}/{uuid.uuid4().hex}"


class JournalEntry(ChoiceLabels, models.Model):
    """A critical incident: a work or behaviour event with optional evidence."""

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="journal")
    kind = models.CharField(_("ประเภท"), max_length=16, choices=JournalKind.choices)
    on = models.DateField(_("วันที่เกิดเหตุการณ์"))
    description = models.TextField(_("รายละเอียด"))
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    evidence = models.FileField(_("หลักฐาน"), upload_to=evidence_path, blank=True, max_length=255)
    evidence_name = models.CharField(max_length=255, blank=True)
    evidence_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.on} {self.kind}"


class CoachingNote(models.Model):
    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="coaching")
    on = models.DateField(_("วันที่"))
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("บันทึกการให้คำปรึกษา/สอนงาน"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.on}"


class IdpRow(models.Model):
    """ส่วนที่ ๓: what to develop, how, and when."""

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="idp")
    order = models.PositiveSmallIntegerField(default=0)
    topic = models.CharField(_("ความรู้/ทักษะ/สมรรถนะที่ต้องพัฒนา"), max_length=500)
    method = models.CharField(_("วิธีการพัฒนา"), max_length=500, blank=True)
    period = models.CharField(_("ช่วงเวลาที่ต้องการการพัฒนา"), max_length=255, blank=True)
    from_competency = models.ForeignKey(
        FormCompetency, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.topic


class FollowUp(models.TextChoices):
    PENDING = "pending", _("ยังไม่ได้ติดตาม")
    DONE = "done", _("พัฒนาแล้ว")
    NOT_DONE = "not_done", _("ยังไม่ได้พัฒนา")


class IdpFollowUp(ChoiceLabels, models.Model):
    """An IDP row of the person's previous round, carried into this round's form (DOMAIN §7:
    "each IDP row followed into the next round"), where the evaluator marks it done or not."""

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="idp_followups")
    source = models.ForeignKey(IdpRow, on_delete=models.PROTECT, related_name="followups")
    order = models.PositiveSmallIntegerField(default=0)
    # Copied when carried, so that the row reads the same even if the old form's IDP changes.
    topic = models.CharField(_("ความรู้/ทักษะ/สมรรถนะที่ต้องพัฒนา"), max_length=500)
    method = models.CharField(_("วิธีการพัฒนา"), max_length=500, blank=True)
    period = models.CharField(_("ช่วงเวลาที่ต้องการการพัฒนา"), max_length=255, blank=True)
    status = models.CharField(
        _("ผลการพัฒนา"), max_length=16, choices=FollowUp.choices, default=FollowUp.PENDING
    )
    note = models.TextField(_("บันทึกผลการพัฒนา"), blank=True)
    marked_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    marked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("การติดตามแผนพัฒนารายบุคคล")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["form", "source"], name="idp_followup_once_per_form"),
        ]

    def __str__(self) -> str:
        return self.topic
