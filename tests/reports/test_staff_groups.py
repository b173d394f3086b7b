"""The กลุ่มงาน of staff who are not civil servants, on the forms: a พนักงานราชการ's group from
the position name where the list of names has it, blank where nothing in the data gives it."""

from __future__ import annotations

import pytest

from appraisal.models import StaffGroup
from orgchart import grades
from reports import documents, sheets
from tests.factories import build_org
from tests.reports.conftest import pdftotext_available, release_worked_example
from tests.reports.pdfcheck import squeeze, text_of


def test_a_government_employee_title_names_its_group():
    assert grades.government_employee_group("นักวิเคราะห์นโยบายและแผน") == "บริหารทั่วไป"
    assert grades.government_employee_group("เจ้าพนักงานธุรการ") == "บริการ"
    assert grades.government_employee_group(" พยาบาลวิชาชีพ ") == "วิชาชีพเฉพาะ"
    assert grades.government_employee_group("เจ้าพนักงานเภสัชกรรม") == "เทคนิค"


def test_a_title_the_list_does_not_have_has_no_group():
    assert grades.government_employee_group("ผู้เชี่ยวชาญด้านไม่มีในรายการ") == ""
    assert grades.government_employee_group("") == ""


def _form_as(group: str):
    org = build_org()
    _rnd, f1, _f2 = release_worked_example(org)
    form = documents.form_for_print(f1.pk)
    form.staff_group = group  # in memory: the sheet reads what the form froze
    return form


@pytest.mark.django_db
def test_a_government_employee_form_prints_the_group_of_its_position():
    form = _form_as(StaffGroup.GOVERNMENT_EMPLOYEE)
    person = sheets.form_sheet(form)["person"]
    assert (person["type"], person["grade_label"], person["grade"]) == (
        "พนักงานราชการ",
        "กลุ่มงาน",
        "บริหารทั่วไป",
    )
    if pdftotext_available():
        text = squeeze(text_of(documents.form_pdf(form, "summary")))
        assert squeeze("กลุ่มงาน บริหารทั่วไป") in text


@pytest.mark.django_db
def test_a_permanent_employee_form_prints_the_group_the_position_records():
    form = _form_as(StaffGroup.PERMANENT_EMPLOYEE)
    person = sheets.form_sheet(form)["person"]
    # Nothing gives it: blank, never a guess.
    assert (person["type"], person["grade_label"], person["grade"]) == (
        "ลูกจ้างประจำ",
        "กลุ่มงาน",
        "",
    )
    form.person.position.work_group = "กลุ่มงานช่าง"
    form.person.position.save()
    form = documents.form_for_print(form.pk)
    form.staff_group = StaffGroup.PERMANENT_EMPLOYEE
    assert sheets.form_sheet(form)["person"]["grade"] == "กลุ่มงานช่าง"
    if pdftotext_available():
        text = squeeze(text_of(documents.form_pdf(form, "summary")))
        assert squeeze("ลูกจ้างประจำ") in text and squeeze("กลุ่มงานช่าง") in text


@pytest.mark.django_db
def test_the_import_records_the_group_of_a_position_and_keeps_it_when_a_file_lacks_it(org):
    from orgchart.models import Position
    from tests.orgchart.test_import import csv_bytes, run_import

    org.s2.position.refresh_from_db()
    number = org.s2.position.number
    header = ["รหัสหน่วยงาน", "เลขที่ตำแหน่ง", "ตำแหน่ง", "ประเภทตำแหน่ง", "ระดับ", "กลุ่มงาน"]
    row = ["DEPT-01-1", number, "เจ้าพนักงานธุรการ", "ทั่วไป", "ชำนาญงาน", "กลุ่มงานบริการพื้นฐาน"]
    run_import(csv_bytes([row], header=header), user=org.hr)
    assert Position.objects.get(number=number).work_group == "กลุ่มงานบริการพื้นฐาน"
    run_import(csv_bytes([row[:5]], header=header[:5]), user=org.hr)
    assert Position.objects.get(number=number).work_group == "กลุ่มงานบริการพื้นฐาน"
