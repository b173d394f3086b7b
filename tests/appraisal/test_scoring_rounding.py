"""The two rounding modes of DOMAIN §5 and the round's other scoring rules (ratio cap, bar-scale
level 0), in the pure scoring module: the three cases of issue 11 with their figures written out.

The M-level form of all three cases has 11 competencies (5 core at expected 3, 6 managerial at
expected 1): the 5 core ones shown at level 2 (2 points each) and the 6 managerial ones met
(3 points each), 5 × 2 + 6 × 3 = 28 of 3 × 11 = 33 points; at weight 30 that is
28 ÷ 33 × 30 = 840 ÷ 33 = 25.454545… (repeating "45"):
  exact: shown as 25.45 (the third decimal is 4);
  DPIS:  round(25.4545…, 3) = 25.455, round(25.455, 2) = 25.46 (half up).
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal import scoring
from appraisal.scoring import (
    BAR_SCALE,
    BAR_ZERO_NO_POINTS,
    DPIS,
    EXACT,
    RATIO,
    RATIO_CAP_EACH,
    achievement,
    bar_points,
    competency_bar_scale,
    competency_rating,
    competency_ratio,
    dpis_round,
    form_result,
    round2,
    total,
)

D = Decimal
M_COMPETENCIES = [(2, 3, None)] * 5 + [(1, 1, None)] * 6
CASE_A = [(5, "21"), (4, "39"), (5, "40")]
CASE_B = [(5, "21.01"), (4, "38.99"), (5, "40")]
# Nine KPIs: one at 11.12 and eight at 11.11 (9 × 11.11 is only 99.99).
CASE_C = [(5, "11.12")] + [(5, "11.11")] * 4 + [(3, "11.11")] * 4


def _result(kpis, rounding):
    return form_result(
        kpis=kpis,
        competencies=M_COMPETENCIES,
        method=BAR_SCALE,
        weight_achievement=70,
        weight_competency=30,
        rounding=rounding,
    )


# --- the competency part shared by the three cases ----------------------------------------------


def test_the_m_level_competencies_give_28_of_33_points():
    pairs = [(a, e) for a, e, _ in M_COMPETENCIES]
    assert sum(bar_points(a, e) for a, e in pairs) == 28
    assert competency_bar_scale(pairs, 30) == D(840) / D(33)
    assert round2(competency_bar_scale(pairs, 30)) == D("25.45")
    assert competency_bar_scale(pairs, 30, rounding=DPIS) == D("25.46")


def test_dpis_rounds_to_three_decimals_then_to_two_half_up():
    assert dpis_round(D(840) / D(33)) == D("25.46")  # 25.4545… → 25.455 → 25.46
    assert round2(D(840) / D(33)) == D("25.45")  # one step: 25.45
    assert dpis_round(D("57.5568")) == D("57.56")  # 57.557 → 57.56
    assert dpis_round(D("64.5414")) == D("64.54")  # 64.541 → 64.54
    assert dpis_round(D("0.0045")) == D("0.01")  # 0.005 → 0.01, where round2 gives 0.00
    assert round2(D("0.0045")) == D("0.00")


# --- case (a): KPIs 21/39/40 at levels 5/4/5 -----------------------------------------------------


def test_case_a_exact_prints_64_54_plus_25_45_is_89_99_very_good():
    """score_kpi = 5×21 + 4×39 + 5×40 = 105 + 156 + 200 = 461; percent = 461 ÷ 5 = 92.2;
    points = 461 × 70 ÷ 500 = 64.54 exactly. Total = 64.54 + 25.4545… = 89.994545… → 89.99,
    ดีมาก. The components shown, 64.54 + 25.45 = 89.99, add up: no footnote needed."""
    r = _result(CASE_A, EXACT)
    assert (r.score_kpi, r.percent, r.achievement) == (D(461), D("92.2"), D("64.54"))
    assert round2(r.competency) == D("25.45")
    assert round2(r.total) == D("89.99")
    assert r.band == scoring.VERY_GOOD
    assert r.adds_up


def test_case_a_dpis_gives_64_54_plus_25_46_is_90_00_outstanding():
    """DPIS: 64.54 stays 64.54; 25.4545… → 25.455 → 25.46; total = 64.54 + 25.46 = 90.00,
    ดีเด่น (a different band from the exact mode's 89.99 ดีมาก)."""
    r = _result(CASE_A, DPIS)
    assert (r.achievement, r.competency, r.total) == (D("64.54"), D("25.46"), D("90.00"))
    assert r.band == scoring.OUTSTANDING
    assert r.adds_up
    # The exact figures stay known, for the printed equations.
    assert r.exact.competency == D(840) / D(33)
    assert r.exact.total == D("64.54") + D(840) / D(33)


# --- case (b): KPIs 21.01/38.99/40 at levels 5/4/5 -----------------------------------------------


def test_case_b_exact_total_comes_from_the_unrounded_values_and_says_so():
    """score_kpi = 5×21.01 + 4×38.99 + 5×40 = 105.05 + 155.96 + 200 = 461.01; percent =
    461.01 ÷ 5 = 92.202; points = 461.01 × 70 ÷ 500 = 64.5414 → 64.54. Total = 64.5414 +
    25.454545… = 89.995945… → 90.00 ดีเด่น, while 64.54 + 25.45 = 89.99: the components shown
    do not add up to the total shown, so the form carries the footnote (adds_up is False)."""
    r = _result(CASE_B, EXACT)
    assert (r.score_kpi, r.percent, r.achievement) == (D("461.01"), D("92.202"), D("64.5414"))
    assert round2(r.achievement) + round2(r.competency) == D("89.99")
    assert round2(r.total) == D("90.00")
    assert r.band == scoring.OUTSTANDING
    assert not r.adds_up


def test_case_b_dpis_components_add_up_to_the_total():
    """DPIS: 92.202 → 92.20; 64.5414 → 64.541 → 64.54; 25.46; total 64.54 + 25.46 = 90.00."""
    r = _result(CASE_B, DPIS)
    assert (r.percent, r.achievement, r.competency) == (D("92.20"), D("64.54"), D("25.46"))
    assert r.total == D("90.00") == r.achievement + r.competency
    assert r.band == scoring.OUTSTANDING
    assert r.adds_up


# --- case (c): nine KPIs at 11.11 (one at 11.12) -------------------------------------------------


def test_case_c_exact_figures_of_nine_kpis():
    """Products: 5 × 11.12 = 55.60, 4 × (5 × 11.11 = 55.55), 4 × (3 × 11.11 = 33.33);
    score_kpi = 55.60 + 222.20 + 133.32 = 411.12; percent = 411.12 ÷ 5 = 82.224 → 82.22;
    points = 411.12 × 70 ÷ 500 = 57.5568 → 57.56 (82.22 × 70 ÷ 100 = 57.554 would be 57.55,
    so the printed equation is written over 82.224). Total = 57.5568 + 25.4545… = 83.011345…
    → 83.01 = 57.56 + 25.45: adds up."""
    r = _result(CASE_C, EXACT)
    assert [row.product for row in r.kpi_rows] == [D("55.60")] + [D("55.55")] * 4 + [D("33.33")] * 4
    assert (r.score_kpi, r.percent, r.achievement) == (D("411.12"), D("82.224"), D("57.5568"))
    assert round2(r.percent) * 70 / 100 == D("57.554")  # the false equation of the issue
    assert round2(r.total) == D("83.01")
    assert r.adds_up
    assert r.band == scoring.VERY_GOOD


def test_case_c_dpis_figures_of_nine_kpis():
    """DPIS: 57.5568 → 57.557 → 57.56; 25.46; total 57.56 + 25.46 = 83.02 ดีมาก."""
    r = _result(CASE_C, DPIS)
    assert (r.percent, r.achievement, r.competency) == (D("82.22"), D("57.56"), D("25.46"))
    assert r.total == D("83.02")
    assert r.band == scoring.VERY_GOOD


# --- the keyword of each function ---------------------------------------------------------------


def test_every_function_takes_the_rounding_keyword_and_defaults_to_exact():
    assert achievement(CASE_B, 70) == achievement(CASE_B, 70, rounding=EXACT)
    assert achievement(CASE_B, 70, rounding=DPIS).points == D("64.54")
    assert competency_rating([(4, 1), (4, 1), (5, 1)], 30) == D("26")
    # (4 + 4 + 5) ÷ (5 × 3) × 10 = 13 ÷ 15 × 10 = 8.666… → 8.667 → 8.67
    assert competency_rating([(4, 1), (4, 1), (5, 1)], 10, rounding=DPIS) == D("8.67")
    # 7 ÷ 9 × 10 = 7.777… → DPIS 7.778 → 7.78
    assert competency_ratio([(3, 3), (2, 3), (2, 3)], 10, rounding=DPIS) == D("7.78")
    assert total([D("64.5414"), D(840) / D(33)], rounding=DPIS) == D("90.00")
    assert round2(total([D("64.5414"), D(840) / D(33)])) == D("90.00")
    with pytest.raises(ValueError, match="rounding"):
        total([D(1)], rounding="banker")


def test_exact_mode_is_the_result_of_before_the_setting():
    default = form_result(
        kpis=CASE_B,
        competencies=M_COMPETENCIES,
        method=BAR_SCALE,
        weight_achievement=70,
        weight_competency=30,
    )
    assert default == _result(CASE_B, EXACT)
    assert default.rounding == EXACT


@st.composite
def components(draw):
    """Three exact component values, 0 to 100 in total, with up to 6 decimals."""
    values = [
        D(draw(st.integers(0, 33_000_000))) / D(1_000_000),
        D(draw(st.integers(0, 33_000_000))) / D(1_000_000),
        D(draw(st.integers(0, 33_000_000))) / D(1_000_000),
    ]
    return values


@given(components())
def test_in_dpis_mode_the_rounded_components_always_add_up_to_the_total(parts):
    t = total(parts, rounding=DPIS)
    assert t == sum((dpis_round(p) for p in parts), D(0))
    assert scoring.adds_up([dpis_round(p) for p in parts], t)
    # And the exact mode keeps the exact sum.
    assert total(parts) == sum(parts, D(0))


# --- ratio cap and bar-scale level 0 -------------------------------------------------------------


def test_ratio_cap_on_the_total_is_the_rule_so_far_and_the_result_says_when_it_applied():
    """12 ÷ 10 × 30 = 36 is more than the weight: capped at 30."""
    comps = [(4, 2, None), (4, 2, None), (2, 2, None), (1, 2, None), (1, 2, None)]
    r = form_result(
        kpis=CASE_A,
        competencies=comps,
        method=RATIO,
        weight_achievement=70,
        weight_competency=30,
    )
    assert r.competency == D(30)
    assert r.exact.competency_uncapped == D(36)
    assert r.ratio_capped


def test_ratio_cap_per_competency_counts_each_actual_level_up_to_its_expected_one():
    """Each capped: 2 + 2 + 2 + 1 + 1 = 8 of 10 → 8 ÷ 10 × 30 = 24."""
    comps = [(4, 2), (4, 2), (2, 2), (1, 2), (1, 2)]
    assert competency_ratio(comps, 30, cap=RATIO_CAP_EACH) == D(24)
    r = form_result(
        kpis=CASE_A,
        competencies=[(a, e, None) for a, e in comps],
        method=RATIO,
        weight_achievement=70,
        weight_competency=30,
        ratio_cap=RATIO_CAP_EACH,
    )
    assert (r.competency, r.actual_counted, r.actual_total) == (D(24), 8, 12)
    assert not r.ratio_capped


def test_bar_level_zero_scores_by_its_gap_unless_the_round_says_no_points():
    assert bar_points(0, 1) == 2
    assert bar_points(0, 1, level_zero=BAR_ZERO_NO_POINTS) == 0
    assert bar_points(1, 1, level_zero=BAR_ZERO_NO_POINTS) == 3
    comps = [(0, 1, None), (1, 1, None)]
    by_gap = form_result(
        kpis=CASE_A,
        competencies=comps,
        method=BAR_SCALE,
        weight_achievement=70,
        weight_competency=30,
    )
    none = form_result(
        kpis=CASE_A,
        competencies=comps,
        method=BAR_SCALE,
        weight_achievement=70,
        weight_competency=30,
        bar_level_zero=BAR_ZERO_NO_POINTS,
    )
    assert (by_gap.bar_total, none.bar_total) == (5, 3)
    assert by_gap.bar_counts == (1, 1, 0, 0)
    assert none.bar_counts == (1, 0, 0, 1)


@st.composite
def whole_forms(draw):
    """A complete form: KPI weights in hundredths summing to 100, levels 0–5, and 1–11 bar-scale
    competencies, at weights 70/30 or 50/50."""
    n = draw(st.integers(1, 9))
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=n - 1, max_size=n - 1, unique=True)))
    edges = [0, *cuts, 10000]
    weights = [D(b - a) / 100 for a, b in zip(edges, edges[1:], strict=False)]
    kpis = [(draw(st.integers(0, 5)), w) for w in weights]
    m = draw(st.integers(1, 11))
    comps = [(draw(st.integers(0, 5)), draw(st.integers(1, 5)), None) for _ in range(m)]
    w_ach = draw(st.sampled_from([70, 50]))
    return kpis, comps, w_ach


@given(whole_forms())
def test_a_dpis_form_always_adds_up_and_its_band_follows_the_printed_total(form):
    kpis, comps, w_ach = form
    r = form_result(
        kpis=kpis,
        competencies=comps,
        method=BAR_SCALE,
        weight_achievement=w_ach,
        weight_competency=100 - w_ach,
        rounding=DPIS,
    )
    assert r.adds_up
    assert r.total == r.achievement + r.competency + r.other
    assert r.band == scoring.band(round2(r.total))
    exact = form_result(
        kpis=kpis,
        competencies=comps,
        method=BAR_SCALE,
        weight_achievement=w_ach,
        weight_competency=100 - w_ach,
    )
    # Each component moves by at most 0.0005 (to 3 decimals) + 0.005 (to 2): 0.0055 each.
    assert abs(r.total - exact.total) <= 2 * D("0.0055")
    assert r.exact.total == exact.total
