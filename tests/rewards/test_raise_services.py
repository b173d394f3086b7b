"""Salary raise services (DOMAIN §7): a sheet from the roll, proposal, adjustments within the
budget, eligibility, confirmation and the next round (figures in tests/rewards/raise_world.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from appraisal.models import AppraisalForm
from appraisal.services.round_phases import round_open
from appraisal.services.rounds import round_create
from common.errors import DomainError
from common.models import AuditEvent
from orgchart.models import HrScope, Person
from rewards import selectors_raises as sel
from rewards import services
from rewards.models import RaiseEvent, RaiseLine, SalaryRecord, SheetState
from tests.rewards.raise_world import BUDGET, ROLL, raise_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def rnd(org):
    return raise_round(org)


def civil_sheet(org, rnd):
    return services.raise_sheet_create(
        actor=org.hr, rnd=rnd, budget_unit=None, staff_group="civil_servant"
    )


def line_of(sheet, person) -> RaiseLine:
    return RaiseLine.objects.get(sheet=sheet, person=person)


def test_a_sheet_takes_the_roll_budget_and_released_results(org, rnd):
    sheet = civil_sheet(org, rnd)
    assert sheet.roll_total == ROLL and sheet.budget == BUDGET
    assert sheet.roll_on == dt.date(2027, 3, 1) and sheet.effective_on == dt.date(2027, 4, 1)
    assert sheet.lines.count() == 9
    assert line_of(sheet, org.s3).reason == services.IMPROVE_REASON
    assert line_of(sheet, org.s4).reason == services.NOT_RELEASED
    s1 = line_of(sheet, org.s1)
    assert s1.eligible and s1.band == "good" and s1.base == Decimal(23930)
    assert line_of(sheet, org.grp1_head).base == Decimal(37200)  # below the K3 mid value
    assert AuditEvent.objects.filter(kind=RaiseEvent.SHEET_CREATE).count() == 1
    with pytest.raises(DomainError, match="มีบัญชี"):
        civil_sheet(org, rnd)


def test_the_proposal_stays_in_the_budget_and_the_band_ranges(org, rnd):
    sheet = civil_sheet(org, rnd)
    used = services.raise_propose(actor=org.hr, sheet=sheet)
    assert 0 < used <= BUDGET
    ranges = {"outstanding": (4, 6), "very_good": (3, 4), "good": (2, 3), "fair": (1, 2)}
    for line in sheet.lines.all():
        if line.eligible:
            low, high = ranges[line.band]
            assert low <= line.percent <= high, line.name
            assert line.amount % 10 == 0
        else:
            assert line.percent is None and line.amount == 0
    assert sel.figures(sheet).used == used
    director = line_of(sheet, org.director)
    # 76,000 + the raise passes the S2 ceiling 76,800: the rest is special compensation.
    assert director.new_salary == Decimal(76800)
    assert director.special == director.amount - Decimal(800)


def test_low_ends_above_the_budget_are_refused_in_thai(org, rnd):
    services.raise_budget_rate_set(
        actor=org.hr,
        department=org.dept,
        staff_group="civil_servant",
        effective_from=dt.date(2027, 4, 1),
        percent="1",
    )
    sheet = civil_sheet(org, rnd)
    assert sheet.budget == Decimal("3320.00")
    with pytest.raises(DomainError, match="เกินวงเงิน 3,320"):
        services.raise_propose(actor=org.hr, sheet=sheet)


def test_an_adjustment_within_the_budget_is_kept(org, rnd):
    sheet = civil_sheet(org, rnd)
    services.raise_propose(actor=org.hr, sheet=sheet)
    s1 = line_of(sheet, org.s1)
    line = services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk, percent="2.5")
    assert line.amount == Decimal(600)  # 23,930 × 2.5% = 598.25, up to 600
    assert line.new_salary == Decimal(22600)
    line = services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk, amount="500")
    assert line.amount == Decimal(500) and line.percent == Decimal("2.0894")
    assert AuditEvent.objects.filter(kind=RaiseEvent.ADJUST).count() == 2


def test_an_adjustment_over_the_budget_is_refused_naming_the_person(org, rnd):
    sheet = civil_sheet(org, rnd)
    services.raise_propose(actor=org.hr, sheet=sheet)
    # Everyone at the top of their band costs more than 9,960: push until refused.
    with pytest.raises(DomainError) as refused:
        for who in ("director", "s2", "div1_head", "grp1_head", "s1", "div2_head"):
            line = line_of(sheet, getattr(org, who))
            high = {"outstanding": "6", "very_good": "4", "good": "3"}[line.band]
            services.raise_adjust(actor=org.hr, sheet=sheet, line_id=line.pk, percent=high)
    message = refused.value.message
    assert "เกินวงเงิน 9,960 บาท" in message and "นายอธิบดี ทดสอบ" in message
    assert sel.figures(sheet).used <= BUDGET


def test_a_percent_outside_the_band_or_odd_baht_is_refused(org, rnd):
    sheet = civil_sheet(org, rnd)
    s1 = line_of(sheet, org.s1)
    with pytest.raises(DomainError, match="ร้อยละ 2.00–3.00"):
        services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk, percent="4")
    with pytest.raises(DomainError, match="สิบบาท"):
        services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk, amount="505")
    with pytest.raises(DomainError, match="อย่างใดอย่างหนึ่ง"):
        services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk)
    s3 = line_of(sheet, org.s3)
    with pytest.raises(DomainError, match="ต้องปรับปรุง"):
        services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s3.pk, percent="0")


def test_hr_marks_a_person_ineligible_with_a_reason(org, rnd):
    sheet = civil_sheet(org, rnd)
    services.raise_propose(actor=org.hr, sheet=sheet)
    s1 = line_of(sheet, org.s1)
    line = services.raise_eligibility_set(
        actor=org.hr, sheet=sheet, line_id=s1.pk, reason="ปฏิบัติราชการไม่ถึง 4 เดือน"
    )
    assert not line.eligible and line.amount == 0 and line.new_salary is None
    services.raise_propose(actor=org.hr, sheet=sheet)
    assert line_of(sheet, org.s1).percent is None


def test_hr_may_not_set_their_own_raise(org, rnd):
    HrScope.objects.create(user=org.director.user, unit=org.dept)
    sheet = civil_sheet(org, rnd)
    own = line_of(sheet, org.director)
    with pytest.raises(DomainError, match="ของตนเอง"):
        services.raise_adjust(actor=org.director.user, sheet=sheet, line_id=own.pk, percent="5")
    with pytest.raises(DomainError, match="ของตนเอง"):
        services.raise_eligibility_set(
            actor=org.director.user, sheet=sheet, line_id=own.pk, reason="x"
        )


def test_only_hr_of_the_whole_department_manages_raises(org, rnd):
    for user in (org.hr_div2, org.s1.user, org.grp1_head.user, org.o1.user):
        with pytest.raises(PermissionDenied):
            services.raise_sheet_create(
                actor=user, rnd=rnd, budget_unit=None, staff_group="civil_servant"
            )


def test_confirm_records_the_salaries_and_the_next_round_starts_from_them(org, rnd):
    sheet = civil_sheet(org, rnd)
    with pytest.raises(DomainError, match="ยังไม่ได้กำหนด"):
        services.raise_sheet_confirm(actor=org.hr, sheet=sheet)
    services.raise_propose(actor=org.hr, sheet=sheet)
    s1 = line_of(sheet, org.s1)
    raised = services.raise_sheet_confirm(actor=org.hr, sheet=sheet)
    assert raised == 7
    sheet.refresh_from_db()
    assert sheet.state == SheetState.CONFIRMED
    org.s1.refresh_from_db()
    assert org.s1.salary == s1.new_salary == Decimal(22000) + s1.amount
    record = SalaryRecord.objects.get(person=org.s1)
    assert record.effective_on == dt.date(2027, 4, 1) and record.old_salary == Decimal(22000)
    director = SalaryRecord.objects.get(person=org.director)
    assert director.new_salary == Decimal(76800) and director.special > 0
    assert Person.objects.get(pk=org.s3.pk).salary == Decimal(22000)
    assert AuditEvent.objects.filter(kind=RaiseEvent.CONFIRM, object_id=str(sheet.pk)).exists()
    with pytest.raises(DomainError, match="ยืนยันแล้ว"):
        services.raise_adjust(actor=org.hr, sheet=sheet, line_id=s1.pk, percent="2")
    with pytest.raises(DomainError, match="ยืนยันแล้ว"):
        services.raise_propose(actor=org.hr, sheet=sheet)

    nxt = round_create(actor=org.hr, department=org.dept, fiscal_year=rnd.fiscal_year, number=2)
    round_open(actor=org.hr, rnd=nxt)
    sheet2 = services.raise_sheet_create(
        actor=org.hr, rnd=nxt, budget_unit=None, staff_group="civil_servant"
    )
    assert sheet2.effective_on == dt.date(2027, 10, 1) and sheet2.roll_on == dt.date(2027, 9, 1)
    assert line_of(sheet2, org.s1).salary == s1.new_salary
    assert sheet2.roll_total == ROLL + sum(
        (r.new_salary - r.old_salary for r in SalaryRecord.objects.all()), Decimal(0)
    )


def test_the_row_in_force_on_the_effective_date_is_used(org, rnd):
    def k1(on, upper):
        services.raise_base_set(
            actor=org.hr,
            department=org.dept,
            grade="K1",
            effective_from=on,
            mid="20705",
            lower_base="17980",
            upper_base=upper,
            ceiling="26900",
        )

    k1(dt.date(2027, 4, 1), "24000")  # in force on 1 Apr 2027
    k1(dt.date(2027, 4, 2), "25000")  # not yet
    sheet = civil_sheet(org, rnd)
    assert line_of(sheet, org.s1).base == Decimal(24000)
    # The national default still holds for the other grades.
    assert line_of(sheet, org.grp1_head).base == Decimal(37200)
    with pytest.raises(DomainError, match="ฐานล่าง"):
        k1(dt.date(2027, 5, 1), "10000")


def test_employee_groups_have_their_own_sheet_and_budget(org, rnd):
    Person.objects.filter(pk=org.s4.pk).update(staff_type="government_employee")
    AppraisalForm.objects.filter(round=rnd, person=org.s4).update(
        state="released", final_total=Decimal(91), final_band="outstanding"
    )
    civil = civil_sheet(org, rnd)
    assert not civil.lines.filter(person=org.s4).exists()
    assert civil.roll_total == ROLL - 22000
    services.raise_budget_rate_set(
        actor=org.hr,
        department=org.dept,
        staff_group="government_employee",
        effective_from=dt.date(2026, 10, 1),
        percent="5",
    )
    gov = services.raise_sheet_create(
        actor=org.hr, rnd=rnd, budget_unit=None, staff_group="government_employee"
    )
    assert gov.budget == Decimal("1100.00") and gov.lines.count() == 1
    services.raise_propose(actor=org.hr, sheet=gov)
    line = line_of(gov, org.s4)
    assert line.base == Decimal(22000) and line.ceiling is None
    assert line.amount == Decimal(1100)  # 5% of their own pay fits the 5% budget
    assert line.new_salary == Decimal(23100) and line.special == 0


def test_a_budget_unit_takes_its_people_from_the_department_budget(org, rnd):
    unit = services.budget_unit_create(
        actor=org.hr, department=org.dept, name="กองการเจ้าหน้าที่", units=[org.div2]
    )
    with pytest.raises(DomainError, match="หน่วยวงเงินอื่น"):
        services.budget_unit_create(actor=org.hr, department=org.dept, name="ซ้อน", units=[org.div2])
    rest = civil_sheet(org, rnd)
    own = services.raise_sheet_create(
        actor=org.hr, rnd=rnd, budget_unit=unit, staff_group="civil_servant"
    )
    assert set(own.lines.values_list("person", flat=True)) == {
        org.div2_head.pk,
        org.div2_acting.pk,
        org.s4.pk,
    }
    assert rest.lines.count() == 6
    assert rest.roll_total + own.roll_total == ROLL


def test_refresh_reads_results_released_after_the_sheet(org, rnd):
    sheet = civil_sheet(org, rnd)
    AppraisalForm.objects.filter(round=rnd, person=org.s4).update(
        state="released", final_total=Decimal(88), final_band="very_good"
    )
    assert services.raise_sheet_refresh(actor=org.hr, sheet=sheet) == 1
    assert line_of(sheet, org.s4).eligible


def test_a_budget_unit_without_sheets_may_be_removed(org, rnd):
    unit = services.budget_unit_create(
        actor=org.hr, department=org.dept, name="กองการเจ้าหน้าที่", units=[org.div2]
    )
    services.raise_sheet_create(
        actor=org.hr, rnd=rnd, budget_unit=unit, staff_group="civil_servant"
    )
    with pytest.raises(DomainError, match="ลบไม่ได้"):
        services.budget_unit_delete(actor=org.hr, budget_unit=unit)
    spare = services.budget_unit_create(
        actor=org.hr, department=org.dept, name="กลุ่มงบประมาณ", units=[org.grp2]
    )
    services.budget_unit_delete(actor=org.hr, budget_unit=spare)
    assert not type(spare).objects.filter(pk=spare.pk).exists()


def test_unknown_codes_in_the_tables_are_refused(org):
    on = dt.date(2027, 4, 1)
    with pytest.raises(DomainError, match="ระดับตำแหน่ง"):
        services.raise_base_set(
            actor=org.hr,
            department=org.dept,
            grade="X9",
            effective_from=on,
            mid=1,
            lower_base=1,
            upper_base=1,
            ceiling=1,
        )
    with pytest.raises(DomainError, match="ระดับผลการประเมิน"):
        services.raise_range_set(
            actor=org.hr,
            department=org.dept,
            staff_group="civil_servant",
            band="great",
            effective_from=on,
            low=1,
            high=2,
        )
    with pytest.raises(DomainError, match="กลุ่มบุคลากร"):
        services.raise_budget_rate_set(
            actor=org.hr, department=org.dept, staff_group="x", effective_from=on, percent=3
        )
    with pytest.raises(PermissionDenied):
        services.raise_budget_rate_set(
            actor=org.hr_div2,
            department=org.dept,
            staff_group="civil_servant",
            effective_from=on,
            percent=3,
        )
