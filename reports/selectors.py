"""Reads for the report pages, scoped to what the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from appraisal.models import AppraisalRound
from appraisal.selectors import round_scope, rounds_visible_to
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of, subtree_q, units_hr_scoped
from reports.models import ReportJob


def report_units(user, rnd: AppraisalRound) -> QuerySet[OrgUnit]:
    """Units of the round's department whose reports the user may print: their HR scope."""
    return units_hr_scoped(user).filter(tree_id=rnd.department.tree_id)


def report_rounds(user) -> QuerySet[AppraisalRound]:
    """Rounds of the departments the user does HR for (all for an administrator)."""
    roles = roles_of(user)
    qs = rounds_visible_to(user)
    if roles.is_admin:
        return qs
    return qs.filter(department__tree_id__in={s.tree_id for s in roles.hr_scopes})


def default_report_unit(user, rnd: AppraisalRound) -> OrgUnit | None:
    """The department when the user covers it, else the first of their scopes in it."""
    if roles_of(user).hr_covers(rnd.department):
        return rnd.department
    scopes = round_scope(user=user, rnd=rnd)
    return scopes[0] if scopes else None


def jobs_visible_to(user) -> QuerySet[ReportJob]:
    """The jobs of units in the user's HR scope now, whoever queued them; all for an
    administrator. A job queued before the scope was reduced is not the user's any more: its
    book holds the scores of units they no longer cover."""
    roles = roles_of(user)
    qs = ReportJob.objects.select_related("round__department", "unit", "owner")
    if roles.is_admin:
        return qs
    if not roles.hr_scopes:
        return qs.none()
    return qs.filter(subtree_q(roles.hr_scopes, prefix="unit__"))
