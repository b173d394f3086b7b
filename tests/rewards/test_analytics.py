"""Property and unit tests of the talent grid and team alignment: rewards/analytics.py."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rewards.analytics import HIGH, LOW, MID, alignment, nine_box

D = Decimal
pcts = st.decimals(min_value=0, max_value=100, places=2)
scores = st.decimals(min_value=0, max_value=5, places=2)


# --- nine_box ---------------------------------------------------------------------------


@st.composite
def rising_cuts(draw):
    first = draw(st.decimals(min_value=0, max_value="99.99", places=2))
    return first, draw(st.decimals(min_value=first + D("0.01"), max_value=100, places=2))


@given(achievement=pcts, competency=pcts, cuts=rising_cuts())
def test_each_axis_is_low_below_the_first_cut_and_high_from_the_second(
    achievement, competency, cuts
):
    def expected(value):
        return LOW if value < cuts[0] else HIGH if value >= cuts[1] else MID

    assert nine_box(achievement_pct=achievement, competency_pct=competency, cuts=cuts) == (
        expected(achievement),
        expected(competency),
    )


@pytest.mark.parametrize(
    ("pct", "band"),
    [(0, LOW), ("59.99", LOW), (60, MID), ("79.99", MID), (80, HIGH), (100, HIGH)],
)
def test_the_default_cuts_are_60_and_80(pct, band):
    assert nine_box(achievement_pct=pct, competency_pct=pct) == (band, band)


def test_the_two_axes_are_read_separately():
    assert nine_box(achievement_pct=85, competency_pct=D("42.5")) == (HIGH, LOW)


@pytest.mark.parametrize("cuts", [(80, 60), (70, 70), (-1, 60), (60, 101), (60,), (50, 60, 70)])
def test_cuts_out_of_order_or_range_are_refused(cuts):
    with pytest.raises(ValueError, match="จุดตัด"):
        nine_box(achievement_pct=50, competency_pct=50, cuts=cuts)


@pytest.mark.parametrize("pct", [-1, "100.01", "NaN"])
def test_a_percent_outside_0_to_100_is_refused(pct):
    with pytest.raises(ValueError):
        nine_box(achievement_pct=pct, competency_pct=50)


def test_a_float_percent_is_refused():
    with pytest.raises(TypeError):
        nine_box(achievement_pct=50.0, competency_pct=50)


# --- alignment --------------------------------------------------------------------------


# The oracle works in exact fractions, so a repeating mean (3 people) cannot blur a tie.
def mean(values):
    return sum(map(Fraction, values), Fraction(0)) / len(values)


def population_variance(values):
    m = mean(values)
    return sum(((Fraction(v) - m) ** 2 for v in values), Fraction(0)) / len(values)


@settings(max_examples=200)
@given(
    team=scores,
    individuals=st.lists(scores, min_size=1, max_size=20),
    gap=st.decimals(min_value="0.25", max_value=2, places=2),
    spread=st.decimals(min_value=0, max_value="1.5", places=2),
)
def test_alignment_follows_the_gap_then_the_spread(team, individuals, gap, spread):
    result = alignment(team_score=team, individual_scores=individuals, gap=gap, min_spread=spread)
    m = mean(individuals)
    if Fraction(team) - m >= Fraction(gap):
        assert result == "A"
    elif m - Fraction(team) >= Fraction(gap):
        assert result == "B"
    elif population_variance(individuals) < Fraction(spread) ** 2:
        assert result == "C"
    else:
        assert result == "D"


@given(team=scores, individuals=st.lists(scores, min_size=1, max_size=20))
def test_the_order_of_the_individual_scores_does_not_matter(team, individuals):
    assert alignment(team_score=team, individual_scores=individuals) == alignment(
        team_score=team, individual_scores=list(reversed(individuals))
    )


@pytest.mark.parametrize(
    ("team", "individuals", "expected"),
    [
        # Team high, individuals low: scored too harshly.
        (D("4.5"), [3, D("3.5"), D("3.5")], "A"),
        # Exactly one level below the team is already A (at least `gap`).
        (4, [3, 3, 3], "A"),
        # Individuals high, team low: inflated.
        (2, [D("3.5"), 3, 4], "B"),
        (2, [3, 3, 3], "B"),
        # Consistent with the team, everybody alike: cannot tell strong from weak.
        (3, [3, D("3.2"), D("2.8"), 3], "C"),
        # Consistent, spread out: healthy. Population sd of 2, 3, 4 is √(2/3) ≈ 0.816.
        (3, [2, 3, 4], "D"),
        # sd exactly 0.5 (2.5 and 3.5) is not below 0.5: D.
        (3, [D("2.5"), D("3.5")], "D"),
        # One person has no spread at all.
        (3, [D("3.4")], "C"),
    ],
)
def test_alignment_cases_from_the_seed(team, individuals, expected):
    assert alignment(team_score=team, individual_scores=individuals) == expected


def test_the_mean_is_compared_exactly_not_rounded():
    # Mean of 3, 3, 4 is 3.333…; the team 4.333… would round to 1.00 apart but is not quite.
    assert alignment(team_score=D("4.3333"), individual_scores=[3, 3, 4]) != "A"
    assert alignment(team_score=D("4.3334"), individual_scores=[3, 3, 4]) == "A"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"team_score": 3, "individual_scores": []}, "ไม่มีคะแนนรายบุคคล"),
        ({"team_score": 3, "individual_scores": [3, -1]}, "0–5"),
        ({"team_score": 3, "individual_scores": [3, "5.01"]}, "0–5"),
        ({"team_score": 6, "individual_scores": [3]}, "0–5"),
        ({"team_score": 3, "individual_scores": [3], "gap": 0}, "ช่องว่าง"),
        ({"team_score": 3, "individual_scores": [3], "min_spread": -1}, "การกระจาย"),
    ],
)
def test_alignment_from_wrong_input_is_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        alignment(**kwargs)
