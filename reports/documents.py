"""Each printable document as bytes: the three forms of a person, the unit round report, the
announcement list, the KPI documents of a unit, and the round results as .xlsx.

Callers (views, the export command, the background job) have already checked who may read
what; these functions only read and render.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from appraisal.models import AppraisalForm, AppraisalRound
from common.spreadsheet import workbook_bytes
from kpi import selectors as kpi_selectors
from kpi.models import Kpi
from orgchart.models import OrgUnit
from reports import sheets
from reports.pdf import html_to_pdf, render_html, render_pdf

FORM_TEMPLATES = {
    "summary": "reports/pdf/summary.html",
    "achievement": "reports/pdf/achievement.html",
    "competency": "reports/pdf/competency.html",
}
FORM_TITLES = {
    "summary": "แบบสรุปการประเมินผลการปฏิบัติราชการ",
    "achievement": "แบบประเมินผลสัมฤทธิ์ของงาน",
    "competency": "แบบประเมินสมรรถนะ",
}
NUMERIC_COLUMNS = {"achievement", "competency", "other", "total"}


def thai_digits_for(unit: OrgUnit) -> bool:
    """The organisation's setting: Thai digits are chosen on the department root."""
    if unit.parent_id is None:
        return unit.use_thai_digits
    return (
        OrgUnit.objects.filter(tree_id=unit.tree_id, parent=None)
        .values_list("use_thai_digits", flat=True)
        .first()
        or False
    )


def form_for_print(pk: int) -> AppraisalForm:
    return sheets.sheet_queryset(AppraisalForm.objects.filter(pk=pk)).get()


def form_html(form: AppraisalForm, kind: str, sheet: dict | None = None) -> str:
    """One of the three forms of a person as HTML; `form` from sheets.sheet_queryset."""
    sheet = sheet if sheet is not None else sheets.form_sheet(form)
    return render_html(
        FORM_TEMPLATES[kind], {"s": sheet}, thai_digits=form.round.department.use_thai_digits
    )


def form_pdf(form: AppraisalForm, kind: str, sheet: dict | None = None) -> bytes:
    return html_to_pdf(form_html(form, kind, sheet))


def unit_report_html(rnd: AppraisalRound, unit: OrgUnit, *, viewer=None) -> str:
    return render_html(
        "reports/pdf/unit_report.html",
        {"r": sheets.unit_report(rnd, unit, viewer=viewer), "printed_on": timezone.localdate()},
        thai_digits=rnd.department.use_thai_digits,
    )


def unit_report_pdf(rnd: AppraisalRound, unit: OrgUnit, *, viewer=None) -> bytes:
    """`viewer`: the person downloading it, whose own unreleased form shows no figure."""
    return html_to_pdf(unit_report_html(rnd, unit, viewer=viewer))


def announcement_pdf(rnd: AppraisalRound, unit: OrgUnit) -> bytes:
    return render_pdf(
        "reports/pdf/announcement.html",
        {"a": sheets.announcement(rnd, unit), "printed_on": timezone.localdate()},
        thai_digits=rnd.department.use_thai_digits,
    )


def unit_kpis_pdf(unit: OrgUnit, fiscal_year: int) -> bytes:
    """KPI documents of a unit (DOMAIN §6.5): OS matrix, cascade table, one template per KPI."""
    forest = kpi_selectors.cascade_forest(unit=unit, fiscal_year=fiscal_year)
    context = {
        "unit": unit,
        "year": fiscal_year,
        "matrix": kpi_selectors.os_matrix(unit=unit, fiscal_year=fiscal_year),
        "cascade": [node for root in forest for node in root.walk()],
    }
    context["kpis"] = context["matrix"].kpis
    return render_pdf("reports/pdf/unit_kpis.html", context, thai_digits=thai_digits_for(unit))


def kpi_sheet_pdf(kpi: Kpi) -> bytes:
    return render_pdf(
        "reports/pdf/kpi_sheet.html", {"kpis": [kpi]}, thai_digits=thai_digits_for(kpi.unit)
    )


def unit_report_xlsx(rnd: AppraisalRound, unit: OrgUnit, *, viewer=None) -> bytes:
    """The unit report's table (same columns as the PDF) and its distribution, as numbers."""
    report = sheets.unit_report(rnd, unit, viewer=viewer)
    book = Workbook()
    ws = book.active
    ws.title = "ผลการประเมิน"
    ws.append([f"ผลการประเมินผลการปฏิบัติราชการ รอบที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}"])
    ws.append([f"{unit.name} ({rnd.department.name})"])
    ws.append([])
    ws.append([label for _key, label in sheets.UNIT_XLSX_COLUMNS])
    for cell in ws[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws["A1"].font = Font(bold=True, size=13)
    for row in report["rows"]:
        values = []
        for key, _label in sheets.UNIT_XLSX_COLUMNS:
            value = row[key]
            if key in NUMERIC_COLUMNS:
                value = Decimal(value) if value else None
            values.append(value)
        ws.append(values)
    for cells in ws.iter_rows(min_row=5):
        for cell, (key, _label) in zip(cells, sheets.UNIT_XLSX_COLUMNS, strict=False):
            if key in NUMERIC_COLUMNS:
                cell.number_format = "0.00"
    widths = (6, 30, 36, 28, 12, 12, 12, 12, 16, 30, 12, 12, 28)
    for letter, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "C5"
    ws.auto_filter.ref = f"A4:M{max(ws.max_row, 4)}"

    dist = book.create_sheet("การกระจายผลการประเมิน")
    dist.append(["ระดับผลการประเมิน", "จำนวน (คน)", "ร้อยละ"])
    for cell in dist[1]:
        cell.font = Font(bold=True)
    for d in report["distribution"]:
        dist.append([d["label"], d["count"], Decimal(d["percent"]) if d["percent"] else None])
        dist.cell(row=dist.max_row, column=3).number_format = "0.00"
    dist.append(["รวมผู้ที่ได้รับการประเมิน", report["scored"], None])
    dist.append(["ทั้งหมดในหน่วยงาน", report["count"], None])
    dist.column_dimensions["A"].width = 28
    return workbook_bytes(book)  # every cell data, never a formula
