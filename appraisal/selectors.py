"""Reads for rounds and forms, scoped to the user and in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial

from django.db.models import BooleanField, CharField, Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from appraisal import scoring
from appraisal.models import (
    BAND_LABELS,
    FORM_SCORE_EVENTS,
    FORM_TIMELINE,
    PROGRESS_STATES,
    AppraisalForm,
    AppraisalRound,
    CheckInProgress,
    FormCompetency,
    FormKpi,
    IdpFollowUp,
    IdpRow,
    ItemKind,
    Phase,
    State,
    UnitFormCount,
)
from common import thai
from common.compiled import CompiledLookup
from common.errors import DomainError
from common.models import AuditEvent
from common.permissions import can
from orgchart.models import OrgUnit, Person
from orgchart.selectors import child_rows, in_subtree, roles_of, subtree_q

SCORED_STATES = [
    State.SCORED,
    State.ACKNOWLEDGED,
    State.HIGHER_REVIEWED,
    State.REVIEWED,
    State.RELEASED,
]
FORM_RELATED = ("round__department", "person__position", "unit", "evaluator", "higher", "higher2")
# A form's KPI-row count as a subquery: a join with GROUP BY over every column of the forms
# and their seven related tables cost more to compile and plan than to run.
KPI_COUNT = Coalesce(
    Subquery(
        FormKpi.objects.filter(form=OuterRef("pk"))
        .order_by()
        .values("form")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    ),
    0,
)


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
        cond |= subtree_q(roles.hr_scopes, prefix="unit__")
    return qs.filter(cond)


def form_visible(user, form: AppraisalForm) -> bool:
    """forms_visible_to's rule for one form already fetched, in Python: a page that opens one
    form by its id asks this instead of planning the visibility OR over the joined tables
    (about 10 ms of planning on PostgreSQL against 2 ms for the look-up by id alone)."""
    roles = roles_of(user)
    if roles.is_admin:
        return True
    me = roles.person
    if me is not None and me.pk in (
        form.person_id,
        form.evaluator_id,
        form.higher_id,
        form.higher2_id,
    ):
        return True
    return bool(roles.hr_scopes) and roles.hr_covers(form.unit)


# The form a page opens, with what every form page shows of it. Two short queries instead of one
# join of nine tables: PostgreSQL spent about 3 ms planning the join (12 ms with an ORDER BY)
# for a look-up by id that runs in a tenth of that. Its SQL is compiled once (common.compiled):
# Django compiled these 116 columns on every request, 0.9 ms of CPU against 0.15.
_FORM_BY_ID = CompiledLookup(
    lambda pk: (
        AppraisalForm.objects.select_related("round__department", "person__position", "unit")
        .filter(pk=pk)
        .order_by()
    ),
    "pk",
)


_KPI_ROWS = CompiledLookup(
    lambda form_id: FormKpi.objects.select_related("kpi").filter(form_id=form_id), "form_id"
)


def kpi_rows(form: AppraisalForm) -> list[FormKpi]:
    """`form.kpis.select_related("kpi")` (in the rows' order), each row holding `form`; its SQL
    compiled once, as every form page and save reads them."""
    rows = _KPI_ROWS(form_id=form.pk)
    field = FormKpi._meta.get_field("form")
    for row in rows:
        field.set_cached_value(row, form)
    return rows


# A form's rows of one kind, in their model's order (what form.<related>.all() reads): the
# scoring page and its save read three kinds on every request, their SQL compiled once.
_ROWS_OF_FORM = {
    model: CompiledLookup(
        lambda form_id, model=model: model.objects.filter(form_id=form_id), "form_id"
    )
    for model in (FormCompetency, IdpRow, IdpFollowUp)
}


def form_rows(form: AppraisalForm, model) -> list:
    """`form.competencies.all()`, `form.idp.all()` or `form.idp_followups.all()` for the model
    FormCompetency, IdpRow or IdpFollowUp, each row holding `form`."""
    rows = _ROWS_OF_FORM[model](form_id=form.pk)
    field = model._meta.get_field("form")
    for row in rows:
        field.set_cached_value(row, form)
    return rows


# The progress of every check-in on a form's KPI rows, in the order the page lists it.
_PROGRESS_OF_FORM = CompiledLookup(
    lambda form_id: (
        CheckInProgress.objects.filter(item__form_id=form_id)
        .select_related("checkin")
        .order_by("checkin__on", "checkin__pk")
    ),
    "form_id",
)


# The form's evaluator and reviewers.
_PEOPLE_OF_3 = CompiledLookup(
    lambda a, b, c: Person.objects.filter(pk__in=[a, b, c]).order_by(), "a", "b", "c"
)


def form_for(user, pk) -> AppraisalForm | None:
    """The form with this id if the user may open it (as forms_visible_to), else None."""
    pk = int(pk)
    if not 0 < pk < 2**63:  # no such id (a bigint), as the ORM answers
        return None
    found = _FORM_BY_ID(pk=pk)
    if not found:
        return None
    form = found[0]
    chain = sorted({form.evaluator_id, form.higher_id, form.higher2_id} - {None})
    people = {}
    if chain:
        a, b, c = (chain * 3)[:3]  # always three ids (repeated): one compiled query
        people = {p.pk: p for p in _PEOPLE_OF_3(a=a, b=b, c=c)}
    for name in ("evaluator", "higher", "higher2"):
        field = AppraisalForm._meta.get_field(name)
        field.set_cached_value(form, people.get(getattr(form, field.attname)))
    return form if form_visible(user, form) else None


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
        .annotate(kpi_count=KPI_COUNT)
        .order_by(
            "-round__fiscal_year", "-round__number", "person__first_name", "person__last_name"
        )
    )


def team_list(
    person,
    rnd: AppraisalRound,
    *,
    unit: OrgUnit | None = None,
    filters: ListFilters | None = None,
) -> QuerySet[AppraisalForm]:
    """The forms the person evaluates in the round, with the KPI-row count, in name order;
    narrowed to a unit's subtree and by the filters (a band as ทีมของฉัน shows it: the final
    band, or the evaluator's while no review revised it)."""
    if person is None:
        return AppraisalForm.objects.none()
    qs = AppraisalForm.objects.filter(evaluator=person, round=rnd)
    if unit is not None:
        qs = qs.filter(subtree_q([unit], prefix="unit__"))
    if filters is not None:
        qs = filter_forms(qs, filters, viewer=person, provisional=True)
    return (
        qs.select_related(*FORM_RELATED)
        .annotate(kpi_count=KPI_COUNT)
        .order_by("person__first_name", "person__last_name", "pk")
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


def progress_by_unit(
    rnd: AppraisalRound,
    units: list[OrgUnit] | None = None,
    *,
    state: str = "",
    filters: ListFilters | None = None,
    viewer: Person | None = None,
):
    """Rows of (unit, {state: count}, total) for the units holding forms in scope (matching
    the filters), in tree order; one grouped query plus one for the units."""
    qs = AppraisalForm.objects.filter(round=rnd)
    if units is not None:
        qs = qs.filter(subtree_q(units, prefix="unit__"))
    if state:
        qs = qs.filter(state=state)
    if filters is not None:
        qs = filter_forms(qs, filters, viewer=viewer)
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


def outermost_units(units: Iterable[OrgUnit]) -> list[OrgUnit]:
    """The units without those inside another of them: their subtrees are disjoint, so their
    subtree counts add up."""
    units = list({u.pk: u for u in units}.values())
    return [u for u in units if not any(o.pk != u.pk and u.is_descendant_of(o) for o in units)]


def _subtree_counts(rnd: AppraisalRound, units: Iterable[OrgUnit], **filters) -> dict[int, list]:
    """{unit: [(state, band, group, forms)]}: the forms of each unit's whole subtree, read from
    the round's per-unit counts (UnitFormCount) in one query whatever the number of forms."""
    out: dict[int, list] = {u.pk: [] for u in units}
    # One query even for no unit (an id that never exists), so that a page's query count does
    # not depend on which units its scope meets.
    qs = (
        UnitFormCount.objects.filter(round=rnd, unit_id__in=list(out) or [0], **filters)
        .exclude(n=0)
        .values_list("unit_id", "state", "final_band", "staff_group", "n")
    )
    for unit_id, *row in qs:
        out[unit_id].append(tuple(row))
    return out


def progress_counts(rnd: AppraisalRound, units: Iterable[OrgUnit]) -> dict[int, list[int]]:
    """{unit: [forms per PROGRESS_STATES]} of each unit's whole subtree (returned counted as
    draft, as the console shows it), from the per-unit counts: one query."""
    index = {s: i for i, s in enumerate(PROGRESS_STATES)}
    index[State.RETURNED] = index[State.DRAFT]
    out = {}
    for unit_id, rows in _subtree_counts(rnd, units).items():
        cells = [0] * len(PROGRESS_STATES)
        for state, _band, _group, n in rows:
            cells[index[state]] += n
        out[unit_id] = cells
    return out


def progress_totals(rnd: AppraisalRound, units: Iterable[OrgUnit]) -> list[int]:
    """progress_by_unit()'s totals for the units' subtrees without filters, from the counts."""
    totals = [0] * len(PROGRESS_STATES)
    for cells in progress_counts(rnd, outermost_units(units)).values():
        totals = [a + b for a, b in zip(totals, cells, strict=True)]
    return totals


def scored_counts_of_rounds(
    units_of: dict[int, list[OrgUnit]], viewer: Person | None
) -> tuple[dict[tuple[int, int], list], dict[int, tuple]]:
    """For several rounds ({round id: units}) in two queries whatever their forms: the scored
    onward counts of each unit's subtree with a band, {(round, unit): [(state, band, group,
    forms)]}, and the viewer's own scored unreleased result of each round that the pages take
    out, {round: (tree_id, lft, staff group, final band)}."""
    counted: dict[tuple[int, int], list] = defaultdict(list)
    unit_ids = {u.pk for units in units_of.values() for u in units}
    qs = (
        UnitFormCount.objects.filter(
            round_id__in=list(units_of) or [0],
            unit_id__in=list(unit_ids) or [0],
            state__in=SCORED_STATES,
        )
        .exclude(final_band="")
        .exclude(n=0)
        .values_list("round_id", "unit_id", "state", "final_band", "staff_group", "n")
    )
    for round_id, unit_id, *row in qs:
        counted[(round_id, unit_id)].append(tuple(row))
    own = {}
    if viewer is not None:
        mine = (
            AppraisalForm.objects.filter(
                round_id__in=list(units_of), person=viewer, state__in=SCORED_STATES
            )
            .exclude(state=State.RELEASED)
            .exclude(final_band="")
            .values_list("round_id", "unit__tree_id", "unit__lft", "staff_group", "final_band")
        )
        own = {round_id: tuple(rest) for round_id, *rest in mine}
    return counted, own


def _own_result(rnd: AppraisalRound, viewer: Person | None):
    """The viewer's own scored form of the round that is not released yet, which every figure
    leaves out (DOMAIN §8): (tree_id, lft, staff group, final band), or None. One small query:
    the counts hold it, the pages subtract it."""
    if viewer is None:
        return None
    return (
        AppraisalForm.objects.filter(round=rnd, person=viewer, state__in=SCORED_STATES)
        .exclude(state=State.RELEASED)
        .exclude(final_band="")
        .values_list("unit__tree_id", "unit__lft", "staff_group", "final_band")
        .first()
    )


def unit_holds(unit: OrgUnit, own) -> bool:
    """Whether the form described by `own` (tree_id, lft, ...) lies in the unit's subtree."""
    return own is not None and own[0] == unit.tree_id and unit.lft <= own[1] <= unit.rght


def _without_own(qs, viewer):
    """AppraisalForm.hidden_from as a filter: the viewer's own unreleased form left out."""
    if viewer is None:
        return qs
    return qs.exclude(Q(person=viewer) & ~Q(state=State.RELEASED))


def distribution(
    rnd: AppraisalRound, units: list[OrgUnit] | None = None, *, viewer: Person | None = None
) -> dict:
    """Final bands of scored forms: counts per band overall and per staff group."""
    # Only forms whose evaluation is confirmed: a band set while scoring is in progress is not
    # a result yet.
    per_group: dict[str, Counter] = defaultdict(Counter)
    overall: Counter = Counter()

    def add(group: str, band: str, n: int) -> None:
        per_group[group][band] += n
        overall[band] += n

    if units is None:
        qs = AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES)
        qs = _without_own(qs.exclude(final_band=""), viewer)
        for row in qs.values("staff_group", "final_band").annotate(n=Count("id")).order_by():
            add(row["staff_group"], row["final_band"], row["n"])
    else:
        # The subtrees' counts (a few rows, whatever the number of forms), less the viewer's
        # own unreleased result when it lies inside.
        units = outermost_units(units)
        counted = _subtree_counts(rnd, units, state__in=SCORED_STATES)
        for rows in counted.values():
            for _state, band, group, n in rows:
                if band:
                    add(group, band, n)
        own = _own_result(rnd, viewer)
        if any(unit_holds(u, own) for u in units):
            add(own[2], own[3], -1)
        # Bands and groups left at zero by that are not shown (Counter's + drops them).
        overall = +overall
        per_group = {g: +c for g, c in per_group.items() if +c}
    return {"overall": overall, "per_group": dict(per_group), "total": sum(overall.values())}


def distribution_by_child(
    rnd: AppraisalRound,
    focus: OrgUnit,
    scope: list[OrgUnit] | None = None,
    *,
    viewer: Person | None = None,
) -> list[tuple[OrgUnit, dict]]:
    """distribution()'s overall counts for each child unit of `focus` (its whole subtree), in
    one query whatever the number of units. With a scope (HR of a subtree) a child counts only
    its forms inside the scope, and a child that does not meet the scope is left out."""
    # Plain rows: a department has a few hundred direct sub-units (orgchart.child_rows).
    children = child_rows([focus])[focus.pk]
    if not children:
        return []
    # What each child counts: its subtree, or with a scope, the scope units inside it (the
    # whole child when a scope unit holds it). Their subtree counts, less the viewer's own
    # unreleased result, in two small queries whatever the number of forms.
    parts: list[list] = []
    for c in children:
        if scope is None or any(in_subtree(c, s) for s in scope):
            parts.append([c])
        else:
            parts.append(outermost_units(s for s in scope if in_subtree(s, c, strictly=True)))
    counted = _subtree_counts(rnd, [u for p in parts for u in p], state__in=SCORED_STATES)
    own = _own_result(rnd, viewer)
    counts: list[Counter] = [Counter() for _ in children]
    for i, part in enumerate(parts):
        for u in part:
            for _state, band, _group, n in counted[u.pk]:
                if band:
                    counts[i][band] += n
            if unit_holds(u, own):
                counts[i][own[3]] -= 1
        counts[i] = +counts[i]
    return [
        (c, {"overall": n, "total": sum(n.values())})
        for c, n in zip(children, counts, strict=True)
        if scope is None or any(in_subtree(c, s) or in_subtree(s, c, strictly=True) for s in scope)
    ]


def committee_rounds(user):
    """The open rounds (not closed) whose committee the user sits on, newest first."""
    return (
        AppraisalRound.objects.filter(committee=user)
        .exclude(phase=Phase.CLOSED)
        .select_related("department")
        .order_by("-fiscal_year", "-number", "department__name")
    )


def round_scope(*, user, rnd: AppraisalRound, committee_sees_all: bool = False) -> list[OrgUnit]:
    """The units this user covers in this round: [the department] for an administrator or HR
    of the whole department (and, with committee_sees_all, a member of its committee), else
    the user's HR scopes inside the department without the ones nested in another (empty when
    they cover none of it). Every "which part of the round is mine" reads this."""
    roles = roles_of(user)
    if roles.is_admin or can(user, "appraisal.manage_round", rnd):
        return [rnd.department]
    if committee_sees_all and rnd.committee.filter(pk=user.pk).exists():
        return [rnd.department]
    mine = list({s.pk: s for s in roles.hr_scopes if s.tree_id == rnd.department.tree_id}.values())
    # A scope inside another one adds nothing and would count its forms twice.
    return sorted(
        (
            s
            for s in mine
            if not any(o.pk != s.pk and s.is_descendant_of(o, include_self=True) for o in mine)
        ),
        key=lambda s: s.lft,
    )


@dataclass(frozen=True)
class ListFilters:
    """What a list of forms is narrowed to, as its page and its .xlsx export read it: a name
    or staff code, a staff group (StaffGroup: a staff type, or on probation), a state (draft
    counts returned ones, as the console does) and a band. The band is honoured only where the
    viewer may see bands (the view decides: `band` is "" otherwise)."""

    who: str = ""
    group: str = ""
    state: str = ""
    band: str = ""

    @property
    def any(self) -> bool:
        return bool(self.who or self.group or self.state or self.band)


def who_q(who: str, prefix: str = "person__") -> Q:
    """A staff code, or a name: a word of the first or last name, or "first last"."""
    cond = Q(**{f"{prefix}staff_code": who})
    cond |= Q(**{f"{prefix}first_name__icontains": who}) | Q(
        **{f"{prefix}last_name__icontains": who}
    )
    first, _sep, last = who.partition(" ")
    if last:
        cond |= Q(
            **{f"{prefix}first_name__icontains": first, f"{prefix}last_name__icontains": last}
        )
    return cond


def filter_forms(
    qs: QuerySet[AppraisalForm],
    flt: ListFilters,
    *,
    viewer: Person | None = None,
    provisional: bool = False,
) -> QuerySet[AppraisalForm]:
    """The forms matching the filters. A band matches the final band (with `provisional`, the
    evaluator's band of a form not reviewed yet too, as ทีมของฉัน shows it); filtering by band
    leaves out the viewer's own unreleased form, whose band they may not know (DOMAIN §8)."""
    if flt.state == State.DRAFT:
        qs = qs.filter(state__in=[State.DRAFT, State.RETURNED])
    elif flt.state:
        qs = qs.filter(state=flt.state)
    if flt.group:
        qs = qs.filter(staff_group=flt.group)
    if flt.who:
        qs = qs.filter(who_q(flt.who))
    if flt.band:
        cond = Q(final_band=flt.band)
        if provisional:
            cond |= Q(final_band="", band=flt.band)
        qs = _without_own(qs.filter(cond), viewer)
    return qs


def round_forms(
    *,
    rnd: AppraisalRound,
    units: list[OrgUnit],
    only_unit: OrgUnit | None = None,
    state: str = "",
    who: str = "",
    filters: ListFilters | None = None,
    viewer: Person | None = None,
) -> QuerySet[AppraisalForm]:
    """The forms of a round in the units' subtrees (or of one unit only), narrowed by the
    filters (or the older state and who arguments); in tree order with the person, unit and
    evaluator loaded."""
    qs = AppraisalForm.objects.filter(round=rnd).filter(subtree_q(units, prefix="unit__"))
    if only_unit is not None:
        qs = qs.filter(unit=only_unit)
    qs = filter_forms(qs, filters or ListFilters(state=state, who=who), viewer=viewer)
    return qs.select_related("person", "unit", "evaluator").order_by(
        "unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk"
    )


TOP_BANDS = (scoring.OUTSTANDING, scoring.VERY_GOOD)


def top_rated(
    *,
    rnd: AppraisalRound,
    units: list[OrgUnit],
    viewer: Person | None = None,
    filters: ListFilters | None = None,
) -> QuerySet[AppraisalForm]:
    """The scored forms rated ดีเด่น or ดีมาก in the units' subtrees (matching the filters: a
    band outside these two matches nothing), highest total first."""
    qs = AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES, final_band__in=TOP_BANDS)
    qs = _without_own(qs, viewer).filter(subtree_q(units, prefix="unit__"))
    if filters is not None:
        qs = filter_forms(qs, filters, viewer=viewer)
    return qs.select_related("person", "unit", "evaluator").order_by(
        "-final_total", "person__first_name", "person__last_name", "pk"
    )


# An agreement not yet approved: what HR's console counts as outstanding, what reminders go
# out for, and (once the round's deadline has passed) what is marked เลยกำหนด on the home page
# and My team. One definition, so that the figures agree.
AGREEMENT_PENDING = (State.NOT_STARTED, State.DRAFT, State.RETURNED, State.SUBMITTED)
# Not yet scored: late once the evaluation deadline has passed.
SCORING_PENDING = (*AGREEMENT_PENDING, State.AGREED)


def _past(deadline: dt.date | None, rnd: AppraisalRound, today: dt.date | None) -> bool:
    if deadline is None or rnd.phase in (Phase.SETUP, Phase.CLOSED):
        return False
    return (today or timezone.localdate()) > deadline


def agreement_deadline_passed(rnd: AppraisalRound, today: dt.date | None = None) -> bool:
    """The round is live and its agreement deadline is behind us."""
    return _past(rnd.agreement_deadline, rnd, today)


def scoring_deadline_passed(rnd: AppraisalRound, today: dt.date | None = None) -> bool:
    """The round is live and its evaluation deadline is behind us."""
    return _past(rnd.evaluation_deadline, rnd, today)


def agreement_overdue(form: AppraisalForm, today: dt.date | None = None) -> bool:
    """The form's agreement is not yet approved and its round's deadline has passed."""
    return form.state in AGREEMENT_PENDING and agreement_deadline_passed(form.round, today)


def scoring_overdue(form: AppraisalForm, today: dt.date | None = None) -> bool:
    """The form is not yet scored and its round's evaluation deadline has passed."""
    return form.state in SCORING_PENDING and _past(
        form.round.evaluation_deadline, form.round, today
    )


def overdue_agreements(*, rnd: AppraisalRound, units: Iterable[OrgUnit] | None = None):
    """Forms whose agreement is not yet approved, with the person and evaluator loaded."""
    qs = AppraisalForm.objects.filter(round=rnd, state__in=AGREEMENT_PENDING).select_related(
        "person", "evaluator"
    )
    if units is not None:
        qs = qs.filter(subtree_q(units, prefix="unit__"))
    return qs


def cascaded_kpis(*, form: AppraisalForm):
    """Personal KPIs cascaded to the appraisee for the round's fiscal year, not yet in the form."""
    from kpi.models import Kpi, KpiTier

    have = set(form.kpis.exclude(kpi=None).values_list("kpi_id", flat=True))
    return [
        k
        for k in Kpi.objects.filter(
            fiscal_year=form.round.fiscal_year, tier=KpiTier.PERSON, person_id=form.person_id
        ).order_by("code", "pk")
        if k.pk not in have
    ]


# --- the figures of a form ---------------------------------------------------------------------


def form_result(
    *,
    form: AppraisalForm,
    kpis: Sequence[FormKpi] | None = None,
    competencies: Sequence[FormCompetency] | None = None,
) -> scoring.FormResult:
    """The one result of a form (appraisal.scoring.form_result) from its rows as they are now;
    pass the rows when they are already loaded. Everything that shows a figure reads this, or
    the figures the services stored from it."""
    kpis = list(form.kpis.all()) if kpis is None else kpis
    competencies = list(form.competencies.all()) if competencies is None else competencies
    return scoring.form_result(
        kpis=[(r.level, r.weight) for r in kpis],
        competencies=[(c.actual, c.expected, c.weight) for c in competencies],
        method=form.competency_method,
        weight_achievement=form.weight_achievement,
        weight_competency=form.weight_competency,
        weight_other=form.weight_other,
        other_percent=form.other_percent,
        bands=form.bands(),
        higher_total=form.higher_total,
        higher2_total=form.higher2_total,
        rounding=form.rounding,
        ratio_cap=form.ratio_cap,
        bar_level_zero=form.bar_level_zero,
    )


def last_milestones(*, form: AppraisalForm) -> dict[int, int]:
    """The last milestone reached at a check-in, per KPI row of the form: one query."""
    result: dict[int, int] = {}
    rows = (
        CheckInProgress.objects.filter(item__form=form, milestone__isnull=False)
        .order_by("item_id", "checkin__on", "checkin__pk")
        .values_list("item_id", "milestone")
    )
    for item_id, milestone in rows:
        result[item_id] = milestone  # ordered oldest first: the last one stays
    return result


def milestones_of(progress: dict[int, list[CheckInProgress]]) -> dict[int, int]:
    """last_milestones from checkin_progress's rows of all the form's KPI rows (no query)."""
    result: dict[int, int] = {}
    for item_id, rows in progress.items():
        for p in rows:  # oldest first: the last milestone given stays
            if p.milestone is not None:
                result[item_id] = p.milestone
    return result


# Where the suggested level ("ระบบเสนอ") comes from, as the scoring page and its message say.
SUGGESTION_SOURCES = {
    "actual": _("จากผลการดำเนินงานที่กรอก"),
    "milestone": _("จากความก้าวหน้าที่บันทึกครั้งล่าสุด"),
    "self": _("จากการประเมินตนเอง"),
}


def suggestion(*, row: FormKpi, milestones: dict[int, int]) -> tuple[int | None, str]:
    """(level, source) the criteria say the row earns, source a key of SUGGESTION_SOURCES:
    from a linked quantitative KPI and a numeric actual result ('actual'), else the last
    milestone reached at a check-in ('milestone', see last_milestones), else the
    self-assessment ('self'); (None, '') when there is nothing to go on."""
    from kpi.services import level_of

    if row.kpi_id and row.actual:
        try:
            value = Decimal(row.actual.replace(",", "").strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is not None and value.is_finite():
            try:
                return level_of(row.kpi, actual=value), "actual"
            except DomainError:
                pass
    last = milestones.get(row.pk)
    if last is not None:
        return last, "milestone"
    if row.self_level is not None:
        return row.self_level, "self"
    return None, ""


def suggested_level(*, row: FormKpi, milestones: dict[int, int]) -> int | None:
    """The level of suggestion(): what the criteria say the row earns."""
    return suggestion(row=row, milestones=milestones)[0]


# --- what happened to a form (the audit trail) ---------------------------------------------------


# The form's events by the kinds asked (a few fixed sets), each compiled once.
_FORM_EVENTS: dict[tuple[str, ...] | None, CompiledLookup] = {}


def form_events(*, form: AppraisalForm, kinds: Iterable[str] | None = None) -> list[AuditEvent]:
    """The form's events in the audit trail, oldest first: the one place that says what
    happened to it (its timeline and its history read this)."""
    key = None if kinds is None else tuple(str(k) for k in kinds)
    lookup = _FORM_EVENTS.get(key)
    if lookup is None:
        lookup = _FORM_EVENTS[key] = CompiledLookup(partial(_form_events_qs, kinds=key), "pk")
    return lookup(pk=str(form.pk))


def _form_events_qs(pk, kinds: tuple[str, ...] | None) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(
        object_type=AppraisalForm._meta.label_lower, object_id=str(pk)
    ).select_related("actor")
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.order_by("at", "pk")


def form_timeline(*, form: AppraisalForm, show_score: bool) -> list[AuditEvent]:
    """The form's timeline as its people read it: each step with who, when and the comment; a
    reviewer's comment may carry a revised total, so it is left out for whoever may not see
    the score yet. No figures (they are in the changes, which the timeline never shows)."""
    events = form_events(form=form, kinds=FORM_TIMELINE)
    for e in events:
        e.comment = e.reason if (show_score or e.kind not in FORM_SCORE_EVENTS) else ""
    return events


@dataclass(frozen=True)
class HistoryRow:
    """One changed value in a form's history: when, who, what happened, to which row, the
    field, old and new value, and why."""

    at: object
    who: str
    what: str
    subject: str
    field: str
    old: object
    new: object
    why: str
    # The audit event it came from: a page groups one event's changes under it.
    event: int = 0


HISTORY_FIELDS = {
    "state": _("สถานะ"),
    "actual": _("ผลการดำเนินงาน"),
    "level": _("ระดับที่ได้"),
    "level_reason": _("เหตุผลของระดับที่ให้"),
    "self_level": _("ระดับที่ประเมินตนเอง"),
    "self_note": _("คำอธิบายการประเมินตนเอง"),
    "self_actual": _("ระดับที่ประเมินตนเอง"),
    "note": _("พฤติกรรมที่พบ"),
    "name": _("ชื่อตัวชี้วัด"),
    "kind": _("ประเภท"),
    "weight": _("น้ำหนัก"),
    "target": _("ค่าเป้าหมาย"),
    "removed": _("ลบรายการ"),
    **{f"criteria_{i}": format_lazy("{} {}", _("เกณฑ์ระดับ"), i) for i in range(1, 6)},
    "other_percent": _("คะแนนองค์ประกอบอื่น (ร้อยละ)"),
    "evaluator_comment": _("ความเห็นของผู้ประเมิน"),
    "idp": _("แผนพัฒนารายบุคคล"),
    "total": _("คะแนนรวม"),
    "band": _("ระดับผลการประเมิน"),
    "agrees": _("เห็นด้วยกับผลการประเมิน"),
    "higher_total": _("คะแนนที่ผู้บังคับบัญชาเหนือขึ้นไปเห็นควร"),
    "higher2_total": _("คะแนนที่ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่งเห็นควร"),
    "final_total": _("คะแนนรวมหลังทบทวน"),
    "evaluator": _("ผู้ประเมิน"),
    "higher": _("ผู้บังคับบัญชาเหนือขึ้นไป"),
    "higher2": _("ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง"),
    "final_band": _("ระดับผลการประเมินหลังทบทวน"),
    "informed_on": _("วันที่แจ้งผล"),
    "phase": _("ช่วงของรอบ"),
}


# Figures of the trail, shown to two decimals with the one rounding function.
FIGURE_FIELDS = {"total", "higher_total", "higher2_total", "final_total", "other_percent", "weight"}
# Values that are a person's id: shown by the person's name.
PERSON_FIELDS = {"evaluator", "higher", "higher2"}
DATE_FIELDS = {"informed_on"}
# A competency's fields read differently from a KPI row's (its "actual" is a level shown).
COMPETENCY_FIELDS = {
    "actual": _("ระดับสมรรถนะที่แสดงออก"),
    "self_actual": _("ระดับสมรรถนะที่ประเมินตนเอง"),
    "note": _("พฤติกรรมที่พบ"),
}


def shown_value(field: str, value, *, people: dict | None = None):
    """A value of the audit trail as a page shows it: figures to two decimals, states, bands
    and KPI kinds by their Thai names, people by name, dates in B.E., yes/no in Thai, lists
    as text; None stays None ("-")."""
    if value is None or value == "":
        return None
    if field == "state" and value in State.values:
        return State(value).label
    if field in ("band", "final_band") and value in BAND_LABELS:
        return BAND_LABELS[value]
    if field == "phase" and value in Phase.values:
        return Phase(value).label
    if field == "kind" and value in ItemKind.values:
        return ItemKind(value).label
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if field == "removed":
        return _("ลบแล้ว") if value is None else _("มีอยู่")
    if field in PERSON_FIELDS and people is not None:
        person = people.get(value)
        return person.full_name if person is not None else None
    if field in DATE_FIELDS:
        try:
            return thai.format_date_long(dt.date.fromisoformat(str(value)))
        except ValueError:
            return value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or None
    if field in FIGURE_FIELDS:
        try:
            return scoring.round2(str(value))
        except (TypeError, ValueError, InvalidOperation):
            return value
    return value


def _field_label(field: str, *, competency: bool = False) -> str:
    if competency and field in COMPETENCY_FIELDS:
        return str(COMPETENCY_FIELDS[field])
    return str(HISTORY_FIELDS.get(field, field))


def change_rows(
    changes: dict, *, people: dict | None = None
) -> list[tuple[str, str, object, object]]:
    """(row, field label, old, new) for each value one audit event changed, KPI rows and
    competencies (by the competency's name) included, as a page shows them."""
    rows = []
    for key, value in changes.items():
        if key in ("kpis", "competencies") and isinstance(value, dict):
            # A competency's row is its name; its fields' labels say it is a competency.
            competency = key == "competencies"
            for subject, fields in value.items():
                for field, (old, new) in fields.items():
                    label = _field_label(field, competency=competency)
                    if field == "removed":
                        rows.append((subject, label, _("มีอยู่"), _("ลบแล้ว")))
                        continue
                    rows.append(
                        (
                            subject,
                            label,
                            shown_value(field, old, people=people),
                            shown_value(field, new, people=people),
                        )
                    )
        elif isinstance(value, list) and len(value) == 2:
            old, new = (shown_value(key, v, people=people) for v in value)
            rows.append(("", _field_label(key), old, new))
    return rows


def _people_named(events: Iterable[AuditEvent]) -> dict:
    """The people whose ids the events' evaluator changes name, in one query."""
    ids = {
        v
        for e in events
        for key in PERSON_FIELDS
        for v in (e.changes.get(key) or [])
        if isinstance(v, int)
    }
    return {p.pk: p for p in Person.objects.filter(pk__in=ids)} if ids else {}


def form_history(*, form: AppraisalForm) -> list[HistoryRow]:
    """Every value the form's events changed, newest first, competencies and KPI rows
    included, each with who, when, the event's Thai label and why."""
    events = form_events(form=form)
    people = _people_named(events)
    rows: list[HistoryRow] = []
    for e in reversed(events):
        who = e.actor_name or (e.actor.get_username() if e.actor else "")
        changed = change_rows(e.changes, people=people)
        if not changed:
            rows.append(HistoryRow(e.at, who, e.label, "", "", None, None, e.reason, e.pk))
        for subject, field, old, new in changed:
            rows.append(HistoryRow(e.at, who, e.label, subject, field, old, new, e.reason, e.pk))
    return rows


def round_audit(
    *, user, rnd: AppraisalRound, kind: str = "", who: str = ""
) -> QuerySet[AuditEvent]:
    """HR's audit view of a round: the round's own events and the events of every form in the
    user's part of the round (round_scope), newest first; optionally of one kind, or of the
    forms of people whose staff code or name matches `who`."""
    forms = AppraisalForm.objects.filter(round=rnd).filter(
        subtree_q(round_scope(user=user, rnd=rnd), prefix="unit__")
    )
    # The officer's own form is not theirs to audit before it is released (DOMAIN §8).
    forms = _without_own(forms, roles_of(user).person)
    if who:
        forms = forms.filter(
            Q(person__staff_code=who)
            | Q(person__first_name__icontains=who)
            | Q(person__last_name__icontains=who)
        )
    form_ids = forms.annotate(key=Cast("pk", output_field=CharField())).values("key")
    cond = Q(object_type=AppraisalForm._meta.label_lower, object_id__in=form_ids)
    if not who:
        cond |= Q(object_type=AppraisalRound._meta.label_lower, object_id=str(rnd.pk))
    qs = AuditEvent.objects.filter(cond)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("actor").order_by("-at", "-pk")


def round_has_forms_of(person, rounds: str = "") -> RawSQL:
    """A condition on AppraisalRound rows (named `rounds` in the SQL, the table's own name by
    default): the person evaluates or reviews someone in the round (is a form's evaluator,
    higher or higher2).

    One probe of the (evaluator|higher|higher2, round) index per round and role: the first
    index entry at or after (person, round) says whether there is one. EXISTS, or an OR of the
    three with LIMIT 1, let PostgreSQL choose its plan for the first match: for a director, who
    reviews a fifth of a department's forms, it walked a whole round's forms, or every form,
    hoping for an early one (6-14 ms at 20,000 staff on every request of theirs). The ordering
    on the two columns leaves the composite index as the only plan."""
    form = AppraisalForm._meta.db_table
    rnd = rounds or AppraisalRound._meta.db_table
    probes = []
    for column in ("evaluator_id", "higher_id", "higher2_id"):
        probes.append(
            f"COALESCE((SELECT f.{column} = %s AND f.round_id = {rnd}.id FROM {form} f "
            f"WHERE (f.{column}, f.round_id) >= (%s, {rnd}.id) "
            f"ORDER BY f.{column}, f.round_id LIMIT 1), FALSE)"
        )
    return RawSQL("(" + " OR ".join(probes) + ")", [person.pk] * 6, output_field=BooleanField())


def evaluates_anyone_sql(person) -> RawSQL:
    """Whether the person evaluates or reviews someone in a round that is not closed (the
    navigation bar's ทีมของฉัน), as an SQL condition read with other columns in one query."""
    cond = round_has_forms_of(person, rounds="r")
    sql, params = cond.sql, cond.params
    return RawSQL(
        f"EXISTS (SELECT 1 FROM {AppraisalRound._meta.db_table} r WHERE r.phase <> %s AND {sql})",
        [Phase.CLOSED.value, *params],
        output_field=BooleanField(),
    )


def checkin_progress(*, form: AppraisalForm) -> dict[int, list[CheckInProgress]]:
    """Every check-in's progress on each of the form's KPI rows, oldest first, with the
    check-in: one query, compiled once."""
    by_item: dict[int, list[CheckInProgress]] = defaultdict(list)
    for p in _PROGRESS_OF_FORM(form_id=form.pk):
        by_item[p.item_id].append(p)
    return by_item
