"""Tests of the five-level KPI criteria: which level an actual result earns."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kpi import cascade, criteria, quality, targets
from kpi.criteria import (
    HIGHER_IS_BETTER,
    HYBRID,
    LOWER_IS_BETTER,
    MILESTONE,
    QUALITATIVE,
    QUANTITATIVE,
    SUCCESS_FAILURE,
    Direction,
    fmt_number,
    level_for,
    validate_thresholds,
)

D = Decimal
values = st.decimals(min_value=-10_000, max_value=10_000, places=2)


@st.composite
def rising_thresholds(draw, count=5):
    start = draw(values)
    gaps = draw(
        st.lists(
            st.decimals(min_value="0.01", max_value=500, places=2),
            min_size=count - 1,
            max_size=count - 1,
        )
    )
    out = [start]
    for gap in gaps:
        out.append(out[-1] + gap)
    return out


def quantitative(actual, thresholds, direction=HIGHER_IS_BETTER):
    return level_for(actual, measurement=QUANTITATIVE, direction=direction, thresholds=thresholds)


# --- quantitative ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "level"),
    [("69.99", 0), (70, 1), (75, 2), (80, 3), ("84.99", 3), (85, 4), (90, 5), (100, 5)],
)
def test_quantitative_level_is_the_highest_threshold_reached(actual, level):
    # Seed 001 slide 44: % of districts controlling key communicable diseases, target 80%.
    assert quantitative(actual, [70, 75, 80, 85, 90]) == level


@pytest.mark.parametrize(("actual", "level"), [(0, 1), (14, 1), (15, 2), ("44.5", 4), (45, 5)])
def test_real_kpi_whose_level_1_is_anything_below_15_percent(actual, level):
    # kpis_real.csv row 1 (สสจ.พัทลุง 0702, dental check of pregnant women): "< 15" is level 1,
    # so the level-1 threshold is 0 and no percentage can score 0.
    assert quantitative(actual, [0, 15, 25, 35, 45]) == level


@pytest.mark.parametrize(
    ("actual", "level"), [("0.00", 5), (13, 5), (15, 4), (17, 3), ("17.01", 2), (21, 1), (22, 0)]
)
def test_maternal_mortality_ratio_not_above_17_scores_as_lower_is_better(actual, level):
    # kpis_real.csv row 4: อัตราส่วนการตายมารดาไทยต่อการเกิดมีชีพแสนคน, target "ไม่เกิน 17";
    # the office reported 0.00 and "ผ่านเกณฑ์". Level 3 is 17 with steps of 2 around it.
    assert quantitative(actual, [21, 19, 17, 15, 13], LOWER_IS_BETTER) == level


def test_maternal_mortality_as_pass_fail_passes_at_0_and_fails_above_17():
    def pass_fail(actual):
        return level_for(
            actual, measurement=SUCCESS_FAILURE, direction=LOWER_IS_BETTER, thresholds=[17]
        )

    assert pass_fail("0.00") == 5
    assert pass_fail(17) == 5
    assert pass_fail("17.01") == 0


@given(rising_thresholds(), values, values)
def test_level_rises_with_the_result_when_higher_is_better(thresholds, a, b):
    low, high = sorted((a, b))
    assert quantitative(low, thresholds) <= quantitative(high, thresholds)


@given(rising_thresholds(), values, values)
def test_level_falls_as_the_result_grows_when_lower_is_better(thresholds, a, b):
    falling = list(reversed(thresholds))
    low, high = sorted((a, b))
    assert quantitative(low, falling, LOWER_IS_BETTER) >= quantitative(
        high, falling, LOWER_IS_BETTER
    )


@given(rising_thresholds(), values)
def test_lower_is_better_mirrors_higher_is_better_on_negated_values(thresholds, actual):
    mirrored = [-t for t in thresholds]
    assert quantitative(actual, thresholds) == quantitative(-actual, mirrored, LOWER_IS_BETTER)


@given(rising_thresholds())
def test_meeting_a_threshold_exactly_earns_its_level(thresholds):
    for level, t in enumerate(thresholds, start=1):
        assert quantitative(t, thresholds) == level
    assert quantitative(thresholds[0] - D("0.01"), thresholds) == 0


def test_quantitative_kpi_accepts_direction_as_a_plain_string():
    assert quantitative(13, ["21", "19", "17", "15", "13"], "lower") == 5


def test_quantitative_kpi_needs_thresholds():
    with pytest.raises(ValueError, match="5 thresholds"):
        level_for(80, measurement=QUANTITATIVE)


def test_quantitative_kpi_refuses_a_float_result():
    with pytest.raises(TypeError, match="float"):
        quantitative(80.0, [70, 75, 80, 85, 90])


# --- validate_thresholds -----------------------------------------------------------------


def test_thresholds_are_returned_as_decimals():
    assert validate_thresholds(["70", 75, D(80), "85.5", 90], HIGHER_IS_BETTER) == (
        D(70),
        D(75),
        D(80),
        D("85.5"),
        D(90),
    )


@pytest.mark.parametrize(
    ("thresholds", "direction", "why"),
    [
        ([70, 75, 80, 85], HIGHER_IS_BETTER, "expected 5"),
        ([70, 75, 80, 85, 90, 95], HIGHER_IS_BETTER, "expected 5"),
        ([70, 75, 75, 85, 90], HIGHER_IS_BETTER, "strictly increase"),
        ([90, 85, 80, 75, 70], HIGHER_IS_BETTER, "strictly increase"),
        ([70, 75, 80, 85, 90], LOWER_IS_BETTER, "strictly decrease"),
        ([70, 75, 80, 85, 90], "sideways", "unknown direction"),
        ([70, 75, "x", 85, 90], HIGHER_IS_BETTER, "not a number"),
    ],
)
def test_invalid_thresholds_are_rejected(thresholds, direction, why):
    with pytest.raises(ValueError, match=why):
        validate_thresholds(thresholds, direction)


def test_thresholds_refuse_floats():
    with pytest.raises(TypeError, match="float"):
        validate_thresholds([70, 75, 80.0, 85, 90], HIGHER_IS_BETTER)


def test_quantitative_scoring_refuses_thresholds_against_the_direction():
    with pytest.raises(ValueError, match="strictly decrease"):
        quantitative(15, [13, 15, 17, 19, 21], LOWER_IS_BETTER)


# --- milestone, success/failure, qualitative ---------------------------------------------


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4, 5])
def test_milestone_level_is_the_number_of_steps_completed(steps):
    assert level_for(measurement=MILESTONE, steps_done=steps) == steps


@pytest.mark.parametrize("steps", [-1, 6, "2.5", None])
def test_milestone_rejects_impossible_step_counts(steps):
    with pytest.raises((ValueError, TypeError)):
        level_for(measurement=MILESTONE, steps_done=steps)


@given(st.one_of(st.booleans(), st.decimals(min_value=0, max_value=100, places=2)))
def test_success_failure_scores_only_0_or_5(actual):
    level = level_for(actual, measurement=SUCCESS_FAILURE, thresholds=[100])
    assert level in (0, 5)
    if not isinstance(actual, bool):
        assert (level == 5) == (actual == 100)


def test_success_failure_malaria_treatment_needs_100_percent():
    # Seed 001 slide 46: 100% of malaria cases treated to standard, scored 0 or 5.
    assert level_for(True, measurement=SUCCESS_FAILURE) == 5
    assert level_for(False, measurement=SUCCESS_FAILURE) == 0
    assert level_for("99.99", measurement=SUCCESS_FAILURE, thresholds=[100]) == 0


def test_success_failure_with_a_number_needs_one_threshold():
    with pytest.raises(ValueError, match="one threshold"):
        level_for(100, measurement=SUCCESS_FAILURE)
    with pytest.raises(ValueError, match="expected 1"):
        level_for(100, measurement=SUCCESS_FAILURE, thresholds=[90, 100])


@pytest.mark.parametrize("chosen", [0, 3, 5, "4"])
def test_qualitative_level_is_the_evaluators_choice(chosen):
    assert level_for(chosen, measurement=QUALITATIVE) == int(chosen)


@pytest.mark.parametrize("chosen", [-1, 6, "2.5"])
def test_qualitative_rejects_levels_outside_0_to_5(chosen):
    with pytest.raises(ValueError, match="chosen level"):
        level_for(chosen, measurement=QUALITATIVE)


def test_unknown_measurement_type_is_rejected():
    with pytest.raises(ValueError, match="unknown measurement"):
        level_for(1, measurement="vibes")


# --- hybrid ------------------------------------------------------------------------------


def srrt(steps, pct=None):
    # Seed 001 slide 48: SRRT teams, steps 1–4, then level 5 by the % of teams passing.
    return level_for(pct, measurement=HYBRID, hybrid_steps=4, steps_done=steps, thresholds=[80])


@pytest.mark.parametrize(
    ("steps", "pct", "level"),
    [(0, None, 0), (2, None, 2), (3, 95, 3), (4, None, 4), (4, "79.9", 4), (4, 80, 5), (4, 100, 5)],
)
def test_hybrid_srrt_kpi_scores_steps_then_the_number(steps, pct, level):
    assert srrt(steps, pct) == level


def test_hybrid_with_two_step_levels_uses_three_numeric_thresholds():
    def score(steps, actual):
        return level_for(
            actual, measurement=HYBRID, hybrid_steps=2, steps_done=steps, thresholds=[50, 60, 70]
        )

    assert [score(2, a) for a in (40, 50, 65, 70)] == [2, 3, 4, 5]
    assert score(1, 70) == 1


@given(
    st.integers(1, 4),
    st.integers(0, 4),
    st.decimals(min_value=0, max_value=100, places=1),
    st.decimals(min_value=0, max_value=100, places=1),
)
def test_hybrid_level_is_monotonic_in_steps_and_result(k, steps, a, b):
    assume(steps <= k)
    thresholds = [D(60) + 10 * i for i in range(5 - k)]

    def score(s, actual):
        return level_for(
            actual, measurement=HYBRID, hybrid_steps=k, steps_done=s, thresholds=thresholds
        )

    low, high = sorted((a, b))
    assert score(steps, low) <= score(steps, high)
    assert 0 <= score(steps, low) <= 5
    if steps < k:
        assert score(steps, low) <= score(steps + 1, low)


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"steps_done": 2, "thresholds": [80]}, "hybrid_steps"),
        ({"hybrid_steps": 5, "steps_done": 2, "thresholds": []}, "1–4"),
        ({"hybrid_steps": 4, "steps_done": 2}, "thresholds"),
        ({"hybrid_steps": 4, "steps_done": 2, "thresholds": [70, 80]}, "expected 1"),
        ({"hybrid_steps": 3, "steps_done": 4, "thresholds": [70, 80]}, "steps completed"),
    ],
)
def test_hybrid_rejects_incomplete_or_inconsistent_criteria(kwargs, why):
    with pytest.raises(ValueError, match=why):
        level_for(90, measurement=HYBRID, **kwargs)


# --- helpers and purity ------------------------------------------------------------------


def test_numbers_in_messages_drop_trailing_zeros_and_group_thousands():
    assert fmt_number(D("2324.00")) == "2,324"
    assert fmt_number(D("17.50")) == "17.5"
    assert fmt_number(D("1E+2")) == "100"


def test_directions_are_plain_strings_for_the_database():
    assert Direction.LOWER_IS_BETTER == "lower"
    assert criteria.QUANTITATIVE == "quantitative"


@pytest.mark.parametrize("module", [criteria, targets, cascade, quality])
def test_kpi_rule_modules_import_nothing_from_django(module):
    source = Path(module.__file__).read_text(encoding="utf-8")
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add((node.module or "").split(".")[0])
    assert "django" not in imported
    assert imported <= {"__future__", "collections", "dataclasses", "decimal", "enum", "kpi"}
