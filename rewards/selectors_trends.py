"""Reads for results over time: a person's totals and bands across rounds, and a unit's band
distribution across the rounds of its department, in a fixed number of queries.

Who sees what follows the rules of one form and of one round, row by row:
- a person's rounds are the forms of theirs the viewer may open (appraisal.forms_visible_to:
  the person, the evaluator chain frozen in THAT form, HR whose scope covers the unit of THAT
  form, administrators), so a supervisor sees the rounds in which they were in the chain and
  not those of a previous supervisor; a figure is shown only where the viewer may see the
  final result (appraisal.view_final: the person only once released, DOMAIN §5, §8);
- a round's distribution is counted only for rounds the viewer may analyse
  (rewards.view_analysis), over the units the viewer covers in it (round_scope, the committee
  seeing the whole department), scored forms onward as on the distribution page, and never
  with the viewer's own unreleased form (DOMAIN §8).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from appraisal import scoring
from appraisal.models import BAND_LABELS, AppraisalForm, AppraisalRound, Phase, State
from appraisal.selectors import (
    SCORED_STATES,
    forms_visible_to,
    outermost_units,
    round_scope,
    scored_counts_of_rounds,
    unit_holds,
)
from appraisal.views_hr import BAND_COLOURS, BANDS
from common import svg_charts
from common.permissions import can
from orgchart.models import OrgUnit, Person

ANALYSIS = "rewards.view_analysis"
NOT_RELEASED = _("ยังไม่ประกาศผล")
NO_RESULT = _("ยังไม่มีผลการประเมิน")
OWN_SCOPE = _("ทั้งหมดในขอบเขตของท่าน")


# --- a person's rounds ---------------------------------------------------------------------------


@dataclass
class PersonRound:
    """One round of a person as the viewer may see it: the total (two decimals) and band only
    when shown; otherwise `note` says why not (not released yet, or no result yet)."""

    form: AppraisalForm
    shown: bool
    total: Decimal | None = None
    band: str = ""
    band_label: str = ""
    note: str = ""

    @property
    def released(self) -> bool:
        return self.form.state == State.RELEASED


def person_rounds(*, user, person: Person) -> list[PersonRound]:
    """The person's forms the user may open, oldest round first, with the figures the user may
    see (one query)."""
    forms = (
        forms_visible_to(user)
        .filter(person=person)
        .order_by("round__fiscal_year", "round__number", "round__department__name")
    )
    rows = []
    for f in forms:
        scored = f.state in SCORED_STATES and f.final_total is not None and f.final_band
        if not scored:
            rows.append(PersonRound(f, False, note=str(NO_RESULT)))
        elif can(user, "appraisal.view_final", f):
            rows.append(
                PersonRound(
                    f,
                    True,
                    total=scoring.round2(f.final_total),
                    band=f.final_band,
                    band_label=str(BAND_LABELS.get(f.final_band, "")),
                )
            )
        else:
            rows.append(PersonRound(f, False, note=str(NOT_RELEASED)))
    return rows


def thresholds_of(rows: list[PersonRound]) -> list[tuple[Decimal, str]]:
    """The band bounds (ดีเด่น, ดีมาก, ดี, พอใช้) of the latest round with a figure shown: the
    lines of the chart (the middle bounds may differ per round; each row names its own band)."""
    shown = [r for r in rows if r.shown]
    if not shown:
        return []
    return [
        (bound, str(BAND_LABELS[code]))
        for code, bound in shown[-1].form.bands()
        if code != scoring.IMPROVE
    ]


# --- a unit's bands across rounds ---------------------------------------------------------------


@dataclass
class RoundBands:
    """One round's counts per band: of the chosen unit's subtree (`unit`) and of everything
    the viewer covers in the round (`scope`, the department for HR of the whole department and
    the committee); `pending` counts the scored forms not yet released among `scope`."""

    rnd: AppraisalRound
    units: list[OrgUnit]
    unit: Counter = field(default_factory=Counter)
    scope: Counter = field(default_factory=Counter)
    pending: int = 0

    @property
    def whole_department(self) -> bool:
        return [u.pk for u in self.units] == [self.rnd.department_id]

    @property
    def scope_label(self) -> str:
        """What `scope` counts, as the page names it."""
        return self.rnd.department.name if self.whole_department else str(OWN_SCOPE)


def analysis_rounds(*, user, rnd: AppraisalRound) -> list[tuple[AppraisalRound, list[OrgUnit]]]:
    """The opened rounds of rnd's department up to rnd, oldest first, that the user may analyse,
    each with the units the user covers in it (round_scope with the committee seeing all).

    rewards.view_analysis is administrator | HR in the department | the round's committee: the
    first two are the same for every round of one department, so the rule is asked once of a
    round the user is not on the committee of, and the committee's rounds are read in one
    query; the page then costs the same whatever the number of rounds
    (tests/rewards/test_trends_units.py checks this against the rule round by round)."""
    rounds = list(
        AppraisalRound.objects.filter(department_id=rnd.department_id)
        .exclude(phase=Phase.SETUP)
        .filter(
            Q(fiscal_year__lt=rnd.fiscal_year)
            | Q(fiscal_year=rnd.fiscal_year, number__lte=rnd.number)
        )
        .select_related("department")
        .order_by("fiscal_year", "number")
    )
    if not rounds or not user.is_authenticated:
        return []
    member = set(
        AppraisalRound.objects.filter(pk__in=[r.pk for r in rounds], committee=user).values_list(
            "pk", flat=True
        )
    )
    probe = next((r for r in rounds if r.pk not in member), None)
    others = probe is not None and can(user, ANALYSIS, probe)
    others_scope = round_scope(user=user, rnd=probe, committee_sees_all=True) if others else []
    department = [rounds[0].department]
    result = []
    for r in rounds:
        if r.pk in member:
            result.append((r, department))
        elif others and others_scope:
            result.append((r, others_scope))
    return result


def unit_bands(
    *,
    rounds: list[tuple[AppraisalRound, list[OrgUnit]]],
    unit: OrgUnit | None,
    viewer: Person | None,
) -> list[RoundBands]:
    """Counts per band for each round (in two grouped queries whatever the number of rounds):
    the forms of `unit`'s subtree (None: the whole scope) and of the round's scope, scored
    onward, without the viewer's own unreleased form."""
    if not rounds:
        return []
    # The per-unit counts of the scope units (and of the unit, or the scope units inside it),
    # less the viewer's own unreleased result: a few rows per round whatever its forms.
    scopes = {r.pk: outermost_units(units) for r, units in rounds}
    parts: dict[int, list[OrgUnit]] = {}
    for r, _units in rounds:
        if unit is None or any(unit.is_descendant_of(s, include_self=True) for s in scopes[r.pk]):
            parts[r.pk] = scopes[r.pk] if unit is None else [unit]
        else:
            parts[r.pk] = outermost_units(s for s in scopes[r.pk] if s.is_descendant_of(unit))
    counted, own = scored_counts_of_rounds(
        {r.pk: [*scopes[r.pk], *parts[r.pk]] for r, _units in rounds}, viewer
    )
    rows = {r.pk: RoundBands(rnd=r, units=units) for r, units in rounds}
    for r, _units in rounds:
        rb, mine = rows[r.pk], own.get(r.pk)
        for s in scopes[r.pk]:
            for state, band, _group, n in counted.get((r.pk, s.pk), []):
                rb.scope[band] += n
                if state != State.RELEASED:
                    rb.pending += n
            if unit_holds(s, mine):
                rb.scope[mine[3]] -= 1
                rb.pending -= 1
        for u in parts[r.pk]:
            for _state, band, _group, n in counted.get((r.pk, u.pk), []):
                rb.unit[band] += n
            if unit_holds(u, mine):
                rb.unit[mine[3]] -= 1
        rb.scope, rb.unit = +rb.scope, +rb.unit
    return [rows[r.pk] for r, _units in rounds]


def own_left_out(*, rounds: list[tuple[AppraisalRound, list[OrgUnit]]], viewer) -> bool:
    """Whether the viewer has a form not yet released in these rounds (left out of the counts)."""
    if viewer is None or not rounds:
        return False
    return (
        AppraisalForm.objects.filter(round_id__in=[r.pk for r, _u in rounds], person=viewer)
        .exclude(state=State.RELEASED)
        .exists()
    )


# --- the charts (the same SVG in the page and in the PDF) --------------------------------------


def person_chart(rows: list[PersonRound]) -> str:
    """The person's totals across rounds, as SVG text (escaped by common.svg_charts)."""
    return svg_charts.totals_chart(
        [
            svg_charts.Point(r.form.round.code, r.total if r.shown else None, r.band_label)
            for r in rows
        ],
        thresholds=thresholds_of(rows),
        title=str(_("คะแนนรวมในแต่ละรอบการประเมิน")),
        empty_text=str(_("ยังไม่มีผลการประเมินที่แสดงได้")),
    )


def bands_chart(rows: list[RoundBands], *, unit: OrgUnit | None) -> str:
    """Each round's band shares: the chosen unit and, beside it, everything the viewer covers
    in the round (the department); without a unit, the latter only."""
    bars = []
    for rb in rows:
        label = unit.name if unit is not None else rb.scope_label
        bars.append(svg_charts.Bar(label, [rb.unit.get(b, 0) for b in BANDS], rb.rnd.code))
        if unit is not None:
            bars.append(
                svg_charts.Bar(rb.scope_label, [rb.scope.get(b, 0) for b in BANDS], rb.rnd.code)
            )
    return svg_charts.band_shares_chart(
        bars,
        bands=[svg_charts.Band(str(BAND_LABELS[b]), BAND_COLOURS[b]) for b in BANDS],
        title=str(_("สัดส่วนผลการประเมินแต่ละระดับในแต่ละรอบ")),
        empty_text=str(_("ยังไม่มีผลการประเมินที่แสดงได้")),
        none_text=str(_("ยังไม่มีผล")),
    )
