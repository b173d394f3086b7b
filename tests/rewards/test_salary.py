"""Property and unit tests of the salary raise rules (DOMAIN §7): rewards/salary.py."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import scoring
from appraisal.scoring import FAIR, GOOD, IMPROVE, OUTSTANDING, VERY_GOOD
from rewards import analytics, salary
from rewards.salary import (
    STEP,
    OverBudget,
    apply_raise,
    budget,
    calculation_base,
    propose,
    raise_amount,
)

D = Decimal
money = st.decimals(min_value=0, max_value=200_000, places=2)
percents = st.decimals(min_value=0, max_value=6, places=4)
BANDS = [OUTSTANDING, VERY_GOOD, GOOD, FAIR, IMPROVE]


# --- calculation_base -------------------------------------------------------------------


@given(salary=money, mid=money, bases=st.lists(money, min_size=2, max_size=2))
def test_the_base_is_the_lower_one_exactly_when_the_salary_is_below_the_mid_value(
    salary, mid, bases
):
    lower, upper = sorted(bases)
    base = calculation_base(salary=salary, mid=mid, lower_base=lower, upper_base=upper)
    assert base == (lower if salary < mid else upper)


def test_a_salary_at_the_mid_value_takes_the_upper_base():
    assert calculation_base(salary=20705, mid=20705, lower_base=17980, upper_base=23930) == 23930
    assert calculation_base(salary=20704, mid=20705, lower_base=17980, upper_base=23930) == 17980


def test_a_lower_base_above_the_upper_base_is_refused():
    with pytest.raises(ValueError, match="ฐานล่าง"):
        calculation_base(salary=1, mid=2, lower_base=30, upper_base=20)


# --- raise_amount -----------------------------------------------------------------------


@given(base=money, percent=percents)
def test_a_raise_is_the_exact_amount_rounded_up_to_a_whole_ten(base, percent):
    amount = raise_amount(base=base, percent=percent)
    exact = base * percent / 100
    assert amount % 10 == 0
    assert exact <= amount < exact + 10


@given(base=money, percents=st.lists(percents, min_size=2, max_size=2))
def test_a_higher_percent_never_gives_a_smaller_raise(base, percents):
    low, high = sorted(percents)
    assert raise_amount(base=base, percent=low) <= raise_amount(base=base, percent=high)


@given(
    percent=st.one_of(
        st.decimals(max_value="-0.0001", places=4, allow_nan=False, allow_infinity=False),
        st.decimals(min_value="6.0001", places=4, allow_nan=False, allow_infinity=False),
    )
)
def test_a_percent_outside_0_to_6_is_refused(percent):
    with pytest.raises(ValueError, match="0–6"):
        raise_amount(base=20000, percent=percent)


@pytest.mark.parametrize("percent", [0, 6, "6.00"])
def test_0_and_6_percent_are_allowed(percent):
    assert raise_amount(base=20000, percent=percent) == 20000 * D(percent) / 100


@pytest.mark.parametrize(
    "call",
    [
        lambda: raise_amount(base=20000, percent=3.5),
        lambda: raise_amount(base=20000.0, percent=3),
        lambda: apply_raise(salary=20000, amount=600.0, ceiling=26900),
        lambda: budget(salaries=[20000, 1.5]),
        lambda: calculation_base(salary=True, mid=1, lower_base=1, upper_base=1),
    ],
)
def test_floats_never_reach_money(call):
    with pytest.raises(TypeError, match="float|bool"):
        call()


@pytest.mark.parametrize("base", [-1, "NaN", "Infinity", "abc"])
def test_a_base_must_be_a_non_negative_number(base):
    with pytest.raises(ValueError):
        raise_amount(base=base, percent=3)


# --- apply_raise ------------------------------------------------------------------------


@st.composite
def salary_and_ceiling(draw):
    ceiling = draw(money)
    return draw(st.decimals(min_value=0, max_value=ceiling, places=2)), ceiling


@given(pay=salary_and_ceiling(), amount=st.integers(min_value=0, max_value=2000).map(D))
def test_a_raise_is_conserved_between_salary_and_special_compensation(pay, amount):
    salary_now, ceiling = pay
    new_salary, special = apply_raise(salary=salary_now, amount=amount * 10, ceiling=ceiling)
    assert new_salary - salary_now + special == amount * 10
    assert salary_now <= new_salary <= ceiling
    assert special >= 0
    # Special compensation only for the part above the ceiling, and all of that part.
    assert special == max(salary_now + amount * 10 - ceiling, 0)


def test_a_salary_above_its_ceiling_is_refused():
    with pytest.raises(ValueError, match="ขั้นสูง"):
        apply_raise(salary=39000, amount=950, ceiling=38750)


# --- budget -----------------------------------------------------------------------------


@given(salaries=st.lists(money, max_size=30), percent=st.decimals(0, 100, places=2))
def test_the_budget_is_the_percent_of_the_roll_rounded_down_to_the_satang(salaries, percent):
    exact = sum(salaries, D(0)) * percent / 100
    result = budget(salaries=salaries, percent=percent)
    assert result == result.quantize(D("0.01"))
    assert exact - D("0.01") < result <= exact


def test_the_default_budget_percent_is_3_and_an_empty_roll_has_none():
    assert budget(salaries=[10000, 20000]) == 900
    assert budget(salaries=[]) == 0


def test_a_budget_percent_outside_0_to_100_is_refused():
    with pytest.raises(ValueError):
        budget(salaries=[10000], percent=101)


# --- propose ----------------------------------------------------------------------------


@st.composite
def band_ranges(draw):
    ranges = {}
    for code in BANDS[:-1]:
        low = draw(st.decimals(min_value=0, max_value=6, places=2))
        ranges[code] = (low, draw(st.decimals(min_value=low, max_value=6, places=2)))
    if draw(st.booleans()):
        ranges[IMPROVE] = (0, 0)
    return ranges


# Whole totals from a short range make ties in a band common; two decimals make them rare.
totals = st.one_of(
    st.decimals(min_value=55, max_value=65, places=0),
    st.decimals(min_value=0, max_value=100, places=2),
)


@st.composite
def a_unit(draw):
    """(people, ranges, budget): the budget anywhere from a little below what the low ends cost
    to a little above what the high ends cost."""
    ranges = draw(band_ranges())
    people = []
    for key in range(draw(st.integers(min_value=0, max_value=25))):
        pay, ceiling = draw(salary_and_ceiling())
        base = draw(st.decimals(min_value=0, max_value=80_000, places=0))
        people.append((key, draw(totals), draw(st.sampled_from(BANDS)), base, pay, ceiling))
    table = {**ranges, IMPROVE: (0, 0)}
    low = cost(people, {p[0]: D(table[p[2]][0]) for p in people})
    high = cost(people, {p[0]: D(table[p[2]][1]) for p in people})
    share = draw(st.decimals(min_value="-0.2", max_value="1.2", places=3))
    money_ = max(D(0), low + share * (high - low)).quantize(D("0.01"))
    return people, ranges, money_


def cost(people, percents):
    return sum((raise_amount(base=p[3], percent=percents[p[0]]) for p in people), D(0))


def low_end_cost(people, ranges):
    table = {**ranges, IMPROVE: (0, 0)}
    return cost(people, {p[0]: D(table[p[2]][0]) for p in people})


@settings(max_examples=200)
@given(unit=a_unit())
def test_a_proposal_keeps_every_rule_or_says_the_low_ends_do_not_fit(unit):
    people, ranges, money_ = unit
    table = {**ranges, IMPROVE: (0, 0)}
    try:
        proposal = propose(people=people, ranges=ranges, budget=money_)
    except OverBudget as refused:
        assert refused.needed == low_end_cost(people, ranges) > money_
        return
    assert set(proposal) == {p[0] for p in people}
    # Inside the band's range, in whole hundredths, nothing for ต้องปรับปรุง.
    for key, _, band_code, *_ in people:
        low, high = table[band_code]
        assert D(low) <= proposal[key] <= D(high)
        assert proposal[key] == proposal[key].quantize(STEP)
        if band_code == IMPROVE:
            assert proposal[key] == 0
    # A higher total never has a lower percent than a lower total of its band.
    for a in people:
        for b in people:
            if a[2] == b[2] and a[1] > b[1]:
                assert proposal[a[0]] >= proposal[b[0]]
            if a[2] == b[2] and a[1] == b[1]:
                assert proposal[a[0]] == proposal[b[0]]
    # Within the budget, and as far as it allows: one more 0.01 for everyone still below
    # their high end would not fit.
    assert cost(people, proposal) <= money_
    below = [p for p in people if proposal[p[0]] < D(table[p[2]][1])]
    if below:
        raised = {p[0]: proposal[p[0]] + (STEP if p in below else 0) for p in people}
        assert cost(people, raised) > money_


@settings(max_examples=50)
@given(unit=a_unit())
def test_a_budget_covering_the_high_ends_gives_everyone_the_high_end(unit):
    people, ranges, _ = unit
    table = {**ranges, IMPROVE: (0, 0)}
    highs = {p[0]: D(table[p[2]][1]) for p in people}
    assert propose(people=people, ranges=ranges, budget=cost(people, highs)) == highs


def test_the_low_ends_over_the_budget_are_refused_with_the_figures():
    people = [("a", 95, OUTSTANDING, 20000, 20000, 30000)]
    with pytest.raises(OverBudget, match="เกินวงเงิน") as refused:
        propose(people=people, ranges={OUTSTANDING: (4, 6)}, budget=799)
    assert (refused.value.needed, refused.value.budget) == (800, 799)
    assert isinstance(refused.value, ValueError)


def test_nobody_to_raise_gives_an_empty_proposal():
    assert propose(people=[], ranges={}, budget=0) == {}


def test_improve_gets_nothing_even_without_a_range():
    people = [("a", 50, IMPROVE, 20000, 20000, 30000)]
    assert propose(people=people, ranges={}, budget=1000) == {"a": 0}


@pytest.mark.parametrize(
    ("people", "ranges", "message"),
    [
        ([("a", 95, OUTSTANDING, 1, 1, 1)] * 2, {OUTSTANDING: (4, 6)}, "ซ้ำ"),
        ([("a", 95, "excellent", 1, 1, 1)], {OUTSTANDING: (4, 6)}, "ช่วงร้อยละ"),
        ([("a", 50, IMPROVE, 1, 1, 1)], {IMPROVE: (0, 1)}, "ต้องปรับปรุง"),
        ([("a", 95, OUTSTANDING, 1, 1, 1)], {OUTSTANDING: (6, 4)}, "ต่ำสุดมากกว่าสูงสุด"),
        ([("a", 95, OUTSTANDING, 1, 1, 1)], {OUTSTANDING: (4, 7)}, "0–6"),
        ([("a", 95, OUTSTANDING, 1, 1, 1)], {OUTSTANDING: (4, "5.555")}, "ทศนิยม"),
        ([("a", 101, OUTSTANDING, 1, 1, 1)], {OUTSTANDING: (4, 6)}, "0–100"),
        ([("a", 95, OUTSTANDING, 1, 2, 1)], {OUTSTANDING: (4, 6)}, "ขั้นสูง"),
        ([("a", 95, OUTSTANDING, 1)], {OUTSTANDING: (4, 6)}, "ข้อมูลแต่ละคน"),
    ],
)
def test_a_proposal_from_wrong_input_is_refused(people, ranges, message):
    with pytest.raises(ValueError, match=message):
        propose(people=people, ranges=ranges, budget=100_000)


# --- purity -----------------------------------------------------------------------------


def imports_of(tree):
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    return imported


@pytest.mark.parametrize("module", [salary, analytics])
def test_the_rule_modules_import_nothing_from_django_and_use_no_float(module):
    for path in [Path(module.__file__), Path(module.__file__).with_name("_numbers.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        allowed = {"__future__", "collections", "decimal", "typing", "appraisal", "rewards"}
        assert imports_of(tree) <= allowed, path
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), path
            assert not (isinstance(node, ast.Name) and node.id == "float"), path


def test_the_one_appraisal_module_they_use_is_free_of_django_too():
    tree = ast.parse(Path(scoring.__file__).read_text(encoding="utf-8"))
    assert "django" not in imports_of(tree)
