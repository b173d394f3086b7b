"""The appraisal round of a department (DOMAIN §2): phases, settings per staff group, the band table, competencies and expected levels."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from appraisal import scoring
from appraisal.models._fields import WEIGHT, transition_perm
from common import thai
from common.models import ChoiceLabels
from orgchart.models import OrgUnit, Person


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
    BAR_SCALE = scoring.BAR_SCALE, _("เทียบระดับที่คาดหวัง (ได้ 3/2/1/0 คะแนนต่อสมรรถนะ)")
    RATING = scoring.RATING, _("มาตรประมาณค่า 1–5 ตามน้ำหนัก")
    RATIO = scoring.RATIO, _("สัดส่วนระดับที่แสดงต่อระดับที่คาดหวัง")


class Rounding(models.TextChoices):
    """How component points count toward the total (DOMAIN §5)."""

    EXACT = scoring.EXACT, _("ค่าจริง (ปัดเศษเฉพาะคะแนนรวมเมื่อแสดงผล)")
    DPIS = scoring.DPIS, _("ตามระบบ DPIS (ปัดเศษแต่ละองค์ประกอบก่อนรวม)")


class RatioCap(models.TextChoices):
    """The cap of the ratio method (DOMAIN §5 [verify])."""

    TOTAL = scoring.RATIO_CAP_TOTAL, _("คะแนนรวมไม่เกินน้ำหนักขององค์ประกอบ")
    EACH = scoring.RATIO_CAP_EACH, _("นับระดับที่แสดงออกแต่ละสมรรถนะไม่เกินระดับที่คาดหวัง")


class BarLevelZero(models.TextChoices):
    """What a bar-scale competency shown at level 0 scores."""

    BY_GAP = scoring.BAR_ZERO_BY_GAP, _("คิดตามจำนวนระดับที่ต่ำกว่าที่คาดหวัง เช่นเดียวกับระดับอื่น")
    NO_POINTS = scoring.BAR_ZERO_NO_POINTS, _("ได้ 0 คะแนน (ไม่แสดงพฤติกรรม)")


# The round settings frozen into each form when the round opens, with their defaults.
SCORING_RULES = {
    "rounding": Rounding.EXACT,
    "ratio_cap": RatioCap.TOTAL,
    "bar_level_zero": BarLevelZero.BY_GAP,
}


class StaffGroup(models.TextChoices):
    """Whose weights and bands a setting row holds: a staff type, or anyone on probation."""

    CIVIL_SERVANT = "civil_servant", _("ข้าราชการ")
    PROBATION = "probation", _("ผู้ทดลองปฏิบัติหน้าที่ราชการ")
    GOVERNMENT_EMPLOYEE = "government_employee", _("พนักงานราชการ")
    PERMANENT_EMPLOYEE = "permanent_employee", _("ลูกจ้างประจำ")


def group_of(person: Person) -> str:
    return StaffGroup.PROBATION if person.on_probation else person.staff_type


class AppraisalRound(ChoiceLabels, FSMModelMixin, models.Model):
    department = models.ForeignKey(
        OrgUnit,
        verbose_name=_("ส่วนราชการ"),
        on_delete=models.PROTECT,
        related_name="appraisal_rounds",
        limit_choices_to={"parent__isnull": True},
    )
    fiscal_year = models.PositiveSmallIntegerField(_("ปีงบประมาณ (พ.ศ.)"))
    number = models.PositiveSmallIntegerField(_("รอบที่"), choices=[(1, "1"), (2, "2")])
    phase = FSMField(_("ขั้นตอน"), default=Phase.SETUP, choices=Phase.choices, protected=True)
    competency_method = models.CharField(
        _("วิธีประเมินสมรรถนะ"),
        max_length=16,
        choices=CompetencyMethod.choices,
        default=CompetencyMethod.BAR_SCALE,
    )
    rounding = models.CharField(
        _("การปัดเศษคะแนน"), max_length=8, choices=Rounding.choices, default=Rounding.EXACT
    )
    ratio_cap = models.CharField(
        _("เพดานคะแนนวิธีสัดส่วน"), max_length=8, choices=RatioCap.choices, default=RatioCap.TOTAL
    )
    bar_level_zero = models.CharField(
        _("สมรรถนะระดับ 0 (วิธีเทียบระดับที่คาดหวัง)"),
        max_length=16,
        choices=BarLevelZero.choices,
        default=BarLevelZero.BY_GAP,
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
    # The talent grid's cut points (DOMAIN §7): a component's percent of its maximum below the
    # first is "low", at or above the second "high", in between "mid" (rewards.analytics).
    talent_cut_low = models.DecimalField(
        _("จุดตัดตารางศักยภาพ ต่ำ/กลาง (ร้อยละ)"), max_digits=5, decimal_places=2, default=60
    )
    talent_cut_high = models.DecimalField(
        _("จุดตัดตารางศักยภาพ กลาง/สูง (ร้อยละ)"), max_digits=5, decimal_places=2, default=80
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
            models.CheckConstraint(
                condition=Q(talent_cut_low__gte=0)
                & Q(talent_cut_low__lt=models.F("talent_cut_high"))
                & Q(talent_cut_high__lte=100),
                name="round_talent_cuts_rise",
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
        permission=transition_perm("appraisal.manage_round"),
    )
    def open(self):
        pass

    @transition(
        field=phase,
        source=[Phase.AGREEMENT, Phase.MONITORING, Phase.EVALUATION, Phase.REVIEW],
        target=RETURN_VALUE(Phase.MONITORING, Phase.EVALUATION, Phase.REVIEW, Phase.RELEASED),
        permission=transition_perm("appraisal.manage_round"),
    )
    def advance(self):
        return PHASE_ORDER[PHASE_ORDER.index(self.phase) + 1]

    @transition(
        field=phase,
        source=Phase.RELEASED,
        target=Phase.CLOSED,
        permission=transition_perm("appraisal.manage_round"),
    )
    def close(self):
        pass

    @transition(
        field=phase,
        source=Phase.CLOSED,
        target=Phase.RELEASED,
        permission=transition_perm("appraisal.manage_round"),
    )
    def reopen(self):
        pass


class RoundSetting(ChoiceLabels, models.Model):
    """Component weights and middle band bounds of one staff group in one round."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.CASCADE, related_name="settings")
    group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=StaffGroup.choices)
    weight_achievement = models.DecimalField(_("น้ำหนักผลสัมฤทธิ์ของงาน"), **WEIGHT)
    weight_competency = models.DecimalField(_("น้ำหนักพฤติกรรม/สมรรถนะ"), **WEIGHT)
    weight_other = models.DecimalField(_("น้ำหนักองค์ประกอบอื่น"), default=0, **WEIGHT)
    very_good_from = models.DecimalField(_("ดีมาก ตั้งแต่"), default=Decimal(80), **WEIGHT)
    good_from = models.DecimalField(_("ดี ตั้งแต่"), default=Decimal(70), **WEIGHT)
    fair_from = models.DecimalField(_("พอใช้ ตั้งแต่"), default=scoring.FAIR_FROM, **WEIGHT)
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
    return scoring.band_table(Decimal(very_good), Decimal(good), Decimal(fair))


class CompetencyKind(models.TextChoices):
    CORE = "core", _("สมรรถนะหลัก")
    MANAGERIAL = "managerial", _("สมรรถนะทางการบริหาร")
    LINE = "line", _("สมรรถนะประจำสายงาน")


class RoundCompetency(ChoiceLabels, models.Model):
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
    """Expected core and managerial competency level for one position grade (DOMAIN §5)."""

    round = models.ForeignKey(
        AppraisalRound, on_delete=models.CASCADE, related_name="expected_levels"
    )
    grade = models.CharField(_("ระดับตำแหน่ง"), max_length=2, blank=True)
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
        ordering = ["grade"]
        constraints = [
            models.UniqueConstraint(fields=["round", "grade"], name="expected_level_unique"),
            models.CheckConstraint(condition=Q(core__gte=1, core__lte=5), name="expected_core_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.grade or '-'}: {self.core}/{self.managerial or '-'}"
