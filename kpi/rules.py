"""Who may read and edit KPIs: `rules` predicates over the org chart's roles."""

import rules

from kpi.models import KpiDelegate
from orgchart.rules import in_department_of_unit, is_admin, is_hr_for_unit
from orgchart.selectors import roles_of


@rules.predicate
def heads_unit(user, unit):
    me = roles_of(user).person
    if me is None or unit is None:
        return False
    # The head and, while one is named, the acting head (รักษาราชการแทน) both answer for the unit.
    return me.pk in {unit.head_id, unit.acting_head_id}


@rules.predicate
def is_kpi_delegate(user, unit):
    me = roles_of(user).person
    return (
        me is not None
        and unit is not None
        and KpiDelegate.objects.filter(unit=unit, person=me).exists()
    )


@rules.predicate
def can_edit_kpi_unit(user, unit):
    return bool(
        is_admin(user)
        or is_hr_for_unit(user, unit)
        or heads_unit(user, unit)
        or is_kpi_delegate(user, unit)
    )


@rules.predicate
def kpi_unit_editable(user, kpi):
    return kpi is not None and can_edit_kpi_unit(user, kpi.unit)


@rules.predicate
def kpi_in_my_department(user, kpi):
    return kpi is not None and (
        in_department_of_unit(user, kpi.unit) or is_hr_for_unit(user, kpi.unit)
    )


@rules.predicate
def records_kpi(user, kpi):
    me = roles_of(user).person
    return me is not None and kpi is not None and me.pk in (kpi.collector_id, kpi.supervisor_id)


# Unit level: `obj` is an OrgUnit.
rules.add_perm("kpi.view_unit_kpis", is_admin | in_department_of_unit | is_hr_for_unit)
rules.add_perm("kpi.edit_unit_kpis", can_edit_kpi_unit)
# KPI level: `obj` is a Kpi.
rules.add_perm("kpi.view_kpi", is_admin | kpi_in_my_department)
rules.add_perm("kpi.change_kpi", kpi_unit_editable)
rules.add_perm("kpi.record_result", kpi_unit_editable | records_kpi)
# Delegation is the head's (or HR's) to give; a delegate cannot appoint more delegates.
rules.add_perm("kpi.delegate_unit_kpis", is_admin | is_hr_for_unit | heads_unit)
