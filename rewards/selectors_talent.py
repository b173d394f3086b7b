"""Reads of the talent grid (9-box) and the team alignment A–D of a round, each in a fixed
number of queries whatever the size of the department.

Both pages show figures before release, to HR of the department (in their scope), the round's
committee and administrators (rewards.view_analysis). The forms counted are the scored ones
onward (appraisal.selectors.SCORED_STATES); the viewer's own form is left out of every figure
and name until it is released (DOMAIN §8, AppraisalForm.hidden_from).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from appraisal import scoring
from appraisal.models import AppraisalForm, AppraisalRound, FormKpi, State
from appraisal.selectors import SCORED_STATES, form_result
from kpi.models import Kpi, KpiResult, KpiTier
from orgchart.models import OrgUnit, Person
from orgchart.selectors import subtree_q
from rewards import analytics

BANDS = (analytics.LOW, analytics.MID, analytics.HIGH)


def scored_forms(
    *, rnd: AppraisalRound, scope: list[OrgUnit], focus: OrgUnit, viewer: Person | None
) -> QuerySet[AppraisalForm]:
    """The round's scored forms (scored onward) in the scope and in the focus unit's subtree,
    without the viewer's own unreleased form."""
    qs = (
        AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES)
        .filter(subtree_q(scope, prefix="unit__"))
        .filter(subtree_q([focus], prefix="unit__"))
    )
    if viewer is not None:
        qs = qs.exclude(Q(person=viewer) & ~Q(state=State.RELEASED))
    return qs


def own_left_out(*, rnd: AppraisalRound, viewer: Person | None) -> bool:
    """Whether the viewer has a form in the round that the pages leave out (not released)."""
    return (
        viewer is not None
        and AppraisalForm.objects.filter(round=rnd, person=viewer)
        .exclude(state=State.RELEASED)
        .exists()
    )


# --- the talent grid --------------------------------------------------------------------------


@dataclass
class Placed:
    """One form on the grid: its (ก) percents as the form prints them and its box."""

    form: AppraisalForm
    achievement_pct: Decimal
    competency_pct: Decimal
    box: tuple[str, str]  # (achievement band, competency band)


@dataclass
class TalentGrid:
    counts: dict[tuple[str, str], int]
    placed: list[Placed]
    # Scored forms that cannot be placed (no competency component, or figures missing).
    unplaced: list[AppraisalForm] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.placed)


def talent_grid(
    *, rnd: AppraisalRound, scope: list[OrgUnit], focus: OrgUnit, viewer: Person | None
) -> TalentGrid:
    """Every scored form of the scope under `focus` on the 9-box grid: the achievement and
    competency percents of the form's result (the (ก) figures of its summary, each out of 100,
    rounded to two decimals as printed), banded with the round's cut points. Three queries:
    the forms, their KPI rows and their competencies."""
    forms = (
        scored_forms(rnd=rnd, scope=scope, focus=focus, viewer=viewer)
        .select_related("person", "unit")
        .prefetch_related("kpis", "competencies")
        .order_by("person__first_name", "person__last_name", "pk")
    )
    cuts = (rnd.talent_cut_low, rnd.talent_cut_high)
    counts = {(a, c): 0 for a in BANDS for c in BANDS}
    placed: list[Placed] = []
    unplaced: list[AppraisalForm] = []
    for f in forms:
        result = form_result(
            form=f, kpis=list(f.kpis.all()), competencies=list(f.competencies.all())
        )
        if result.percent is None or result.competency_percent is None:
            unplaced.append(f)
            continue
        ach = scoring.round2(result.percent)
        comp = scoring.round2(result.competency_percent)
        box = analytics.nine_box(achievement_pct=ach, competency_pct=comp, cuts=cuts)
        counts[box] += 1
        placed.append(Placed(f, ach, comp, box))
    return TalentGrid(counts=counts, placed=placed, unplaced=unplaced)


# --- team alignment ----------------------------------------------------------------------------


@dataclass
class UnitAlignment:
    """One unit's row: its team score from its own KPIs, its people's individual scores."""

    unit: OrgUnit
    kpi_count: int = 0  # the unit's own KPIs of the fiscal year
    kpi_results: int = 0  # of them, those with a result in the round
    team: Decimal | None = None
    scores: list[Decimal] = field(default_factory=list)
    mean: Decimal | None = None
    sd: Decimal | None = None
    alignment: str = ""

    @property
    def n(self) -> int:
        return len(self.scores)


def _latest_levels(kpi_ids: list[int], rnd: AppraisalRound) -> dict[int, int]:
    """The level of each KPI's latest result within the round's dates: one query."""
    latest: dict[int, int] = {}
    rows = (
        KpiResult.objects.filter(
            kpi_id__in=kpi_ids, period_end__gte=rnd.start, period_end__lte=rnd.end
        )
        .order_by("kpi_id", "-period_end", "-recorded_at", "-pk")
        .values_list("kpi_id", "level")
    )
    for kpi_id, level in rows:
        latest.setdefault(kpi_id, level)  # newest first: the first one stays
    return latest


def alignment_rows(
    *, rnd: AppraisalRound, scope: list[OrgUnit], focus: OrgUnit, viewer: Person | None
) -> list[UnitAlignment]:
    """For each unit of the scope under `focus` that has its own unit KPIs for the round's
    fiscal year or scored people of its own, in tree order: the team score (its unit KPIs'
    latest levels in the round, weighted), the individual scores of the scored people in the
    unit and the units under it (each form's KPI levels, weighted), their mean and spread, and
    the class A–D where both exist. Four queries whatever the size."""
    units = list(
        OrgUnit.objects.filter(subtree_q(scope))
        .filter(subtree_q([focus]))
        .order_by("tree_id", "lft")
    )
    kpis = list(
        Kpi.objects.filter(tier=KpiTier.UNIT, fiscal_year=rnd.fiscal_year)
        .filter(subtree_q(scope, prefix="unit__"))
        .filter(subtree_q([focus], prefix="unit__"))
        .values_list("pk", "unit_id", "weight")
    )
    levels = _latest_levels([k[0] for k in kpis], rnd)
    rows_of_form: dict[int, list[tuple[int | None, Decimal]]] = defaultdict(list)
    unit_of_form: dict[int, tuple[int, int, int]] = {}
    forms = scored_forms(rnd=rnd, scope=scope, focus=focus, viewer=viewer)
    for form_id, unit_id, tree_id, lft, level, weight in FormKpi.objects.filter(
        form__in=forms
    ).values_list(
        "form_id", "form__unit_id", "form__unit__tree_id", "form__unit__lft", "level", "weight"
    ):
        rows_of_form[form_id].append((level, weight))
        unit_of_form[form_id] = (unit_id, tree_id, lft)
    people: list[tuple[int, int, int, Decimal]] = []  # (unit, tree, lft, individual score)
    for form_id, rows in rows_of_form.items():
        score = analytics.individual_score(rows)
        if score is not None:
            people.append((*unit_of_form[form_id], score))
    kpis_of: dict[int, list[tuple[int, Decimal | None]]] = defaultdict(list)
    for pk, unit_id, weight in kpis:
        kpis_of[unit_id].append((pk, weight))
    own_people = {p[0] for p in people}
    result = []
    for u in units:
        if u.pk not in kpis_of and u.pk not in own_people:
            continue
        row = UnitAlignment(unit=u, kpi_count=len(kpis_of[u.pk]))
        with_result = [(levels[pk], w) for pk, w in kpis_of[u.pk] if pk in levels]
        row.kpi_results = len(with_result)
        row.team = analytics.team_score(with_result)
        row.scores = sorted(
            s for _unit, tree, lft, s in people if tree == u.tree_id and u.lft <= lft <= u.rght
        )
        if row.scores:
            row.mean, row.sd = analytics.spread(row.scores)
            if row.team is not None:
                row.alignment = analytics.alignment(
                    team_score=row.team, individual_scores=row.scores
                )
        result.append(row)
    return result
