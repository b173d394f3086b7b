"""Unit and property tests of the pure scoring arithmetic (DOMAIN §5)."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal import scoring
from appraisal.scoring import (
    DEFAULT_BANDS,
    Achievement,
    achievement,
    band,
    band_label,
    bar_points,
    competency_bar_scale,
    competency_rating,
    competency_ratio,
    component_weights_valid,
    round2,
    total,
    validate_bands,
)

D = Decimal
BAND_ORDER = [code for code, _ in DEFAULT_BANDS]


# --- strategies -------------------------------------------------------------------------


@st.composite
def kpi_weights(draw, max_kpis=8):
    """Positive KPI weights in hundredths that total exactly 100."""
    n = draw(st.integers(min_value=1, max_value=max_kpis))
    cuts = draw(
        st.lists(
            st.integers(min_value=1, max_value=9999), min_size=n - 1, max_size=n - 1, unique=True
        )
    )
    edges = [0, *sorted(cuts), 10000]
    return [D(b - a) / 100 for a, b in zip(edges, edges[1:], strict=False)]


@st.composite
def kpi_items(draw):
    weights = draw(kpi_weights())
    levels = draw(st.lists(st.integers(0, 5), min_size=len(weights), max_size=len(weights)))
    return list(zip(levels, weights, strict=True))


component_weight = st.decimals(min_value=0, max_value=100, places=2)
totals = st.decimals(min_value=0, max_value=100, places=4)


# --- the worked example of DOMAIN §5 -----------------------------------------------------


def test_worked_example_of_domain_scores_81_40_very_good():
    ach = achievement([(4, 30), (3, 30), (5, 40)], 70)
    assert ach == Achievement(D(410), D(82), D("57.4"))
    assert round2(ach.percent) == D("82.00")
    assert round2(ach.points) == D("57.40")

    # Five competencies, 12 bar points of 15.
    comp = competency_bar_scale([(3, 3), (2, 2), (1, 2), (1, 2), (2, 3)], 30)
    assert sum(bar_points(a, e) for a, e in [(3, 3), (2, 2), (1, 2), (1, 2), (2, 3)]) == 12
    assert round2(comp) == D("24.00")

    grand = total(ach.points, comp)
    assert round2(grand) == D("81.40")
    assert band(grand, DEFAULT_BANDS) == "very_good"
    assert band_label(band(grand)) == "ดีมาก"


# --- round2 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("89.995", "90.00"),
        ("89.994", "89.99"),
        ("2.675", "2.68"),  # a float would show 2.67
        ("0.005", "0.01"),
        ("-1.005", "-1.01"),
        (81, "81.00"),
        (D("57.4"), "57.40"),
    ],
)
def test_round2_rounds_half_up_at_two_places(value, expected):
    assert round2(value) == D(expected)
    assert str(round2(value)) == expected


def test_a_total_of_89_995_is_outstanding_and_89_994_is_very_good():
    assert band(D("89.995")) == "outstanding"
    assert band("89.994") == "very_good"
    assert band(D("59.995")) == "fair"
    assert band(D("59.994")) == "improve"


@given(st.decimals(min_value=-1000, max_value=1000, places=6))
def test_round2_is_within_half_a_cent_of_the_exact_value(x):
    r = round2(x)
    assert r.as_tuple().exponent == -2
    assert abs(r - x) <= D("0.005")


# --- achievement -------------------------------------------------------------------------


@given(kpi_items(), component_weight)
def test_achievement_percent_is_between_0_and_100(items, weight):
    ach = achievement(items, weight)
    assert D(0) <= ach.percent <= D(100)
    assert D(0) <= ach.points <= weight


@given(kpi_items())
def test_achievement_percent_is_100_exactly_when_every_level_is_5(items):
    ach = achievement(items, 70)
    assert (ach.percent == 100) == all(level == 5 for level, _ in items)


@given(kpi_items(), component_weight, st.integers(min_value=0, max_value=4))
def test_achievement_points_scale_linearly_with_component_weight(items, weight, k):
    base = achievement(items, weight)
    assert base.points == base.percent * weight / 100
    if weight * k <= 100:
        assert achievement(items, weight * k).points == base.points * k


@given(kpi_items())
def test_achievement_keeps_exact_values(items):
    ach = achievement(items, 70)
    exact = sum(D(level) * w for level, w in items)
    assert ach.score_kpi == exact
    assert ach.points * 500 == exact * 70


def test_achievement_accepts_int_str_and_decimal_alike():
    by_int = achievement([(4, 30), (3, 30), (5, 40)], 70)
    by_str = achievement([("4", "30"), ("3", "30.00"), ("5", "40")], "70")
    by_dec = achievement([(D(4), D(30)), (D("3.0"), D(30)), (D(5), D(40))], D(70))
    assert by_int == by_str == by_dec


def test_achievement_rejects_kpi_weights_not_totalling_100():
    with pytest.raises(ValueError, match="total 100.*100"):
        achievement([(4, 30), (3, 30), (5, 30)], 70)


@pytest.mark.parametrize("level", [6, -1, "4.5", D("0.5")])
def test_achievement_rejects_levels_outside_0_to_5_or_fractional(level):
    with pytest.raises(ValueError, match="KPI level"):
        achievement([(level, 100)], 70)


def test_achievement_rejects_an_empty_list():
    with pytest.raises(ValueError, match="empty"):
        achievement([], 70)


def test_achievement_rejects_negative_and_zero_kpi_weights():
    with pytest.raises(ValueError, match="negative"):
        achievement([(4, 110), (3, -10)], 70)
    with pytest.raises(ValueError, match="greater than 0"):
        achievement([(4, 100), (3, 0)], 70)


@pytest.mark.parametrize("weight", [-1, 101])
def test_achievement_rejects_a_component_weight_outside_0_to_100(weight):
    with pytest.raises(ValueError, match="component weight"):
        achievement([(4, 100)], weight)


def test_errors_are_explained_in_english_and_thai():
    with pytest.raises(ValueError) as info:
        achievement([(4, 90)], 70)
    assert "KPI weights must total 100" in str(info.value)
    assert "น้ำหนักตัวชี้วัดรวมกันต้องเท่ากับ 100" in str(info.value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: round2(81.4),
        lambda: achievement([(4.0, 100)], 70),
        lambda: achievement([(4, 100.0)], 70),
        lambda: achievement([(4, 100)], 70.0),
        lambda: competency_bar_scale([(3, 3)], 30.0),
        lambda: competency_rating([(3, 1.0)], 30),
        lambda: competency_ratio([(3.0, 3)], 30),
        lambda: band(81.4),
        lambda: total(D(57), 24.0),
        lambda: component_weights_valid(70.0, 30, 0),
        lambda: validate_bands([("outstanding", 90.0), ("fair", 60), ("improve", 0)]),
    ],
)
def test_floats_are_refused_everywhere(call):
    with pytest.raises(TypeError, match="float"):
        call()


def test_booleans_are_refused_as_numbers():
    with pytest.raises(TypeError):
        achievement([(True, 100)], 70)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity", "", "1e30"])
def test_non_numeric_or_unshowable_values_are_rejected(bad):
    with pytest.raises(ValueError):
        round2(bad)


# --- competencies ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected", "points"),
    [(5, 3, 3), (3, 3, 3), (2, 3, 2), (1, 3, 1), (0, 3, 0), (1, 5, 0), (0, 1, 2)],
)
def test_bar_points_lose_one_point_per_level_short(actual, expected, points):
    assert bar_points(actual, expected) == points


@st.composite
def competency_pairs(draw):
    n = draw(st.integers(min_value=1, max_value=11))
    return [(draw(st.integers(0, 5)), draw(st.integers(1, 5))) for _ in range(n)]


@given(competency_pairs(), component_weight)
def test_bar_scale_is_full_weight_exactly_when_every_expected_level_is_met(pairs, weight):
    points = competency_bar_scale(pairs, weight)
    assert D(0) <= points <= weight
    if weight > 0:
        assert (points == weight) == all(a >= e for a, e in pairs)


def test_bar_scale_rejects_an_expected_level_below_1():
    with pytest.raises(ValueError, match="expected competency level"):
        competency_bar_scale([(3, 0)], 30)


def test_bar_scale_rejects_an_empty_list():
    with pytest.raises(ValueError, match="empty"):
        competency_bar_scale([], 30)


def test_rating_scale_follows_the_weighted_formula():
    # (4×30 + 5×30 + 3×40) / (5 × 100) × 30 = 390 / 500 × 30 = 23.4
    assert competency_rating([(4, 30), (5, 30), (3, 40)], 30) == D("23.4")
    # Equal weights need not total 100.
    assert competency_rating([(5, 1), (4, 1)], 30) == D(27)


@given(
    st.lists(
        st.tuples(st.integers(1, 5), st.integers(min_value=1, max_value=100)),
        min_size=1,
        max_size=8,
    ),
    component_weight,
)
def test_rating_scale_lies_between_a_fifth_and_all_of_the_weight(items, weight):
    points = competency_rating(items, weight)
    assert weight / 5 <= points <= weight
    assert (points == weight) == (weight == 0 or all(r == 5 for r, _ in items))


@pytest.mark.parametrize("rating", [0, 6, "2.5"])
def test_rating_scale_rejects_ratings_outside_1_to_5(rating):
    with pytest.raises(ValueError, match="competency rating"):
        competency_rating([(rating, 100)], 30)


def test_rating_scale_rejects_negative_weights():
    with pytest.raises(ValueError, match="negative"):
        competency_rating([(3, -1), (4, 2)], 30)


def test_ratio_scale_is_actual_over_expected_times_weight():
    assert competency_ratio([(3, 3), (2, 3), (3, 4), (2, 2)], 30) == D(25)


def test_ratio_scale_is_capped_at_the_weight():
    assert competency_ratio([(5, 3), (5, 3)], 30) == D(30)


def test_ratio_scale_rejects_an_expected_level_below_1():
    with pytest.raises(ValueError, match="expected competency level"):
        competency_ratio([(3, 0)], 30)


@given(competency_pairs(), component_weight)
def test_ratio_scale_never_exceeds_the_weight(pairs, weight):
    assert D(0) <= competency_ratio(pairs, weight) <= weight


# --- total and component weights ---------------------------------------------------------


def test_total_keeps_the_exact_sum_without_rounding():
    third = competency_bar_scale([(2, 3), (3, 3), (3, 3)], 10)  # 8 / 9 × 10, repeating
    assert total(D("57.4"), third) == D("57.4") + third
    assert total(D("57.4"), third) != round2(D("57.4") + third)


def test_total_rejects_negative_points_and_no_points():
    with pytest.raises(ValueError, match="negative"):
        total(D(57), D(-1))
    with pytest.raises(ValueError, match="no component points"):
        total()


@pytest.mark.parametrize(
    ("ach", "comp", "other", "ok"),
    [
        (70, 30, 0, True),
        (50, 50, 0, True),
        ("60", "30", "10", True),
        (D("69.5"), D("30.5"), 0, True),
        (70, 20, 0, False),
        (70, 30, 10, False),
        (110, -10, 0, False),
    ],
)
def test_component_weights_must_be_non_negative_and_total_exactly_100(ach, comp, other, ok):
    assert component_weights_valid(ach, comp, other) is ok


# --- bands -------------------------------------------------------------------------------


@given(totals, totals)
def test_band_is_monotonic_in_the_total(a, b):
    low, high = sorted((a, b))
    assert BAND_ORDER.index(band(high)) <= BAND_ORDER.index(band(low))


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (100, "outstanding"),
        (90, "outstanding"),
        ("89.99", "very_good"),
        (80, "very_good"),
        ("79.99", "good"),
        (70, "good"),
        ("69.99", "fair"),
        (60, "fair"),
        ("59.99", "improve"),
        (0, "improve"),
    ],
)
def test_default_bands_match_the_domain_ranges(value, code):
    assert band(value) == code


def test_band_labels_are_thai():
    assert [band_label(code) for code in BAND_ORDER] == [
        "ดีเด่น",
        "ดีมาก",
        "ดี",
        "พอใช้",
        "ต้องปรับปรุง",
    ]


@pytest.mark.parametrize("value", ["100.01", "-0.01", 150])
def test_band_rejects_a_total_outside_0_to_100(value):
    with pytest.raises(ValueError, match="total must be from 0 to 100"):
        band(value)


def test_organisation_may_move_the_middle_bands():
    custom = [
        ("outstanding", 90),
        ("very_good", 85),
        ("good", "72.5"),
        ("fair", 60),
        ("improve", 0),
    ]
    assert validate_bands(custom)[2] == ("good", D("72.5"))
    assert band(84, custom) == "good"
    assert band("72.5", custom) == "good"
    assert band("72.49", custom) == "fair"


def test_organisation_may_use_fewer_middle_bands():
    bands = [("outstanding", 90), ("satisfactory", 60), ("improve", 0)]
    assert band(75, bands) == "satisfactory"


@pytest.mark.parametrize(
    ("bands", "why"),
    [
        ([("outstanding", 95), ("very_good", 80), ("fair", 60), ("improve", 0)], "first band"),
        ([("excellent", 90), ("very_good", 80), ("fair", 60), ("improve", 0)], "first band"),
        ([("outstanding", 90), ("very_good", 80), ("fair", 60), ("improve", 10)], "last band"),
        ([("outstanding", 90), ("very_good", 80), ("fair", 60), ("poor", 0)], "last band"),
        ([("outstanding", 90), ("very_good", 80), ("fair", 65), ("improve", 0)], "start at 60"),
        ([("outstanding", 90), ("very_good", 70), ("good", 80), ("improve", 0)], "below the band"),
        ([("outstanding", 90), ("very_good", 80), ("good", 80), ("improve", 0)], "below the band"),
        ([("outstanding", 90), ("very_good", 90), ("fair", 60), ("improve", 0)], "below the band"),
        ([("outstanding", 90), ("very_good", 55), ("improve", 0)], "60 or more"),
        ([("outstanding", 90), ("fair", 60), ("fair", 60), ("improve", 0)], "repeat"),
        ([("outstanding", 90), ("improve", 0)], "middle band"),
        (
            [("outstanding", 90), ("very_good", "80.005"), ("fair", 60), ("improve", 0)],
            "2 decimals",
        ),
        ([("outstanding", 90), ("", 60), ("improve", 0)], "code"),
    ],
)
def test_invalid_band_tables_are_rejected(bands, why):
    with pytest.raises(ValueError, match=why):
        validate_bands(bands)
    with pytest.raises(ValueError):
        band(75, bands)


def test_default_bands_are_valid():
    assert validate_bands(DEFAULT_BANDS) == DEFAULT_BANDS


# --- purity ------------------------------------------------------------------------------


def test_scoring_module_imports_nothing_from_django():
    source = Path(scoring.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert imported <= {"__future__", "collections", "dataclasses", "decimal", "typing"}


def test_weight_total_is_the_exact_sum_of_the_kpi_weights():
    assert scoring.weight_total(["21.01", Decimal("38.99"), 40]) == Decimal(100)
    assert scoring.weight_total(["33.33", "33.33", "", None]) == Decimal("66.66")
    with pytest.raises(TypeError):
        scoring.weight_total([0.5])
