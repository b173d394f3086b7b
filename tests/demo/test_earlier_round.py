"""seed_demo's earlier round: every form of the demo accounts' department walked through the
services to a released result, with IDP rows, unit KPI results that put the units in every
alignment class, and the dates of each step in order within the round; on the demo's today
(the current round in monitoring) it stays in its review phase for a few late people, one step
left for each demo role (the closed case: tests/appraisal/test_demo_round.py). One seed for the
module (it costs several seconds); the tests only read it."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    CheckIn,
    FormKpi,
    IdpFollowUp,
    IdpRow,
    Phase,
    State,
)
from common import thai
from common.permissions import can
from demo.earlier import Stragglers, earlier_round_of
from demo.loader import read_json
from demo.round import phase_on
from kpi.models import Kpi, KpiResult, KpiTier
from orgchart.models import OrgUnit, Person, StaffType
from rewards.analytics import alignment
from tests.conftest import shared_rows

# เงินเดือนขั้นสูง per level (DOMAIN §7, the bases of the salary raise).
CEILING = {
    "O1": 21010, "O2": 38750, "O3": 54820, "O4": 69040, "K1": 26900, "K2": 43600, "K3": 58390,
    "K4": 69040, "K5": 76800, "M1": 59500, "M2": 70360, "S1": 74320, "S2": 76800,
}  # fmt: skip


def seed_once() -> str:
    out = StringIO()
    call_command("seed_demo", "--staff", "100", stdout=out)
    return out.getvalue()


seeded_rows = shared_rows("seeded_rows", seed_once)


@pytest.fixture
def out(seeded_rows, db):
    return seeded_rows


def earlier_round() -> AppraisalRound:
    code = earlier_round_of(timezone.localdate())
    hr_dept = Person.objects.get(user__username="demo-hr").unit.get_root()
    return AppraisalRound.objects.get(
        department=hr_dept, fiscal_year=code.fiscal_year, number=code.number
    )


def test_the_earlier_round_stays_in_review_for_a_few_late_people_while_the_current_is_monitored(
    out,
):
    rnd = earlier_round()
    today = timezone.localdate()
    current = thai.round_of(today)
    assert phase_on(today) == Phase.MONITORING  # the demo's today: 2570-1 is being followed up
    assert rnd.phase == Phase.REVIEW and rnd.closed_at is None
    assert f"earlier round {rnd.code} in its review phase" in out
    dates = thai.round_dates(rnd.fiscal_year, rnd.number)
    assert timezone.localdate(rnd.opened_at) == dates.start
    now = AppraisalRound.objects.get(department=rnd.department, fiscal_year=current.fiscal_year,
                                     number=current.number)  # fmt: skip
    assert now.opened_at > rnd.opened_at
    # HR extended the evaluation deadline for the late people: it has not passed.
    assert rnd.evaluation_deadline > today


def test_every_form_with_an_evaluator_is_released_but_a_few_late_ones_with_a_band_spread(out):
    rnd = earlier_round()
    forms = AppraisalForm.objects.filter(round=rnd)
    walkable = forms.filter(evaluator__isnull=False)
    assert walkable.count() >= 50
    late = walkable.exclude(state=State.RELEASED)
    assert set(late.values_list("state", flat=True)) == {
        State.AGREED, State.ACKNOWLEDGED, State.REVIEWED
    }  # fmt: skip
    assert late.count() <= Stragglers.REVIEWS + Stragglers.RELEASES + 1
    released = walkable.filter(state=State.RELEASED)
    assert not released.filter(total__isnull=True).exists()
    assert not released.filter(final_band="").exists()
    bands = defaultdict(int)
    for band in released.values_list("final_band", flat=True):
        bands[band] += 1
    assert set(bands) == {"outstanding", "very_good", "good", "fair", "improve"}
    assert bands["improve"] < walkable.count() / 8  # a few, not many
    assert released.filter(refused=True).exists()
    assert released.filter(higher_agrees=False, higher_total__isnull=False).exists()


def test_each_demo_role_may_take_its_step_of_the_late_forms_today(out):
    """The rules allow each step in the round's review phase (appraisal.rules), and the late
    steps are dated after the round's period, in order, after the current round opened, never
    after yesterday; none of their IDP rows was carried into the current round."""
    rnd = earlier_round()
    today = timezone.localdate()
    supervisor = Person.objects.get(user__username="demo-supervisor").user
    hr = Person.objects.get(user__username="demo-hr").user
    late = AppraisalForm.objects.filter(round=rnd, evaluator__isnull=False).exclude(
        state=State.RELEASED
    )
    to_score = late.get(state=State.AGREED)
    assert to_score.evaluator.user == supervisor
    assert can(supervisor, "appraisal.score_form", to_score)
    to_review = list(late.filter(state=State.ACKNOWLEDGED))
    assert len({f.higher_id for f in to_review}) == 1
    for f in to_review:
        assert can(f.higher.user, "appraisal.higher_review", f)
    to_release = list(late.filter(state=State.REVIEWED))
    assert to_release
    for f in to_release:
        assert can(hr, "appraisal.release_form", f)
    current = AppraisalRound.objects.get(
        department=rnd.department, fiscal_year=thai.round_of(today).fiscal_year,
        number=thai.round_of(today).number,
    )  # fmt: skip
    day = timezone.localdate
    for f in to_review + to_release:
        steps = [day(f.evaluator_signed_at), day(f.scored_at), f.informed_on,
                 day(f.acknowledged_at)] + ([day(f.higher_at)] if f.higher_at else [])  # fmt: skip
        assert steps == sorted(steps), f
        assert rnd.end < steps[1] and steps[-1] < today, f
        assert f.scored_at > current.opened_at, f
    carried = IdpFollowUp.objects.filter(form__round=current)
    assert carried.exists()
    assert not carried.filter(source__form__in=to_review + to_release).exists()


def test_competency_gaps_have_idp_rows_to_carry_into_the_next_round(out):
    rows = IdpRow.objects.filter(form__round=earlier_round()).select_related("from_competency")
    assert rows.count() >= 20
    for row in rows:
        assert row.topic and row.method and row.period
        assert row.from_competency is not None
        assert row.from_competency.actual < row.from_competency.expected
    forms_with_gap = AppraisalForm.objects.filter(
        round=earlier_round(), competencies__actual__lt=F("competencies__expected")
    ).distinct()
    assert set(forms_with_gap.values_list("pk", flat=True)) == set(
        rows.values_list("form_id", flat=True)
    )


def test_each_step_is_dated_in_order_within_the_round(out):
    rnd = earlier_round()
    dates = thai.round_dates(rnd.fiscal_year, rnd.number)
    checkins = defaultdict(list)
    for form_id, on in CheckIn.objects.filter(form__round=rnd).values_list("form_id", "on"):
        checkins[form_id].append(on)
    assert checkins
    day = timezone.localdate
    for f in AppraisalForm.objects.filter(round=rnd, state=State.RELEASED):
        steps = [day(f.evaluator_signed_at), *checkins.get(f.pk, []), day(f.scored_at),
                 f.informed_on, day(f.released_at)]  # fmt: skip
        assert steps == sorted(steps), f
        assert dates.start <= steps[0] and steps[-1] <= dates.end, f


def test_units_have_team_results_in_every_alignment_class(out):
    rnd = earlier_round()
    dates = thai.round_dates(rnd.fiscal_year, rnd.number)
    results = KpiResult.objects.filter(
        kpi__tier=KpiTier.UNIT,
        kpi__fiscal_year=rnd.fiscal_year,
        kpi__unit__tree_id=rnd.department.tree_id,
    )
    assert results.filter(period_end__range=(dates.start, dates.end)).count() >= 10
    current = thai.round_of(timezone.localdate())
    assert KpiResult.objects.filter(
        kpi__tier=KpiTier.UNIT,
        kpi__fiscal_year=current.fiscal_year,
        kpi__unit__tree_id=rnd.department.tree_id,
        period_end__range=(current.start, current.end),
    ).exists()
    # The alignment as the committee's page reads it: the latest level of each of the unit's
    # own KPIs in the round, weighted, against its people's (and those of the units under it).
    level = {}
    for kpi_id, lv in (
        results.filter(period_end__range=(dates.start, dates.end))
        .order_by("kpi_id", "-period_end", "-pk")
        .values_list("kpi_id", "level")
    ):
        level.setdefault(kpi_id, lv)
    rows = defaultdict(list)
    for form_id, lft, lv, weight in FormKpi.objects.filter(
        form__round=rnd, form__state=State.RELEASED
    ).values_list("form_id", "form__unit__lft", "level", "weight"):
        rows[form_id].append((lft, Decimal(lv), weight))
    people = [
        (items[0][0], sum(lv * w for _, lv, w in items) / sum(w for *_, w in items))
        for items in rows.values()
    ]
    classes = set()
    for unit in OrgUnit.objects.filter(tree_id=rnd.department.tree_id):
        kpis = [
            (Decimal(level[k.pk]), k.weight)
            for k in Kpi.objects.filter(unit=unit, tier=KpiTier.UNIT, fiscal_year=rnd.fiscal_year)
            if k.pk in level
        ]
        mine = [s for lft, s in people if unit.lft <= lft <= unit.rght]
        if kpis and mine:
            team = sum(lv * w for lv, w in kpis) / sum(w for _, w in kpis)
            classes.add(alignment(team_score=team, individual_scores=mine))
    assert classes == {"A", "B", "C", "D"}


def test_salaries_stay_within_each_grade_and_every_staff_type_is_paid(out):
    ranges = read_json("salaries.json")
    for grade, (_low, high) in ranges["civil_servant"].items():
        assert high <= CEILING[grade], grade
    people = Person.objects.select_related("position")
    for p in people.filter(staff_type=StaffType.CIVIL_SERVANT):
        low, high = ranges["civil_servant"][p.position.grade]
        assert low <= p.salary <= high, p
    for kind, key in (
        (StaffType.GOVERNMENT_EMPLOYEE, "government_employee"),
        (StaffType.PERMANENT_EMPLOYEE, "permanent_employee"),
    ):
        paid = list(people.filter(staff_type=kind).values_list("salary", flat=True))
        low, high = ranges[key]
        assert paid and all(low <= s <= high for s in paid), kind
