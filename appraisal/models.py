"""The appraisal round and each person's form in it (DOMAIN §2 and §5).

A round belongs to one department (a tree root of the org chart) and moves through phases
that HR opens and closes. When it opens, every active person of the department gets a form
with the evaluator chain, the component weights, the bands and the expected competency
levels frozen into it, so a later reorganisation or settings change never rewrites it.

A form's life is a django-fsm state machine. Each transition names the `rules` permission
that may take it (appraisal/rules.py); the services in appraisal/services.py are the only
callers and run each transition in a transaction with the form row locked.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, transition
from simple_history.models import HistoricalRecords

from appraisal import scoring
from common import thai
from orgchart.models import OrgUnit, Person

# Exact values of computed points: every intermediate of a 100-point form fits in 10 places
# (the repeating /3n of the bar scale is cut far below what round2 can see).
POINTS = {"max_digits": 16, "decimal_places": 10, "null": True, "blank": True}
WEIGHT = {"max_digits": 5, "decimal_places": 2}


def _perm(name: str):
    """A transition permission checked by the `rules` rule set itself, not user.has_perm:
    Django grants a superuser every has_perm, and an administrator must not sign or score as
    somebody else."""

    def check(instance, user) -> bool:
        import rules

        return rules.has_perm(name, user, instance)

    check.__name__ = name
    return check


class Phase(models.TextChoices):
    SETUP = "setup", _("ตั้งค่ารอบ")
    AGREEMENT = "agreement", _("จัดทำข้อตกลง")
    MONITORING = "monitoring", _("ติดตามระหว่างรอบ")
    EVALUATION = "evaluation", _("ประเมินผล")
    REVIEW = "review", _("ทบทวนผลโดยผู้บังคับบัญชาและคณะกรรมการ")
    RELEASED = "released", _("ประกาศผลแล้ว")
    CLOSED = "closed", _("ปิดรอบ")


PHASE_ORDER = [p.value for p in Phase]


class CompetencyMethod(models.TextChoices):
    BAR_SCALE = "bar_scale", _("เทียบระดับที่คาดหวัง (bar scale)")
    RATING = "rating", _("มาตรประมาณค่า 1–5 (rating scale)")
    RATIO = "ratio", _("สัดส่วนระดับที่แสดงต่อระดับที่คาดหวัง (ratio)")


class StaffGroup(models.TextChoices):
    """Whose weights and bands a setting row holds: a staff type, or anyone on probation."""

    CIVIL_SERVANT = "civil_servant", _("ข้าราชการ")
    PROBATION = "probation", _("ผู้ทดลองปฏิบัติหน้าที่ราชการ")
    GOVERNMENT_EMPLOYEE = "government_employee", _("พนักงานราชการ")
    PERMANENT_EMPLOYEE = "permanent_employee", _("ลูกจ้างประจำ")


def group_of(person: Person) -> str:
    return StaffGroup.PROBATION if person.on_probation else person.staff_type


class AppraisalRound(models.Model):
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("ส่วนราชการ"),
        on_delete=models.PROTECT,
        related_name="appraisal_rounds",
        limit_choices_to={"parent__isnull": True},
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    number = models.PositiveSmallIntegerField(_("รอบที่"), choices=[(1, "1"), (2, "2")])
    phase = FSMField(_("ขั้นตอน"), default=Phase.SETUP, choices=Phase.choices, protected=False)
    competency_method = models.CharField(
        _("วิธีประเมินสมรรถนะ"),
        max_length=16,
        choices=CompetencyMethod.choices,
        default=CompetencyMethod.BAR_SCALE,
    )
    second_review = models.BooleanField(_("ให้ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่งให้ความเห็นด้วย"), default=False)
    agreement_deadline = models.DateField(_("กำหนดส่งข้อตกลง"), null=True, blank=True)
    evaluation_deadline = models.DateField(_("กำหนดประเมินผลเสร็จ"), null=True, blank=True)
    committee = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="appraisal_committees",
        verbose_name=_("คณะกรรมการกลั่นกรอง"),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        verbose_name = _("รอบการประเมิน")
        verbose_name_plural = _("รอบการประเมิน")
        ordering = ["-fiscal_year", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "fiscal_year", "number"], name="round_unique_per_department"
            ),
            models.CheckConstraint(condition=Q(number__in=[1, 2]), name="round_number_1_or_2"),
            models.CheckConstraint(
                condition=Q(fiscal_year__gte=2500, fiscal_year__lte=2700), name="round_year_be"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.code}"

    @property
    def code(self) -> str:
        return f"{self.fiscal_year}-{self.number}"

    @property
    def dates(self) -> thai.Round:
        return thai.round_dates(self.fiscal_year, self.number)

    @property
    def start(self):
        return self.dates.start

    @property
    def end(self):
        return self.dates.end

    def phase_at_least(self, phase: str) -> bool:
        return PHASE_ORDER.index(self.phase) >= PHASE_ORDER.index(phase)

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED

    # Phase transitions: HR of the whole department (or an administrator). The services run
    # them; the permission names the rule.
    @transition(
        field=phase,
        source=Phase.SETUP,
        target=Phase.AGREEMENT,
        permission=_perm("appraisal.manage_round"),
    )
    def open(self):
        pass

    @transition(
        field=phase,
        source=[Phase.AGREEMENT, Phase.MONITORING, Phase.EVALUATION, Phase.REVIEW],
        target=RETURN_VALUE(Phase.MONITORING, Phase.EVALUATION, Phase.REVIEW, Phase.RELEASED),
        permission=_perm("appraisal.manage_round"),
    )
    def advance(self):
        return PHASE_ORDER[PHASE_ORDER.index(self.phase) + 1]

    @transition(
        field=phase,
        source=Phase.RELEASED,
        target=Phase.CLOSED,
        permission=_perm("appraisal.manage_round"),
    )
    def close(self):
        pass

    @transition(
        field=phase,
        source=Phase.CLOSED,
        target=Phase.RELEASED,
        permission=_perm("appraisal.manage_round"),
    )
    def reopen(self):
        pass


class RoundSetting(models.Model):
    """Component weights and middle band bounds of one staff group in one round."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="settings")
    group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=StaffGroup.choices)
    weight_achievement = models.DecimalField(_("น้ำหนักผลสัมฤทธิ์ของงาน"), **WEIGHT)
    weight_competency = models.DecimalField(_("น้ำหนักพฤติกรรม/สมรรถนะ"), **WEIGHT)
    weight_other = models.DecimalField(_("น้ำหนักองค์ประกอบอื่น"), default=0, **WEIGHT)
    very_good_from = models.DecimalField(_("ดีมาก ตั้งแต่"), default=Decimal(80), **WEIGHT)
    good_from = models.DecimalField(_("ดี ตั้งแต่"), default=Decimal(70), **WEIGHT)
    fair_from = models.DecimalField(_("พอใช้ ตั้งแต่"), default=Decimal(60), **WEIGHT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("น้ำหนักและระดับผลการประเมิน")
        constraints = [
            models.UniqueConstraint(fields=["round", "group"], name="setting_unique_group"),
            models.CheckConstraint(
                condition=Q(
                    weight_achievement__gte=0, weight_competency__gte=0, weight_other__gte=0
                ),
                name="setting_weights_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id}:{self.group}"

    def bands(self) -> tuple[tuple[str, Decimal], ...]:
        return bands_of(self.very_good_from, self.good_from, self.fair_from)


# The band names as pages show them (translated); appraisal/scoring.py keeps the Thai ones
# for use outside Django and for the printed forms.
BAND_LABELS = {
    scoring.OUTSTANDING: _("ดีเด่น"),
    scoring.VERY_GOOD: _("ดีมาก"),
    scoring.GOOD: _("ดี"),
    scoring.FAIR: _("พอใช้"),
    scoring.IMPROVE: _("ต้องปรับปรุง"),
}


def band_label(code: str) -> str:
    return str(BAND_LABELS.get(code, code)) if code else ""


def bands_of(very_good, good, fair) -> tuple[tuple[str, Decimal], ...]:
    return (
        (scoring.OUTSTANDING, Decimal(90)),
        (scoring.VERY_GOOD, Decimal(very_good)),
        (scoring.GOOD, Decimal(good)),
        (scoring.FAIR, Decimal(fair)),
        (scoring.IMPROVE, Decimal(0)),
    )


class CompetencyKind(models.TextChoices):
    CORE = "core", _("สมรรถนะหลัก")
    MANAGERIAL = "managerial", _("สมรรถนะทางการบริหาร")
    LINE = "line", _("สมรรถนะประจำสายงาน")


class RoundCompetency(models.Model):
    """A competency assessed in the round. Line-of-work ones apply to one สายงาน (or all)."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="competencies")
    kind = models.CharField(_("ประเภท"), max_length=16, choices=CompetencyKind.choices)
    name = models.CharField(_("ชื่อสมรรถนะ"), max_length=255)
    order = models.PositiveSmallIntegerField(_("ลำดับ"), default=0)
    line_of_work = models.CharField(
        _("สายงาน"), max_length=255, blank=True, help_text=_("เว้นว่างหากใช้กับทุกสายงาน")
    )
    expected_level = models.PositiveSmallIntegerField(
        _("ระดับที่คาดหวัง (สมรรถนะประจำสายงาน)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="round_competency_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class ExpectedLevel(models.Model):
    """Expected core and managerial competency level for one position level (DOMAIN §5)."""

    round = models.ForeignKey(
        AppraisalRound, on_delete=models.CASCADE, related_name="expected_levels"
    )
    level = models.CharField(_("ระดับตำแหน่ง"), max_length=2, blank=True)
    core = models.PositiveSmallIntegerField(
        _("สมรรถนะหลัก"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    managerial = models.PositiveSmallIntegerField(
        _("สมรรถนะทางการบริหาร"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["level"]
        constraints = [
            models.UniqueConstraint(fields=["round", "level"], name="expected_level_unique"),
            models.CheckConstraint(condition=Q(core__gte=1, core__lte=5), name="expected_core_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.level or '-'}: {self.core}/{self.managerial or '-'}"


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


class AppraisalForm(models.Model):
    round = models.ForeignKey(AppraisalRound, on_delete=models.PROTECT, related_name="forms")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="appraisal_forms")
    state = FSMField(_("สถานะ"), default=State.NOT_STARTED, choices=State.choices, protected=False)
    # Frozen when the round opens.
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    position_title = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    position_number = models.CharField(_("เลขที่ตำแหน่ง"), max_length=32, blank=True)
    position_type = models.CharField(_("ประเภทตำแหน่ง"), max_length=16, blank=True)
    position_level = models.CharField(_("ระดับ"), max_length=2, blank=True)
    staff_group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=StaffGroup.choices)
    evaluator = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ผู้ประเมิน"),
    )
    higher = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ผู้บังคับบัญชาเหนือขึ้นไป"),
    )
    higher2 = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง"),
    )
    weight_achievement = models.DecimalField(**WEIGHT)
    weight_competency = models.DecimalField(**WEIGHT)
    weight_other = models.DecimalField(**WEIGHT)
    very_good_from = models.DecimalField(**WEIGHT)
    good_from = models.DecimalField(**WEIGHT)
    fair_from = models.DecimalField(**WEIGHT)
    competency_method = models.CharField(max_length=16, choices=CompetencyMethod.choices)
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
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.round.code}"

    def bands(self):
        return bands_of(self.very_good_from, self.good_from, self.fair_from)

    @property
    def agreement_editable(self) -> bool:
        return self.state in EDITABLE_AGREEMENT

    @property
    def is_released(self) -> bool:
        return self.state == State.RELEASED

    @property
    def needs_second_review(self) -> bool:
        return bool(self.round.second_review and self.higher2_id)

    # --- transitions (services call these inside a transaction) --------------------------
    @transition(
        field=state,
        source=State.NOT_STARTED,
        target=State.DRAFT,
        permission=_perm("appraisal.edit_agreement"),
    )
    def start(self):
        pass

    @transition(
        field=state,
        source=[State.NOT_STARTED, State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=_perm("appraisal.submit_agreement"),
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.RETURNED,
        permission=_perm("appraisal.approve_agreement"),
    )
    def return_agreement(self):
        pass

    @transition(
        field=state,
        source=State.SUBMITTED,
        target=State.AGREED,
        permission=_perm("appraisal.approve_agreement"),
    )
    def approve(self):
        pass

    @transition(
        field=state,
        source=State.AGREED,
        target=State.DRAFT,
        permission=_perm("appraisal.revise_agreement"),
    )
    def revise(self):
        """A change after approval: back to draft, to be approved again."""

    @transition(
        field=state,
        source=State.AGREED,
        target=State.SCORED,
        permission=_perm("appraisal.score_form"),
    )
    def finish_scoring(self):
        pass

    @transition(
        field=state,
        source=State.SCORED,
        target=State.AGREED,
        permission=_perm("appraisal.score_form"),
    )
    def reopen_scoring(self):
        pass

    @transition(
        field=state,
        source=State.SCORED,
        target=State.ACKNOWLEDGED,
        permission=_perm("appraisal.acknowledge_form"),
    )
    def acknowledge(self):
        pass

    @transition(
        field=state,
        source=State.SCORED,
        target=State.ACKNOWLEDGED,
        permission=_perm("appraisal.record_refusal"),
    )
    def record_refusal(self):
        pass

    @transition(
        field=state,
        source=State.ACKNOWLEDGED,
        target=RETURN_VALUE(State.HIGHER_REVIEWED, State.REVIEWED),
        permission=_perm("appraisal.higher_review"),
    )
    def higher_review(self):
        return State.HIGHER_REVIEWED if self.needs_second_review else State.REVIEWED

    @transition(
        field=state,
        source=State.HIGHER_REVIEWED,
        target=State.REVIEWED,
        permission=_perm("appraisal.higher2_review"),
    )
    def higher2_review(self):
        pass

    @transition(
        field=state,
        source=State.REVIEWED,
        target=State.RELEASED,
        permission=_perm("appraisal.release_form"),
    )
    def release(self):
        pass


class ItemKind(models.TextChoices):
    PLAN = "plan", _("ตามแผนปฏิบัติราชการ")
    DUTY = "duty", _("ตามหน้าที่ความรับผิดชอบหลัก")
    SPECIAL = "special", _("ตามที่ได้รับมอบหมายพิเศษ")


class FormKpi(models.Model):
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
        return [self.criteria_1, self.criteria_2, self.criteria_3, self.criteria_4, self.criteria_5]


class FormCompetency(models.Model):
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


class FormEvent(models.Model):
    """The form's timeline as its people see it: who did what, when, with what comment."""

    form = models.ForeignKey(AppraisalForm, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=320, blank=True)
    action = models.CharField(max_length=32)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.form_id} {self.action}"


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


class JournalEntry(models.Model):
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
