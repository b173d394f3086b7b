"""Who may read and edit KPIs: `rules` predicates over the org chart's roles.

Checked through common.permissions (no superuser bypass): every rule an administrator passes
names `is_administrator`.
"""

import rules

from common.permissions import is_administrator
from kpi.models import KpiDelegate
from orgchart.rules import in_department_of_unit, is_hr_for_unit
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


# Who edits a unit's KPIs, besides the administrator: its HR, its head, its delegates.
edits_unit_kpis = is_hr_for_unit | heads_unit | is_kpi_delegate


@rules.predicate
def edits_kpi_unit(user, kpi):
    return kpi is not None and edits_unit_kpis(user, kpi.unit)


@rules.predicate
def kpi_in_my_department(user, kpi):
    return kpi is not None and (
        in_department_of_unit(user, kpi.unit) or is_hr_for_unit(user, kpi.unit)
    )


@rules.predicate
def records_kpi(user, kpi):
    me = roles_of(user).person
    return me is not None and kpi is not None and me.pk in (kpi.collector_id, kpi.supervisor_id)


# Per unit: `obj` is an OrgUnit.
rules.add_perm("kpi.view_unit_kpis", is_administrator | in_department_of_unit | is_hr_for_unit)
rules.add_perm("kpi.edit_unit_kpis", is_administrator | edits_unit_kpis)
# Per KPI: `obj` is a Kpi.
rules.add_perm("kpi.view_kpi", is_administrator | kpi_in_my_department)
rules.add_perm("kpi.change_kpi", is_administrator | edits_kpi_unit)
rules.add_perm("kpi.record_result", is_administrator | edits_kpi_unit | records_kpi)
# Delegation is the head's (or HR's) to give; a delegate cannot appoint more delegates.
rules.add_perm("kpi.delegate_unit_kpis", is_administrator | is_hr_for_unit | heads_unit)
