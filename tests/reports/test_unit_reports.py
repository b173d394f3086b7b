"""HR's unit report, the announcement list, the .xlsx export, the KPI documents and the export
command, on the released worked example."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from reports import book as reports_book
from reports import documents, sheets
from tests.kpi.conftest import make_kpi
from tests.reports.conftest import pdftotext_available
from tests.reports.pdfcheck import fonts_of, missing_texts, pages_of, squeeze, text_of

pytestmark = pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")


def test_unit_report_lists_everyone_with_distribution_top_list_and_who_is_missing(released):
    o = released
    report = sheets.unit_report(o.round, o.dept)
    assert report["count"] == 9 and report["scored"] == 1
    s1 = next(r for r in report["rows"] if r["name"] == "นายสมชาย ทดสอบ")
    assert (s1["achievement"], s1["competency"], s1["total"], s1["band_label"]) == (
        "57.40",
        "24.00",
        "81.40",
        "ดีมาก",
    )
    assert s1["position"] == "นักวิเคราะห์นโยบายและแผน (ปฏิบัติการ)"
    assert [(d["label"], d["count"], d["percent"]) for d in report["distribution"]] == [
        ("ดีเด่น", 0, "0.00"),
        ("ดีมาก", 1, "100.00"),
        ("ดี", 0, "0.00"),
        ("พอใช้", 0, "0.00"),
        ("ต้องปรับปรุง", 0, "0.00"),
    ]
    assert [r["name"] for r in report["top"]] == ["นายสมชาย ทดสอบ"]
    assert "นายสมหญิง ทดสอบ" in [r["name"] for r in report["not_scored"]]
    assert report["not_released"] == []

    html = documents.unit_report_html(o.round, o.dept)
    pdf = documents.unit_report_pdf(o.round, o.dept)
    flat = squeeze(text_of(pdf))
    for expected in ["รายงานผลการประเมินผลการปฏิบัติราชการ", "กรมทดสอบ", "ปีงบประมาณพ.ศ.2570"]:
        assert expected in flat
    assert squeeze("นายสมชาย ทดสอบ นักวิเคราะห์นโยบายและแผน (ปฏิบัติการ)") in flat
    assert "57.4024.0081.40ดีมาก" in flat
    assert missing_texts(html, pdf) == []
    assert pages_of(pdf) == 3  # with HR's sign-off block
    assert all(f["emb"] == "yes" for f in fonts_of(pdf))


def test_unit_report_of_a_subtree_holds_only_its_people(released):
    report = sheets.unit_report(released.round, released.div2)
    assert {r["name"] for r in report["rows"]} == {
        "นายผอ.กองการเจ้าหน้าที่ ทดสอบ",
        "นายรักษาการ ทดสอบ",
        "นายสมปอง ทดสอบ",
    }
    assert report["scored"] == 0 and report["top"] == []


def test_announcement_names_the_released_outstanding_and_very_good(released, thai_digits):
    pdf = documents.announcement_pdf(released.round, released.dept)
    flat = squeeze(text_of(pdf))
    assert squeeze("ระดับดีมาก (๑ คน)") in flat
    assert "นายสมชายทดสอบ" in flat
    assert "นายสมหญิง" not in flat
    assert squeeze("ระดับดีเด่น (๐ คน)") in flat


def test_xlsx_has_the_unit_report_columns_with_numbers(client, released):
    client.force_login(released.hr)
    url = reverse(
        "reports:unit_xlsx", kwargs={"pk": released.round.pk, "unit_pk": released.dept.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    ws = book["ผลการประเมิน"]
    header = [c.value for c in ws[4]]
    assert header == [label for _key, label in sheets.UNIT_XLSX_COLUMNS]
    assert header[-3:] == ["รหัสบุคลากร", "เลขที่ตำแหน่ง", "ผู้ประเมิน"]
    assert ws.auto_filter.ref.startswith("A4:")
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    s1 = rows["นายสมชาย ทดสอบ"]
    # Cells hold numbers (Excel keeps them as doubles); compare them as decimals.
    figures = [None if v is None else Decimal(str(v)) for v in s1[4:8]]
    assert figures == [Decimal("57.40"), Decimal("24.00"), None, Decimal("81.40")]
    assert s1[8] == "ดีมาก"
    assert s1[10] == released.s1.staff_code and s1[12] == released.f1.evaluator.full_name
    assert rows["นายสมหญิง ทดสอบ"][7] is None
    dist = {r[0]: r[1:] for r in book["การกระจายผลการประเมิน"].iter_rows(values_only=True)}
    assert dist["ดีมาก"][0] == 1 and Decimal(str(dist["ดีมาก"][1])) == 100


def test_unit_kpi_documents_show_matrix_cascade_and_templates(client, released):
    o = released
    parent = make_kpi(o.div1, code="1", name="ร้อยละของโครงการที่ดำเนินการแล้วเสร็จตามกำหนด")
    make_kpi(
        o.grp1,
        code="1.1",
        name="จำนวนโครงการที่ได้รับอนุมัติ",
        parent=parent,
        cascade_method="partial",
    )
    client.force_login(o.s1.user)
    response = client.get(
        reverse("reports:unit_kpis", kwargs={"pk": o.div1.pk}), {"year": parent.fiscal_year}
    )
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)
    flat = squeeze(text_of(pdf))
    for expected in [
        "ตารางแสดงความรับผิดชอบตัวชี้วัด(OSMatrix)",
        "ตารางแสดงการถ่ายทอดตัวชี้วัด(Cascading)",
        "แบบฟอร์มรายละเอียดตัวชี้วัด(KPITemplate)",
        squeeze(parent.name),
        squeeze("จำนวนโครงการที่ได้รับอนุมัติ"),
        "แบ่งเฉพาะด้านที่มอบ",
        "ผู้กำกับดูแลตัวชี้วัด",
        "ความถี่ในการจัดเก็บข้อมูล",
    ]:
        assert expected in flat, expected
    # Matrix and cascade on landscape pages, then one template per unit KPI.
    assert pages_of(pdf) == 3


def test_export_command_writes_pdf_and_xlsx(released, tmp_path):
    pdf = tmp_path / "round.pdf"
    call_command("export_round_report", "--round", "2570-1", "-o", str(pdf))
    assert "81.40" in text_of(pdf.read_bytes())
    book = tmp_path / "book.pdf"
    call_command(
        "export_round_report", "--round", "2570-1", "--unit", "DEPT-01-1", "--with-forms",
        "-o", str(book),
    )  # fmt: skip
    # The unit report of กลุ่มงานยุทธศาสตร์ and the summaries of its 3 people.
    report = documents.unit_report_pdf(released.round, released.grp1)
    forms = reports_book.unit_forms(released.round, released.grp1)
    summaries = sum(pages_of(documents.form_pdf(f, "summary")) for f in forms)
    assert len(forms) == 3
    assert pages_of(book.read_bytes()) == pages_of(report) + summaries
    xlsx = tmp_path / "round.xlsx"
    call_command(
        "export_round_report", "--round", "2570-1", "--department", "DEPT", "-o", str(xlsx)
    )
    assert load_workbook(xlsx)["ผลการประเมิน"]["A1"].value.startswith("ผลการประเมิน")
    with pytest.raises(CommandError):
        call_command("export_round_report", "--round", "2570-2", "-o", str(pdf))
    with pytest.raises(CommandError):
        call_command("export_round_report", "--round", "2570-1", "-o", str(tmp_path / "x.doc"))
