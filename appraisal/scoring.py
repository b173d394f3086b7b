"""Scoring arithmetic of the appraisal form (DOMAIN §5), in Decimal, usable outside the app."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import NamedTuple

__all__ = [
    "BAND_LABELS_TH",
    "BAR_SCALE",
    "BAR_ZERO_BY_GAP",
    "BAR_ZERO_NO_POINTS",
    "DEFAULT_BANDS",
    "DPIS",
    "EXACT",
    "FAIR",
    "FAIR_FROM",
    "GOOD",
    "IMPROVE",
    "OUTSTANDING",
    "OUTSTANDING_FROM",
    "RATING",
    "RATIO",
    "RATIO_CAP_EACH",
    "RATIO_CAP_TOTAL",
    "ROUNDING_MODES",
    "VERY_GOOD",
    "Achievement",
    "CompetencyRow",
    "ExactFigures",
    "FormResult",
    "KpiRow",
    "achievement",
    "adds_up",
    "band",
    "band_label",
    "band_table",
    "bar_points",
    "competency_bar_scale",
    "competency_rating",
    "competency_ratio",
    "component_weights_valid",
    "dpis_round",
    "form_result",
    "round2",
    "rounded",
    "share_percent",
    "total",
    "validate_bands",
    "weight_total",
]

# 28 significant digits hold every intermediate of a 100-point form exactly, except the
# repeating fractions of /3n and /Σw, which stay far below the 0.005 that round2 can see.
PRECISION = 28
_CENTS = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
_MAX_LEVEL = 5
_BAR_MAX = 3

OUTSTANDING = "outstanding"
VERY_GOOD = "very_good"
GOOD = "good"
FAIR = "fair"
IMPROVE = "improve"

# The competency methods (DOMAIN §5); appraisal.models.CompetencyMethod labels them.
BAR_SCALE = "bar_scale"
RATING = "rating"
RATIO = "ratio"

# How a component's points count toward the total (DOMAIN §5, a round setting). EXACT keeps
# the exact points and rounds only the total for display and the band; DPIS rounds each
# component as round(round(x, 3), 2) first and adds the rounded ones, as DPIS prints them.
EXACT = "exact"
DPIS = "dpis"
ROUNDING_MODES = (EXACT, DPIS)
_MILLS = Decimal("0.001")

# The cap of the ratio method (DOMAIN §5 [verify], a round setting): the sum of actual levels
# counts up to the sum of expected ones (TOTAL, the rule so far), or each competency's actual
# level counts up to its own expected level (EACH), so one strong competency cannot make up
# for a weak one.
RATIO_CAP_TOTAL = "total"
RATIO_CAP_EACH = "each"

# A bar-scale competency at level 0 (a round setting): points by how far it falls short, like
# any other level (BY_GAP, the rule so far: expected 1, shown 0 → 2 points), or no points at
# all, since no behaviour was shown (NO_POINTS).
BAR_ZERO_BY_GAP = "by_gap"
BAR_ZERO_NO_POINTS = "no_points"

# The fixed ends of every band table (DOMAIN §5): ดีเด่น is 90–100 and ต้องปรับปรุง is everything
# below 60. Only the middle bounds are the organisation's. Defined here and nowhere else.
OUTSTANDING_FROM = Decimal(90)
FAIR_FROM = Decimal(60)


def band_table(
    very_good_from: object, good_from: object, fair_from: object = FAIR_FROM
) -> tuple[tuple[str, Decimal], ...]:
    """The band table of a round or form from its middle bounds, highest band first (not yet
    validated: validate_bands says whether the organisation's bounds are allowed)."""
    return (
        (OUTSTANDING, OUTSTANDING_FROM),
        (VERY_GOOD, _dec(very_good_from, "very good from")),
        (GOOD, _dec(good_from, "good from")),
        (FAIR, _dec(fair_from, "fair from")),
        (IMPROVE, _ZERO),
    )


BAND_LABELS_TH: dict[str, str] = {
    OUTSTANDING: "ดีเด่น",
    VERY_GOOD: "ดีมาก",
    GOOD: "ดี",
    FAIR: "พอใช้",
    IMPROVE: "ต้องปรับปรุง",
}


class Achievement(NamedTuple):
    """Results of the achievement part of the form: exact (unrounded), or with the percent and
    points rounded as DPIS rounds them when achievement() is called with rounding=DPIS."""

    score_kpi: Decimal
    percent: Decimal
    points: Decimal


def _error(en: str, th: str) -> ValueError:
    return ValueError(f"{en} / {th}")


def _dec(value: object, what: str) -> Decimal:
    """Decimal from int, str or Decimal; floats are refused so binary fractions never get in."""
    # bool is an int subclass; True as a weight or level is always a caller's slip.
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise TypeError(
            f"{what}: pass int, str or Decimal, not {type(value).__name__} / "
            f"{what}: ใช้ int, str หรือ Decimal เท่านั้น ห้ามใช้ {type(value).__name__}"
        )
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise _error(f"{what} is not a number: {value!r}", f"{what} ไม่ใช่ตัวเลข: {value!r}") from None
    if not result.is_finite():
        raise _error(f"{what} must be a finite number", f"{what} ต้องเป็นตัวเลขที่มีค่าจำกัด")
    return result


# The defaults of DOMAIN §5 (middle bands 80 / 70 / 60).
DEFAULT_BANDS: tuple[tuple[str, Decimal], ...] = band_table(80, 70)


def _whole(value: object, what: str, low: int, high: int) -> int:
    d = _dec(value, what)
    if d != d.to_integral_value():
        raise _error(
            f"{what} must be a whole number from {low} to {high}, got {value}",
            f"{what} ต้องเป็นจำนวนเต็ม {low}–{high} (ได้ {value})",
        )
    n = int(d)
    if not low <= n <= high:
        raise _error(
            f"{what} must be from {low} to {high}, got {n}",
            f"{what} ต้องอยู่ระหว่าง {low}–{high} (ได้ {n})",
        )
    return n


def _positive_weight(value: object, what: str) -> Decimal:
    w = _dec(value, what)
    if w < 0:
        raise _error(f"{what} must not be negative, got {w}", f"{what} ต้องไม่ติดลบ (ได้ {w})")
    # A zero-weight row cannot change the result, so it is almost always a typing slip.
    if w == 0:
        raise _error(f"{what} must be greater than 0", f"{what} ต้องมากกว่า 0")
    return w


def _component_weight(value: object) -> Decimal:
    w = _dec(value, "component weight")
    if not _ZERO <= w <= _HUNDRED:
        raise _error(
            f"component weight must be from 0 to 100, got {w}",
            f"น้ำหนักองค์ประกอบต้องอยู่ระหว่าง 0–100 (ได้ {w})",
        )
    return w


def _pairs(items: Iterable[Sequence[object]], what_th: str) -> list[tuple[object, object]]:
    rows = []
    for row in items:
        if len(row) != 2:
            raise _error(
                f"each item must be a pair, got {row!r}", f"แต่ละรายการต้องมี 2 ค่า (ได้ {row!r})"
            )
        rows.append((row[0], row[1]))
    if not rows:
        raise _error("the list of items is empty", f"ไม่มีรายการ{what_th}")
    return rows


def round2(x: object) -> Decimal:
    """The one rounding for display and band decisions: half up to 2 decimal places."""
    value = _dec(x, "value")
    with localcontext(prec=PRECISION):
        try:
            return value.quantize(_CENTS, rounding=ROUND_HALF_UP)
        except InvalidOperation:
            raise _error(f"{value} is too large to show", f"{value} มีค่ามากเกินกว่าจะแสดงได้") from None


def dpis_round(x: object) -> Decimal:
    """DPIS's rounding of a component: to 3 decimals, then to 2, each half away from zero."""
    value = _dec(x, "value")
    with localcontext(prec=PRECISION):
        try:
            return value.quantize(_MILLS, rounding=ROUND_HALF_UP).quantize(
                _CENTS, rounding=ROUND_HALF_UP
            )
        except InvalidOperation:
            raise _error(f"{value} is too large to show", f"{value} มีค่ามากเกินกว่าจะแสดงได้") from None


def _mode(rounding: str) -> str:
    if rounding not in ROUNDING_MODES:
        raise _error(
            f"rounding must be one of {ROUNDING_MODES}, got {rounding!r}",
            f"วิธีปัดเศษต้องเป็น {' หรือ '.join(ROUNDING_MODES)} (ได้ {rounding!r})",
        )
    return rounding


def rounded(x: Decimal, rounding: str = EXACT) -> Decimal:
    """A component's points as they count toward the total: exact, or rounded as DPIS does."""
    return dpis_round(x) if _mode(rounding) == DPIS else x


def achievement(
    items: Iterable[Sequence[object]], weight: object, *, rounding: str = EXACT
) -> Achievement:
    """Achievement part of the form from (level, kpi_weight) pairs and the component weight.

    score_kpi = Σ level × kpi_weight; percent = score_kpi / (5 × Σ kpi_weight) × 100;
    points = score_kpi / (5 × Σ kpi_weight) × weight. KPI weights must total exactly 100.
    With rounding=DPIS the percent and the points are rounded as DPIS rounds them.
    """
    _mode(rounding)
    rows = _pairs(items, "ตัวชี้วัด")
    w_ach = _component_weight(weight)
    with localcontext(prec=PRECISION):
        levels = [_whole(level, "KPI level", 0, _MAX_LEVEL) for level, _ in rows]
        weights = [_positive_weight(w, "KPI weight") for _, w in rows]
        sum_w = sum(weights, _ZERO)
        if sum_w != _HUNDRED:
            raise _error(
                f"KPI weights must total 100, got {sum_w}",
                f"น้ำหนักตัวชี้วัดรวมกันต้องเท่ากับ 100 (ได้ {sum_w})",
            )
        score = sum((Decimal(lv) * w for lv, w in zip(levels, weights, strict=True)), _ZERO)
        full = _MAX_LEVEL * sum_w
        # Multiply before dividing so the only division is the final, exact one by 500.
        return Achievement(
            score_kpi=score,
            percent=rounded(score * _HUNDRED / full, rounding),
            points=rounded(score * w_ach / full, rounding),
        )


def _level_zero(rule: str) -> str:
    if rule not in (BAR_ZERO_BY_GAP, BAR_ZERO_NO_POINTS):
        raise _error(f"unknown level-0 rule {rule!r}", f"ไม่รู้จักเกณฑ์ระดับ 0 {rule!r}")
    return rule


def bar_points(actual: object, expected: object, *, level_zero: str = BAR_ZERO_BY_GAP) -> int:
    """Bar-scale points of one competency: 3 when met, then one point less per level short;
    level 0 scores by the same gap, or nothing with level_zero=BAR_ZERO_NO_POINTS."""
    a = _whole(actual, "actual competency level", 0, _MAX_LEVEL)
    e = _whole(expected, "expected competency level", 1, _MAX_LEVEL)
    if a == 0 and _level_zero(level_zero) == BAR_ZERO_NO_POINTS:
        return 0
    return max(0, _BAR_MAX - max(0, e - a))


def competency_bar_scale(
    items: Iterable[Sequence[object]],
    weight: object,
    *,
    rounding: str = EXACT,
    level_zero: str = BAR_ZERO_BY_GAP,
) -> Decimal:
    """Competency points by the OCSC bar scale: Σ bar points / (3 × n) × weight."""
    _mode(rounding)
    rows = _pairs(items, "สมรรถนะ")
    w_comp = _component_weight(weight)
    with localcontext(prec=PRECISION):
        got = sum(bar_points(a, e, level_zero=level_zero) for a, e in rows)
        return rounded(Decimal(got) * w_comp / Decimal(_BAR_MAX * len(rows)), rounding)


def competency_rating(
    items: Iterable[Sequence[object]], weight: object, *, rounding: str = EXACT
) -> Decimal:
    """Competency points by rating scale: Σ(rating × w) / (5 × Σ w) × weight, ratings 1–5."""
    _mode(rounding)
    rows = _pairs(items, "สมรรถนะ")
    w_comp = _component_weight(weight)
    with localcontext(prec=PRECISION):
        ratings = [_whole(r, "competency rating", 1, _MAX_LEVEL) for r, _ in rows]
        weights = [_positive_weight(w, "competency weight") for _, w in rows]
        got = sum((Decimal(r) * w for r, w in zip(ratings, weights, strict=True)), _ZERO)
        return rounded(got * w_comp / (_MAX_LEVEL * sum(weights, _ZERO)), rounding)


def _ratio_sums(rows: Sequence[tuple[object, object]], cap: str) -> tuple[int, int]:
    """(Σ actual as counted, Σ expected): with cap=EACH an actual counts up to its expected."""
    if cap not in (RATIO_CAP_TOTAL, RATIO_CAP_EACH):
        raise _error(f"unknown ratio cap {cap!r}", f"ไม่รู้จักเพดานคะแนนแบบสัดส่วน {cap!r}")
    pairs = [
        (
            _whole(a, "actual competency level", 0, _MAX_LEVEL),
            _whole(e, "expected competency level", 1, _MAX_LEVEL),
        )
        for a, e in rows
    ]
    if cap == RATIO_CAP_EACH:
        pairs = [(min(a, e), e) for a, e in pairs]
    return sum(a for a, _ in pairs), sum(e for _, e in pairs)


def competency_ratio(
    items: Iterable[Sequence[object]],
    weight: object,
    *,
    rounding: str = EXACT,
    cap: str = RATIO_CAP_TOTAL,
) -> Decimal:
    """Competency points by ratio: Σ actual / Σ expected × weight, never more than weight
    (cap=TOTAL caps the result, cap=EACH counts each actual level up to its expected one)."""
    _mode(rounding)
    rows = _pairs(items, "สมรรถนะ")
    w_comp = _component_weight(weight)
    with localcontext(prec=PRECISION):
        actual, expected = _ratio_sums(rows, cap)
        return rounded(min(w_comp, Decimal(actual) * w_comp / Decimal(expected)), rounding)


def total(*components: object, rounding: str = EXACT) -> Decimal:
    """The total that decides the band, from the component points: total([ach, comp, other])
    (or total(ach, comp, other)). EXACT: the exact sum, rounded only when shown or banded;
    DPIS: the sum of the components each rounded as DPIS rounds them."""
    _mode(rounding)
    if len(components) == 1 and not isinstance(components[0], int | str | Decimal | float):
        components = tuple(components[0])  # type: ignore[arg-type]
    if not components:
        raise _error("no component points given", "ไม่มีคะแนนองค์ประกอบ")
    with localcontext(prec=PRECISION):
        values = [_dec(p, "component points") for p in components]
        for v in values:
            if v < 0:
                raise _error(
                    f"component points must not be negative, got {v}",
                    f"คะแนนองค์ประกอบต้องไม่ติดลบ (ได้ {v})",
                )
        return sum((rounded(v, rounding) for v in values), _ZERO)


def adds_up(components: Iterable[object], total: object) -> bool:
    """The components shown with 2 decimals add up to the total shown with 2 decimals."""
    with localcontext(prec=PRECISION):
        shown = sum((round2(c) for c in components if c is not None), _ZERO)
        return shown == round2(total)


def component_weights_valid(ach: object, comp: object, other: object = 0) -> bool:
    """True when the component weights are all non-negative and total exactly 100."""
    weights = [_dec(ach, "achievement weight"), _dec(comp, "competency weight")]
    weights.append(_dec(other, "other weight"))
    return all(w >= 0 for w in weights) and sum(weights, _ZERO) == _HUNDRED


def validate_bands(bands: Iterable[Sequence[object]]) -> tuple[tuple[str, Decimal], ...]:
    """Check a band table and return it with Decimal bounds, highest band first.

    DOMAIN §5 fixes both ends: the first band is ดีเด่น (code 'outstanding') from 90 and the
    last is ต้องปรับปรุง (code 'improve') from 0, covering everything below 60. The middle
    bands are the organisation's: lower bounds strictly decreasing, each in 60 ≤ bound < 90,
    the lowest one exactly 60, at most 2 decimals (they are compared with round2(total)).
    """
    rows = []
    for row in bands:
        if len(row) != 2:
            raise _error(
                f"each band must be (code, lower_bound), got {row!r}",
                f"ช่วงระดับผลการประเมินต้องเป็น (รหัส, ค่าต่ำสุด) (ได้ {row!r})",
            )
        code, bound = row
        if not isinstance(code, str) or not code:
            raise _error(
                f"band code must be a non-empty string, got {code!r}",
                f"รหัสระดับต้องเป็นข้อความ (ได้ {code!r})",
            )
        rows.append((code, _dec(bound, f"lower bound of band {code}")))
    if len(rows) < 3:
        raise _error(
            "bands need ดีเด่น, at least one middle band and ต้องปรับปรุง",
            "ต้องมีระดับดีเด่น อย่างน้อยหนึ่งระดับกลาง และระดับต้องปรับปรุง",
        )
    codes = [code for code, _ in rows]
    if len(set(codes)) != len(codes):
        raise _error(f"band codes repeat: {codes}", f"รหัสระดับซ้ำกัน: {codes}")
    for code, bound in rows:
        if bound != bound.quantize(_CENTS, rounding=ROUND_HALF_UP):
            raise _error(
                f"lower bound of band {code} has more than 2 decimals: {bound}",
                f"ค่าต่ำสุดของระดับ {code} มีทศนิยมเกิน 2 ตำแหน่ง ({bound})",
            )
    top_code, top = rows[0]
    if top_code != OUTSTANDING or top != OUTSTANDING_FROM:
        raise _error(
            "the first band must be 'outstanding' (ดีเด่น) from 90",
            "ระดับแรกต้องเป็นดีเด่น เริ่มที่ 90 คะแนน",
        )
    bottom_code, bottom = rows[-1]
    if bottom_code != IMPROVE or bottom != _ZERO:
        raise _error(
            "the last band must be 'improve' (ต้องปรับปรุง) from 0",
            "ระดับสุดท้ายต้องเป็นต้องปรับปรุง เริ่มที่ 0 คะแนน",
        )
    middle = rows[1:-1]
    previous = top
    for code, bound in middle:
        if not FAIR_FROM <= bound < previous:
            raise _error(
                f"band {code} must start below the band above it and at 60 or more, got {bound}",
                f"ระดับ {code} ต้องเริ่มต่ำกว่าระดับที่อยู่เหนือขึ้นไปและไม่ต่ำกว่า 60 (ได้ {bound})",
            )
        previous = bound
    if middle[-1][1] != FAIR_FROM:
        raise _error(
            f"the lowest middle band must start at 60 so that only totals below 60 need "
            f"improvement, got {middle[-1][1]}",
            f"ระดับกลางต่ำสุดต้องเริ่มที่ 60 เพื่อให้ต้องปรับปรุงคือต่ำกว่า 60 เท่านั้น (ได้ {middle[-1][1]})",
        )
    return tuple(rows)


def band(total: object, bands: Iterable[Sequence[object]] = DEFAULT_BANDS) -> str:
    """Code of the highest band whose lower bound round2(total) reaches; total must be 0–100."""
    table = validate_bands(bands)
    exact = _dec(total, "total")
    if not _ZERO <= exact <= _HUNDRED:
        raise _error(
            f"total must be from 0 to 100, got {exact}", f"คะแนนรวมต้องอยู่ระหว่าง 0–100 (ได้ {exact})"
        )
    shown = round2(exact)
    for code, bound in table:
        if shown >= bound:
            return code
    raise AssertionError("unreachable: the last band starts at 0")


def band_label(code: str) -> str:
    """Thai label of a default band code (the Django layer translates other languages)."""
    try:
        return BAND_LABELS_TH[code]
    except KeyError:
        raise _error(f"unknown band code {code!r}", f"ไม่รู้จักรหัสระดับ {code!r}") from None


# --- the whole form ------------------------------------------------------------------------------


class KpiRow(NamedTuple):
    """One KPI row of the achievement form: the (ก) level (None while not scored), the (ข)
    weight and the (ก)×(ข) product (None while not scored)."""

    level: int | None
    weight: Decimal
    product: Decimal | None


class CompetencyRow(NamedTuple):
    """One competency row: the level shown (None while not rated), the expected level, and
    what the method makes of it: bar-scale points, or the rating counted and its weight and
    product (rating method), None where the method does not use it."""

    actual: int | None
    expected: int
    points: int | None
    rating: int | None
    weight: Decimal | None
    product: Decimal | None


class ExactFigures(NamedTuple):
    """A form's figures before any rounding (the same as the FormResult's in EXACT mode), so
    that a printed equation can be written over the values it really comes from.
    competency_uncapped is the ratio method's Σ actual ÷ Σ expected × weight before its cap."""

    percent: Decimal | None
    achievement: Decimal | None
    competency_percent: Decimal | None
    competency: Decimal | None
    competency_uncapped: Decimal | None
    other: Decimal | None
    total: Decimal | None


@dataclass(frozen=True)
class FormResult:
    """Every figure a page, printed form or workbook shows of one form, exact (unrounded).

    Missing levels count as 0 (a rating as 1) so that the total follows the evaluator while
    they fill the page; `complete` says whether every level is entered and nothing is wrong,
    `problems` says what is (in Thai). The figures are None where they cannot be worked out.

    The component figures (percent, achievement, competency_percent, competency, other) are
    as they count toward the total in the form's rounding mode: exact in EXACT mode, rounded
    as DPIS rounds them in DPIS mode, where the total is their sum; `exact` keeps them all
    unrounded. `rounding`, `ratio_cap` and `bar_level_zero` are the rules that applied.
    """

    kpi_rows: tuple[KpiRow, ...]
    kpi_weight_total: Decimal
    score_kpi: Decimal | None
    percent: Decimal | None
    achievement: Decimal | None
    competency_rows: tuple[CompetencyRow, ...]
    bar_total: int
    bar_max: int
    rating_total: Decimal
    rating_weight_total: Decimal
    actual_total: int
    expected_total: int
    competency: Decimal | None
    competency_percent: Decimal | None
    other_percent: Decimal | None
    other: Decimal | None
    total: Decimal | None
    band: str
    complete: bool
    problems: tuple[str, ...]
    higher_total: Decimal | None = None
    higher_band: str = ""
    higher2_total: Decimal | None = None
    higher2_band: str = ""
    final_total: Decimal | None = None
    final_band: str = ""
    rounding: str = EXACT
    ratio_cap: str = RATIO_CAP_TOTAL
    bar_level_zero: str = BAR_ZERO_BY_GAP
    exact: ExactFigures | None = None
    # How many competencies got 3, 2, 1 and 0 bar-scale points.
    bar_counts: tuple[int, int, int, int] = (0, 0, 0, 0)
    # Σ actual as the ratio method counts it (each up to its expected level with cap=EACH).
    actual_counted: int = 0

    @property
    def ratio_capped(self) -> bool:
        """The ratio method's cap lowered the competency points (the form says so)."""
        e = self.exact
        return bool(
            e and e.competency_uncapped is not None and e.competency_uncapped != e.competency
        )

    @property
    def adds_up(self) -> bool:
        """The components shown with 2 decimals add up to the total shown. Always true in DPIS
        mode; in EXACT mode a form where they do not says that the total comes from the
        unrounded values."""
        if self.total is None or self.achievement is None or self.competency is None:
            return True
        return adds_up((self.achievement, self.competency, self.other), self.total)

    @property
    def revised(self) -> bool:
        """A reviewer's revised total replaced the evaluator's."""
        return (
            self.final_total is not None
            and self.total is not None
            and self.final_total != self.total
        )


def _thai_part(exc: ValueError) -> str:
    text = str(exc)
    return text.split(" / ", 1)[1] if " / " in text else text


def _competency_rows(
    competencies: Sequence[Sequence[object]], method: str, level_zero: str = BAR_ZERO_BY_GAP
) -> tuple[tuple[CompetencyRow, ...], dict]:
    rows = []
    sums = {"bar": 0, "rating": _ZERO, "weight": _ZERO, "actual": 0, "expected": 0}
    counts = [0, 0, 0, 0]
    for actual, expected, weight in competencies:
        points = rating = product = row_weight = None
        if method == RATING:
            # A competency without a weight weighs 1.
            row_weight = _dec(weight, "competency weight") if weight else Decimal(1)
        if actual is not None:
            if method == RATING:
                # A rating below 1 counts as 1.
                rating = max(_whole(actual, "competency rating", 0, _MAX_LEVEL), 1)
                product = rating * row_weight
                sums["rating"] += product
                sums["weight"] += row_weight
            elif method == RATIO:
                sums["actual"] += int(actual)
                sums["expected"] += int(expected)
            else:
                points = bar_points(actual, expected, level_zero=level_zero)
                sums["bar"] += points
                counts[_BAR_MAX - points] += 1
        rows.append(CompetencyRow(actual, int(expected), points, rating, row_weight, product))
    sums["counts"] = tuple(counts)
    return tuple(rows), sums


def form_result(
    *,
    kpis: Sequence[Sequence[object]],
    competencies: Sequence[Sequence[object]],
    method: str,
    weight_achievement: object,
    weight_competency: object,
    weight_other: object = 0,
    other_percent: object | None = None,
    bands: Iterable[Sequence[object]] = DEFAULT_BANDS,
    higher_total: object | None = None,
    higher2_total: object | None = None,
    rounding: str = EXACT,
    ratio_cap: str = RATIO_CAP_TOTAL,
    bar_level_zero: str = BAR_ZERO_BY_GAP,
) -> FormResult:
    """The one result of a form from plain values.

    kpis: (level or None, weight) per KPI row; competencies: (actual or None, expected, weight
    or None) per competency; method: BAR_SCALE, RATING or RATIO; the three component weights;
    the other component's percent; the form's band table; the reviewers' revised totals (the
    last one given wins: the level above's over the higher supervisor's over the evaluator's);
    the form's rounding mode, ratio cap and bar-scale level-0 rule.
    """
    _mode(rounding)
    _level_zero(bar_level_zero)
    table = validate_bands(bands)
    problems: list[str] = []
    complete = True
    with localcontext(prec=PRECISION):
        kpi_rows = tuple(
            KpiRow(
                None if level is None else int(level),
                _dec(w, "KPI weight"),
                None if level is None else Decimal(int(level)) * _dec(w, "KPI weight"),
            )
            for level, w in kpis
        )
        kpi_weight_total = sum((r.weight for r in kpi_rows), _ZERO)
        score = pct = ach = None
        if kpi_rows:
            complete = all(r.level is not None for r in kpi_rows)
            try:
                a = achievement([(r.level or 0, r.weight) for r in kpi_rows], weight_achievement)
                score, pct, ach = a.score_kpi, a.percent, a.points
            except ValueError as exc:
                problems.append(_thai_part(exc))
        else:
            problems.append("ยังไม่มีตัวชี้วัด")
        w_comp = _component_weight(weight_competency)
        comp_rows: tuple[CompetencyRow, ...] = ()
        sums = {"bar": 0, "rating": _ZERO, "weight": _ZERO, "actual": 0, "expected": 0}
        comp = uncapped = None
        counted_actual = 0
        if competencies:
            try:
                comp_rows, sums = _competency_rows(competencies, method, bar_level_zero)
                if any(r.actual is None for r in comp_rows):
                    complete = False
                if method == RATING:
                    comp = competency_rating([(r.rating or 1, r.weight) for r in comp_rows], w_comp)
                elif method == RATIO:
                    pairs = [(r.actual or 0, r.expected) for r in comp_rows]
                    comp = competency_ratio(pairs, w_comp, cap=ratio_cap)
                    counted_actual, expected_sum = _ratio_sums(pairs, ratio_cap)
                    uncapped = Decimal(counted_actual) * w_comp / Decimal(expected_sum)
                else:
                    comp = competency_bar_scale(
                        [(r.actual or 0, r.expected) for r in comp_rows],
                        w_comp,
                        level_zero=bar_level_zero,
                    )
            except ValueError as exc:
                problems.append(_thai_part(exc))
        elif w_comp:
            problems.append("ยังไม่มีรายการสมรรถนะ")
        else:
            comp = _ZERO
        # (ก) of the summary table is the component out of 100: every method is linear in
        # the component weight, so it is the points scaled back to 100.
        comp_pct = comp * _HUNDRED / w_comp if comp is not None and w_comp else None
        w_other = _component_weight(weight_other)
        other = _ZERO
        pct_other = None if other_percent is None else _dec(other_percent, "other percent")
        if w_other:
            if pct_other is None:
                complete = False
            other = (pct_other or _ZERO) * w_other / _HUNDRED
        exact = ExactFigures(pct, ach, comp_pct, comp, uncapped, other, None)

        def counted(x: Decimal | None) -> Decimal | None:
            return None if x is None else rounded(x, rounding)

        pct, ach, comp_pct, comp, other = (counted(x) for x in (pct, ach, comp_pct, comp, other))
        result_total = None
        result_band = ""
        if ach is not None and comp is not None:
            # The components as they count (rounded first in DPIS mode), added up exactly.
            result_total = total(ach, comp, other)
            result_band = band(result_total, table)
            exact_total = (
                result_total
                if rounding == EXACT
                else total(exact.achievement, exact.competency, exact.other)
            )
            exact = exact._replace(total=exact_total)
        revised = {}
        for name, value in (("higher", higher_total), ("higher2", higher2_total)):
            value = None if value is None else _dec(value, f"{name} total")
            revised[name] = (value, band(value, table) if value is not None else "")
        final = result_total
        for name in ("higher", "higher2"):
            if revised[name][0] is not None:
                final = revised[name][0]
        return FormResult(
            kpi_rows=kpi_rows,
            kpi_weight_total=kpi_weight_total,
            score_kpi=score,
            percent=pct,
            achievement=ach,
            competency_rows=comp_rows,
            bar_total=sums["bar"],
            bar_max=_BAR_MAX * len(comp_rows),
            rating_total=sums["rating"],
            rating_weight_total=sums["weight"],
            actual_total=sums["actual"],
            expected_total=sums["expected"],
            competency=comp,
            competency_percent=comp_pct,
            other_percent=pct_other,
            other=other,
            total=result_total,
            band=result_band,
            complete=complete and not problems,
            problems=tuple(problems),
            higher_total=revised["higher"][0],
            higher_band=revised["higher"][1],
            higher2_total=revised["higher2"][0],
            higher2_band=revised["higher2"][1],
            final_total=final,
            final_band=band(final, table) if final is not None else "",
            rounding=rounding,
            ratio_cap=ratio_cap,
            bar_level_zero=bar_level_zero,
            exact=exact,
            bar_counts=sums.get("counts", (0, 0, 0, 0)),
            actual_counted=counted_actual,
        )


def share_percent(count: object, of: object) -> Decimal:
    """count as a percent of `of` (a band's share of the scored forms), exact."""
    n, whole = _dec(count, "count"), _dec(of, "total")
    if whole <= 0:
        raise _error("the total must be greater than 0", "จำนวนทั้งหมดต้องมากกว่า 0")
    with localcontext(prec=PRECISION):
        return n * _HUNDRED / whole


def weight_total(weights: Iterable[object]) -> Decimal:
    """Σ of KPI weights as the agreement shows it (exact; blank weights count as 0)."""
    with localcontext(prec=PRECISION):
        return sum((_dec(w, "KPI weight") for w in weights if w not in (None, "")), _ZERO)
