"""Tests of target suggestion from baseline data (seed 001 slides 56–59)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.criteria import HIGHER_IS_BETTER, LOWER_IS_BETTER, QUANTITATIVE, level_for
from kpi.targets import (
    Pattern,
    Trend,
    classify_trend,
    suggest_target,
    suggest_thresholds,
)

D = Decimal
results = st.decimals(min_value=0, max_value=1000, places=2)
steps = st.decimals(min_value="0.01", max_value=100, places=2)
directions = st.sampled_from([HIGHER_IS_BETTER, LOWER_IS_BETTER])


# --- trend -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "direction", "trend"),
    [
        ([70, 75, 80], HIGHER_IS_BETTER, Trend.IMPROVING),
        ([70, 70, 80], HIGHER_IS_BETTER, Trend.IMPROVING),
        ([80, 75, 70], HIGHER_IS_BETTER, Trend.DECLINING),
        ([80, 75, 82], HIGHER_IS_BETTER, Trend.FLUCTUATING),
        ([75, 75, 75], HIGHER_IS_BETTER, Trend.FLUCTUATING),
        ([10, 8, 6], LOWER_IS_BETTER, Trend.IMPROVING),
        ([6, 8, 10], LOWER_IS_BETTER, Trend.DECLINING),
        ([6, 10, 8], LOWER_IS_BETTER, Trend.FLUCTUATING),
    ],
)
def test_trend_is_read_in_the_kpis_direction(baseline, direction, trend):
    assert classify_trend(baseline, direction) is trend


@given(st.lists(results, min_size=2, max_size=5))
def test_a_rising_series_improves_one_way_and_declines_the_other(baseline):
    up = classify_trend(baseline, HIGHER_IS_BETTER)
    down = classify_trend(baseline, LOWER_IS_BETTER)
    mirror = {
        Trend.IMPROVING: Trend.DECLINING,
        Trend.DECLINING: Trend.IMPROVING,
        Trend.FLUCTUATING: Trend.FLUCTUATING,
    }
    assert down is mirror[up]


def test_trend_needs_two_years():
    with pytest.raises(ValueError, match="at least 2 years"):
        classify_trend([80], HIGHER_IS_BETTER)


# --- the four patterns -------------------------------------------------------------------


def test_pattern_1_improving_baseline_sets_x_at_the_latest_result():
    s = suggest_target([70, 75, 80], HIGHER_IS_BETTER)
    assert (s.level3, s.pattern, s.trend) == (D(80), Pattern.IMPROVING_TREND, Trend.IMPROVING)
    assert "แบบที่ 1" in s.reason


def test_pattern_1_for_lower_is_better_means_a_falling_count():
    s = suggest_target([10, 8, 6], LOWER_IS_BETTER)
    assert (s.level3, s.pattern) == (D(6), Pattern.IMPROVING_TREND)


def test_pattern_2_fluctuating_baseline_sets_x_at_the_three_year_mean():
    s = suggest_target([80, 75, 82], HIGHER_IS_BETTER)
    assert (s.level3, s.pattern, s.trend) == (D(79), Pattern.AVERAGE, Trend.FLUCTUATING)


def test_a_declining_baseline_asks_for_the_mean_not_the_latest_low():
    s = suggest_target([90, 85, 80], HIGHER_IS_BETTER)
    assert (s.level3, s.pattern, s.trend) == (D(85), Pattern.AVERAGE, Trend.DECLINING)


def test_pattern_3_imposed_target_is_used_when_it_is_harder():
    s = suggest_target([70, 75, 80], HIGHER_IS_BETTER, imposed=85)
    assert (s.level3, s.pattern) == (D(85), Pattern.IMPOSED)


def test_pattern_3_imposed_target_never_falls_below_a_better_latest_result():
    s = suggest_target([70, 75, 88], HIGHER_IS_BETTER, imposed=85)
    assert (s.level3, s.pattern) == (D(88), Pattern.IMPOSED)
    assert "ผลงานปีล่าสุด" in s.reason


def test_pattern_3_for_lower_is_better_keeps_the_lower_latest_result():
    # Imposed "not above 17" deaths per 100,000 births, but last year was 12.
    assert suggest_target([15, 20, 12], LOWER_IS_BETTER, imposed=17).level3 == D(12)
    assert suggest_target([15, 20, 19], LOWER_IS_BETTER, imposed=17).level3 == D(17)


def test_pattern_4_benchmark_average_is_used_when_we_are_below_it():
    s = suggest_target([70, 75, 80], HIGHER_IS_BETTER, benchmark=90)
    assert (s.level3, s.pattern) == (D(90), Pattern.BENCHMARK)


def test_pattern_4_is_skipped_when_we_already_beat_the_benchmark():
    s = suggest_target([70, 75, 80], HIGHER_IS_BETTER, benchmark=78)
    assert (s.level3, s.pattern) == (D(80), Pattern.IMPROVING_TREND)


def test_pattern_4_for_lower_is_better_means_a_lower_benchmark():
    assert suggest_target([5, 6, 7], LOWER_IS_BETTER, benchmark=4).level3 == D(4)
    assert suggest_target([5, 6, 3], LOWER_IS_BETTER, benchmark=4).pattern is Pattern.AVERAGE


@given(st.lists(results, min_size=1, max_size=4), results, directions)
def test_imposed_target_is_never_easier_than_the_latest_result(baseline, imposed, direction):
    x = suggest_target(baseline, direction, imposed=imposed).level3
    latest = baseline[-1]
    if direction is HIGHER_IS_BETTER:
        assert x == max(latest, imposed)
    else:
        assert x == min(latest, imposed)


@given(st.lists(results, min_size=2, max_size=4), directions)
def test_suggested_x_stays_within_the_baseline_range(baseline, direction):
    x = suggest_target(baseline, direction).level3
    assert min(baseline) <= x <= max(baseline)


def test_places_round_x_towards_the_harder_side():
    assert suggest_target([81, 80, 81], HIGHER_IS_BETTER, places=1).level3 == D("80.7")
    assert suggest_target([80, 81, 80], LOWER_IS_BETTER, places=1).level3 == D("80.3")
    assert suggest_target([80, 81, 80], LOWER_IS_BETTER).level3 > D("80.3")


def test_target_suggestion_rejects_an_empty_baseline_and_floats():
    with pytest.raises(ValueError, match="baseline is empty"):
        suggest_target([], HIGHER_IS_BETTER)
    with pytest.raises(TypeError, match="float"):
        suggest_target([70, 75.5, 80], HIGHER_IS_BETTER)
    with pytest.raises(TypeError, match="float"):
        suggest_target([70, 75, 80], HIGHER_IS_BETTER, imposed=85.0)


# --- thresholds --------------------------------------------------------------------------


def test_thresholds_around_80_with_step_5_match_slide_44():
    assert suggest_thresholds(80, 5, HIGHER_IS_BETTER) == (D(70), D(75), D(80), D(85), D(90))


def test_thresholds_around_30_with_step_5_match_slide_45():
    assert suggest_thresholds("30", "5", HIGHER_IS_BETTER) == (D(20), D(25), D(30), D(35), D(40))


def test_maternal_mortality_thresholds_go_down_from_level_1_to_5():
    # kpis_real.csv row 4: "ไม่เกิน 17 ต่อการเกิดมีชีพแสนคน", reported 0.00 and "ผ่านเกณฑ์".
    thresholds = suggest_thresholds(17, 2, LOWER_IS_BETTER, minimum=0)
    assert thresholds == (D(21), D(19), D(17), D(15), D(13))
    reported = D("0.00")
    level = level_for(
        reported, measurement=QUANTITATIVE, direction=LOWER_IS_BETTER, thresholds=thresholds
    )
    assert level == 5


@given(results, steps, directions)
def test_suggested_thresholds_are_monotonic_and_x_earns_level_3(x, step, direction):
    thresholds = suggest_thresholds(x, step, direction)
    pairs = list(zip(thresholds, thresholds[1:], strict=False))
    if direction is HIGHER_IS_BETTER:
        assert all(a < b for a, b in pairs)
    else:
        assert all(a > b for a, b in pairs)
    for level, t in enumerate(thresholds, start=1):
        assert (
            level_for(t, measurement=QUANTITATIVE, direction=direction, thresholds=thresholds)
            == level
        )


@pytest.mark.parametrize("step", [0, -5])
def test_thresholds_need_a_positive_step(step):
    with pytest.raises(ValueError, match="greater than 0"):
        suggest_thresholds(80, step, HIGHER_IS_BETTER)


def test_thresholds_outside_the_possible_range_ask_for_a_smaller_step():
    with pytest.raises(ValueError, match="smaller step"):
        suggest_thresholds(95, 5, HIGHER_IS_BETTER, maximum=100)
    with pytest.raises(ValueError, match="smaller step"):
        suggest_thresholds(1, 1, LOWER_IS_BETTER, minimum=0)
    assert suggest_thresholds(1, "0.5", LOWER_IS_BETTER, minimum=0)[-1] == D(0)
