"""Salary raises of a round (DOMAIN §7): the tables HR edits, budget units, raise sheets and
the salary record that a confirmed sheet leaves behind.

Every table row carries the date it takes effect (effective_from); a sheet reads the row in
force on its round's effective date (1 Apr for round 1, 1 Oct for round 2). A row without a
department is the national default (seeded from DOMAIN §7); a department's own row, once it
takes effect, wins over the default of the same date or earlier.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal.models import AppraisalForm, AppraisalRound
from common.models import ChoiceLabels, register_kinds
from orgchart.models import Grade, OrgUnit, Person, StaffType

MONEY = {"max_digits": 12, "decimal_places": 2}
PERCENT = {"max_digits": 7, "decimal_places": 4}


@register_kinds
class RaiseEvent(models.TextChoices):
    """What the audit trail records of salary raises (common.models.audit)."""

    TABLE_SET = "raise.table_set", _("แก้ไขตารางการเลื่อนเงินเดือน")
    BUDGET_UNIT = "raise.budget_unit", _("กำหนดหน่วยวงเงินเลื่อนเงินเดือน")
    SHEET_CREATE = "raise.sheet_create", _("สร้างบัญชีเลื่อนเงินเดือน")
    SHEET_REFRESH = "raise.sheet_refresh", _("ปรับผลการประเมินในบัญชีเลื่อนเงินเดือน")
    PROPOSE = "raise.propose", _("คำนวณข้อเสนอการเลื่อนเงินเดือน")
    ADJUST = "raise.adjust", _("ปรับการเลื่อนเงินเดือนรายบุคคล")
    ELIGIBILITY = "raise.eligibility", _("กำหนดสิทธิการเลื่อนเงินเดือน")
    CONFIRM = "raise.confirm", _("ยืนยันบัญชีเลื่อนเงินเดือน")


class RaiseGroup(models.TextChoices):
    """Who shares one budget: civil servants, and the two employee groups each on their own."""

    CIVIL_SERVANT = StaffType.CIVIL_SERVANT, _("ข้าราชการ")
    GOVERNMENT_EMPLOYEE = StaffType.GOVERNMENT_EMPLOYEE, _("พนักงานราชการ")
    PERMANENT_EMPLOYEE = StaffType.PERMANENT_EMPLOYEE, _("ลูกจ้างประจำ")


_DEPARTMENT = {
    "to": OrgUnit,
    "null": True,
    "blank": True,
    "on_delete": models.CASCADE,
    "related_name": "+",
    "limit_choices_to": {"parent__isnull": True},
    "verbose_name": _("ส่วนราชการ (ว่าง = ค่าเริ่มต้นของทุกส่วนราชการ)"),
}


class RaiseBase(ChoiceLabels, models.Model):
    """The calculation base of a grade (ฐานในการคำนวณ): mid value, lower and upper base, ceiling."""

    department = models.ForeignKey(**_DEPARTMENT)
    grade = models.CharField(_("ระดับ"), max_length=2, choices=Grade.choices)
    effective_from = models.DateField(_("มีผลตั้งแต่"))
    mid = models.DecimalField(_("ค่ากลาง"), **MONEY)
    lower_base = models.DecimalField(_("ฐานล่าง"), **MONEY)
    upper_base = models.DecimalField(_("ฐานบน"), **MONEY)
    ceiling = models.DecimalField(_("เงินเดือนขั้นสูง"), **MONEY)

    class Meta:
        verbose_name = _("ฐานในการคำนวณ")
        verbose_name_plural = _("ฐานในการคำนวณ")
        ordering = ["grade", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "grade", "effective_from"], name="raisebase_unique"
            ),
            models.UniqueConstraint(
                fields=["grade", "effective_from"],
                condition=Q(department__isnull=True),
                name="raisebase_default_unique",
            ),
            models.CheckConstraint(
                condition=Q(lower_base__lte=models.F("upper_base"), mid__gte=0, lower_base__gte=0)
                & Q(ceiling__gte=models.F("upper_base")),
                name="raisebase_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.grade} {self.effective_from}"


class RaiseRange(ChoiceLabels, models.Model):
    """The department's percent range of one band (for example ดีเด่น 4–6%)."""

    department = models.ForeignKey(**_DEPARTMENT)
    staff_group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=RaiseGroup.choices)
    band = models.CharField(_("ระดับผลการประเมิน"), max_length=16)
    effective_from = models.DateField(_("มีผลตั้งแต่"))
    low = models.DecimalField(_("ร้อยละต่ำสุด"), max_digits=4, decimal_places=2)
    high = models.DecimalField(_("ร้อยละสูงสุด"), max_digits=4, decimal_places=2)

    class Meta:
        verbose_name = _("ช่วงร้อยละการเลื่อนเงินเดือน")
        verbose_name_plural = _("ช่วงร้อยละการเลื่อนเงินเดือน")
        ordering = ["staff_group", "band", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "staff_group", "band", "effective_from"],
                name="raiserange_unique",
            ),
            models.UniqueConstraint(
                fields=["staff_group", "band", "effective_from"],
                condition=Q(department__isnull=True),
                name="raiserange_default_unique",
            ),
            models.CheckConstraint(
                condition=Q(low__gte=0, high__lte=6, low__lte=models.F("high")),
                name="raiserange_0_6",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_group} {self.band} {self.low}–{self.high}"


class RaiseBudgetRate(ChoiceLabels, models.Model):
    """The budget percent (วงเงิน, 3% by default) of one staff group."""

    department = models.ForeignKey(**_DEPARTMENT)
    staff_group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=RaiseGroup.choices)
    effective_from = models.DateField(_("มีผลตั้งแต่"))
    percent = models.DecimalField(_("ร้อยละของวงเงิน"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("ร้อยละของวงเงิน")
        verbose_name_plural = _("ร้อยละของวงเงิน")
        ordering = ["staff_group", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "staff_group", "effective_from"], name="raiserate_unique"
            ),
            models.UniqueConstraint(
                fields=["staff_group", "effective_from"],
                condition=Q(department__isnull=True),
                name="raiserate_default_unique",
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="raiserate_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_group} {self.percent}%"


class BudgetUnit(models.Model):
    """Units of a department that HR groups into one budget (หน่วยวงเงิน). People of the
    department outside every group share the department's own budget."""

    department = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("ส่วนราชการ")
    )
    name = models.CharField(_("ชื่อหน่วยวงเงิน"), max_length=255)
    units = models.ManyToManyField(OrgUnit, related_name="+", verbose_name=_("หน่วยงาน"))

    class Meta:
        verbose_name = _("หน่วยวงเงิน")
        verbose_name_plural = _("หน่วยวงเงิน")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="budgetunit_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class SheetState(models.TextChoices):
    DRAFT = "draft", _("กำลังจัดทำ")
    CONFIRMED = "confirmed", _("ยืนยันแล้ว")


class RaiseSheet(ChoiceLabels, models.Model):
    """The raise sheet of one round, budget unit and staff group: the roll as it was when HR
    created it, the budget, and one line per person."""

    round = models.ForeignKey(AppraisalRound, on_delete=models.PROTECT, related_name="raise_sheets")
    budget_unit = models.ForeignKey(
        BudgetUnit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sheets",
        verbose_name=_("หน่วยวงเงิน"),
    )
    staff_group = models.CharField(_("กลุ่มบุคลากร"), max_length=32, choices=RaiseGroup.choices)
    state = models.CharField(
        _("สถานะ"), max_length=16, choices=SheetState.choices, default=SheetState.DRAFT
    )
    roll_on = models.DateField(_("ข้อมูลเงินเดือน ณ วันที่"))
    effective_on = models.DateField(_("มีผลตั้งแต่"))
    roll_total = models.DecimalField(_("เงินเดือนรวม"), max_digits=14, decimal_places=2)
    budget_percent = models.DecimalField(_("ร้อยละของวงเงิน"), max_digits=5, decimal_places=2)
    budget = models.DecimalField(_("วงเงิน"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("บัญชีเลื่อนเงินเดือน")
        verbose_name_plural = _("บัญชีเลื่อนเงินเดือน")
        ordering = ["round", "budget_unit__name", "staff_group"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "budget_unit", "staff_group"], name="raisesheet_unique"
            ),
            models.UniqueConstraint(
                fields=["round", "staff_group"],
                condition=Q(budget_unit__isnull=True),
                name="raisesheet_department_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.code} {self.unit_name} {self.get_staff_group_display()}"

    @property
    def unit_name(self) -> str:
        return self.budget_unit.name if self.budget_unit_id else self.round.department.name

    @property
    def is_confirmed(self) -> bool:
        return self.state == SheetState.CONFIRMED


class RaiseLine(models.Model):
    """One person of a sheet: the snapshot of the roll, the result, the eligibility and the
    raise. A line is eligible when `reason` is empty."""

    sheet = models.ForeignKey(RaiseSheet, on_delete=models.CASCADE, related_name="lines")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="raise_lines")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(_("ชื่อ-สกุล"), max_length=320)
    position_title = models.CharField(_("ตำแหน่ง"), max_length=255, blank=True)
    position_number = models.CharField(_("เลขที่ตำแหน่ง"), max_length=32, blank=True)
    grade = models.CharField(_("ระดับ"), max_length=2, blank=True)
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    salary = models.DecimalField(_("เงินเดือนเดิม"), **MONEY)
    form = models.ForeignKey(
        AppraisalForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    total = models.DecimalField(_("คะแนนรวม"), max_digits=6, decimal_places=2, null=True)
    band = models.CharField(_("ระดับผลการประเมิน"), max_length=16, blank=True)
    base = models.DecimalField(_("ฐานในการคำนวณ"), null=True, **MONEY)
    ceiling = models.DecimalField(_("เงินเดือนขั้นสูง"), null=True, **MONEY)
    # Why this person gets no raise: read from the data (unreleased result, ต้องปรับปรุง, no
    # base...) or written by HR (hr_reason: fewer than 4 months, leave, discipline...).
    auto_reason = models.CharField(max_length=255, blank=True)
    hr_reason = models.CharField(_("เหตุผลที่ไม่มีสิทธิ"), max_length=255, blank=True)
    percent = models.DecimalField(_("ร้อยละ"), null=True, **PERCENT)
    amount = models.DecimalField(_("จำนวนเงินที่เลื่อน"), default=0, **MONEY)
    new_salary = models.DecimalField(_("เงินเดือนใหม่"), null=True, **MONEY)
    special = models.DecimalField(_("ค่าตอบแทนพิเศษ"), default=0, **MONEY)
    note = models.CharField(_("หมายเหตุ"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("รายการเลื่อนเงินเดือน")
        verbose_name_plural = _("รายการเลื่อนเงินเดือน")
        ordering = ["sheet", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "person"], name="raiseline_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="raiseline_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.name}"

    @property
    def reason(self) -> str:
        return self.auto_reason or self.hr_reason

    @property
    def eligible(self) -> bool:
        return not self.reason


class SalaryRecord(models.Model):
    """A person's salary history: what a confirmed sheet (or an import) set, from when."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="salary_records")
    effective_on = models.DateField(_("มีผลตั้งแต่"))
    old_salary = models.DecimalField(_("เงินเดือนเดิม"), **MONEY)
    new_salary = models.DecimalField(_("เงินเดือนใหม่"), **MONEY)
    amount = models.DecimalField(_("จำนวนเงินที่เลื่อน"), **MONEY)
    percent = models.DecimalField(_("ร้อยละ"), null=True, **PERCENT)
    special = models.DecimalField(_("ค่าตอบแทนพิเศษ"), default=0, **MONEY)
    sheet = models.ForeignKey(
        RaiseSheet, null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ประวัติเงินเดือน")
        verbose_name_plural = _("ประวัติเงินเดือน")
        ordering = ["person", "-effective_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "sheet"], name="salaryrecord_once_per_sheet")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.effective_on} {self.new_salary}"
