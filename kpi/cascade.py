"""Rules of the split-target cascade (แบ่งค่าตัวเลขเป้าหมาย, seed 001 slide 10, DOMAIN §4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from kpi.criteria import Direction, as_direction, error, fmt_number, to_decimal

__all__ = ["SplitCheck", "check_split"]


@dataclass(frozen=True)
class SplitCheck:
    """Outcome of a split-target check; ``shortfall`` is 0 when ``ok``."""

    ok: bool
    parent_target: Decimal
    children_total: Decimal
    shortfall: Decimal
    direction: Direction
    message: str


def check_split(
    parent_target: object, child_targets: Sequence[object], direction: object
) -> SplitCheck:
    """Do the children's split targets, taken together, deliver the parent's target?

    Only for additive measures (counts, baht, cases), where the parent's result is the sum
    of the children's results; rates and percentages do not add up and are cascaded
    directly instead.

    Higher-is-better: Σ children ≥ parent ("เท่ากับหรือมากกว่า", slide 10); the shortfall is
    what is still missing. Lower-is-better (outages, deaths): each child's target is a
    ceiling, and if every child just meets its ceiling the parent's result is Σ children, so
    the split is safe only when Σ children ≤ parent; the shortfall is the excess allowance
    handed out beyond the parent's ceiling.
    """
    way = as_direction(direction)
    parent = to_decimal(parent_target, "parent target")
    if isinstance(child_targets, str | bytes) or not isinstance(child_targets, Sequence):
        raise TypeError("child_targets must be a sequence / ค่าเป้าหมายของหน่วยย่อยต้องเป็นลำดับของค่า")
    if not child_targets:
        raise error("no child targets to check", "ไม่มีค่าเป้าหมายที่แบ่งให้หน่วยย่อย")
    children = [to_decimal(c, "child target") for c in child_targets]
    for value in [parent, *children]:
        if value < 0:
            raise error(
                f"split targets must not be negative, got {fmt_number(value)}",
                f"ค่าเป้าหมายที่แบ่งต้องไม่ติดลบ (ได้ {fmt_number(value)})",
            )
    with localcontext(prec=28):
        summed = sum(children, Decimal(0))
        if way is Direction.HIGHER_IS_BETTER:
            gap = max(Decimal(0), parent - summed)
        else:
            gap = max(Decimal(0), summed - parent)
    ok = gap == 0
    p, t, g = fmt_number(parent), fmt_number(summed), fmt_number(gap)
    if way is Direction.HIGHER_IS_BETTER:
        message = (
            f"ค่าเป้าหมายที่แบ่งให้รวมกัน ({t}) ไม่น้อยกว่าค่าเป้าหมายของหน่วยเหนือ ({p})"
            if ok
            else f"ค่าเป้าหมายที่แบ่งให้รวมกัน ({t}) ต่ำกว่าค่าเป้าหมายของหน่วยเหนือ ({p}) ขาดอีก {g}"
        )
    else:
        message = (
            f"ค่าเป้าหมายที่แบ่งให้รวมกัน ({t}) ไม่เกินค่าเป้าหมายของหน่วยเหนือ ({p})"
            if ok
            else f"ค่าเป้าหมายที่แบ่งให้รวมกัน ({t}) เกินค่าเป้าหมายของหน่วยเหนือ ({p}) "
            f"ซึ่งเป็นค่าสูงสุดที่ยอมรับได้ เกินอยู่ {g}"
        )
    return SplitCheck(ok, parent, summed, gap, way, message)
