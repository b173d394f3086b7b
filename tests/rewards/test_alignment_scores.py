"""Property and unit tests of the two scores alignment() compares and of the unit's spread
(rewards.analytics: weighted_level, team_score, individual_score, spread, and the same from
sums), and of the alignment chart (rewards.charts)."""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from appraisal import scoring
from rewards.analytics import (
    Sums,
    alignment,
    alignment_of_sums,
    individual_score,
    spread,
    spread_of_sums,
    team_score,
    weighted_level,
)
from rewards.charts import BINS, alignment_histogram

D = Decimal
levels = st.integers(min_value=0, max_value=5)
weights = st.decimals(min_value="0.01", max_value=100, places=2)
rows = st.lists(st.tuples(levels, weights), min_size=1, max_size=12)
scores = st.decimals(min_value=0, max_value=5, places=2)


def exact(pairs):
    return sum(Fraction(lv) * Fraction(w) for lv, w in pairs) / sum(Fraction(w) for _, w in pairs)


@given(rows)
def test_weighted_level_is_the_weighted_mean_within_the_levels(pairs):
    result = weighted_level(pairs)
    assert min(lv for lv, _ in pairs) <= result <= max(lv for lv, _ in pairs)
    assert abs(Fraction(result) - exact(pairs)) < Fraction(1, 10**20)


@given(rows, st.integers(min_value=2, max_value=9))
def test_scaling_every_weight_does_not_change_the_level(pairs, k):
    assert weighted_level(pairs) == weighted_level([(lv, w * k) for lv, w in pairs])


@given(levels, st.lists(weights, min_size=1, max_size=8))
def test_one_level_everywhere_is_that_level(level, ws):
    assert weighted_level([(level, w) for w in ws]) == level


def test_weighted_level_of_nothing_or_zero_weight_is_none():
    assert weighted_level([]) is None
    assert weighted_level([(3, 0), (5, 0)]) is None


@pytest.mark.parametrize(
    ("pairs", "message"),
    [([(6, 10)], "0–5"), ([(-1, 10)], "0–5"), ([(3, -1)], "ติดลบ"), ([(3, "x")], "ตัวเลข")],
)
def test_weighted_level_refuses_wrong_input(pairs, message):
    with pytest.raises(ValueError, match=message):
        weighted_level(pairs)


def test_team_score_worked_examples():
    # 60 at level 5, 40 at level 4: (300 + 160) / 100 = 4.6.
    assert team_score([(5, D(60)), (4, D(40))]) == D("4.6")
    # No KPI has a weight: they count equally.
    assert team_score([(1, None), (4, None)]) == D("2.5")
    # Only some have a weight: those without one are left out.
    assert team_score([(1, None), (4, D(30))]) == 4
    assert team_score([]) is None


@st.composite
def form_rows(draw):
    """KPI rows of a form: levels 0–5 and weights totalling exactly 100, as agreed."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=9999), max_size=7)))
    bounds = [0, *cuts, 10000]
    ws = [Decimal(b - a) / 100 for a, b in zip(bounds, bounds[1:], strict=False)]
    return [(draw(levels), w) for w in ws]


@given(form_rows())
def test_individual_score_is_the_forms_achievement_percent_on_the_0_to_5_scale(pairs):
    percent = scoring.achievement(pairs, 70).percent
    assert Fraction(individual_score(pairs)) == Fraction(percent) * 5 / 100


def test_individual_score_counts_a_missing_level_as_zero():
    assert individual_score([(None, D(50)), (4, D(50))]) == 2
    assert individual_score([(4, D(30)), (3, D(30)), (5, D(40))]) == D("4.1")  # DOMAIN's example


@given(st.lists(scores, min_size=1, max_size=20))
def test_spread_is_the_mean_and_population_standard_deviation(values):
    mean, sd = spread(values)
    m = sum(map(Fraction, values)) / len(values)
    variance = sum((Fraction(v) - m) ** 2 for v in values) / len(values)
    assert abs(Fraction(mean) - m) < Fraction(1, 10**20)
    assert sd >= 0
    assert abs(Fraction(sd) ** 2 - variance) < Fraction(1, 10**18)


@given(scores, st.integers(min_value=1, max_value=10))
def test_people_alike_have_no_spread(value, n):
    assert spread([value] * n) == (value, 0)


def test_spread_worked_example_and_refusals():
    mean, sd = spread([2, 3, 5])  # mean 10/3, variance 14/9
    assert round(mean, 4) == D("3.3333") and round(sd, 4) == D("1.2472")
    with pytest.raises(ValueError, match="ไม่มีคะแนน"):
        spread([])
    with pytest.raises(ValueError, match="0–5"):
        spread([D("5.5")])


# --- the chart --------------------------------------------------------------------------------


def test_the_chart_draws_a_bar_per_half_level_the_team_line_and_the_spread():
    svg = alignment_histogram(
        team_score=D("4.6"),
        bins=[0, 0, 0, 0, 1, 0, 2, 0, 0, 1],  # 2, 3, 3 and 5
        mean=D("3.25"),
        sd=D("1.09"),
        label="กลุ่ม <ก>",
    )
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    bars = re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)" fill="#0d6efd"', svg
    )
    assert len(bars) == 3 and Decimal(bars[1]) == 2 * Decimal(bars[0])  # height by count
    assert "คะแนนรายบุคคล 3.00 ถึงต่ำกว่า 3.50: 2 คน" in svg
    assert "คะแนนรายบุคคล 4.50 ถึง5.00: 1 คน" in svg
    assert "คะแนนของหน่วยงาน 4.60" in svg and "ค่าเฉลี่ยรายบุคคล 3.25" in svg
    assert "กลุ่ม &lt;ก&gt;" in svg and "<ก>" not in svg  # the label is escaped
    # Levels 0–5 on the axis, nothing that would not print: no script, no class.
    assert all(f">{n}</text>" in svg for n in range(6))
    assert "<script" not in svg and "class=" not in svg


def test_the_chart_needs_a_count_per_bin():
    with pytest.raises(ValueError, match="10 counts"):
        alignment_histogram(team_score=None, bins=[1, 2])


@given(
    team=st.one_of(st.none(), scores),
    bins=st.lists(st.integers(min_value=0, max_value=300_000), min_size=BINS, max_size=BINS),
    values=st.lists(scores, min_size=1, max_size=10),
)
def test_the_chart_stays_inside_its_box_however_many_people(team, bins, values):
    mean, sd = spread(values)
    svg = alignment_histogram(team_score=team, bins=bins, mean=mean, sd=sd)
    width, height = map(Decimal, re.search(r'viewBox="0 0 (\S+) (\S+)"', svg).groups())
    assert height <= 100
    for x in re.findall(r'(?:cx|x|x1|x2)="([-\d.]+)"', svg):
        assert 0 <= Decimal(x) <= width
    for y in re.findall(r'(?:cy|y|y1|y2)="([-\d.]+)"', svg):
        assert 0 <= Decimal(y) <= height
    assert svg.count('fill="#0d6efd"') == sum(1 for b in bins if b)


# --- from sums, as the database adds them up ---------------------------------------------------


@given(values=st.lists(scores, min_size=1, max_size=30), team=scores)
def test_the_class_and_spread_from_sums_are_those_from_the_scores(values, team):
    sums = Sums(len(values), sum(values, D(0)), sum((v * v for v in values), D(0)))
    assert alignment_of_sums(team_score=team, sums=sums) == alignment(
        team_score=team, individual_scores=values
    )
    assert spread_of_sums(sums) == spread(values)


def test_no_sums_have_no_class_nor_spread():
    with pytest.raises(ValueError, match="ไม่มีคะแนนรายบุคคล"):
        alignment_of_sums(team_score=D(3), sums=Sums(0, D(0), D(0)))
    with pytest.raises(ValueError, match="ไม่มีคะแนนรายบุคคล"):
        spread_of_sums(Sums(0, D(0), D(0)))
