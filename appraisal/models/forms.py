"""Each person's form in a round (DOMAIN §5): its state machine, its KPI rows and competencies, and the approved agreement's versions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from appraisal.models._fields import POINTS, WEIGHT, transition_perm
from appraisal.models.rounds import (
    AppraisalRound,
    BarLevelZero,
    CompetencyKind,
    CompetencyMethod,
    RatioCap,
    Rounding,
    StaffGroup,
    bands_of,
)
from common.models import ChoiceLabels
from orgchart.models import OrgUnit, Person


class State(models.TextChoices):
    NOT_STARTED = "not_started", _("ยังไม่เริ่ม")
    DRAFT = "draft", _("กำลังจัดทำข้อตกลง")
    SUBMITTED = "submitted", _("รออนุมัติข้อตกลง")
    RETURNED = "returned", _("ส่งกลับให้แก้ไข")
    AGREED = "agreed", _("ข้อตกลงอนุมัติแล้ว")
    SCORED = "scored", _("ประเมินแล้ว รอรับทราบ")
    ACKNOWLEDGED = "acknowledged", _("แจ้งผลแล้ว รอผู้บังคับบัญชาเหนือขึ้นไป")
    HIGHER_REVIEWED = "higher_reviewed", _("รอผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง")
    REVIEWED = "reviewed", _("ทบทวนแล้ว รอประกาศผล")
    RELEASED = "released", _("ประกาศผลแล้ว")


STATE_ORDER = [s.value for s in State]
# The states HR's console counts, in order, with RETURNED folded into DRAFT.
PROGRESS_STATES = [s for s in STATE_ORDER if s != State.RETURNED]
EDITABLE_AGREEMENT = (State.NOT_STARTED, State.DRAFT, State.RETURNED)
# After the appraisee acknowledged or refused: informed of the evaluator's result.
INFORMED_STATES = (State.ACKNOWLEDGED, State.HIGHER_REVIEWED, State.REVIEWED, State.RELEASED)


class AppraisalForm(ChoiceLabels, FSMModelMixin, models.Model):
    # The round, evaluator, higher and higher2 have no index of their own: the indexes of
    # Meta.indexes and the unique (round, person) begin with them and serve them alone. Each
    # index is one more write per form: opening a round COPYs 250,000 forms.
    round = models.ForeignKey(
        AppraisalRound, on_delete=models.PROTECT, related_name="forms", db_index=False
    )
    # Indexed with the round by form_person_round (Meta.indexes), which also serves a person alone.
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appraisal_forms", db_index=False
    )
    state = FSMField(_("สถานะ"), default=State.NOT_STARTED, choices=State.choices, protected=True)
    # Frozen when the round opens.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    position_number = models.CharField(_("เลขที่ตำแหน่ง"), max_length=32, blank=True)
    position_type = models.CharField(_("ประเภทตำแหน่ง"), max_length=16, blank=True)
    position_grade = models.CharField(_("ระดับ"), max_length=2, blank=True)
    staff_group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=StaffGroup.choices)
    evaluator = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("ผู้ประเมิน"),
    )
    higher = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("ผู้บังคับบัญชาเหนือขึ้นไป"),
    )
    higher2 = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง"),
    )
    weight_achievement = models.DecimalField(**WEIGHT)
    weight_competency = models.DecimalField(**WEIGHT)
    weight_other = models.DecimalField(**WEIGHT)
    very_good_from = models.DecimalField(**WEIGHT)
    good_from = models.DecimalField(**WEIGHT)
    fair_from = models.DecimalField(**WEIGHT)
    competency_method = models.CharField(max_length=16, choices=CompetencyMethod.choices)
    rounding = models.CharField(max_length=8, choices=Rounding.choices, default=Rounding.EXACT)
    ratio_cap = models.CharField(max_length=8, choices=RatioCap.choices, default=RatioCap.TOTAL)
    bar_level_zero = models.CharField(
        max_length=16, choices=BarLevelZero.choices, default=BarLevelZero.BY_GAP
    )
    # Agreement
    agreement_version = models.PositiveIntegerField(default=0)
    appraisee_signed_at = models.DateTimeField(null=True, blank=True)
    appraisee_signed_name = models.CharField(max_length=320, blank=True)
    evaluator_signed_at = models.DateTimeField(null=True, blank=True)
    evaluator_signed_name = models.CharField(max_length=320, blank=True)
    # Evaluation
    self_assessment = models.TextField(_("ความเห็นการประเมินตนเอง"), blank=True)
    self_assessed_at = models.DateTimeField(null=True, blank=True)
    other_percent = models.DecimalField(
        _("คะแนนองค์ประกอบอื่น (ร้อยละ)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    evaluator_comment = models.TextField(_("ความเห็นของผู้ประเมิน"), blank=True)
    score_kpi = models.DecimalField(**POINTS)
    achievement_points = models.DecimalField(**POINTS)
    competency_points = models.DecimalField(**POINTS)
    other_points = models.DecimalField(**POINTS)
    total = models.DecimalField(**POINTS)
    band = models.CharField(max_length=16, blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    # Acknowledgement (ส่วนที่ ๔)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    refused = models.BooleanField(default=False)
    informed_on = models.DateField(_("วันที่แจ้งผล"), null=True, blank=True)
    witness_name = models.CharField(_("ชื่อพยาน"), max_length=320, blank=True)
    witness_position = models.CharField(_("ตำแหน่งพยาน"), max_length=255, blank=True)
    witness_on = models.DateField(_("วันที่พยานลงนาม"), null=True, blank=True)
    # Higher review (ส่วนที่ ๕) and the level above
    higher_agrees = models.BooleanField(null=True, blank=True)
    higher_opinion = models.TextField(_("ความเห็นที่แตกต่าง"), blank=True)
    higher_total = models.DecimalField(_("คะแนนที่เห็นควร"), **POINTS)
    higher_at = models.DateTimeField(null=True, blank=True)
    higher2_agrees = models.BooleanField(null=True, blank=True)
    higher2_opinion = models.TextField(_("ความเห็นที่แตกต่าง"), blank=True)
    higher2_total = models.DecimalField(_("คะแนนที่เห็นควร"), **POINTS)
    higher2_at = models.DateTimeField(null=True, blank=True)
    # Result after review: the last revised total wins, else the evaluator's.
    final_total = models.DecimalField(**POINTS)
    final_band = models.CharField(max_length=16, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("แบบประเมิน")
        verbose_name_plural = _("แบบประเมิน")
        ordering = ["round", "person__first_name", "person__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="form_unique_per_round"),
            models.CheckConstraint(
                condition=Q(other_percent__isnull=True)
                | Q(other_percent__gte=0, other_percent__lte=100),
                name="form_other_percent_0_100",
            ),
            models.CheckConstraint(
                condition=Q(total__isnull=True) | Q(total__gte=0, total__lte=100),
                name="form_total_0_100",
            ),
            models.CheckConstraint(
                condition=Q(higher_total__isnull=True)
                | Q(higher_total__gte=0, higher_total__lte=100),
                name="form_higher_total_0_100",
            ),
            models.CheckConstraint(
                condition=Q(higher2_total__isnull=True)
                | Q(higher2_total__gte=0, higher2_total__lte=100),
                name="form_higher2_total_0_100",
            ),
        ]
        indexes = [
            models.Index(fields=["round", "state"]),
            models.Index(fields=["evaluator", "round"]),
            models.Index(fields=["higher", "round"]),
            models.Index(fields=["higher2", "round"]),
            # A search by name finds people, then each one's form of the round: on PostgreSQL
            # the index holds the form's id and unit, so the look-up never reads the table
            # (a surname of 2,604 forms in 3.5 ms against 8); elsewhere a plain index.
            models.Index(
                fields=["person", "round"], include=["unit", "id"], name="form_person_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.round.code}"

    # What the round's per-unit counts (UnitFormCount) count this form by.
    COUNTED_FIELDS = ("unit_id", "state", "final_band", "staff_group")

    @classmethod
    def from_db(cls, db, field_names, values):
        """Remember the counted key as read, so that saving the form moves its count from the
        key it had to the key it has (appraisal.counts)."""
        form = super().from_db(db, field_names, values)
        loaded = form.__dict__
        if all(f in loaded for f in cls.COUNTED_FIELDS):
            form._counted_key = tuple(loaded[f] for f in cls.COUNTED_FIELDS)
        return form

    def refresh_from_db(self, using=None, fields=None, from_queryset=None):
        """As Django's, and the counted key follows what was read again (a key remembered from
        an earlier read would move the count from a key the form no longer has)."""
        super().refresh_from_db(using=using, fields=fields, from_queryset=from_queryset)
        loaded = self.__dict__
        if fields is None and all(f in loaded for f in self.COUNTED_FIELDS):
            self._counted_key = tuple(loaded[f] for f in self.COUNTED_FIELDS)
        else:
            loaded.pop("_counted_key", None)

    def bands(self):
        return bands_of(self.very_good_from, self.good_from, self.fair_from)

    @property
    def agreement_editable(self) -> bool:
        return self.state in EDITABLE_AGREEMENT

    @property
    def is_released(self) -> bool:
        return self.state == State.RELEASED

    @property
    def is_informed(self) -> bool:
        """The evaluator has told the appraisee the result (DOMAIN §5, part 4): from then on the
        appraisee sees what the evaluator scored. Every state after 'scored' was informed."""
        if self.state == State.SCORED:
            return self.informed_on is not None
        return self.state in INFORMED_STATES

    def hidden_from(self, viewer) -> bool:
        """Whether this is the viewer's own form, not yet released: nobody sees their own
        result through another role (DOMAIN §8). `viewer` is a Person or None."""
        return viewer is not None and self.person_id == viewer.pk and not self.is_released

    @property
    def needs_second_review(self) -> bool:
        return bool(self.round.second_review and self.higher2_id)

    # --- transitions (services call these inside a transaction) --------------------------
    @transition(
        field=state,
        source=State.NOT_STARTED,
        target=State.DRAFT,
        permission=transition_perm("appraisal.edit_agreement"),
    )
    def start(self):
        pass

    @transition(
        field=state,
        source=[State.NOT_STARTED, State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=transition_perm("appraisal.submit_agreement"),
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=transition_perm("appraisal.approve_agreement"),
    )
    def return_agreement(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.AGREED,
        permission=transition_perm("appraisal.approve_agreement"),
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.AGREED,
        target=State.DRAFT,
        permission=transition_perm("appraisal.revise_agreement"),
    )
    def revise(self):
        """A change after approval: back to draft, to be approved again."""

    @transition(
        field=state,
        source=State.AGREED,
        target=State.SCORED,
        permission=transition_perm("appraisal.score_form"),
    )
    def finish_scoring(self):
        pass

    @transition(
        field=state,
        source=State.SCORED,
        target=State.AGREED,
        permission=transition_perm("appraisal.score_form"),
    )
    def reopen_scoring(self):
        pass

    def _after_informing(self) -> str:
        # A form nobody reviews above the evaluator goes straight to 'reviewed'.
        return State.ACKNOWLEDGED if self.higher_id is not None else State.REVIEWED

    @transition(
        field=state,
        source=State.SCORED,
        target=RETURN_VALUE(State.ACKNOWLEDGED, State.REVIEWED),
        permission=transition_perm("appraisal.acknowledge_form"),
    )
    def acknowledge(self):
        return self._after_informing()

    @transition(
        field=state,
        source=State.SCORED,
        target=RETURN_VALUE(State.ACKNOWLEDGED, State.REVIEWED),
        permission=transition_perm("appraisal.record_refusal"),
    )
    def record_refusal(self):
        return self._after_informing()

    @transition(
        field=state,
        source=State.ACKNOWLEDGED,
        target=RETURN_VALUE(State.HIGHER_REVIEWED, State.REVIEWED),
        permission=transition_perm("appraisal.higher_review"),
    )
    def higher_review(self):
        return State.HIGHER_REVIEWED if self.needs_second_review else State.REVIEWED

    @transition(
        field=state,
        source=State.HIGHER_REVIEWED,
        target=State.REVIEWED,
        permission=transition_perm("appraisal.higher2_review"),
    )
    def higher2_review(self):
        pass

    @transition(
        field=state,
        source=State.REVIEWED,
        target=State.RELEASED,
        permission=transition_perm("appraisal.release_form"),
    )
    def release(self):
        pass


# The five criteria of a KPI row, level 1 to 5.
CRITERIA_FIELDS = ("criteria_1", "criteria_2", "criteria_3", "criteria_4", "criteria_5")


class ItemKind(models.TextChoices):
    PLAN = "plan", _("ตามแผนปฏิบัติราชการ")
    DUTY = "duty", _("ตามหน้าที่ความรับผิดชอบหลัก")
    SPECIAL = "special", _("ตามที่ได้รับมอบหมายพิเศษ")


class FormKpi(ChoiceLabels, models.Model):
    """One KPI row of a person's agreement, and its result at the end of the round."""

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="kpis")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(
        _("ประเภท"), max_length=8, choices=ItemKind.choices, default=ItemKind.PLAN
    )
    kpi = models.ForeignKey(
        "kpi.Kpi",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="form_rows",
        verbose_name=_("ตัวชี้วัดของหน่วยงานที่สนับสนุน"),
    )
    name = models.CharField(_("ตัวชี้วัด"), max_length=500)
    weight = models.DecimalField(_("น้ำหนัก (ร้อยละ)"), **WEIGHT)
    target = models.CharField(_("ค่าเป้าหมาย"), max_length=255, blank=True)
    criteria_1 = models.CharField(_("ระดับ 1"), max_length=500, blank=True)
    criteria_2 = models.CharField(_("ระดับ 2"), max_length=500, blank=True)
    criteria_3 = models.CharField(_("ระดับ 3"), max_length=500, blank=True)
    criteria_4 = models.CharField(_("ระดับ 4"), max_length=500, blank=True)
    criteria_5 = models.CharField(_("ระดับ 5"), max_length=500, blank=True)
    # Evaluation
    self_level = models.PositiveSmallIntegerField(_("ระดับที่ประเมินตนเอง"), null=True, blank=True)
    self_note = models.TextField(_("ผลงานที่ประเมินตนเอง"), blank=True)
    actual = models.CharField(_("ผลการดำเนินงานจริง"), max_length=500, blank=True)
    suggested_level = models.PositiveSmallIntegerField(null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("ระดับที่ได้"), null=True, blank=True)
    level_reason = models.TextField(_("เหตุผลที่ให้ระดับต่างจากที่ระบบเสนอ"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gt=0, weight__lte=100), name="formkpi_weight_0_100"
            ),
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=5), name="formkpi_level_0_5"
            ),
            models.CheckConstraint(
                condition=Q(self_level__isnull=True) | Q(self_level__lte=5),
                name="formkpi_self_level_0_5",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="formkpi_name_not_blank"),
        ]

    def __str__(self) -> str:
        return self.name

    def criteria(self) -> list[str]:
        return [getattr(self, f) for f in CRITERIA_FIELDS]


class FormCompetency(ChoiceLabels, models.Model):
    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="competencies")
    order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(max_length=16, choices=CompetencyKind.choices)
    name = models.CharField(_("สมรรถนะ"), max_length=255)
    expected = models.PositiveSmallIntegerField(_("ระดับที่คาดหวัง"))
    weight = models.DecimalField(_("น้ำหนัก"), null=True, blank=True, **WEIGHT)
    self_actual = models.PositiveSmallIntegerField(_("ระดับที่ประเมินตนเอง"), null=True, blank=True)
    actual = models.PositiveSmallIntegerField(_("ระดับที่แสดงออก/คะแนน"), null=True, blank=True)
    note = models.TextField(_("พฤติกรรมที่พบ"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expected__gte=1, expected__lte=5), name="formcomp_expected_1_5"
            ),
            models.CheckConstraint(
                condition=Q(actual__isnull=True) | Q(actual__lte=5), name="formcomp_actual_0_5"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def gap(self) -> int | None:
        return None if self.actual is None else self.expected - self.actual


class AgreementVersion(models.Model):
    """The agreement as approved; every approval keeps one, so earlier versions stay readable."""

    form = models.ForeignKey(
        AppraisalForm, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    number = models.PositiveIntegerField()
    items = models.JSONField()
    appraisee_signed_name = models.CharField(max_length=320)
    appraisee_signed_at = models.DateTimeField()
    evaluator_signed_name = models.CharField(max_length=320)
    evaluator_signed_at = models.DateTimeField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["form", "number"], name="agreement_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.number}"
