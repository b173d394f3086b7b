"""The raise list of a sheet (บัญชีรายละเอียดการเลื่อนเงินเดือน, DOMAIN §7) as PDF and .xlsx,
with the two downloads: HR of the whole department and administrators (rewards.manage_raises)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from appraisal.models import band_label
from common import thai
from common.models import DataAccess, record_access
from common.spreadsheet import workbook_bytes
from reports.pdf import render_pdf
from rewards import selectors_raises
from rewards.models import RaiseSheet
from rewards.views_raises import get_sheet

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    "ลำดับ",
    "ชื่อ-สกุล",
    "ตำแหน่ง/เลขที่",
    "ระดับ",
    "เงินเดือนเดิม",
    "ฐานในการคำนวณ",
    "ร้อยละ",
    "จำนวนเงินที่เลื่อน",
    "เงินเดือนใหม่",
    "ค่าตอบแทนพิเศษ",
    "ผลการประเมิน",
    "หมายเหตุ",
]
MONEY_COLUMNS = {4, 5, 7, 8, 9}  # 0-based positions of the baht columns


def rows_of(sheet: RaiseSheet) -> list[list]:
    """One list per person, in COLUMNS order (numbers as Decimal, None where there is none)."""
    rows = []
    for line in selectors_raises.lines_of(sheet):
        position = line.position_title + (
            f" / {line.position_number}" if line.position_number else ""
        )
        result = f"{line.total:.2f} {band_label(line.band)}" if line.total is not None else "-"
        note = "; ".join(x for x in (line.reason, line.note) if x)
        rows.append(
            [
                line.order,
                line.name,
                position,
                line.grade or "-",
                line.salary,
                line.base,
                line.percent.quantize(Decimal("0.01")) if line.percent is not None else None,
                line.amount,
                line.new_salary,
                line.special or None,
                result,
                note,
            ]
        )
    return rows


def title_of(sheet: RaiseSheet) -> str:
    rnd = sheet.round
    return (
        f"บัญชีรายละเอียดการเลื่อนเงินเดือน{sheet.get_staff_group_display()} "
        f"ครั้งที่ {rnd.number} ปีงบประมาณ พ.ศ. {rnd.fiscal_year}"
    )


def pdf_bytes(sheet: RaiseSheet) -> bytes:
    fig = selectors_raises.figures(sheet)
    return render_pdf(
        "reports/pdf/raise_list.html",
        {
            "sheet": sheet,
            "title": title_of(sheet),
            "rows": rows_of(sheet),
            "fig": fig,
            "printed_on": timezone.localdate(),
        },
        thai_digits=sheet.round.department.use_thai_digits,
    )


def xlsx_bytes(sheet: RaiseSheet) -> bytes:
    fig = selectors_raises.figures(sheet)
    book = Workbook()
    ws = book.active
    ws.title = "บัญชีเลื่อนเงินเดือน"
    ws.append([title_of(sheet)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(
        [
            f"{sheet.unit_name} ({sheet.round.department.name}) "
            f"มีผลตั้งแต่วันที่ {thai.format_date_long(sheet.effective_on)}"
        ]
    )
    ws.append(
        [
            "เงินเดือนรวม",
            fig.roll_total,
            "วงเงิน",
            fig.budget,
            "ใช้ไป",
            fig.used,
            "คงเหลือ",
            fig.left,
        ]
    )
    ws.append([])
    ws.append(COLUMNS)
    for cell in ws[5]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for row in rows_of(sheet):
        ws.append(row)
    for cells in ws.iter_rows(min_row=6):
        for i, cell in enumerate(cells):
            if i in MONEY_COLUMNS:
                cell.number_format = "#,##0.00"
            elif i == 6:
                cell.number_format = "0.00"
    for cell in ws[3][1::2]:
        cell.number_format = "#,##0.00"
    for letter, width in zip(
        "ABCDEFGHIJKL", (7, 30, 36, 7, 13, 13, 8, 13, 13, 13, 18, 36), strict=True
    ):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "C6"
    return workbook_bytes(book)


def _download(request, sheet: RaiseSheet, data: bytes, ext: str, content_type: str):
    # The list holds every salary of the budget unit: its download goes to the access log.
    record_access(
        request,
        what=DataAccess.SALARY,
        subject_type="unit",
        subject_id=sheet.budget_unit_id or sheet.round.department_id,
        subject_name=f"{sheet.unit_name} ({sheet.round.code})",
        obj=sheet,
    )
    name = f"บัญชีเลื่อนเงินเดือน-{sheet.round.code}-{sheet.staff_group}-{sheet.pk}.{ext}"
    response = FileResponse(
        io.BytesIO(data), as_attachment=ext == "xlsx", filename=name, content_type=content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def raise_list_pdf(request, pk: int):
    sheet = get_sheet(request, pk)
    return _download(request, sheet, pdf_bytes(sheet), "pdf", PDF)


@login_required
@require_GET
def raise_list_xlsx(request, pk: int):
    sheet = get_sheet(request, pk)
    return _download(request, sheet, xlsx_bytes(sheet), "xlsx", XLSX)
