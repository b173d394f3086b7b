"""Reads for rounds and forms, scoped to the user and in a fixed number of queries."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet

from appraisal.models import PROGRESS_STATES, AppraisalForm, AppraisalRound, Phase, State
from common import thai
from orgchart.models import OrgUnit
from orgchart.selectors import _subtree_q, roles_of

SCORED_STATES = [
    State.SCORED,
    State.ACKNOWLEDGED,
    State.HIGHER_REVIEWED,
    State.REVIEWED,
    State.RELEASED,
]
FORM_RELATED = ("round__department", "person__position", "unit", "evaluator", "higher", "higher2")


def forms_visible_to(user) -> QuerySet[AppraisalForm]:
    """Forms the user may open: their own, those they evaluate or review, HR's scope, all for
    an administrator."""
    roles = roles_of(user)
    qs = AppraisalForm.objects.select_related(*FORM_RELATED)
    if roles.is_admin:
        return qs
    cond = Q(pk__in=[])
    me = roles.person
    if me is not None:
        cond |= Q(person=me) | Q(evaluator=me) | Q(higher=me) | Q(higher2=me)
    if roles.hr_scopes:
        cond |= _subtree_q(roles.hr_scopes, prefix="unit__")
    return qs.filter(cond)


def rounds_visible_to(user) -> QuerySet[AppraisalRound]:
    """Rounds of the departments the user belongs to or does HR for, or sits on the committee of."""
    roles = roles_of(user)
    qs = AppraisalRound.objects.select_related("department")
    if roles.is_admin:
        return qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(Q(department__tree_id__in=roles.tree_ids) | Q(committee=user)).distinct()


def current_round_of(department: OrgUnit, today: dt.date | None = None) -> AppraisalRound | None:
    """The open round today's date falls in; else the latest round that has opened."""
    today = today or dt.date.today()
    r = thai.round_of(today)
    qs = AppraisalRound.objects.filter(department=department).exclude(phase=Phase.SETUP)
    return (
        qs.filter(fiscal_year=r.fiscal_year, number=r.number).first()
        or qs.order_by("-fiscal_year", "-number").first()
    )


def my_forms(person) -> list[AppraisalForm]:
    """Every form of the person, newest round first."""
    if person is None:
        return []
    return list(
        AppraisalForm.objects.filter(person=person)
        .select_related(*FORM_RELATED)
        .order_by("-round__fiscal_year", "-round__number")
    )


def team_forms(person, rnd: AppraisalRound | None = None) -> list[AppraisalForm]:
    """Forms the person evaluates in the round (the latest open ones if none is given), with
    the KPI-row count, in one query whatever the team size."""
    if person is None:
        return []
    qs = AppraisalForm.objects.filter(evaluator=person).exclude(round__phase=Phase.SETUP)
    if rnd is not None:
        qs = qs.filter(round=rnd)
    else:
        qs = qs.exclude(round__phase=Phase.CLOSED)
    return list(
        qs.select_related(*FORM_RELATED)
        .annotate(kpi_count=Count("kpis"))
        .order_by(
            "-round__fiscal_year", "-round__number", "person__first_name", "person__last_name"
        )
    )


def review_forms(person, rnd: AppraisalRound | None = None) -> list[AppraisalForm]:
    """Forms waiting for this person's opinion as higher supervisor (or the level above)."""
    if person is None:
        return []
    qs = AppraisalForm.objects.filter(
        Q(higher=person, state=State.ACKNOWLEDGED) | Q(higher2=person, state=State.HIGHER_REVIEWED)
    ).exclude(round__phase__in=[Phase.SETUP, Phase.CLOSED])
    if rnd is not None:
        qs = qs.filter(round=rnd)
    return list(
        qs.select_related(*FORM_RELATED).order_by("person__first_name", "person__last_name")
    )


def progress_by_unit(rnd: AppraisalRound, units: list[OrgUnit] | None = None, *, state: str = ""):
    """Rows of (unit, {state: count}, total) for the units holding forms in scope, in tree
    order; one grouped query plus one for the units."""
    qs = AppraisalForm.objects.filter(round=rnd)
    if units is not None:
        qs = qs.filter(_subtree_q(units, prefix="unit__"))
    if state:
        qs = qs.filter(state=state)
    counts: dict[int, Counter] = defaultdict(Counter)
    for row in qs.values("unit_id", "state").annotate(n=Count("id")).order_by():
        st = State.DRAFT if row["state"] == State.RETURNED else row["state"]
        counts[row["unit_id"]][st] += row["n"]
    unit_objs = OrgUnit.objects.filter(pk__in=counts).order_by("tree_id", "lft")
    rows = []
    for u in unit_objs:
        c = counts[u.pk]
        rows.append((u, [c.get(s, 0) for s in PROGRESS_STATES], sum(c.values())))
    totals = [sum(r[1][i] for r in rows) for i in range(len(PROGRESS_STATES))]
    return rows, totals


def distribution(rnd: AppraisalRound, units: list[OrgUnit] | None = None) -> dict:
    """Final bands of scored forms: counts per band overall and per staff group."""
    # Only forms whose evaluation is confirmed: a band set while scoring is in progress is not
    # a result yet.
    qs = AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES).exclude(final_band="")
    if units is not None:
        qs = qs.filter(_subtree_q(units, prefix="unit__"))
    per_group: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()
    for row in qs.values("staff_group", "final_band").annotate(n=Count("id")).order_by():
        per_group[row["staff_group"]][row["final_band"]] += row["n"]
        overall[row["final_band"]] += row["n"]
    return {"overall": overall, "per_group": dict(per_group), "total": sum(overall.values())}


def distribution_by_child(
    rnd: AppraisalRound, focus: OrgUnit, scope: list[OrgUnit] | None = None
) -> list[tuple[OrgUnit, dict]]:
    """distribution()'s overall counts for each child unit of `focus` (its whole subtree), in
    one query whatever the number of units. With a scope (HR of a subtree) a child counts only
    its forms inside the scope, and a child that does not meet the scope is left out."""
    children = list(OrgUnit.objects.filter(parent=focus).order_by("tree_id", "lft"))
    if not children:
        return []
    qs = AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES).exclude(final_band="")
    qs = qs.filter(_subtree_q(children, prefix="unit__"))
    if scope is not None:
        qs = qs.filter(_subtree_q(scope, prefix="unit__"))
    starts = [(c.tree_id, c.lft) for c in children]
    counts: list[Counter] = [Counter() for _ in children]
    rows = qs.values("unit__tree_id", "unit__lft", "final_band").annotate(n=Count("id")).order_by()
    for row in rows:
        # The children's subtrees are disjoint and ordered: the last one starting at or before
        # the form's unit holds it.
        i = bisect.bisect_right(starts, (row["unit__tree_id"], row["unit__lft"])) - 1
        counts[i][row["final_band"]] += row["n"]
    return [
        (c, {"overall": n, "total": sum(n.values())})
        for c, n in zip(children, counts, strict=True)
        if scope is None
        or any(c.is_descendant_of(s, include_self=True) or s.is_descendant_of(c) for s in scope)
    ]


def committee_rounds(user):
    """The open rounds (not closed) whose committee the user sits on, newest first."""
    return (
        AppraisalRound.objects.filter(committee=user)
        .exclude(phase=Phase.CLOSED)
        .select_related("department")
        .order_by("-fiscal_year", "-number", "department__name")
    )
