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
def test_a_permanent_employee_form_leaves_the_group_blank():
    person = sheets.form_sheet(_form_as(StaffGroup.PERMANENT_EMPLOYEE))["person"]
    assert (person["type"], person["grade_label"], person["grade"]) == (
        "ลูกจ้างประจำ",
        "กลุ่มงาน",
        "",
    )
