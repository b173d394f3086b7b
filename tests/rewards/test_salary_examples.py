"""Worked salary raise examples (DOMAIN §7), every step of the arithmetic written out.

The bases are DOMAIN §7's (public DPIS data 2018–2020; mid value / lower base / upper base /
ceiling, baht): K1 20,705 / 17,980 / 23,930 / 26,900; K2 29,335 / 24,410 / 36,470 / 43,600;
O2 24,475 / 18,480 / 31,610 / 38,750.
"""

from decimal import Decimal

from rewards.salary import apply_raise, budget, calculation_base, propose, raise_amount

D = Decimal
K1 = {"mid": 20705, "lower_base": 17980, "upper_base": 23930}
K1_CEILING = 26900
K2 = {"mid": 29335, "lower_base": 24410, "upper_base": 36470}
K2_CEILING = 43600
O2 = {"mid": 24475, "lower_base": 18480, "upper_base": 31610}
O2_CEILING = 38750


def test_a_salary_below_the_mid_value_is_raised_on_the_lower_base():
    """K1 (ปฏิบัติการ), salary 19,500, raise 3.5%.

    1. base: 19,500 < mid 20,705, so the lower base: 17,980.
    2. raise: 17,980 × 3.5 ÷ 100 = 629.30, rounded up to the next 10 baht: 630.
    3. apply: 19,500 + 630 = 20,130 ≤ ceiling 26,900, so the new salary is 20,130 and the
       special compensation 0 (check: 20,130 − 19,500 + 0 = 630).
    """
    base = calculation_base(salary=19500, **K1)
    assert base == 17980
    assert base * D("3.5") / 100 == D("629.30")
    amount = raise_amount(base=base, percent=D("3.5"))
    assert amount == 630
    assert apply_raise(salary=19500, amount=amount, ceiling=K1_CEILING) == (20130, 0)


def test_a_salary_above_the_mid_value_is_raised_on_the_upper_base():
    """K2 (ชำนาญการ), salary 32,000, raise 4%.

    1. base: 32,000 ≥ mid 29,335, so the upper base: 36,470.
    2. raise: 36,470 × 4 ÷ 100 = 1,458.80, rounded up to the next 10 baht: 1,460.
    3. apply: 32,000 + 1,460 = 33,460 ≤ ceiling 43,600, so the new salary is 33,460 and the
       special compensation 0.
    """
    base = calculation_base(salary=32000, **K2)
    assert base == 36470
    assert base * 4 / D(100) == D("1458.80")
    amount = raise_amount(base=base, percent=4)
    assert amount == 1460
    assert apply_raise(salary=32000, amount=amount, ceiling=K2_CEILING) == (33460, 0)


def test_a_salary_at_the_ceiling_is_paid_the_whole_raise_as_special_compensation():
    """O2 (ชำนาญงาน), salary 38,750 = the ceiling, raise 3%.

    1. base: 38,750 ≥ mid 24,475, so the upper base: 31,610.
    2. raise: 31,610 × 3 ÷ 100 = 948.30, rounded up to the next 10 baht: 950.
    3. apply: 38,750 + 950 = 39,700 > ceiling 38,750, so the salary stays at the ceiling,
       38,750, and the part above, 39,700 − 38,750 = 950 (the whole raise), is paid as special
       compensation (ค่าตอบแทนพิเศษ) (check: 38,750 − 38,750 + 950 = 950).
    """
    base = calculation_base(salary=38750, **O2)
    assert base == 31610
    assert base * 3 / D(100) == D("948.30")
    amount = raise_amount(base=base, percent=3)
    assert amount == 950
    assert apply_raise(salary=38750, amount=amount, ceiling=O2_CEILING) == (38750, 950)


def test_a_raise_crossing_the_ceiling_is_split_at_the_ceiling():
    """O2, salary 38,200, raise 3%.

    1. base: 38,200 ≥ mid 24,475: the upper base, 31,610.
    2. raise: 31,610 × 3 ÷ 100 = 948.30 → 950.
    3. apply: 38,200 + 950 = 39,150 > 38,750: the new salary is the ceiling, 38,750 (550 of
       the raise), and 39,150 − 38,750 = 400 is special compensation (550 + 400 = 950).
    """
    amount = raise_amount(base=calculation_base(salary=38200, **O2), percent=3)
    assert amount == 950
    assert apply_raise(salary=38200, amount=amount, ceiling=O2_CEILING) == (38750, 400)


def test_a_raise_already_a_whole_ten_is_not_rounded_further():
    """K1, salary 21,000 ≥ mid 20,705: the upper base 23,930; 23,930 × 2 ÷ 100 = 478.60 → 480;
    while a base of 18,000 at 3% is exactly 540.00 and stays 540."""
    assert raise_amount(base=calculation_base(salary=21000, **K1), percent=2) == 480
    assert raise_amount(base=18000, percent=3) == 540


def test_the_budget_is_three_percent_of_the_roll():
    """The three people above: 19,500 + 32,000 + 38,750 = 90,250 on the roll; 90,250 × 3 ÷ 100
    = 2,707.50 baht (already whole satang, so rounding down changes nothing). 90,251 would
    give 2,707.53 exactly; 90,251.10 gives 2,707.533, rounded down to 2,707.53."""
    assert budget(salaries=[19500, 32000, 38750]) == D("2707.50")
    assert budget(salaries=[D("90251.10")]) == D("2707.53")


def test_the_proposal_for_the_three_people_above():
    """Budget 2,707.50; ranges ดีเด่น 4–6, ดีมาก 3–4, ดี 2–3.
    People: K2 at 32,000 (base 36,470), ดีเด่น, total 92; K1 at 19,500 (base 17,980), ดีมาก,
    total 85; O2 at the ceiling 38,750 (base 31,610), ดี, total 72.

    1. Low ends: 36,470 × 4% = 1,458.80 → 1,460; 17,980 × 3% = 539.40 → 540;
       31,610 × 2% = 632.20 → 640; together 2,640 ≤ 2,707.50, so a proposal exists.
    2. Common steps of 0.01 (k steps: 4+0.01k, 3+0.01k, 2+0.01k):
       k = 5: 36,470 × 4.05% = 1,477.035 → 1,480; 17,980 × 3.05% = 548.39 → 550;
              31,610 × 2.05% = 648.005 → 650; together 2,680 ≤ 2,707.50;
       k = 6: 36,470 × 4.06% = 1,480.682 → 1,490; 17,980 × 3.06% = 550.188 → 560;
              31,610 × 2.06% = 651.166 → 660; together 2,710 > 2,707.50.
       So k = 5 (4.05, 3.05, 2.05), 2,707.50 − 2,680 = 27.50 left.
    3. Highest total first, one more 0.01 each if it fits what is left:
       total 92: 4.05 → 4.06 costs 1,490 − 1,480 = 10 ≤ 27.50: yes, 17.50 left;
       total 85: 3.05 → 3.06 costs 560 − 550 = 10 ≤ 17.50: yes, 7.50 left;
       total 72: 2.05 → 2.06 costs 660 − 650 = 10 > 7.50: no.
    Proposal 4.06 / 3.06 / 2.05 %: 1,490 + 560 + 650 = 2,700 baht used, 7.50 left. The O2
    person, at the ceiling, gets the 650 as special compensation; it counts in the budget.
    """
    people = [
        ("k2", 92, "outstanding", 36470, 32000, K2_CEILING),
        ("k1", 85, "very_good", 17980, 19500, K1_CEILING),
        ("o2", 72, "good", 31610, 38750, O2_CEILING),
    ]
    ranges = {"outstanding": (4, 6), "very_good": (3, 4), "good": (2, 3)}
    money = budget(salaries=[32000, 19500, 38750])
    proposal = propose(people=people, ranges=ranges, budget=money)
    assert proposal == {"k2": D("4.06"), "k1": D("3.06"), "o2": D("2.05")}
    amounts = [raise_amount(base=p[3], percent=proposal[p[0]]) for p in people]
    assert amounts == [1490, 560, 650]
    assert money - sum(amounts) == D("7.50")
    assert apply_raise(salary=38750, amount=650, ceiling=O2_CEILING) == (38750, 650)
