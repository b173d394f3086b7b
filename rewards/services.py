"""Every write of the salary raises (DOMAIN §7): the tables, budget units, a round's raise
sheets from creation to confirmation. Each is atomic with its audit record; the arithmetic is
rewards.salary's. A sheet's row is locked (select_for_update) by every change of its lines,
so two HR officers adjusting one budget unit take turns and the total never passes the budget.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from appraisal.models import BAND_LABELS, AppraisalRound, band_label
from appraisal.scoring import IMPROVE
from common.errors import DomainError, thai_message
from common.models import audit
from common.permissions import require
from orgchart.models import Grade, OrgUnit, Person
from orgchart.selectors import roles_of
from rewards import salary
from rewards import selectors_raises as sel
from rewards.models import (
    BudgetUnit,
    RaiseBase,
    RaiseBudgetRate,
    RaiseEvent,
    RaiseGroup,
    RaiseLine,
    RaiseRange,
    RaiseSheet,
    SalaryRecord,
    SheetState,
)

PERM = "rewards.manage_raises"
_ZERO = Decimal(0)
_SHOWN = Decimal("0.01")

NOT_RELEASED = "ยังไม่ประกาศผลการประเมิน"
NO_FORM = "ไม่มีแบบประเมินในรอบนี้"
IMPROVE_REASON = "ผลการประเมินระดับต้องปรับปรุง"
NO_SALARY = "ไม่มีข้อมูลเงินเดือน"


def baht(value: Decimal) -> str:
    """'12,345' or '12,345.50': money as the messages write it."""
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def _require_department(actor, department: OrgUnit) -> None:
    require(actor, PERM, AppraisalRound(department=department))


def _number(value, field: str, label: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}: กรุณากรอกตัวเลข", field=field) from None
    if not number.is_finite():
        raise DomainError(f"{label}: กรุณากรอกตัวเลข", field=field)
    return number


def _date(value, field: str = "effective_from") -> dt.date:
    if not isinstance(value, dt.date):
        raise DomainError("วันที่มีผล: กรุณาระบุวันที่", field=field)
    return value


# --- tables ----------------------------------------------------------------------------------


def _check_group(staff_group: str) -> None:
    if staff_group not in RaiseGroup.values:
        raise DomainError("ไม่รู้จักกลุ่มบุคลากรนี้", field="staff_group")


@transaction.atomic
def raise_base_set(
    *, actor, department: OrgUnit, grade: str, effective_from, mid, lower_base, upper_base, ceiling
) -> RaiseBase:
    """The department's bases of a grade from a date (a new row, or that date's row changed)."""
    _require_department(actor, department)
    if grade not in Grade.values:
        raise DomainError("ไม่รู้จักระดับตำแหน่งนี้", field="grade")
    values = {
        "mid": _number(mid, "mid", "ค่ากลาง"),
        "lower_base": _number(lower_base, "lower_base", "ฐานล่าง"),
        "upper_base": _number(upper_base, "upper_base", "ฐานบน"),
        "ceiling": _number(ceiling, "ceiling", "เงินเดือนขั้นสูง"),
    }
    if any(v <= 0 for v in values.values()):
        raise DomainError("ค่ากลาง ฐานล่าง ฐานบน และเงินเดือนขั้นสูงต้องมากกว่า 0", field="mid")
    if not values["lower_base"] <= values["upper_base"] <= values["ceiling"]:
        raise DomainError("ฐานล่างต้องไม่สูงกว่าฐานบน และฐานบนต้องไม่สูงกว่าเงินเดือนขั้นสูง", field="upper_base")
    on = _date(effective_from)
    row, created = RaiseBase.objects.update_or_create(
        department=department, grade=grade, effective_from=on, defaults=values
    )
    audit(
        actor=actor,
        kind=RaiseEvent.TABLE_SET,
        obj=department,
        summary=f"ฐานในการคำนวณ {grade} มีผล {on.isoformat()}",
        changes={k: [None, str(v)] for k, v in values.items()},
    )
    return row


@transaction.atomic
def raise_range_set(
    *, actor, department: OrgUnit, staff_group: str, band: str, effective_from, low, high
) -> RaiseRange:
    _require_department(actor, department)
    _check_group(staff_group)
    if band not in BAND_LABELS:
        raise DomainError("ไม่รู้จักระดับผลการประเมินนี้", field="band")
    lo = _number(low, "low", "ร้อยละต่ำสุด")
    hi = _number(high, "high", "ร้อยละสูงสุด")
    try:
        salary.propose(people=[], ranges={band: (lo, hi)}, budget=0)
    except ValueError as exc:
        raise DomainError(thai_message(exc), field="high") from None
    on = _date(effective_from)
    row, _created = RaiseRange.objects.update_or_create(
        department=department,
        staff_group=staff_group,
        band=band,
        effective_from=on,
        defaults={"low": lo, "high": hi},
    )
    audit(
        actor=actor,
        kind=RaiseEvent.TABLE_SET,
        obj=department,
        summary=f"ช่วงร้อยละ {RaiseGroup(staff_group).label} {band_label(band)} มีผล {on.isoformat()}",
        changes={"low": [None, str(lo)], "high": [None, str(hi)]},
    )
    return row


@transaction.atomic
def raise_budget_rate_set(
    *, actor, department: OrgUnit, staff_group: str, effective_from, percent
) -> RaiseBudgetRate:
    _require_department(actor, department)
    _check_group(staff_group)
    pct = _number(percent, "percent", "ร้อยละของวงเงิน")
    if not _ZERO <= pct <= 100:
        raise DomainError("ร้อยละของวงเงินต้องอยู่ระหว่าง 0–100", field="percent")
    on = _date(effective_from)
    row, _created = RaiseBudgetRate.objects.update_or_create(
        department=department, staff_group=staff_group, effective_from=on, defaults={"percent": pct}
    )
    audit(
        actor=actor,
        kind=RaiseEvent.TABLE_SET,
        obj=department,
        summary=f"ร้อยละของวงเงิน {RaiseGroup(staff_group).label} มีผล {on.isoformat()}",
        changes={"percent": [None, str(pct)]},
    )
    return row


# --- budget units ----------------------------------------------------------------------------


@transaction.atomic
def budget_unit_create(
    *, actor, department: OrgUnit, name: str, units: list[OrgUnit]
) -> BudgetUnit:
    """A group of the department's units that shares one budget; a unit (with its subtree)
    belongs to one group at most."""
    _require_department(actor, department)
    name = (name or "").strip()
    if not name:
        raise DomainError("กรุณาตั้งชื่อหน่วยวงเงิน", field="name")
    if not units:
        raise DomainError("กรุณาเลือกหน่วยงานอย่างน้อยหนึ่งหน่วย", field="units")
    if any(u.tree_id != department.tree_id or u.pk == department.pk for u in units):
        raise DomainError("เลือกได้เฉพาะหน่วยงานในสังกัดของส่วนราชการ", field="units")
    taken = [u for bu in sel.budget_units_of(department) for u in bu.units.all()]
    if any(
        (u.lft <= t.lft and t.rght <= u.rght) or (t.lft <= u.lft and u.rght <= t.rght)
        for u in units
        for t in taken
    ):
        raise DomainError("หน่วยงานที่เลือกอยู่ในหน่วยวงเงินอื่นแล้ว", field="units")
    try:
        with transaction.atomic():
            bu = BudgetUnit.objects.create(department=department, name=name)
    except IntegrityError:
        raise DomainError("มีหน่วยวงเงินชื่อนี้แล้ว", field="name") from None
    bu.units.set(units)
    audit(
        actor=actor,
        kind=RaiseEvent.BUDGET_UNIT,
        obj=department,
        summary=f"หน่วยวงเงิน {name}: " + ", ".join(u.name for u in units),
    )
    return bu


@transaction.atomic
def budget_unit_delete(*, actor, budget_unit: BudgetUnit) -> None:
    """Remove a group no sheet uses yet; its people go back to the department's budget."""
    _require_department(actor, budget_unit.department)
    if budget_unit.sheets.exists():
        raise DomainError(f"หน่วยวงเงิน {budget_unit.name} มีบัญชีเลื่อนเงินเดือนแล้ว ลบไม่ได้")
    name = budget_unit.name
    audit(
        actor=actor,
        kind=RaiseEvent.BUDGET_UNIT,
        obj=budget_unit.department,
        summary=f"ลบหน่วยวงเงิน {name}",
    )
    budget_unit.delete()


# --- sheets ----------------------------------------------------------------------------------


def _result_of(form) -> tuple[Decimal | None, str, str]:
    """(total, band, reason) of a person's form: only a released result counts."""
    if form is None:
        return None, "", NO_FORM
    if not sel.is_released(form):
        return None, "", NOT_RELEASED
    if form.final_band == IMPROVE:
        return form.final_total, form.final_band, IMPROVE_REASON
    return form.final_total, form.final_band, ""


def _base_of(person_grade: str, salary_now: Decimal, group: str, bases) -> tuple:
    """(base, ceiling, reason): civil servants by their grade's bases, the employee groups by a
    percent of their own pay with no ceiling."""
    if group != RaiseGroup.CIVIL_SERVANT:
        return salary_now, None, ""
    row = bases.get(person_grade)
    if row is None:
        return None, None, f"ไม่มีฐานในการคำนวณของระดับ {person_grade or '(ไม่ระบุระดับ)'}"
    if salary_now > row.ceiling:
        return None, row.ceiling, f"เงินเดือนสูงกว่าเงินเดือนขั้นสูง {baht(row.ceiling)} บาท"
    base = salary.calculation_base(
        salary=salary_now, mid=row.mid, lower_base=row.lower_base, upper_base=row.upper_base
    )
    return base, row.ceiling, ""


@transaction.atomic
def raise_sheet_create(
    *, actor, rnd: AppraisalRound, budget_unit: BudgetUnit | None, staff_group: str
) -> RaiseSheet:
    """The sheet of a budget unit and staff group: the people on the roll with their salary as
    it is now (the 1 Mar / 1 Sep roll), the budget, and each person's released result."""
    require(actor, PERM, rnd)
    _check_group(staff_group)
    if budget_unit is not None and budget_unit.department_id != rnd.department_id:
        raise DomainError("หน่วยวงเงินนี้ไม่ใช่ของส่วนราชการของรอบ", field="budget_unit")
    department = rnd.department
    on = sel.effective_on(rnd)
    rate = sel.budget_rate_in_force(department, staff_group, on)
    if rate is None:
        raise DomainError(
            f"ยังไม่ได้กำหนดร้อยละของวงเงินของ{RaiseGroup(staff_group).label}ที่มีผล ณ วันที่ {on:%d/%m/%Y}"
        )
    people = list(
        sel.people_of(rnd, budget_unit, staff_group).order_by("unit__lft", "position__number", "pk")
    )
    roll = [p.salary for p in people if p.salary is not None]
    sheet = RaiseSheet(
        round=rnd,
        budget_unit=budget_unit,
        staff_group=staff_group,
        roll_on=sel.roll_on(rnd),
        effective_on=on,
        roll_total=sum(roll, _ZERO),
        budget_percent=rate.percent,
        budget=salary.budget(salaries=roll, percent=rate.percent),
        created_by=actor,
    )
    try:
        with transaction.atomic():
            sheet.save()
    except IntegrityError:
        raise DomainError("มีบัญชีเลื่อนเงินเดือนของหน่วยวงเงินและกลุ่มบุคลากรนี้แล้ว") from None
    bases = sel.bases_in_force(department, on)
    forms = sel.released_forms(rnd, [p.pk for p in people])
    lines = []
    for order, person in enumerate(people, start=1):
        position = person.position
        line = RaiseLine(
            sheet=sheet,
            person=person,
            order=order,
            name=person.full_name,
            position_title=position.title if position else "",
            position_number=position.number if position else "",
            grade=position.grade if position else "",
            unit=person.unit,
            salary=person.salary if person.salary is not None else _ZERO,
        )
        _read_result(
            line, forms.get(person.pk), bases, staff_group, has_salary=person.salary is not None
        )
        lines.append(line)
    RaiseLine.objects.bulk_create(lines)
    audit(
        actor=actor,
        kind=RaiseEvent.SHEET_CREATE,
        obj=sheet,
        summary=f"{sheet.unit_name} {RaiseGroup(staff_group).label} {len(lines)} ราย "
        f"เงินเดือนรวม {baht(sheet.roll_total)} บาท วงเงิน {baht(sheet.budget)} บาท",
    )
    return sheet


def _read_result(line: RaiseLine, form, bases, group: str, *, has_salary: bool = True) -> None:
    line.form = form
    line.total, line.band, reason = _result_of(form)
    line.base, line.ceiling, base_reason = _base_of(line.grade, line.salary, group, bases)
    if not has_salary:
        base_reason = NO_SALARY
    line.auto_reason = reason or base_reason
    if not line.eligible:
        _set(line, None, _ZERO)


def _set(line: RaiseLine, percent: Decimal | None, amount: Decimal) -> None:
    line.percent = percent
    line.amount = amount
    if percent is None and amount == 0:
        line.new_salary, line.special = None, _ZERO
        return
    ceiling = line.ceiling if line.ceiling is not None else line.salary + amount
    line.new_salary, line.special = salary.apply_raise(
        salary=line.salary, amount=amount, ceiling=ceiling
    )


def _locked(sheet: RaiseSheet) -> RaiseSheet:
    """The sheet's row, locked until the transaction ends; refused once confirmed."""
    fresh = (
        RaiseSheet.objects.select_for_update().select_related("round__department").get(pk=sheet.pk)
    )
    if fresh.state != SheetState.DRAFT:
        raise DomainError("บัญชีนี้ยืนยันแล้ว แก้ไขไม่ได้")
    return fresh


def _used(sheet: RaiseSheet, *, without: int | None = None) -> Decimal:
    lines = RaiseLine.objects.filter(sheet=sheet)
    if without is not None:
        lines = lines.exclude(pk=without)
    return sum((a for a in lines.values_list("amount", flat=True)), _ZERO)


@transaction.atomic
def raise_sheet_refresh(*, actor, sheet: RaiseSheet) -> int:
    """Read the round's released results again (forms released after the sheet was made);
    a line whose result changed loses its raise until proposed or adjusted again."""
    sheet = _locked(sheet)
    require(actor, PERM, sheet.round)
    on = sheet.effective_on
    bases = sel.bases_in_force(sheet.round.department, on)
    lines = list(sheet.lines.all())
    forms = sel.released_forms(sheet.round, [line.person_id for line in lines])
    changed = 0
    for line in lines:
        before = (line.total, line.band, line.auto_reason)
        _read_result(line, forms.get(line.person_id), bases, sheet.staff_group)
        if (line.total, line.band, line.auto_reason) != before:
            _set(line, None, _ZERO)
            line.save()
            changed += 1
    audit(actor=actor, kind=RaiseEvent.SHEET_REFRESH, obj=sheet, summary=f"เปลี่ยน {changed} ราย")
    return changed


@transaction.atomic
def raise_propose(*, actor, sheet: RaiseSheet) -> Decimal:
    """salary.propose for the eligible people within the budget and the band ranges; the
    ineligible get nothing. Returns the money used. OverBudget's Thai message when the low ends
    alone cost more than the budget."""
    sheet = _locked(sheet)
    require(actor, PERM, sheet.round)
    ranges = {
        band: (row.low, row.high)
        for band, row in sel.ranges_in_force(
            sheet.round.department, sheet.staff_group, sheet.effective_on
        ).items()
    }
    lines = list(sheet.lines.all())
    eligible = [line for line in lines if line.eligible]
    people = [
        (
            line.pk,
            line.total,
            line.band,
            line.base,
            line.salary,
            line.ceiling if line.ceiling is not None else line.salary,
        )
        for line in eligible
    ]
    try:
        percents = salary.propose(people=people, ranges=ranges, budget=sheet.budget)
    except salary.OverBudget as exc:
        raise DomainError(thai_message(exc)) from None
    except ValueError as exc:
        raise DomainError(thai_message(exc)) from None
    for line in lines:
        pct = percents.get(line.pk)
        if pct is None:
            _set(line, None, _ZERO)
        else:
            _set(line, pct, salary.raise_amount(base=line.base, percent=pct))
    RaiseLine.objects.bulk_update(lines, ["percent", "amount", "new_salary", "special"])
    used = sum((line.amount for line in lines), _ZERO)
    audit(
        actor=actor,
        kind=RaiseEvent.PROPOSE,
        obj=sheet,
        summary=f"ใช้เงิน {baht(used)} บาท จากวงเงิน {baht(sheet.budget)} บาท",
    )
    return used


def _own_line(actor, line: RaiseLine) -> bool:
    me = roles_of(actor).person
    return me is not None and me.pk == line.person_id


def _line(sheet: RaiseSheet, line_id) -> RaiseLine:
    try:
        return RaiseLine.objects.get(sheet=sheet, pk=line_id)
    except (RaiseLine.DoesNotExist, ValueError, TypeError):
        raise DomainError("ไม่พบรายชื่อนี้ในบัญชี") from None


@transaction.atomic
def raise_adjust(
    *, actor, sheet: RaiseSheet, line_id, percent=None, amount=None, note: str | None = None
) -> RaiseLine:
    """One person's raise, as a percent of their base or in baht, inside their band's range;
    refused when it would take the sheet's total over the budget (the sheet's row is locked,
    so a concurrent change waits and is checked against the total it leaves)."""
    sheet = _locked(sheet)
    require(actor, PERM, sheet.round)
    line = _line(sheet, line_id)
    if _own_line(actor, line):
        raise DomainError("ท่านไม่สามารถกำหนดการเลื่อนเงินเดือนของตนเองได้")
    if not line.eligible:
        raise DomainError(f"{line.name} ไม่มีสิทธิเลื่อนเงินเดือนในรอบนี้: {line.reason}")
    if (percent in (None, "")) == (amount in (None, "")):
        raise DomainError("กรุณากรอกร้อยละ หรือจำนวนเงิน อย่างใดอย่างหนึ่ง", field="percent")
    ranges = sel.ranges_in_force(sheet.round.department, sheet.staff_group, sheet.effective_on)
    band_range = ranges.get(line.band)
    if band_range is None:
        raise DomainError(f"ยังไม่ได้กำหนดช่วงร้อยละของระดับ{band_label(line.band)}")
    low, high = band_range.low, band_range.high
    what = f"ระดับ{band_label(line.band)} เลื่อนได้ร้อยละ {low}–{high}"
    if percent not in (None, ""):
        pct = _number(percent, "percent", "ร้อยละ")
        if not low <= pct <= high:
            raise DomainError(f"{line.name}: {what} (กรอก {pct})", field="percent")
        if pct != pct.quantize(Decimal("0.0001")):
            raise DomainError("ร้อยละมีทศนิยมได้ไม่เกิน 4 ตำแหน่ง", field="percent")
        money = salary.raise_amount(base=line.base, percent=pct)
    else:
        money = _number(amount, "amount", "จำนวนเงิน")
        if money < 0 or money % 10:
            raise DomainError("จำนวนเงินต้องเป็นจำนวนเต็มสิบบาท ไม่ติดลบ", field="amount")
        least = salary.raise_amount(base=line.base, percent=low)
        most = salary.raise_amount(base=line.base, percent=high)
        if not least <= money <= most:
            raise DomainError(
                f"{line.name}: {what} คือ {baht(least)}–{baht(most)} บาท (กรอก {baht(money)})",
                field="amount",
            )
        pct = (money / line.base * 100).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    others = _used(sheet, without=line.pk)
    if others + money > sheet.budget:
        raise DomainError(
            f"เลื่อนเงินเดือน {line.name} {baht(money)} บาท ไม่ได้ เพราะจะใช้เงินรวม "
            f"{baht(others + money)} บาท เกินวงเงิน {baht(sheet.budget)} บาท "
            f"(คงเหลือในวงเงิน {baht(sheet.budget - _used(sheet))} บาท "
            f"จึงเลื่อนให้ผู้นี้ได้รวมไม่เกิน {baht(sheet.budget - others)} บาท)",
            field="amount" if amount not in (None, "") else "percent",
        )
    old = (str(line.percent), str(line.amount))
    _set(line, pct, money)
    if note is not None:
        line.note = note.strip()[:255]
    line.save()
    audit(
        actor=actor,
        kind=RaiseEvent.ADJUST,
        obj=sheet,
        summary=f"{line.name}: ร้อยละ {pct.quantize(_SHOWN)} จำนวน {baht(money)} บาท",
        changes={"percent": [old[0], str(pct)], "amount": [old[1], str(money)]},
    )
    return line


@transaction.atomic
def raise_eligibility_set(*, actor, sheet: RaiseSheet, line_id, reason: str) -> RaiseLine:
    """HR marks a person ineligible with a reason (fewer than 4 months, leave, discipline…),
    or eligible again with an empty reason."""
    sheet = _locked(sheet)
    require(actor, PERM, sheet.round)
    line = _line(sheet, line_id)
    if _own_line(actor, line):
        raise DomainError("ท่านไม่สามารถกำหนดสิทธิการเลื่อนเงินเดือนของตนเองได้")
    reason = (reason or "").strip()[:255]
    old = line.hr_reason
    line.hr_reason = reason
    if not line.eligible:
        _set(line, None, _ZERO)
    line.save()
    audit(
        actor=actor,
        kind=RaiseEvent.ELIGIBILITY,
        obj=sheet,
        summary=f"{line.name}: " + (f"ไม่มีสิทธิ ({reason})" if reason else "มีสิทธิ"),
        changes={"hr_reason": [old, reason]},
        reason=reason,
    )
    return line


@transaction.atomic
def raise_sheet_confirm(*, actor, sheet: RaiseSheet) -> int:
    """Record the new salaries and special compensation from the effective date, update each
    person's salary, and lock the sheet. Returns how many people were raised."""
    sheet = _locked(sheet)
    require(actor, PERM, sheet.round)
    lines = list(sheet.lines.select_related("person"))
    used = sum((line.amount for line in lines), _ZERO)
    if used > sheet.budget:
        raise DomainError(
            f"ยอดเลื่อนเงินเดือนรวม {baht(used)} บาท เกินวงเงิน {baht(sheet.budget)} บาท ยืนยันไม่ได้"
        )
    missing = [line.name for line in lines if line.eligible and line.percent is None]
    if missing:
        raise DomainError(
            "ยังไม่ได้กำหนดการเลื่อนเงินเดือนของ "
            + ", ".join(missing[:5])
            + (f" และอีก {len(missing) - 5} ราย" if len(missing) > 5 else "")
        )
    raised = 0
    changes = {}
    for line in lines:
        if not line.eligible or line.new_salary is None:
            continue
        SalaryRecord.objects.create(
            person=line.person,
            effective_on=sheet.effective_on,
            old_salary=line.salary,
            new_salary=line.new_salary,
            amount=line.amount,
            percent=line.percent,
            special=line.special,
            sheet=sheet,
            recorded_by=actor,
        )
        Person.objects.filter(pk=line.person_id).update(salary=line.new_salary)
        changes[line.name] = [str(line.salary), str(line.new_salary)]
        raised += 1
    sheet.state = SheetState.CONFIRMED
    sheet.confirmed_at = timezone.now()
    sheet.confirmed_by = actor
    sheet.save(update_fields=["state", "confirmed_at", "confirmed_by"])
    audit(
        actor=actor,
        kind=RaiseEvent.CONFIRM,
        obj=sheet,
        summary=f"{sheet.unit_name} {sheet.get_staff_group_display()}: เลื่อน {raised} ราย "
        f"รวม {baht(used)} บาท จากวงเงิน {baht(sheet.budget)} บาท มีผล {sheet.effective_on.isoformat()}",
        changes={"salary": changes},
    )
    return raised
