"""Reads of the salary raises: the table rows in force on a date, the people of a budget unit,
a round's sheets and a sheet's figures (budget, used, left)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from appraisal.models import AppraisalForm, AppraisalRound, State
from common.models import AuditEvent
from orgchart.models import OrgUnit, Person
from orgchart.selectors import subtree_q
from rewards.models import (
    BudgetUnit,
    RaiseBase,
    RaiseBudgetRate,
    RaiseGroup,
    RaiseLine,
    RaiseRange,
    RaiseSheet,
)


def effective_on(rnd: AppraisalRound) -> dt.date:
    """The day the round's raise takes effect: 1 Apr for round 1, 1 Oct for round 2."""
    return rnd.end + dt.timedelta(days=1)


def roll_on(rnd: AppraisalRound) -> dt.date:
    """The roll whose salaries make the budget: 1 Mar for round 1, 1 Sep for round 2."""
    return rnd.end.replace(day=1)


def _in_force(qs: QuerySet, department: OrgUnit, on: dt.date, key: tuple[str, ...]) -> dict:
    """{key: row} of the rows in force on `on`: the latest effective_from not after it, the
    department's own row winning over the national default of the same date."""
    rows = qs.filter(
        Q(department=department) | Q(department__isnull=True), effective_from__lte=on
    ).order_by("-effective_from")
    chosen: dict = {}
    for row in rows:
        k = tuple(getattr(row, f) for f in key)
        have = chosen.get(k)
        if have is None or (
            have.effective_from == row.effective_from
            and have.department_id is None
            and row.department_id is not None
        ):
            chosen[k] = row
    return {k[0] if len(k) == 1 else k: v for k, v in chosen.items()}


def bases_in_force(department: OrgUnit, on: dt.date) -> dict[str, RaiseBase]:
    return _in_force(RaiseBase.objects.all(), department, on, ("grade",))


def ranges_in_force(department: OrgUnit, group: str, on: dt.date) -> dict[str, RaiseRange]:
    return _in_force(RaiseRange.objects.filter(staff_group=group), department, on, ("band",))


def budget_rate_in_force(department: OrgUnit, group: str, on: dt.date) -> RaiseBudgetRate | None:
    return _in_force(
        RaiseBudgetRate.objects.filter(staff_group=group), department, on, ("staff_group",)
    ).get(group)


def table_rows(department: OrgUnit):
    """Every row of the three tables that applies to the department (its own and the
    defaults), newest first, for the table pages."""
    mine = Q(department=department) | Q(department__isnull=True)
    return {
        "bases": RaiseBase.objects.filter(mine).order_by("grade", "-effective_from"),
        "ranges": RaiseRange.objects.filter(mine).order_by("staff_group", "-effective_from"),
        "rates": RaiseBudgetRate.objects.filter(mine).order_by("staff_group", "-effective_from"),
    }


def budget_units_of(department: OrgUnit) -> list[BudgetUnit]:
    return list(BudgetUnit.objects.filter(department=department).prefetch_related("units"))


def people_of(rnd: AppraisalRound, budget_unit: BudgetUnit | None, group: str) -> QuerySet[Person]:
    """The people on the roll of one budget unit and staff group: active, of the department,
    in the group's units (or, for the department's own budget, outside every group)."""
    department = rnd.department
    qs = Person.objects.filter(
        unit__tree_id=department.tree_id, is_active=True, staff_type=group
    ).select_related("unit", "position")
    if budget_unit is not None:
        return qs.filter(subtree_q(list(budget_unit.units.all()), "unit__"))
    grouped = [u for bu in budget_units_of(department) for u in bu.units.all()]
    return qs.exclude(subtree_q(grouped, "unit__")) if grouped else qs


def released_forms(rnd: AppraisalRound, person_ids) -> dict[int, AppraisalForm]:
    """{person id: form} of the round, released or not (the caller reads only the released)."""
    forms = AppraisalForm.objects.filter(round=rnd, person_id__in=list(person_ids))
    return {
        f.person_id: f for f in forms.only("id", "person_id", "state", "final_total", "final_band")
    }


def is_released(form: AppraisalForm) -> bool:
    return form.state == State.RELEASED


def sheets_of(rnd: AppraisalRound) -> list[RaiseSheet]:
    return list(
        RaiseSheet.objects.filter(round=rnd)
        .select_related("budget_unit", "round__department")
        .annotate(used_total=Sum("lines__amount"))
    )


@dataclass(frozen=True)
class Figures:
    roll_total: Decimal
    budget: Decimal
    used: Decimal
    left: Decimal
    people: int
    eligible: int


def figures(sheet: RaiseSheet) -> Figures:
    lines = list(sheet.lines.only("amount", "auto_reason", "hr_reason"))
    used = sum((line.amount for line in lines), Decimal(0))
    return Figures(
        roll_total=sheet.roll_total,
        budget=sheet.budget,
        used=used,
        left=sheet.budget - used,
        people=len(lines),
        eligible=sum(1 for line in lines if line.eligible),
    )


def lines_of(sheet: RaiseSheet) -> QuerySet[RaiseLine]:
    return sheet.lines.select_related("unit", "person")


def sheet_history(sheet: RaiseSheet, limit: int = 100) -> list[AuditEvent]:
    """Who did what to the sheet and when (DOMAIN §7: what is decided is kept with who and
    when), newest first."""
    return list(
        AuditEvent.objects.filter(
            object_type=RaiseSheet._meta.label_lower, object_id=str(sheet.pk)
        )[:limit]
    )


def sheet_slots(rnd: AppraisalRound) -> list[dict]:
    """One slot per budget unit (the department first) and staff group, with its sheet if HR
    has created it."""
    have = {(s.budget_unit_id, s.staff_group): s for s in sheets_of(rnd)}
    units: list[BudgetUnit | None] = [None, *budget_units_of(rnd.department)]
    return [
        {
            "budget_unit": bu,
            "unit_name": bu.name if bu else rnd.department.name,
            "staff_group": group,
            "group_label": label,
            "sheet": have.get((bu.pk if bu else None, group)),
        }
        for bu in units
        for group, label in RaiseGroup.choices
    ]
