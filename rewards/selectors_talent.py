"""Reads of the talent grid (9-box) and the team alignment A–D of a round, each in a fixed
number of queries whatever the size of the department.

Both pages show figures before release, to HR of the department (in their scope), the round's
committee and administrators (rewards.view_analysis). The forms counted are the scored ones
onward (appraisal.selectors.SCORED_STATES); the viewer's own form is left out of every figure
and name until it is released (DOMAIN §8, AppraisalForm.hidden_from).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Floor, Least, Round

from appraisal import scoring
from appraisal.models import AppraisalForm, AppraisalRound, FormKpi, State
from appraisal.selectors import SCORED_STATES
from kpi.models import Kpi, KpiResult, KpiTier
from orgchart.models import OrgUnit, Person
from orgchart.selectors import UnitRow, child_rows, in_subtree, subtree_q
from rewards import analytics, charts

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
    # Scored forms that cannot be placed (no competency component, or figures missing).
    unplaced: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


_PCT = DecimalField(max_digits=30, decimal_places=6)


def _percents(qs: QuerySet[AppraisalForm]) -> QuerySet[AppraisalForm]:
    """The (ก) percents of each form's result (appraisal.scoring.form_result), out of 100,
    from the figures the services stored when it was scored: achievement score_kpi ÷ 5 (its
    KPI weights total 100: Σ level × weight ÷ (5 × 100) × 100), competency its points × 100 ÷
    the component's weight (none without a competency component). To 6 decimals, so that
    SQLite's binary fractions land on the decimal they stand for."""
    comp = Case(
        When(
            weight_competency__gt=0,
            then=F("competency_points") * _CENT * Value(10000) / F("weight_competency"),
        ),
        default=Value(None),
        output_field=_PCT,
    )
    return qs.alias(
        ach_pct=Round(F("score_kpi") * Value(Decimal("0.2")), 6, output_field=_PCT),
        comp_pct=Round(comp, 6, output_field=_PCT),
    )


def _below(cut: Decimal) -> Decimal:
    """The threshold t with round2(x) < cut exactly when x < t: the largest figure with two
    decimals below the cut, plus half a hundredth (round2 rounds half up)."""
    hundredths = (cut * 100).to_integral_value(ROUND_CEILING) - 1
    return (hundredths + Decimal("0.5")) / 100


def _band(name: str, cuts: tuple[Decimal, Decimal]):
    """analytics.nine_box's band of the percent `name`, rounded to 2 decimals as printed,
    in SQL; None without the percent."""
    low, high = _below(cuts[0]), _below(cuts[1])
    return Case(
        When(**{f"{name}__isnull": True}, then=Value(None)),
        When(**{f"{name}__lt": low}, then=Value(analytics.LOW)),
        When(**{f"{name}__lt": high}, then=Value(analytics.MID)),
        default=Value(analytics.HIGH),
        output_field=CharField(),
    )


def _banded(qs: QuerySet[AppraisalForm], rnd: AppraisalRound) -> QuerySet[AppraisalForm]:
    cuts = (rnd.talent_cut_low, rnd.talent_cut_high)
    return _percents(qs).alias(a_band=_band("ach_pct", cuts), c_band=_band("comp_pct", cuts))


def talent_grid(
    *, rnd: AppraisalRound, scope: list[OrgUnit], focus: OrgUnit, viewer: Person | None
) -> TalentGrid:
    """The scored forms of the scope under `focus` counted per box of the 9-box grid: the
    achievement and competency percents of the form's result (the (ก) figures of its summary,
    each out of 100, rounded to two decimals as printed), banded with the round's cut points.
    One grouped query: nine counts and the unplaced ones come back, whatever the size."""
    counts = {(a, c): 0 for a in BANDS for c in BANDS}
    unplaced = 0
    rows = (
        _banded(scored_forms(rnd=rnd, scope=scope, focus=focus, viewer=viewer), rnd)
        .annotate(a=F("a_band"), c=F("c_band"))
        .order_by()
        .values_list("a", "c")
        .annotate(n=Count("pk"))
    )
    for a, c, n in rows:
        if a is None or c is None:
            unplaced += n
        else:
            counts[(a, c)] += n
    return TalentGrid(counts=counts, unplaced=unplaced)


def box_forms(
    *,
    rnd: AppraisalRound,
    scope: list[OrgUnit],
    focus: OrgUnit,
    viewer: Person | None,
    box: tuple[str, str],
) -> QuerySet[AppraisalForm]:
    """The forms of one box of talent_grid() by name, each with its two percents
    (`ach_pct`, `comp_pct`), for a page of names: see placed()."""
    return (
        _banded(scored_forms(rnd=rnd, scope=scope, focus=focus, viewer=viewer), rnd)
        .filter(a_band=box[0], c_band=box[1])
        .annotate(shown_ach=F("ach_pct"), shown_comp=F("comp_pct"))
        .select_related("person", "unit")
        .order_by("person__first_name", "person__last_name", "pk")
    )


def placed(forms: Iterable[AppraisalForm], box: tuple[str, str]) -> list[Placed]:
    """box_forms() as the page lists them, the percents rounded as the form prints them."""
    return [
        Placed(f, scoring.round2(f.shown_ach), scoring.round2(f.shown_comp), box) for f in forms
    ]


# --- team alignment ----------------------------------------------------------------------------

# DecimalField's figures as the database adds them up (scores have 4 decimals at most:
# Σ level × weight of weights with 2, ÷ 100; their squares 8).
_SUMS = DecimalField(max_digits=40, decimal_places=8)
_SCORE = DecimalField(max_digits=30, decimal_places=20)
_CENT = Value(Decimal("0.01"))  # multiplied, not divided by 100: SQLite divides integers whole


def _individual_score():
    """A form's individual score as a level 0–5 (analytics.individual_score: Σ level × weight
    ÷ Σ weight, a missing level as 0), in SQL: the stored score_kpi (Σ level × weight of the
    form's result, whose weights total 100) ÷ 100, or for a form without one its KPI rows
    added up."""
    rows = (
        FormKpi.objects.filter(form=OuterRef("pk"))
        .order_by()
        .values("form")
        .annotate(
            s=Sum(Coalesce("level", Value(0)) * F("weight") * _CENT, output_field=_SCORE)
            / Sum(F("weight") * _CENT, output_field=_SCORE)
        )
        .values("s")
    )
    return Coalesce(F("score_kpi") * _CENT, Subquery(rows), output_field=_SCORE)


class _ChildOf(Expression):
    """The pk of the unit of `children` (disjoint subtrees, in tree order) whose subtree holds
    the nested-set position `position` (e.g. F("unit__lft")), NULL outside them: a binary
    search written as nested CASEs, a few comparisons a row however many children there are.
    Rendered here from the children's integers rather than built of Case/When objects, whose
    compilation cost more than the query for a unit with a hundred child units."""

    output_field = IntegerField()

    def __init__(self, position, children: list[OrgUnit | UnitRow]):
        super().__init__()
        self.position = position
        self.bounds = [(int(c.lft), int(c.rght), int(c.pk)) for c in children]

    def get_source_expressions(self):
        return [self.position]

    def set_source_expressions(self, exprs):
        (self.position,) = exprs

    def as_sql(self, compiler, connection):
        column, params = compiler.compile(self.position)
        if params:  # a plain column has none; the repeated text below would need them again
            raise ValueError("the position must be a column")

        def search(bounds: list[tuple[int, int, int]]) -> str:
            if not bounds:
                return "NULL"
            if len(bounds) == 1:
                lft, rght, pk = bounds[0]
                return f"CASE WHEN {column} BETWEEN {lft} AND {rght} THEN {pk} ELSE NULL END"
            mid = len(bounds) // 2
            return (
                f"CASE WHEN {column} < {bounds[mid][0]} THEN {search(bounds[:mid])} "
                f"ELSE {search(bounds[mid:])} END"
            )

        return search(self.bounds), []

    def as_postgresql(self, compiler, connection):
        """PostgreSQL's width_bucket() does the binary search over the subtrees' edges
        (lft, rght + 1 of each child: an odd bucket is inside child (bucket + 1) / 2, an even one
        between them), and the bucket picks the pk from an array: a text of a few characters a
        child, where the CASEs took longer to parse and plan than the query took to run."""
        column, params = compiler.compile(self.position)
        if params:
            raise ValueError("the position must be a column")
        if not self.bounds:
            return "NULL::integer", []
        edges = ",".join(f"{lft},{rght + 1}" for lft, rght, _pk in self.bounds)
        pks = ",".join(f"{pk},NULL" for _lft, _rght, pk in self.bounds)
        return f"(ARRAY[NULL,{pks}]::integer[])[width_bucket({column}, ARRAY[{edges}]) + 1]", []


@dataclass
class UnitAlignment:
    """One unit's row: its team score from its own KPIs, the individual scores of the people
    of its subtree, summed (n, Σx, Σx²) and counted per bin of 0.5 for the chart."""

    unit: OrgUnit | UnitRow
    kpi_count: int = 0  # the unit's own KPIs of the fiscal year
    kpi_results: int = 0  # of them, those with a result in the round
    team: Decimal | None = None
    sums: analytics.Sums = field(default_factory=lambda: analytics.Sums(0, Decimal(0), Decimal(0)))
    bins: list[int] = field(default_factory=lambda: [0] * charts.BINS)
    mean: Decimal | None = None
    sd: Decimal | None = None
    alignment: str = ""

    @property
    def n(self) -> int:
        return self.sums.n

    def add(self, bin_: int, n: int, total: Decimal, squares: Decimal) -> None:
        s = self.sums
        self.sums = analytics.Sums(s.n + n, s.total + total, s.squares + squares)
        self.bins[bin_] += n

    def classify(self) -> None:
        if self.n:
            self.mean, self.sd = analytics.spread_of_sums(self.sums)
            if self.team is not None:
                self.alignment = analytics.alignment_of_sums(team_score=self.team, sums=self.sums)


@dataclass
class AlignmentTable:
    """The focus unit's row (None when the focus lies outside the viewer's scope: the
    department for HR of several parts of it) and its child units' rows, in tree order."""

    focus: UnitAlignment | None
    rows: list[UnitAlignment]


def _latest_levels(rnd: AppraisalRound, kpis) -> dict[int, int | None]:
    """The level of each KPI's latest result within the round's dates (KPIs without one are
    left out), from one read of those results: a department's hundreds of unit KPIs cost a
    subquery each when asked per KPI."""
    latest: dict[int, int | None] = {}
    results = (
        KpiResult.objects.filter(
            kpi__in=kpis.values("pk"), period_end__gte=rnd.start, period_end__lte=rnd.end
        )
        .order_by("kpi_id", "-period_end", "-recorded_at", "-pk")
        .values_list("kpi_id", "level")
    )
    for kpi_id, level in results:
        latest.setdefault(kpi_id, level)
    return latest


def _rows_below(focus: OrgUnit, scope: list[OrgUnit]) -> tuple[bool, list[OrgUnit | UnitRow]]:
    """(whether the focus lies in the scope, the units whose rows go under it): its child
    units, or, for a focus above the scope, the scope's units under it."""
    inside = any(in_subtree(focus, s) for s in scope)
    if inside:
        return True, child_rows([focus])[focus.pk]
    below = [s for s in scope if in_subtree(s, focus, strictly=True)]
    return False, sorted(below, key=lambda s: s.lft)


def alignment_rows(
    *, rnd: AppraisalRound, scope: list[OrgUnit], focus: OrgUnit, viewer: Person | None
) -> AlignmentTable:
    """The focus unit and each of its child units (every one, so that each can be opened), in
    tree order: the team score (the unit's own KPIs' latest levels in the round, weighted),
    the individual scores of the scored people in the unit and the units under it (each
    form's KPI levels, weighted) added up by the database per child and per bin of 0.5, their
    mean and spread, and the class A–D where both exist.
    Three queries whatever the size of the department; what comes back grows with the number
    of child units only."""
    inside, children = _rows_below(focus, scope)
    own = [focus, *children] if inside else children
    # The own unit KPIs of the focus and of its child units, each with its latest level.
    # By the focus rather than by a list of a few hundred ids, which Django checks one by one.
    of_own = (
        Q(unit_id__in=OrgUnit.objects.filter(Q(pk=focus.pk) | Q(parent_id=focus.pk)).values("pk"))
        if inside
        else Q(unit_id__in=[u.pk for u in children])
    )
    own_kpis = Kpi.objects.filter(of_own, tier=KpiTier.UNIT, fiscal_year=rnd.fiscal_year)
    latest = _latest_levels(rnd, own_kpis)
    kpis = [
        (pk, unit_id, weight, latest.get(pk))
        for pk, unit_id, weight in own_kpis.order_by().values_list("pk", "unit_id", "weight")
    ]
    rows = {u.pk: UnitAlignment(unit=u) for u in own}
    focus_row = UnitAlignment(unit=focus)
    groups = (
        scored_forms(rnd=rnd, scope=scope, focus=focus, viewer=viewer)
        .annotate(score=_individual_score())
        .filter(score__isnull=False)
        .annotate(
            child=_ChildOf(F("unit__lft"), children),
            bin=Least(Cast(Floor(F("score") * Value(2)), IntegerField()), Value(charts.BINS - 1)),
        )
        .order_by()
        .values("child", "bin")
        .annotate(
            n=Count("pk"),
            total=Sum("score", output_field=_SUMS),
            squares=Sum(F("score") * F("score"), output_field=_SUMS),
        )
    )
    for g in groups:
        args = (int(g["bin"]), g["n"], g["total"], g["squares"])
        focus_row.add(*args)
        if g["child"] is not None:
            rows[g["child"]].add(*args)
    kpis_of: dict[int, list[tuple[int | None, Decimal | None]]] = defaultdict(list)
    for _pk, unit_id, weight, latest in kpis:
        kpis_of[unit_id].append((latest, weight))
    for row in [focus_row, *rows.values()]:
        mine = kpis_of[row.unit.pk] if (inside or row is not focus_row) else []
        row.kpi_count = len(mine)
        with_result = [(level, w) for level, w in mine if level is not None]
        row.kpi_results = len(with_result)
        row.team = analytics.team_score(with_result)
        row.classify()
    listed = [rows[c.pk] for c in children]
    shown = inside and (focus_row.kpi_count or focus_row.n or listed)
    return AlignmentTable(focus=focus_row if shown else None, rows=listed)
