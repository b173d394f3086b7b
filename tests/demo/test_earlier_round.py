"""seed_demo's earlier round: closed before the current one opens, every form of the demo
accounts' department walked through the services to a released result, with IDP rows, unit KPI
results that put the units in every alignment class, and the dates of each step in order within
the round. One seed for the module (it costs several seconds); the tests only read it."""

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
    IdpRow,
    Phase,
    State,
)
from common import thai
from demo.earlier import earlier_round_of
from demo.loader import read_json
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


def test_the_earlier_round_is_closed_before_the_current_one_opens(out):
    rnd = earlier_round()
    today = timezone.localdate()
    current = thai.round_of(today)
    assert rnd.phase == Phase.CLOSED
    assert f"earlier round {rnd.code} closed" in out
    dates = thai.round_dates(rnd.fiscal_year, rnd.number)
    assert timezone.localdate(rnd.opened_at) == dates.start
    assert timezone.localdate(rnd.closed_at) <= dates.end < current.start
    now = AppraisalRound.objects.get(department=rnd.department, fiscal_year=current.fiscal_year,
                                     number=current.number)  # fmt: skip
    assert now.opened_at > rnd.closed_at


def test_every_form_with_an_evaluator_is_released_with_a_total_and_band_spread(out):
    rnd = earlier_round()
    forms = AppraisalForm.objects.filter(round=rnd)
    walkable = forms.filter(evaluator__isnull=False)
    assert walkable.count() >= 50
    assert set(walkable.values_list("state", flat=True)) == {State.RELEASED}
    assert not walkable.filter(total__isnull=True).exists()
    assert not walkable.filter(final_band="").exists()
    bands = defaultdict(int)
    for band in walkable.values_list("final_band", flat=True):
        bands[band] += 1
    assert set(bands) == {"outstanding", "very_good", "good", "fair", "improve"}
    assert bands["improve"] < walkable.count() / 8  # a few, not many
    assert walkable.filter(refused=True).exists()
    assert walkable.filter(higher_agrees=False, higher_total__isnull=False).exists()


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
