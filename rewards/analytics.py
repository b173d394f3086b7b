"""The talent grid (9-box) and team alignment A–D of a round (DOMAIN §7), with no Django import."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, localcontext
from typing import Literal, NamedTuple

from rewards._numbers import between, decimal, error

__all__ = [
    "ALIGNMENTS",
    "DEFAULT_CUTS",
    "HIGH",
    "LOW",
    "MAX_SCORE",
    "MID",
    "Sums",
    "alignment",
    "alignment_of_sums",
    "individual_score",
    "nine_box",
    "spread",
    "spread_of_sums",
    "team_score",
    "weighted_level",
]

LOW = "low"
MID = "mid"
HIGH = "high"
DEFAULT_CUTS = (Decimal(60), Decimal(80))

# Team and individual scores are levels of the five-level scale (0–5).
MAX_SCORE = Decimal(5)
ALIGNMENTS = ("A", "B", "C", "D")

# Scores are Σ level × weight ÷ Σ weight (28 digits at most); squares and sums of a unit's
# scores stay exact with this many.
_PRECISION = 200
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)

Band = Literal["low", "mid", "high"]
Alignment = Literal["A", "B", "C", "D"]


def nine_box(
    *, achievement_pct: object, competency_pct: object, cuts: Sequence[object] = DEFAULT_CUTS
) -> tuple[Band, Band]:
    """(achievement band, competency band) of one person on the talent grid, each "low",
    "mid" or "high": low below the first cut, high at or above the second, mid in between.

    Each percent is of its component's maximum (0–100). The cuts are the round's (default 60
    and 80); they must rise strictly, within 0–100, or there would be no middle row. The
    percents are compared exactly as given: the caller passes the figure the page prints (the
    form's rounded percent), so that a person never sits in a box their printed figure
    contradicts (DOMAIN §7 names the grid only, not how it rounds).
    """
    if len(cuts) != 2:
        raise error(f"cuts must be two numbers, got {cuts!r}", f"จุดตัดต้องมี 2 ค่า (ได้ {cuts!r})")
    first = between(cuts[0], "first cut", "จุดตัดแรก", _ZERO, _HUNDRED)
    second = between(cuts[1], "second cut", "จุดตัดที่สอง", _ZERO, _HUNDRED)
    if not first < second:
        raise error(
            f"the cuts must rise: {first} is not below {second}",
            f"จุดตัดแรกต้องน้อยกว่าจุดตัดที่สอง ({first} ไม่น้อยกว่า {second})",
        )

    def band(value: object, what: tuple[str, str]) -> Band:
        number = between(value, *what, _ZERO, _HUNDRED)
        if number < first:
            return LOW
        return HIGH if number >= second else MID

    achievement = band(achievement_pct, ("achievement percent", "ร้อยละผลสัมฤทธิ์ของงาน"))
    competency = band(competency_pct, ("competency percent", "ร้อยละสมรรถนะ"))
    return achievement, competency


def alignment(
    *,
    team_score: object,
    individual_scores: Iterable[object],
    gap: object = Decimal(1),
    min_spread: object = Decimal("0.5"),
) -> Alignment:
    """The unit's alignment (seed 001 slide 63): its team score (its own KPI results as a level
    0–5) against its people's individual scores (each a level 0–5).

    - "A" when the mean individual score is at least `gap` below the team score (the team did
      well, its people were scored too harshly);
    - "B" when it is at least `gap` above (the people were scored up, the team did not do as
      well: inflated);
    - otherwise "C" when the population standard deviation of the individual scores is below
      `min_spread` (consistent but cannot tell strong from weak);
    - otherwise "D" (consistent, with a healthy spread).

    Compared exactly, without rounding the mean or taking a square root: n·team − Σx ≥ n·gap
    for A, Σx − n·team ≥ n·gap for B, and n·Σx² − (Σx)² < n²·min_spread² for C (the variance
    against the square of the spread). `gap` must be above 0 and `min_spread` not negative.
    """
    team = between(team_score, "team score", "คะแนนของหน่วยงาน", _ZERO, MAX_SCORE)
    scores = [
        between(s, "individual score", "คะแนนรายบุคคล", _ZERO, MAX_SCORE) for s in individual_scores
    ]
    if not scores:
        raise error(
            "there are no individual scores to compare with the team",
            "ไม่มีคะแนนรายบุคคลให้เปรียบเทียบกับคะแนนของหน่วยงาน",
        )
    with localcontext(prec=_PRECISION):
        total = sum(scores, _ZERO)
        squares = sum((s * s for s in scores), _ZERO)
    return alignment_of_sums(
        team_score=team,
        sums=Sums(len(scores), total, squares),
        gap=gap,
        min_spread=min_spread,
    )


class Sums(NamedTuple):
    """n, Σx and Σx² of a unit's individual scores: all that its mean, its spread and its
    class need, so that a database can add them up (one row per unit, whatever its size)."""

    n: int
    total: Decimal
    squares: Decimal


def alignment_of_sums(
    *,
    team_score: object,
    sums: Sums,
    gap: object = Decimal(1),
    min_spread: object = Decimal("0.5"),
) -> Alignment:
    """alignment() from the sums of the individual scores (each already checked to be 0–5
    where it was added up), compared exactly as alignment() describes."""
    team = between(team_score, "team score", "คะแนนของหน่วยงาน", _ZERO, MAX_SCORE)
    if sums.n <= 0:
        raise error(
            "there are no individual scores to compare with the team",
            "ไม่มีคะแนนรายบุคคลให้เปรียบเทียบกับคะแนนของหน่วยงาน",
        )
    step = decimal(gap, "gap", "ค่าช่องว่าง")
    if step <= 0:
        raise error(f"gap must be above 0, got {step}", f"ค่าช่องว่างต้องมากกว่า 0 (ได้ {step})")
    spread = decimal(min_spread, "min_spread", "ค่าการกระจายขั้นต่ำ")
    if spread < 0:
        raise error(
            f"min_spread must not be negative, got {spread}",
            f"ค่าการกระจายขั้นต่ำต้องไม่ติดลบ (ได้ {spread})",
        )
    with localcontext(prec=_PRECISION):
        n = Decimal(sums.n)
        total = decimal(sums.total, "sum of scores", "ผลรวมคะแนน")
        squares = decimal(sums.squares, "sum of squares", "ผลรวมกำลังสองของคะแนน")
        if n * team - total >= n * step:
            return "A"
        if total - n * team >= n * step:
            return "B"
        if n * squares - total * total < n * n * spread * spread:
            return "C"
        return "D"


# --- the two scores that alignment() compares (seed 001 slide 63) -----------------------------


def _level(value: object, what: str, what_th: str) -> Decimal:
    return between(value, what, what_th, _ZERO, MAX_SCORE)


def weighted_level(rows: Iterable[tuple[object, object]]) -> Decimal | None:
    """Σ level × weight ÷ Σ weight of (level 0–5, weight ≥ 0) pairs: a level of the five-level
    scale (0–5). None when there is no row or the weights add up to 0 (nothing to weigh).

    The sums are exact; the one division is done last, to 28 significant digits (the
    precision alignment() expects of a score).
    """
    with localcontext(prec=_PRECISION):
        total = weights = _ZERO
        for level, weight in rows:
            lv = _level(level, "level", "ระดับ")
            w = decimal(weight, "weight", "น้ำหนัก")
            if w < 0:
                raise error(f"a weight must not be negative, got {w}", f"น้ำหนักต้องไม่ติดลบ (ได้ {w})")
            total += lv * w
            weights += w
    if weights == 0:
        return None
    with localcontext(prec=28):
        return total / weights


def team_score(results: Iterable[tuple[object, object | None]]) -> Decimal | None:
    """A unit's team score: its own KPIs' levels (0–5) of the round, weighted by each KPI's
    weight (Σ level × weight ÷ Σ weight). `results` are (level, weight or None) of the KPIs
    that have a result; KPIs without one are not passed.

    A unit KPI may have no weight: when none of the unit's KPIs has one they count equally;
    when only some have one, those without a weight are left out (their share is unknown).
    None when there is no result to weigh.
    """
    pairs = list(results)
    if not pairs:
        return None
    if all(w is None for _, w in pairs):
        return weighted_level((level, 1) for level, _ in pairs)
    return weighted_level((level, w) for level, w in pairs if w is not None)


def individual_score(kpis: Iterable[tuple[object | None, object]]) -> Decimal | None:
    """A person's achievement as a level 0–5: Σ level × weight ÷ Σ weight of their form's KPI
    rows (level or None, weight). A row without a level counts as 0, as the form's own
    achievement counts it (appraisal.scoring.form_result), so that this is the form's
    achievement percent × 5 ÷ 100. None for a form without weighted rows.
    """
    return weighted_level((0 if level is None else level, w) for level, w in kpis)


def spread(scores: Iterable[object]) -> tuple[Decimal, Decimal]:
    """(mean, population standard deviation) of scores 0–5, to 28 significant digits, for the
    page and the chart (alignment() itself compares exactly, without a square root)."""
    values = [_level(s, "individual score", "คะแนนรายบุคคล") for s in scores]
    if not values:
        raise error("there are no scores", "ไม่มีคะแนนรายบุคคล")
    with localcontext(prec=_PRECISION):
        total = sum(values, _ZERO)
        squares = sum((v * v for v in values), _ZERO)
    return spread_of_sums(Sums(len(values), total, squares))


def spread_of_sums(sums: Sums) -> tuple[Decimal, Decimal]:
    """spread() from n, Σx and Σx² of the scores."""
    if sums.n <= 0:
        raise error("there are no scores", "ไม่มีคะแนนรายบุคคล")
    with localcontext(prec=_PRECISION):
        n = Decimal(sums.n)
        total = decimal(sums.total, "sum of scores", "ผลรวมคะแนน")
        squares = decimal(sums.squares, "sum of squares", "ผลรวมกำลังสองของคะแนน")
        variance = (n * squares - total * total) / (n * n)
    with localcontext(prec=28):
        return +(total / n), variance.sqrt() if variance > 0 else _ZERO
