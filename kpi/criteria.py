"""Five-level KPI scoring criteria: which level 0–5 an actual result earns (DOMAIN §4)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from enum import StrEnum

__all__ = [
    "HIGHER_IS_BETTER",
    "HYBRID",
    "LOWER_IS_BETTER",
    "MAX_LEVEL",
    "MILESTONE",
    "QUALITATIVE",
    "QUANTITATIVE",
    "SUCCESS_FAILURE",
    "Direction",
    "Measurement",
    "as_direction",
    "as_measurement",
    "better",
    "error",
    "fmt_number",
    "level_for",
    "meets",
    "to_decimal",
    "validate_thresholds",
]

MAX_LEVEL = 5


class Measurement(StrEnum):
    """How a KPI is measured (seed 001 slide 40)."""

    QUANTITATIVE = "quantitative"
    MILESTONE = "milestone"
    HYBRID = "hybrid"
    SUCCESS_FAILURE = "success_failure"
    QUALITATIVE = "qualitative"


class Direction(StrEnum):
    """Whether a larger actual result is better (most KPIs) or worse (outages, deaths)."""

    HIGHER_IS_BETTER = "higher"
    LOWER_IS_BETTER = "lower"


QUANTITATIVE = Measurement.QUANTITATIVE
MILESTONE = Measurement.MILESTONE
HYBRID = Measurement.HYBRID
SUCCESS_FAILURE = Measurement.SUCCESS_FAILURE
QUALITATIVE = Measurement.QUALITATIVE
HIGHER_IS_BETTER = Direction.HIGHER_IS_BETTER
LOWER_IS_BETTER = Direction.LOWER_IS_BETTER


def error(en: str, th: str) -> ValueError:
    """ValueError carrying the English and the Thai explanation."""
    return ValueError(f"{en} / {th}")


def to_decimal(value: object, what: str = "value") -> Decimal:
    """Decimal from int, str or Decimal; floats are refused so binary fractions never get in."""
    # bool is an int subclass; True as a target is always a caller's slip.
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise TypeError(
            f"{what}: pass int, str or Decimal, not {type(value).__name__} / "
            f"{what}: ใช้ int, str หรือ Decimal เท่านั้น ห้ามใช้ {type(value).__name__}"
        )
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise error(f"{what} is not a number: {value!r}", f"{what} ไม่ใช่ตัวเลข: {value!r}") from None
    if not result.is_finite():
        raise error(f"{what} must be a finite number", f"{what} ต้องเป็นตัวเลขที่มีค่าจำกัด")
    return result


def as_direction(direction: object) -> Direction:
    try:
        return Direction(direction)
    except ValueError:
        raise error(
            f"unknown direction {direction!r}; use 'higher' or 'lower'",
            f"ไม่รู้จักทิศทางตัวชี้วัด {direction!r} (ใช้ 'higher' หรือ 'lower')",
        ) from None


def as_measurement(measurement: object) -> Measurement:
    try:
        return Measurement(measurement)
    except ValueError:
        names = ", ".join(m.value for m in Measurement)
        raise error(
            f"unknown measurement type {measurement!r}; use one of {names}",
            f"ไม่รู้จักประเภทการวัด {measurement!r} (ใช้ {names})",
        ) from None


def meets(actual: Decimal, threshold: Decimal, direction: Direction) -> bool:
    """True when the actual result reaches the threshold; reaching it exactly counts."""
    if direction is Direction.HIGHER_IS_BETTER:
        return actual >= threshold
    return actual <= threshold


def better(a: Decimal, b: Decimal, direction: Direction) -> bool:
    """True when result a is strictly better than result b."""
    if direction is Direction.HIGHER_IS_BETTER:
        return a > b
    return a < b


def fmt_number(value: Decimal) -> str:
    """A Decimal as people write it in messages: thousands separators, no trailing zeros."""
    normal = value.normalize()
    if normal == normal.to_integral_value():
        normal = normal.quantize(Decimal(1))
    return f"{normal:,f}"


def validate_thresholds(
    thresholds: Sequence[object], direction: object, *, count: int = MAX_LEVEL
) -> tuple[Decimal, ...]:
    """Check the thresholds of consecutive levels (levels 1..5 by default) and return them.

    Each level must be strictly harder than the one below it: increasing values for
    higher-is-better, decreasing for lower-is-better. Equal neighbours would make a level
    unreachable, so they are refused.
    """
    way = as_direction(direction)
    if isinstance(thresholds, str | bytes) or not isinstance(thresholds, Sequence):
        raise TypeError("thresholds must be a sequence / เกณฑ์ต้องเป็นลำดับของค่า")
    if len(thresholds) != count:
        raise error(
            f"expected {count} thresholds, got {len(thresholds)}",
            f"ต้องมีเกณฑ์ {count} ค่า (ได้ {len(thresholds)} ค่า)",
        )
    values = tuple(to_decimal(t, "threshold") for t in thresholds)
    for lower, upper in zip(values, values[1:], strict=False):
        if not better(upper, lower, way):
            word_en = "increase" if way is Direction.HIGHER_IS_BETTER else "decrease"
            word_th = "เพิ่มขึ้น" if way is Direction.HIGHER_IS_BETTER else "ลดลง"
            raise error(
                f"thresholds must strictly {word_en} from level to level, got "
                f"{', '.join(fmt_number(v) for v in values)}",
                f"เกณฑ์แต่ละระดับต้อง{word_th}อย่างเคร่งครัด (ได้ "
                f"{', '.join(fmt_number(v) for v in values)})",
            )
    return values


def _level_by_thresholds(actual: Decimal, thresholds: Sequence[Decimal], way: Direction) -> int:
    """How many of the thresholds (ordered easiest first) the actual result reaches."""
    reached = 0
    for t in thresholds:
        if not meets(actual, t, way):
            break
        reached += 1
    return reached


def _whole(value: object, what: str, low: int, high: int) -> int:
    d = to_decimal(value, what)
    if d != d.to_integral_value() or not low <= d <= high:
        raise error(
            f"{what} must be a whole number from {low} to {high}, got {value}",
            f"{what} ต้องเป็นจำนวนเต็ม {low}–{high} (ได้ {value})",
        )
    return int(d)


def level_for(
    actual: object = None,
    *,
    measurement: object,
    direction: object = Direction.HIGHER_IS_BETTER,
    thresholds: Sequence[object] | None = None,
    steps_done: object = None,
    hybrid_steps: int | None = None,
) -> int:
    """The level 0–5 that an actual result earns under the KPI's criteria.

    quantitative: ``thresholds`` are the 5 values of levels 1..5; the level is the highest
        one whose threshold is reached (≥ for higher-is-better, ≤ for lower-is-better);
        below level 1 scores 0.
    milestone: ``steps_done`` (0–5) is the level; ``actual`` is not used.
    hybrid (seed 001 slide 48, the SRRT team KPI: steps 1–4 are the work process, level 5 is
        the cumulative % of teams passing): the first ``hybrid_steps`` = k levels (1–4) are
        steps, and ``thresholds`` are the 5 − k numeric values of levels k+1..5. With fewer
        than k steps done the level is the steps done and the number is ignored, because
        the steps are the precondition of the numeric result. With all k steps done the
        level is k, raised to the highest of k+1..5 whose threshold ``actual`` reaches.
    success/failure (slide 46): level 5 or 0 only. ``actual`` is True/False, or a number
        tested against a single threshold, e.g. ``thresholds=[100]``.
    qualitative: ``actual`` is the level 0–5 the evaluator chose; it is only validated.
    """
    kind = as_measurement(measurement)
    way = as_direction(direction)

    if kind is Measurement.MILESTONE:
        return _whole(steps_done, "steps completed", 0, MAX_LEVEL)

    if kind is Measurement.QUALITATIVE:
        return _whole(actual, "chosen level", 0, MAX_LEVEL)

    if kind is Measurement.SUCCESS_FAILURE:
        if isinstance(actual, bool):
            return MAX_LEVEL if actual else 0
        if thresholds is None:
            raise error(
                "a success/failure KPI needs True/False or one threshold to test the result",
                "ตัวชี้วัดแบบสำเร็จ/ไม่สำเร็จต้องระบุผล (สำเร็จ/ไม่สำเร็จ) หรือเกณฑ์หนึ่งค่า",
            )
        (target,) = validate_thresholds(thresholds, way, count=1)
        return MAX_LEVEL if meets(to_decimal(actual, "actual result"), target, way) else 0

    if kind is Measurement.QUANTITATIVE:
        if thresholds is None:
            raise error("a quantitative KPI needs 5 thresholds", "ตัวชี้วัดเชิงปริมาณต้องมีเกณฑ์ 5 ระดับ")
        values = validate_thresholds(thresholds, way)
        return _level_by_thresholds(to_decimal(actual, "actual result"), values, way)

    # Hybrid.
    if hybrid_steps is None or isinstance(hybrid_steps, bool) or not isinstance(hybrid_steps, int):
        raise error(
            "a hybrid KPI needs hybrid_steps, the number of levels given by steps (1–4)",
            "ตัวชี้วัดแบบผสมผสานต้องระบุจำนวนระดับที่วัดด้วยขั้นตอน (1–4)",
        )
    if not 1 <= hybrid_steps <= MAX_LEVEL - 1:
        raise error(
            f"hybrid_steps must be 1–4, got {hybrid_steps}",
            f"จำนวนระดับที่วัดด้วยขั้นตอนต้องอยู่ระหว่าง 1–4 (ได้ {hybrid_steps})",
        )
    if thresholds is None:
        raise error(
            f"a hybrid KPI needs {MAX_LEVEL - hybrid_steps} thresholds for its numeric levels",
            f"ตัวชี้วัดแบบผสมผสานต้องมีเกณฑ์ตัวเลข {MAX_LEVEL - hybrid_steps} ค่า",
        )
    values = validate_thresholds(thresholds, way, count=MAX_LEVEL - hybrid_steps)
    steps = _whole(steps_done, "steps completed", 0, hybrid_steps)
    if steps < hybrid_steps:
        return steps
    if actual is None:
        return steps
    return steps + _level_by_thresholds(to_decimal(actual, "actual result"), values, way)
