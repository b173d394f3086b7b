"""Salary raise arithmetic of a round (DOMAIN §7), in Decimal, with no Django import.

Every figure is baht or percent as a Decimal (int and str are accepted and converted; float is
refused, so a binary fraction never reaches money). The worked examples, with every step of
the arithmetic, are the docstrings of tests/rewards/test_salary_examples.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal, localcontext

from appraisal.scoring import IMPROVE
from rewards._numbers import decimal, error

__all__ = [
    "BUDGET_PERCENT",
    "MAX_PERCENT",
    "STEP",
    "OverBudget",
    "apply_raise",
    "budget",
    "calculation_base",
    "propose",
    "raise_amount",
]

# DOMAIN §7: each eligible person gets 0–6% of their calculation base.
MAX_PERCENT = Decimal(6)
# DOMAIN §7: the budget (วงเงิน) of a round is 3% of the salaries on the roll.
BUDGET_PERCENT = Decimal(3)
# The grain of a proposed percent: every proposal is a whole number of hundredths.
STEP = Decimal("0.01")

# Enough digits for a sum of a whole department's salaries times a percent to stay exact.
_PRECISION = 60
_ZERO = Decimal(0)
_TEN = Decimal(10)
_HUNDRED = Decimal(100)


class OverBudget(ValueError):
    """The low ends of the band ranges alone cost more than the budget (propose)."""

    def __init__(self, *, needed: Decimal, budget: Decimal) -> None:
        self.needed = needed
        self.budget = budget
        super().__init__(
            f"the low ends of the band ranges need {needed} baht but the budget is {budget}: "
            f"lower the ranges' low ends or check the budget unit / "
            f"เพียงร้อยละต่ำสุดของแต่ละระดับก็ต้องใช้เงิน {needed:,} บาท เกินวงเงิน {budget:,} บาท "
            f"กรุณาปรับช่วงร้อยละขั้นต่ำหรือตรวจสอบหน่วยวงเงิน"
        )


def _money(value: object, what: str, what_th: str) -> Decimal:
    amount = decimal(value, what, what_th)
    if amount < 0:
        raise error(
            f"{what} must not be negative, got {amount}", f"{what_th} ต้องไม่ติดลบ (ได้ {amount})"
        )
    return amount


def _percent(value: object, what: str, what_th: str, high: Decimal = MAX_PERCENT) -> Decimal:
    pct = decimal(value, what, what_th)
    if not _ZERO <= pct <= high:
        raise error(
            f"{what} must be from 0 to {high}%, got {pct}",
            f"{what_th} ต้องอยู่ระหว่างร้อยละ 0–{high} (ได้ {pct})",
        )
    return pct


def calculation_base(
    *, salary: object, mid: object, lower_base: object, upper_base: object
) -> Decimal:
    """The calculation base (ฐานในการคำนวณ) of a salary at its level: the lower base when the
    salary is below the mid value, otherwise (the mid value itself included) the upper base.

    DOMAIN §7: "each level has a lower and an upper range split at a mid value; a salary below
    the mid value takes the lower base, otherwise the upper".
    """
    pay = _money(salary, "salary", "เงินเดือน")
    middle = _money(mid, "mid value", "ค่ากลาง")
    lower = _money(lower_base, "lower base", "ฐานล่าง")
    upper = _money(upper_base, "upper base", "ฐานบน")
    if lower > upper:
        raise error(
            f"the lower base {lower} is above the upper base {upper}",
            f"ฐานล่าง {lower} สูงกว่าฐานบน {upper}",
        )
    return lower if pay < middle else upper


def raise_amount(*, base: object, percent: object) -> Decimal:
    """The raise in baht: base × percent ÷ 100, rounded UP to the next 10 baht (an exact
    multiple of 10 stays as it is). ValueError for a percent outside 0–6 or a negative base.

    DOMAIN §7: "0–6% of their calculation base … The raise in baht is base × percent, rounded
    UP to the next 10 baht."
    """
    amount_base = _money(base, "calculation base", "ฐานในการคำนวณ")
    pct = _percent(percent, "raise percent", "ร้อยละที่เลื่อน")
    with localcontext(prec=_PRECISION):
        exact = amount_base * pct / _HUNDRED
        return (exact / _TEN).to_integral_value(rounding=ROUND_CEILING) * _TEN


def apply_raise(*, salary: object, amount: object, ceiling: object) -> tuple[Decimal, Decimal]:
    """(new salary, special compensation) after a raise of `amount` baht: the salary goes up to
    the level's ceiling (เงินเดือนขั้นสูง) at most, and the part of the raise above the ceiling
    is paid as special compensation (ค่าตอบแทนพิเศษ) instead, so that
    new salary − salary + special compensation = amount, always.

    DOMAIN §7: "A raise that would take the salary above the level's ceiling raises it to the
    ceiling, and the part above is paid as special compensation instead."

    DOMAIN is silent on three things, decided here:
    - no cap: the special compensation is the whole part above the ceiling, not limited to any
      percent (DOMAIN names none);
    - a salary already above its ceiling is refused (ValueError) rather than cut or kept, since
      it means the ceiling or the salary on the roll is wrong;
    - the special compensation is in the same unit as the amount (baht a month) and is not
      salary: it is not added to the salary the next round's base is read from.
    """
    pay = _money(salary, "salary", "เงินเดือน")
    raise_baht = _money(amount, "raise amount", "จำนวนเงินที่เลื่อน")
    top = _money(ceiling, "ceiling", "เงินเดือนขั้นสูง")
    if pay > top:
        raise error(
            f"the salary {pay} is already above the ceiling {top}",
            f"เงินเดือน {pay} สูงกว่าเงินเดือนขั้นสูง {top} อยู่แล้ว",
        )
    new_salary = min(pay + raise_baht, top)
    return new_salary, raise_baht - (new_salary - pay)


def budget(*, salaries: Iterable[object], percent: object = BUDGET_PERCENT) -> Decimal:
    """The budget (วงเงิน) of a budget unit: percent (3 by default) of the sum of the salaries on
    the roll on 1 Mar / 1 Sep, rounded DOWN to the satang.

    DOMAIN §7: "The budget (วงเงิน) of a round is 3% of the salaries of the civil servants on the
    roll on 1 Mar / 1 Sep, per budget unit".

    DOMAIN is silent on rounding the budget: it is rounded down to 0.01 baht, because the
    round's total may never exceed it, so rounding can only ever make it smaller, never give
    a satang the salaries do not earn. Raises are whole tens of baht, so in practice only the
    whole baht of the budget decide anything. The percent may be any value from 0 to 100 (HR's
    table; พนักงานราชการ and ลูกจ้างประจำ have their own); an empty roll has a budget of 0.
    """
    pct = _percent(percent, "budget percent", "ร้อยละของวงเงิน", high=_HUNDRED)
    with localcontext(prec=_PRECISION):
        roll = sum((_money(s, "salary", "เงินเดือน") for s in salaries), _ZERO)
        return (roll * pct / _HUNDRED).quantize(STEP, rounding=ROUND_DOWN)


def _ranges(ranges: Mapping[str, Sequence[object]]) -> dict[str, tuple[Decimal, Decimal]]:
    checked = {}
    for code, pair in ranges.items():
        if len(pair) != 2:
            raise error(
                f"the range of band {code} must be (low, high), got {pair!r}",
                f"ช่วงร้อยละของระดับ {code} ต้องเป็น (ต่ำสุด, สูงสุด) (ได้ {pair!r})",
            )
        low = _percent(pair[0], f"low percent of band {code}", f"ร้อยละต่ำสุดของระดับ {code}")
        high = _percent(pair[1], f"high percent of band {code}", f"ร้อยละสูงสุดของระดับ {code}")
        for end in (low, high):
            if end != end.quantize(STEP):
                raise error(
                    f"the range of band {code} has more than 2 decimals: {end}",
                    f"ช่วงร้อยละของระดับ {code} มีทศนิยมเกิน 2 ตำแหน่ง ({end})",
                )
        if low > high:
            raise error(
                f"the range of band {code} runs backwards: {low} > {high}",
                f"ช่วงร้อยละของระดับ {code} ต่ำสุดมากกว่าสูงสุด ({low} > {high})",
            )
        if code == IMPROVE and high != 0:
            raise error(
                "the band 'improve' (ต้องปรับปรุง) gets no raise: its range must be (0, 0)",
                "ระดับต้องปรับปรุงไม่ได้เลื่อนเงินเดือน ช่วงร้อยละต้องเป็น 0",
            )
        checked[code] = (low.quantize(STEP), high.quantize(STEP))
    checked.setdefault(IMPROVE, (_ZERO.quantize(STEP), _ZERO.quantize(STEP)))
    return checked


class _Person:
    __slots__ = ("band", "base", "high", "key", "low", "total")

    def __init__(self, row: Sequence[object], ranges: dict[str, tuple[Decimal, Decimal]]) -> None:
        if len(row) != 6:
            raise error(
                f"each person must be (key, total, band, base, salary, ceiling), got {row!r}",
                f"ข้อมูลแต่ละคนต้องเป็น (รหัส, คะแนนรวม, ระดับ, ฐาน, เงินเดือน, เงินเดือนขั้นสูง) (ได้ {row!r})",
            )
        key, total, band, base, salary, ceiling = row
        self.key = key
        self.total = decimal(total, f"total of {key}", f"คะแนนรวมของ {key}")
        if not _ZERO <= self.total <= _HUNDRED:
            raise error(
                f"the total of {key} must be from 0 to 100, got {self.total}",
                f"คะแนนรวมของ {key} ต้องอยู่ระหว่าง 0–100 (ได้ {self.total})",
            )
        if band not in ranges:
            raise error(
                f"band {band!r} of {key} has no percent range",
                f"ระดับ {band!r} ของ {key} ยังไม่ได้กำหนดช่วงร้อยละ",
            )
        self.band = band
        self.low, self.high = ranges[band]
        self.base = _money(base, f"calculation base of {key}", f"ฐานในการคำนวณของ {key}")
        # Checked so that the raise can be applied later; the percent does not depend on them.
        pay = _money(salary, f"salary of {key}", f"เงินเดือนของ {key}")
        top = _money(ceiling, f"ceiling of {key}", f"เงินเดือนขั้นสูงของ {key}")
        if pay > top:
            raise error(
                f"the salary of {key}, {pay}, is already above the ceiling {top}",
                f"เงินเดือนของ {key} ({pay}) สูงกว่าเงินเดือนขั้นสูง {top} อยู่แล้ว",
            )

    def percent(self, steps: int) -> Decimal:
        return min(self.low + steps * STEP, self.high)


def _cost(people: Sequence[_Person], steps: int) -> Decimal:
    return sum((raise_amount(base=p.base, percent=p.percent(steps)) for p in people), _ZERO)


def propose(
    *,
    people: Iterable[Sequence[object]],
    ranges: Mapping[str, Sequence[object]],
    budget: object,
) -> dict[object, Decimal]:
    """A raise percent for everyone, `{key: percent}`, as even as the budget allows.

    `people` are `(key, total, band, base, salary, ceiling)`: the eligible people of one budget
    unit (HR leaves out the ineligible, each with their reason; DOMAIN §7), `band` one of the
    round's band codes (appraisal.scoring), `base` the calculation_base of the salary. `ranges`
    maps a band code to the department's `(low_percent, high_percent)`, each 0–6 with at most 2
    decimals (DOMAIN §7: "for example ดีเด่น 4–6%, ดีมาก 3–4%, …, ต้องปรับปรุง 0"). The band
    'improve' (ต้องปรับปรุง) gets no raise: its range, given or not, is (0, 0).

    How, in three steps, every percent a whole number of hundredths:
    1. Everyone starts at the low end of their band. If even that costs more than the budget,
       OverBudget (a ValueError carrying `needed` and `budget`) is raised with a Thai message:
       the round's total may never exceed the budget (DOMAIN §7) and the low ends are the
       department's own floor, so a proposal below them would quietly break the department's
       ranges and one above the budget is never allowed; HR lowers the low ends (or checks the
       budget unit and who is eligible) and proposes again.
    2. All percents then rise together, 0.01 at a time, each stopping at its band's high end:
       after k steps a person's percent is min(low + 0.01·k, high). The largest k whose cost
       (the sum of raise_amount of each) stays within the budget is found by bisection (the
       cost never falls as k grows). Everyone in a band has the same percent at this point.
    3. What is left of the budget goes 0.01 further to the highest totals first: people with
       the same band and the same total form one group, groups are taken from the highest total
       down, and a group gets one more 0.01 only if the whole group's extra cost fits in what is
       left. The first group of a band that does not fit closes that band, so that nobody
       overtakes a higher total of their own band; other bands go on.

    So every percent is inside its band's range, a higher total never has a lower percent than
    a lower total of the same band (equal totals of a band have equal percents), the total of
    the raise amounts never exceeds the budget, and raising by 0.01 everyone still below their
    high end would exceed it. The whole raise counts against the budget, including any part
    paid as special compensation above the ceiling (DOMAIN §7 pays it "instead" of salary, out
    of the same raise), so salary and ceiling are only checked (salary ≤ ceiling), not used.
    """
    table = _ranges(ranges)
    money = _money(budget, "budget", "วงเงิน")
    rows = [_Person(row, table) for row in people]
    keys = [p.key for p in rows]
    if len(set(keys)) != len(keys):
        raise error("a person appears twice in the list", "มีรายชื่อซ้ำกันในรายการ")
    if not rows:
        return {}

    needed = _cost(rows, 0)
    if needed > money:
        raise OverBudget(needed=needed, budget=money)

    # Step 2: the largest number of common steps that fits (cost(fits) ≤ budget throughout).
    fits, too_many = 0, max(int((p.high - p.low) / STEP) for p in rows) + 1
    while too_many - fits > 1:
        middle = (fits + too_many) // 2
        if _cost(rows, middle) <= money:
            fits = middle
        else:
            too_many = middle
    percents = {p.key: p.percent(fits) for p in rows}
    left = money - _cost(rows, fits)

    # Step 3: one more step for the highest totals of each band while the money lasts.
    groups: dict[tuple[str, Decimal], list[_Person]] = {}
    for p in rows:
        groups.setdefault((p.band, p.total), []).append(p)
    closed = set()
    for band_code, total in sorted(groups, key=lambda g: (-g[1], g[0])):
        if band_code in closed:
            continue
        group = groups[(band_code, total)]
        if percents[group[0].key] >= group[0].high:
            closed.add(band_code)
            continue
        extra = sum(
            (
                raise_amount(base=p.base, percent=percents[p.key] + STEP)
                - raise_amount(base=p.base, percent=percents[p.key])
                for p in group
            ),
            _ZERO,
        )
        if extra > left:
            closed.add(band_code)
            continue
        for p in group:
            percents[p.key] += STEP
        left -= extra
    return percents
