"""Suggesting a KPI's level-3 target and its five thresholds from baseline data (DOMAIN §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from enum import IntEnum, StrEnum

from kpi.criteria import (
    MAX_LEVEL,
    Direction,
    as_direction,
    better,
    error,
    fmt_number,
    to_decimal,
)

__all__ = [
    "Pattern",
    "TargetSuggestion",
    "Trend",
    "classify_trend",
    "suggest_target",
    "suggest_thresholds",
]

_PRECISION = 28
_TARGET_LEVEL = 3


class Trend(StrEnum):
    """Direction-aware shape of the baseline years."""

    IMPROVING = "improving"
    DECLINING = "declining"
    FLUCTUATING = "fluctuating"


class Pattern(IntEnum):
    """The four ways of setting X (level 3) of seed 001 slides 57–59 (แบบที่ 1–4)."""

    IMPROVING_TREND = 1
    AVERAGE = 2
    IMPOSED = 3
    BENCHMARK = 4


@dataclass(frozen=True)
class TargetSuggestion:
    """A suggested level-3 target, which rule produced it, and why (Thai, for the form)."""

    level3: Decimal
    pattern: Pattern
    trend: Trend | None
    reason: str


def _values(baseline: Sequence[object]) -> tuple[Decimal, ...]:
    if isinstance(baseline, str | bytes) or not isinstance(baseline, Sequence):
        raise TypeError("baseline must be a sequence, oldest year first / ข้อมูลพื้นฐานต้องเป็นลำดับของค่า")
    if not baseline:
        raise error("baseline is empty", "ไม่มีข้อมูลพื้นฐาน (ผลการดำเนินงานย้อนหลัง)")
    return tuple(to_decimal(v, "baseline result") for v in baseline)


def classify_trend(baseline: Sequence[object], direction: object) -> Trend:
    """Improving, declining or fluctuating, for baseline results ordered oldest year first.

    Improving means no year worse than the year before and the latest better than the
    first (direction-aware: for lower-is-better, improving means going down). A flat series
    is fluctuating, whose mean is the latest value anyway.
    """
    way = as_direction(direction)
    values = _values(baseline)
    if len(values) < 2:
        raise error(
            "a trend needs at least 2 years of baseline",
            "ต้องมีผลการดำเนินงานย้อนหลังอย่างน้อย 2 ปีจึงจะดูแนวโน้มได้",
        )
    pairs = list(zip(values, values[1:], strict=False))
    first, latest = values[0], values[-1]
    if all(not better(a, b, way) for a, b in pairs) and better(latest, first, way):
        return Trend.IMPROVING
    if all(not better(b, a, way) for a, b in pairs) and better(first, latest, way):
        return Trend.DECLINING
    return Trend.FLUCTUATING


def _mean(values: Sequence[Decimal]) -> Decimal:
    with localcontext(prec=_PRECISION):
        return sum(values, Decimal(0)) / len(values)


def _demanding(value: Decimal, places: int | None, way: Direction) -> Decimal:
    """Cut X to `places` decimals, always towards the harder side, so the target never eases."""
    if places is None:
        return value
    if isinstance(places, bool) or not isinstance(places, int) or places < 0:
        raise error(
            f"places must be a whole number ≥ 0, got {places!r}",
            f"จำนวนตำแหน่งทศนิยมต้องเป็นจำนวนเต็มไม่ติดลบ (ได้ {places!r})",
        )
    rounding = ROUND_CEILING if way is Direction.HIGHER_IS_BETTER else ROUND_FLOOR
    with localcontext(prec=_PRECISION):
        return value.quantize(Decimal(1).scaleb(-places), rounding=rounding)


def suggest_target(
    baseline: Sequence[object],
    direction: object,
    *,
    imposed: object = None,
    benchmark: object = None,
    places: int | None = None,
) -> TargetSuggestion:
    """Suggest X, the level-3 target, from the baseline results (oldest year first).

    Rules (seed 001 slides 57–59), first that applies:
    3. ``imposed`` (a target set by the organisation): X = imposed, but if the latest
       result is already better, X = the latest result;
    4. ``benchmark`` (the benchmark units' average): X = benchmark when the latest result is
       worse than it; when we already do as well, the baseline rules below apply;
    1. baseline improving: X = the latest result;
    2. otherwise (fluctuating, or declining — the slides give no rule for a decline, and the
       mean asks for a recovery instead of rewarding the drop): X = the mean of the years.
    ``places`` rounds X towards the harder side (up for higher-is-better, down for lower).
    """
    way = as_direction(direction)
    values = _values(baseline)
    latest = values[-1]

    if imposed is not None:
        target = to_decimal(imposed, "imposed target")
        if better(latest, target, way):
            reason = (
                f"แบบที่ 3: ค่าเป้าหมายที่หน่วยงานกำหนด ({fmt_number(target)}) ด้อยกว่าผลงานปีล่าสุด "
                f"({fmt_number(latest)}) จึงใช้ผลงานปีล่าสุดเป็นค่าเป้าหมายระดับ 3"
            )
            target = latest
        else:
            reason = f"แบบที่ 3: ใช้ค่าเป้าหมายที่หน่วยงานกำหนด ({fmt_number(target)}) เป็นค่าเป้าหมายระดับ 3"
        return TargetSuggestion(_demanding(target, places, way), Pattern.IMPOSED, None, reason)

    if benchmark is not None:
        mark = to_decimal(benchmark, "benchmark")
        if better(mark, latest, way):
            reason = (
                f"แบบที่ 4: ผลงานปีล่าสุด ({fmt_number(latest)}) ด้อยกว่าหน่วยงานเทียบเคียง "
                f"จึงใช้ค่าเฉลี่ยของหน่วยงานเทียบเคียง ({fmt_number(mark)}) เป็นค่าเป้าหมายระดับ 3"
            )
            return TargetSuggestion(_demanding(mark, places, way), Pattern.BENCHMARK, None, reason)

    trend = classify_trend(values, way)
    if trend is Trend.IMPROVING:
        reason = (
            f"แบบที่ 1: ผลงานย้อนหลัง {len(values)} ปีมีแนวโน้มดีขึ้น "
            f"ใช้ผลงานปีล่าสุด ({fmt_number(latest)}) เป็นค่าเป้าหมายระดับ 3"
        )
        return TargetSuggestion(
            _demanding(latest, places, way), Pattern.IMPROVING_TREND, trend, reason
        )
    mean = _mean(values)
    shape = "ขึ้นลงไม่แน่นอน" if trend is Trend.FLUCTUATING else "มีแนวโน้มด้อยลง"
    x = _demanding(mean, places, way)
    reason = (
        f"แบบที่ 2: ผลงานย้อนหลัง {len(values)} ปี{shape} ใช้ค่าเฉลี่ย ({fmt_number(x)}) เป็นค่าเป้าหมายระดับ 3"
    )
    return TargetSuggestion(x, Pattern.AVERAGE, trend, reason)


def suggest_thresholds(
    level3: object,
    step: object,
    direction: object,
    *,
    minimum: object = None,
    maximum: object = None,
) -> tuple[Decimal, ...]:
    """Thresholds of levels 1..5 around X = level3, one ``step`` apart.

    Levels 4 and 5 are one and two steps harder than X, levels 1 and 2 one and two steps
    easier: (X−2s, X−s, X, X+s, X+2s) for higher-is-better, mirrored for lower-is-better.
    ``minimum``/``maximum`` are the values the measure can take (0 for a count, 100 for a
    percentage); a threshold outside them is refused so the user picks a smaller step
    rather than getting a level nobody can reach.
    """
    way = as_direction(direction)
    x = to_decimal(level3, "level-3 target")
    s = to_decimal(step, "step")
    if s <= 0:
        raise error(
            f"step must be greater than 0, got {s}", f"ช่วงห่างของแต่ละระดับต้องมากกว่า 0 (ได้ {s})"
        )
    sign = 1 if way is Direction.HIGHER_IS_BETTER else -1
    with localcontext(prec=_PRECISION):
        values = tuple(x + sign * (level - _TARGET_LEVEL) * s for level in range(1, MAX_LEVEL + 1))
    low = None if minimum is None else to_decimal(minimum, "minimum")
    high = None if maximum is None else to_decimal(maximum, "maximum")
    for level, value in enumerate(values, start=1):
        if (low is not None and value < low) or (high is not None and value > high):
            raise error(
                f"level {level} threshold {fmt_number(value)} is outside the possible range; "
                f"use a smaller step",
                f"เกณฑ์ระดับ {level} ({fmt_number(value)}) อยู่นอกช่วงค่าที่เป็นไปได้ "
                f"กรุณาลดช่วงห่างของแต่ละระดับ",
            )
    return values
