"""Tests of KPI quality warnings (DOMAIN §4 list of warnings)."""

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi.criteria import HIGHER_IS_BETTER, LOWER_IS_BETTER
from kpi.quality import (
    OWNER_MISSING,
    OWNER_MULTIPLE,
    SPLIT_BELOW_PARENT,
    TARGET_EASIER_THAN_LAST_YEAR,
    TOO_FEW_KPIS,
    TOO_MANY_KPIS,
    UNLINKED_KPI,
    WEIGHTS_NOT_100,
    KpiFacts,
    KpiSource,
    OsRow,
    QualityWarning,
    Severity,
    SplitFacts,
    check_kpi,
    check_kpi_set,
    check_os_matrix,
    check_split_targets,
)


def linked(ref, weight, **extra):
    return KpiFacts(ref=ref, weight=weight, linked_unit_kpi="U-1", **extra)


GOOD_SET = [linked("K1", 30), linked("K2", 30), linked("K3", 40)]


def codes(warnings):
    return [w.code for w in warnings]


def test_a_sound_agreement_raises_no_warnings():
    assert check_kpi_set(GOOD_SET, subject="agreement 7") == []


def test_warnings_are_plain_frozen_data():
    warning = check_kpi_set(GOOD_SET[:2], subject="agreement 7")[0]
    assert isinstance(warning, QualityWarning)
    assert (warning.code, warning.severity, warning.subject) == (
        WEIGHTS_NOT_100,
        Severity.ERROR,
        "agreement 7",
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        warning.code = "other"


# --- link to a unit KPI ------------------------------------------------------------------


def test_an_individual_plan_kpi_linked_to_no_unit_kpi_is_warned():
    found = check_kpi(KpiFacts(ref="K9", name="ร้อยละการเบิกจ่าย", weight=20))
    assert codes(found) == [UNLINKED_KPI]
    assert found[0].severity is Severity.WARNING
    assert "ร้อยละการเบิกจ่าย" in found[0].message
    assert found[0].subject == "K9"


@pytest.mark.parametrize("source", [KpiSource.DUTY, KpiSource.SPECIAL, "duty"])
def test_unlinked_duty_and_assignment_kpis_are_only_a_hint(source):
    found = check_kpi(KpiFacts(ref="K9", weight=20, source=source))
    assert [(w.code, w.severity) for w in found] == [(UNLINKED_KPI, Severity.INFO)]


def test_unit_kpis_are_not_asked_for_a_unit_kpi_link():
    assert check_kpi(KpiFacts(ref="U-2", weight=20), individual=False) == []


# --- target against last year ------------------------------------------------------------


@pytest.mark.parametrize(
    ("direction", "target", "last", "warned"),
    [
        (HIGHER_IS_BETTER, 80, 85, True),
        (HIGHER_IS_BETTER, 85, 85, False),
        (HIGHER_IS_BETTER, 90, 85, False),
        (LOWER_IS_BETTER, 17, 12, True),
        (LOWER_IS_BETTER, 12, 12, False),
        (LOWER_IS_BETTER, 10, 12, False),
    ],
)
def test_a_level_3_target_easier_than_last_years_result_is_warned(direction, target, last, warned):
    kpi = linked("K1", 100, direction=direction, level3_target=target, last_year_result=last)
    assert (TARGET_EASIER_THAN_LAST_YEAR in codes(check_kpi(kpi))) is warned


def test_easy_target_is_not_judged_without_last_years_result():
    assert check_kpi(linked("K1", 100, level3_target=80)) == []


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
)
def test_easy_target_warning_mirrors_between_directions(target, last):
    up = linked("K", 100, level3_target=target, last_year_result=last)
    down = linked(
        "K", 100, direction=LOWER_IS_BETTER, level3_target=-target, last_year_result=-last
    )
    assert codes(check_kpi(up)) == codes(check_kpi(down))
    assert (codes(check_kpi(up)) == [TARGET_EASIER_THAN_LAST_YEAR]) == (target < last)


# --- weights and count -------------------------------------------------------------------


def test_weights_not_totalling_100_are_an_error():
    found = check_kpi_set([linked("K1", 30), linked("K2", 30), linked("K3", 30)])
    assert codes(found) == [WEIGHTS_NOT_100]
    assert "90" in found[0].message


def test_a_missing_weight_counts_as_zero_until_it_is_set():
    found = check_kpi_set([linked("K1", 50), linked("K2", 50), linked("K3", None)])
    assert codes(found) == []
    found = check_kpi_set([linked("K1", 50), linked("K2", 30), linked("K3", None)])
    assert codes(found) == [WEIGHTS_NOT_100]


def test_too_few_kpis_are_warned():
    found = check_kpi_set([linked("K1", 50), linked("K2", 50)])
    assert codes(found) == [TOO_FEW_KPIS]
    assert found[0].severity is Severity.WARNING


def test_too_many_kpis_are_warned():
    many = [linked(f"K{i}", 10) for i in range(11)]
    many[-1] = linked("K10", 0)
    assert codes(check_kpi_set(many)) == [TOO_MANY_KPIS]


def test_the_kpi_count_range_is_configurable():
    assert check_kpi_set([linked("K1", 100)], min_kpis=1, max_kpis=5) == []
    assert codes(check_kpi_set(GOOD_SET, min_kpis=4, max_kpis=6)) == [TOO_FEW_KPIS]
    assert codes(check_kpi_set(GOOD_SET, min_kpis=1, max_kpis=2)) == [TOO_MANY_KPIS]


@pytest.mark.parametrize(("low", "high"), [(5, 3), (-1, 3), (1, "10"), (True, 3)])
def test_an_impossible_count_range_is_rejected(low, high):
    with pytest.raises(ValueError, match="KPI count"):
        check_kpi_set(GOOD_SET, min_kpis=low, max_kpis=high)


def test_negative_and_float_weights_are_invalid_input():
    with pytest.raises(ValueError, match="negative"):
        check_kpi_set([linked("K1", 110), linked("K2", -10), linked("K3", 0)])
    with pytest.raises(TypeError, match="float"):
        check_kpi_set([linked("K1", 100.0)])


# --- OS matrix ---------------------------------------------------------------------------


def test_os_matrix_with_one_owner_per_kpi_is_sound():
    rows = [
        OsRow("ร้อยละการควบคุมโรค", owners=["กลุ่มควบคุมโรค"], supporters=["กลุ่มระบาดวิทยา", "ศตม."]),
        OsRow("ระดับความสำเร็จของแผน", owners=["กลุ่มแผน"]),
    ]
    assert check_os_matrix(rows) == []


def test_a_kpi_with_no_owner_in_the_os_matrix_is_an_error():
    found = check_os_matrix([OsRow("K1", owners=[], supporters=["กลุ่มระบาดวิทยา"])])
    assert [(w.code, w.severity, w.subject) for w in found] == [
        (OWNER_MISSING, Severity.ERROR, "K1")
    ]


def test_a_kpi_with_two_owners_in_the_os_matrix_is_an_error():
    found = check_os_matrix([OsRow("K1", owners=["กลุ่ม ก", "กลุ่ม ข"])])
    assert codes(found) == [OWNER_MULTIPLE]
    assert "กลุ่ม ก" in found[0].message and "กลุ่ม ข" in found[0].message


def test_the_same_owner_listed_twice_is_one_owner():
    assert check_os_matrix([OsRow("K1", owners=["กลุ่ม ก", "กลุ่ม ก"])]) == []


# --- split targets -----------------------------------------------------------------------


def test_split_targets_summing_below_the_parent_are_an_error():
    splits = [
        SplitFacts("K-เป้า", 1000, [400, 300, 200]),
        SplitFacts("K-ครบ", 1000, [500, 500]),
    ]
    found = check_split_targets(splits)
    assert [(w.code, w.subject) for w in found] == [(SPLIT_BELOW_PARENT, "K-เป้า")]
    assert "ขาดอีก 100" in found[0].message


def test_lower_is_better_split_ceilings_above_the_parent_are_an_error():
    found = check_split_targets([SplitFacts("outages", 10, [4, 4, 4], LOWER_IS_BETTER)])
    assert codes(found) == [SPLIT_BELOW_PARENT]
    assert found[0].severity is Severity.ERROR
