"""Issue 14 item 8: the import template of the user's own scope, and a preview in Thai words."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from orgchart.importer import plan_import
from orgchart.importer.template import template_rows

pytestmark = pytest.mark.django_db


def test_demo_hrs_template_imports_with_no_error_and_no_change(client):
    call_command("seed_demo", "--staff", "100", stdout=io.StringIO())
    hr = get_user_model().objects.get(username="demo-hr")
    client.force_login(hr)
    response = client.get(reverse("orgchart:import_template"))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    plan = plan_import(response.content, filename="template.xlsx", user=hr)
    assert [str(e) for e in plan.errors] == []
    assert plan.row_count > 0 and plan.created == plan.updated == 0


def test_hr_of_a_subtree_gets_only_their_subtree(org):
    rows = template_rows(org.hr_div2)
    assert {r["unit_code"] for r in rows} == {"DEPT-02"}
    assert {r.get("staff_code") for r in rows} == {"0007", "0008", "0009"}
    # Thai words, not stored values.
    assert {r["position_type"] for r in rows} <= {"วิชาการ", "อำนวยการ", "บริหาร", "ทั่วไป"}
    assert {r["staff_type"] for r in rows} == {"ข้าราชการ"}
    plan = plan_import(_xlsx(org.hr_div2), filename="t.xlsx", user=org.hr_div2)
    assert [str(e) for e in plan.errors] == [] and plan.updated == 0


def _xlsx(user):
    from orgchart.importer.template import template_workbook

    return template_workbook(user)


def test_the_preview_shows_thai_labels_and_ministry_names(org):
    from orgchart.importer.plan import show_value

    assert show_value("knowledge", "position_type") == "วิชาการ"
    assert show_value("civil_servant", "staff_type") == "ข้าราชการ"
    assert show_value("K2", "grade") == "วิชาการ ชำนาญการ (K2)"
    assert show_value("21", "ministry", {"21": "กระทรวงสาธารณสุข"}) == "กระทรวงสาธารณสุข"


def test_the_example_files_preview_has_no_internal_values(org):
    from tests.orgchart.test_import import EXAMPLE_XLSX

    plan = plan_import(EXAMPLE_XLSX.read_bytes(), filename="x.xlsx", user=None)
    text = " ".join(line["detail"] for line in plan.change_lines())
    for internal in ("knowledge", "civil_servant", "general", "managerial", "executive"):
        assert internal not in text
