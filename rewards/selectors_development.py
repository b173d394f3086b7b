"""What to develop (DOMAIN §7): the competencies most often rated below the expected level in a
round, per unit and for the department, the people concerned and the IDP rows planned for
them, for HR's training plan. Every read is scoped to the viewer's units, leaves out the
viewer's own unreleased form (DOMAIN §8) and costs a fixed number of queries.

Only forms whose evaluation is confirmed count (appraisal.selectors.SCORED_STATES): a level
typed while scoring is still in progress is not a result yet.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, QuerySet

from appraisal.models import AppraisalForm, AppraisalRound, FormCompetency, IdpRow, State
from appraisal.selectors import SCORED_STATES
from orgchart.models import OrgUnit, Person
from orgchart.selectors import subtree_q

# A competency shown below its expected level (FormCompetency.gap > 0).
BELOW = Q(actual__isnull=False) & Q(actual__lt=F("expected"))


def counted_forms(
    *, rnd: AppraisalRound, units: list[OrgUnit], viewer: Person | None
) -> QuerySet[AppraisalForm]:
    """The round's confirmed forms in the units' subtrees, without the viewer's own form
    before it is released (AppraisalForm.hidden_from)."""
    qs = AppraisalForm.objects.filter(round=rnd, state__in=SCORED_STATES).filter(
        subtree_q(units, prefix="unit__")
    )
    if viewer is not None:
        qs = qs.exclude(Q(person=viewer) & ~Q(state=State.RELEASED))
    return qs


def own_left_out(*, rnd: AppraisalRound, viewer: Person | None) -> bool:
    """Whether the viewer has a form in the round that the figures leave out (not released)."""
    return (
        viewer is not None
        and AppraisalForm.objects.filter(round=rnd, person=viewer)
        .exclude(state=State.RELEASED)
        .exists()
    )


@dataclass
class CompetencyCount:
    name: str
    below: int  # people rated below the expected level
    rated: int  # people rated on this competency

    @property
    def percent(self) -> int:
        return round(self.below * 100 / self.rated) if self.rated else 0


def competency_counts(forms: QuerySet[AppraisalForm]) -> tuple[int, list[CompetencyCount]]:
    """(people counted, each competency with how many were rated below and how many rated),
    the most often below first; competencies nobody is below are left out. Two queries."""
    people = forms.count()
    rows = (
        FormCompetency.objects.filter(form__in=forms, actual__isnull=False)
        .values("name")
        .annotate(rated=Count("id"), below=Count("id", filter=BELOW))
        .order_by()
    )
    counts = [CompetencyCount(r["name"], r["below"], r["rated"]) for r in rows if r["below"]]
    counts.sort(key=lambda c: (-c.below, c.name))
    return people, counts


@dataclass
class UnitRow:
    unit: OrgUnit
    people: int = 0  # people counted
    concerned: int = 0  # people below the expected level in at least one competency
    top: list[tuple[str, int]] = field(default_factory=list)  # (competency, people), most first
    direct: bool = False  # the people of the focus unit itself, not of a unit below it


TOP_PER_UNIT = 3


def counts_by_child(
    *,
    rnd: AppraisalRound,
    focus: OrgUnit,
    scope: list[OrgUnit],
    viewer: Person | None,
) -> list[UnitRow]:
    """For each child unit of `focus` (its whole subtree, inside the scope): people counted,
    people concerned and the competencies most often below expectation; then, when it has
    any, a row of the people of `focus` itself (direct). A fixed number of queries whatever
    the number of units; a child outside the scope is left out."""
    children = [
        c
        for c in OrgUnit.objects.filter(parent=focus).order_by("tree_id", "lft")
        if any(c.is_descendant_of(s, include_self=True) or s.is_descendant_of(c) for s in scope)
    ]
    if not children:
        return []
    forms = counted_forms(rnd=rnd, units=scope, viewer=viewer).filter(
        subtree_q([focus], prefix="unit__")
    )
    # The focus first: it starts before its children, so only its own people fall on it.
    slots = [focus, *children]
    starts = [(u.tree_id, u.lft) for u in slots]
    result = [UnitRow(unit=u, direct=u.pk == focus.pk) for u in slots]

    def child(tree_id: int, lft: int) -> int:
        # The children's subtrees are disjoint and ordered: the last one starting at or before
        # the unit holds it.
        return bisect.bisect_right(starts, (tree_id, lft)) - 1

    for row in forms.values("unit__tree_id", "unit__lft").annotate(n=Count("id")).order_by():
        result[child(row["unit__tree_id"], row["unit__lft"])].people += row["n"]
    below = FormCompetency.objects.filter(form__in=forms).filter(BELOW)
    per_child: list[Counter] = [Counter() for _ in slots]
    names = below.values("form__unit__tree_id", "form__unit__lft", "name")
    for row in names.annotate(n=Count("id")).order_by():
        per_child[child(row["form__unit__tree_id"], row["form__unit__lft"])][row["name"]] += row[
            "n"
        ]
    people = below.values("form__unit__tree_id", "form__unit__lft")
    for row in people.annotate(n=Count("form", distinct=True)).order_by():
        # A person sits in one unit, so the per-unit counts of distinct forms add up.
        result[child(row["form__unit__tree_id"], row["form__unit__lft"])].concerned += row["n"]
    for r, counts in zip(result, per_child, strict=True):
        r.top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_PER_UNIT]
    own, *rows = result
    return rows + ([own] if own.people else [])


def idp_topics(forms: QuerySet[AppraisalForm], *, limit: int = 15) -> list[tuple[str, int]]:
    """The IDP topics planned most often in these forms: (topic, people), most first."""
    rows = (
        IdpRow.objects.filter(form__in=forms)
        .values("topic")
        .annotate(n=Count("form", distinct=True))
        .order_by("-n", "topic")[:limit]
    )
    return [(r["topic"], r["n"]) for r in rows]


def gap_rows(forms: QuerySet[AppraisalForm], *, competency: str = "") -> QuerySet[FormCompetency]:
    """Each competency rated below its expected level in these forms (optionally of one
    competency), with the person, position and unit, in tree order then by name."""
    qs = FormCompetency.objects.filter(form__in=forms).filter(BELOW)
    if competency:
        qs = qs.filter(name=competency)
    return qs.select_related("form__person", "form__unit").order_by(
        "form__unit__tree_id",
        "form__unit__lft",
        "form__person__first_name",
        "form__person__last_name",
        "form_id",
        "order",
        "pk",
    )


def plans_for(form_ids) -> dict[int, list[IdpRow]]:
    """The IDP rows of these forms, by form, in their order: one query."""
    plans: dict[int, list[IdpRow]] = defaultdict(list)
    for row in IdpRow.objects.filter(form_id__in=form_ids).order_by("form_id", "order", "pk"):
        plans[row.form_id].append(row)
    return plans


def plans_of(gap: FormCompetency, plans: dict[int, list[IdpRow]]) -> tuple[list[IdpRow], bool]:
    """The IDP rows planned for this gap: those proposed from the competency, else (False) the
    person's rows not tied to any competency, which may cover it under another wording."""
    rows = plans.get(gap.form_id, [])
    linked = [r for r in rows if r.from_competency_id == gap.pk]
    if linked:
        return linked, True
    return [r for r in rows if r.from_competency_id is None], False


def untied_plans(forms: QuerySet[AppraisalForm]) -> QuerySet[IdpRow]:
    """The IDP rows of these forms that no competency rated below expectation accounts for
    (typed by the evaluator, or proposed from a competency no longer below), with the person:
    HR's training plan lists them too."""
    below_ids = FormCompetency.objects.filter(form__in=forms).filter(BELOW).values("pk")
    return (
        IdpRow.objects.filter(form__in=forms)
        .exclude(from_competency_id__in=below_ids)
        .select_related("form__person", "form__unit")
        .order_by(
            "form__unit__tree_id",
            "form__unit__lft",
            "form__person__first_name",
            "form__person__last_name",
            "form_id",
            "order",
            "pk",
        )
    )
