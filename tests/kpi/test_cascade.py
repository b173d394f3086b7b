"""Tests of the split-target rule: children's targets together must deliver the parent's."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.cascade import SplitCheck, check_split, split_thresholds
from kpi.criteria import HIGHER_IS_BETTER, LOWER_IS_BETTER

D = Decimal
amounts = st.decimals(min_value=0, max_value=100_000, places=2)


def test_split_targets_reaching_the_parent_are_accepted():
    result = check_split(1000, [400, 300, 300], HIGHER_IS_BETTER)
    assert result.ok
    assert (result.children_total, result.shortfall) == (D(1000), D(0))
    assert "ไม่น้อยกว่า" in result.message


def test_split_targets_above_the_parent_are_accepted():
    assert check_split(1000, [500, 400, 300], HIGHER_IS_BETTER).ok


def test_split_targets_below_parent_are_rejected():
    result = check_split(1000, [400, 300, 200], HIGHER_IS_BETTER)
    assert not result.ok
    assert result.shortfall == D(100)
    assert "ขาดอีก 100" in result.message
    assert "(900)" in result.message and "(1,000)" in result.message


def test_lower_is_better_split_ceilings_within_the_parents_ceiling_are_accepted():
    # At most 10 network outages a year for the province, shared by three districts.
    result = check_split(10, [3, 3, 4], LOWER_IS_BETTER)
    assert result.ok
    assert result.shortfall == D(0)
    assert "ไม่เกิน" in result.message


def test_lower_is_better_split_ceilings_above_the_parents_ceiling_are_rejected():
    result = check_split(10, [4, 4, 4], LOWER_IS_BETTER)
    assert not result.ok
    assert result.shortfall == D(2)
    assert "เกินอยู่ 2" in result.message


def test_a_zero_ceiling_can_only_be_split_into_zeros():
    assert check_split(0, [0, 0], LOWER_IS_BETTER).ok
    assert not check_split(0, [0, 1], LOWER_IS_BETTER).ok


@given(amounts, st.lists(amounts, min_size=1, max_size=8))
def test_higher_is_better_split_is_ok_exactly_when_the_sum_reaches_the_parent(parent, children):
    result = check_split(parent, children, HIGHER_IS_BETTER)
    assert result.children_total == sum(children)
    assert result.ok == (sum(children) >= parent)
    assert result.shortfall == max(D(0), parent - sum(children))


@given(amounts, st.lists(amounts, min_size=1, max_size=8))
def test_lower_is_better_split_is_ok_exactly_when_the_sum_stays_within_the_parent(parent, children):
    result = check_split(parent, children, LOWER_IS_BETTER)
    assert result.ok == (sum(children) <= parent)
    assert result.shortfall == max(D(0), sum(children) - parent)
    assert result.ok == (result.shortfall == 0)


@given(amounts, st.lists(amounts, min_size=1, max_size=8))
def test_an_exact_split_passes_in_both_directions(parent, children):
    total = sum(children)
    assert check_split(total, children, HIGHER_IS_BETTER).ok
    assert check_split(total, children, LOWER_IS_BETTER).ok


@given(amounts, st.lists(amounts, min_size=1, max_size=8), amounts)
def test_adding_to_a_child_never_breaks_a_higher_is_better_split(parent, children, extra):
    before = check_split(parent, children, HIGHER_IS_BETTER)
    after = check_split(parent, [children[0] + extra, *children[1:]], HIGHER_IS_BETTER)
    assert after.shortfall <= before.shortfall
    assert before.ok <= after.ok


def test_split_check_is_plain_data():
    result = check_split("100", ["60", "40"], "higher")
    assert isinstance(result, SplitCheck)
    assert result.parent_target == D(100)


def test_split_check_rejects_no_children_negative_targets_and_floats():
    with pytest.raises(ValueError, match="no child targets"):
        check_split(100, [], HIGHER_IS_BETTER)
    with pytest.raises(ValueError, match="negative"):
        check_split(100, [120, -20], HIGHER_IS_BETTER)
    with pytest.raises(TypeError, match="float"):
        check_split(100, [50.0, 50], HIGHER_IS_BETTER)
    with pytest.raises(ValueError, match="unknown direction"):
        check_split(100, [50, 50], "up")


def test_split_thresholds_scale_the_parents_by_the_childs_share_of_the_target():
    # Parent 60/70/80/90/100 with target 80; a child taking 20 (a quarter) gets a quarter.
    parent = [Decimal(60), Decimal(70), Decimal(80), Decimal(90), Decimal(100)]
    assert split_thresholds(parent, Decimal(20)) == (
        Decimal("15.0000"),
        Decimal("17.5000"),
        Decimal(20),
        Decimal("22.5000"),
        Decimal("25.0000"),
    )


def test_split_thresholds_without_a_parent_target_set_only_level_3():
    assert split_thresholds([None, None, None, None, None], Decimal(7)) == (
        None,
        None,
        Decimal(7),
        None,
        None,
    )
    assert split_thresholds([1, 2, 0, 4, 5], 3)[2] == Decimal(3)
