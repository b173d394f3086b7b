"""The people of the demo: who heads each unit and who works in it, with names, grades, salaries
and e-mail addresses, generated unit by unit from the plan's seed."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from demo.accounts import HR_USERNAME, STAFF_USERNAME, SUPERVISOR_USERNAME
from demo.loader import read_json
from demo.names import FEMALE_NAMES, MALE_NAMES, SURNAMES, prefix
from demo.structure import LINES, PROFILES
from orgchart import grades
from orgchart.models import StaffType

if TYPE_CHECKING:
    from demo.plan import DemoPlan, UnitSpec

# Staff grades below the head; a line's own range trims them.
K_WEIGHTS = {"K1": 30, "K2": 46, "K3": 18, "K4": 5, "K5": 1}
O_WEIGHTS = {"O1": 35, "O2": 40, "O3": 25}
SENIORITY = ["O1", "K1", "O2", "K2", "O3", "K3", "O4", "K4", "K5", "M1", "M2", "S1", "S2"]

# Monthly salary ranges in baht: for civil servants from a low starting figure up to the grade's
# ceiling (เงินเดือนขั้นสูง, DOMAIN §7), so that nobody is paid above it; a few sit at it.
_SALARIES = read_json("salaries.json")
SALARY: dict[str, tuple[int, int]] = {
    grade: tuple(pay) for grade, pay in _SALARIES["civil_servant"].items()
}
SALARY_GOVERNMENT_EMPLOYEE: tuple[int, int] = tuple(_SALARIES["government_employee"])
SALARY_PERMANENT_EMPLOYEE: tuple[int, int] = tuple(_SALARIES["permanent_employee"])


@dataclass
class PersonSpec:
    """One person of the plan: identity, pay and position; `seq` gives the staff code."""

    seq: int
    unit: int
    dept: int
    username: str
    title: str
    first_name: str
    last_name: str
    staff_type: str
    on_probation: bool
    salary: Decimal
    email: str
    number: str
    position_title: str
    management_title: str
    line_of_work: str
    line_code: str
    position_type: str
    grade: str

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"


class PeopleGenerator:
    """Everyone in the plan, in one pass over the units in code order (see DemoPlan.people)."""

    def __init__(self, plan: DemoPlan):
        self.plan = plan
        self.rng = random.Random(f"demo-people-{plan.seed}")
        # Pay has its own stream: a change to the pay table leaves the people as they were.
        self.pay_rng = random.Random(f"demo-pay-{plan.seed}")
        self.seq = 0
        self.numbers = [0] * len(plan.departments)
        self.emails: dict[str, int] = {}
        self.o4_done: set[int] = set()
        self.on_probation: set[int] = set()
        self.hr_done = False
        self.staff_done = False

    def run(self) -> Iterator[PersonSpec]:
        plan = self.plan
        for unit in sorted(plan.units, key=lambda u: u.code):
            unit.head_seq = unit.senior_seq = unit.acting_seq = None
            senior_rank = -1
            if unit.head_mode in ("head", "acting_with_head"):
                head = self._head(unit)
                unit.head_seq = head.seq
                yield head
            if unit.depth == 0:
                for line, grade, title in plan.root_extras(unit.dept):
                    yield self._person(unit, line, grade, title)
            members = [self._staff(unit) for _ in range(unit.staff)]
            if unit.index == plan.demo_group and not self.staff_done and members:
                # No junior officer came out of the draw: the first member will do.
                members[0].username = STAFF_USERNAME
                self.staff_done = True
            for person in members:
                if person.username not in (HR_USERNAME, STAFF_USERNAME):
                    rank = SENIORITY.index(person.grade) if person.grade else -1
                    if rank > senior_rank:
                        senior_rank, unit.senior_seq = rank, person.seq
                yield person
        for unit in plan.units:
            if unit.head_mode not in ("acting", "acting_with_head"):
                continue
            unit.acting_seq = unit.senior_seq
            if unit.acting_seq is None:
                # Nobody works in the unit itself: the head of a unit below stands in.
                heads = [plan.units[c].head_seq for c in unit.children]
                unit.acting_seq = next((h for h in heads if h is not None), None)

    def _head(self, unit: UnitSpec) -> PersonSpec:
        rng = self.rng
        line_key, grade = unit.head_line, unit.head_grade
        title = unit.head_title or f"หัวหน้า{unit.name}"
        profile = PROFILES[unit.profile]
        if line_key == "doctor" and not grade:
            # Directors of hospitals and provincial offices are senior doctors, not อำนวยการ.
            top = "K5" if unit.depth == 1 else "K4"
            grade = top if rng.random() < 0.3 else "K4" if unit.depth == 1 else "K3"
        elif not line_key:
            line_key = profile.lead
            line = LINES[line_key]
            if line.ptype == grades.GENERAL:
                grade = "O3"
                if "O4" in line.grades and (unit.dept not in self.o4_done or rng.random() < 0.5):
                    grade = "O4"
                    self.o4_done.add(unit.dept)
            elif unit.depth == 3:
                grade = "K3" if rng.random() < (0.85 if unit.profile == "ward" else 0.4) else "K2"
            elif not grade:
                r = rng.random()
                grade = "K4" if r < 0.1 else "K2" if r < 0.25 else "K3"
        line = LINES[line_key]
        if grade not in line.grades:
            grade = line.grades[-1]
        person = self._person(unit, line_key, grade, title)
        if unit.index == self.plan.demo_group:
            person.username = SUPERVISOR_USERNAME
        return person

    def _staff(self, unit: UnitSpec) -> PersonSpec:
        rng = self.rng
        profile = PROFILES[unit.profile]
        r = rng.random()
        if r < profile.ge_share:
            return self._other(unit, StaffType.GOVERNMENT_EMPLOYEE, rng.choice(profile.ge))
        if r < profile.ge_share + profile.pe_share:
            return self._other(unit, StaffType.PERMANENT_EMPLOYEE, rng.choice(profile.pe))
        keys = [k for k, _ in profile.lines]
        line_key = rng.choices(keys, weights=[w for _, w in profile.lines])[0]
        line = LINES[line_key]
        table = K_WEIGHTS if line.ptype == grades.KNOWLEDGE else O_WEIGHTS
        options = [g for g in table if g in line.grades]
        grade = rng.choices(options, weights=[table[g] for g in options])[0]
        person = self._person(unit, line_key, grade, "")
        # New officers serve a probation (ทดลองปฏิบัติราชการ); each department has at least one.
        if grade in ("K1", "O1") and (unit.dept not in self.on_probation or rng.random() < 0.15):
            person.on_probation = True
            self.on_probation.add(unit.dept)
        if (
            not self.staff_done
            and unit.index == self.plan.demo_group
            and grade in ("K1", "K2")
            and not person.on_probation
        ):
            person.username = STAFF_USERNAME
            self.staff_done = True
        elif not self.hr_done and unit.dept == 0 and line_key == "hr":
            person.username = HR_USERNAME
            self.hr_done = True
        return person

    def _person(self, unit: UnitSpec, line_key: str, grade: str, management_title: str):
        line = LINES[line_key]
        senior = grade in ("K3", "K4", "K5", "M1", "M2", "S1", "S2")
        spec = self._identity(unit, line_key=line_key, senior=senior)
        low, high = SALARY[grade]
        spec.update(
            staff_type=StaffType.CIVIL_SERVANT,
            salary=_salary(self.pay_rng, low, high),
            position_title=line.title,
            management_title=management_title,
            line_of_work=line.line_name,
            line_code=line.code,
            position_type=line.ptype,
            grade=grade,
        )
        return PersonSpec(**spec)

    def _other(self, unit: UnitSpec, staff_type: str, title: str) -> PersonSpec:
        spec = self._identity(unit, line_key="", senior=False)
        low, high = (
            SALARY_GOVERNMENT_EMPLOYEE
            if staff_type == StaffType.GOVERNMENT_EMPLOYEE
            else SALARY_PERMANENT_EMPLOYEE
        )
        spec.update(
            staff_type=staff_type,
            salary=_salary(self.pay_rng, low, high),
            position_title=title,
            management_title="",
            line_of_work="",
            line_code="",
            position_type=grades.OTHER,
            grade="",
        )
        return PersonSpec(**spec)

    def _identity(self, unit: UnitSpec, *, line_key: str, senior: bool) -> dict:
        rng = self.rng
        self.seq += 1
        self.numbers[unit.dept] += 1
        female_share = (
            0.9 if line_key in ("nurse", "tech_nurse") else 0.55 if line_key == "doctor" else 0.62
        )
        female = rng.random() < female_share
        first, first_roman = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last, last_roman = rng.choice(SURNAMES)
        title = prefix(rng, female=female, line_key=line_key, senior=senior)
        local = f"{first_roman}.{last_roman}"
        seen = self.emails.get(local, 0)
        self.emails[local] = seen + 1
        mail = self.plan.departments[unit.dept].mail
        email = f"{local}{seen + 1 if seen else ''}@{mail}.example.go.th"
        return dict(
            seq=self.seq,
            unit=unit.index,
            dept=unit.dept,
            username=f"u{self.seq:06d}",
            title=title,
            first_name=first,
            last_name=last,
            on_probation=False,
            email=email,
            number=str(self.numbers[unit.dept]),
        )


AT_CEILING = 0.04  # long-serving people whose salary has reached the top of the range


def _salary(rng: random.Random, low: int, high: int) -> Decimal:
    # Salaries move in steps of 10 baht.
    if rng.random() < AT_CEILING:
        return Decimal(high).quantize(Decimal("0.01"))
    return Decimal(rng.randrange(low, high + 1, 10)).quantize(Decimal("0.01"))
