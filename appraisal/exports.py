"""The .xlsx exports of the lists of forms (the forms of a round, the progress console, the
distribution's names, ทีมของฉัน): one sheet of exactly the rows the list shows under the same
filters, with the same figures the viewer may see there.

Every workbook is saved through common.spreadsheet (cells are data, never formulas), with its
header row frozen and an auto-filter over the table.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.http import FileResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from appraisal import scoring
from appraisal.models import BAND_LABELS, AppraisalForm, State
from common.spreadsheet import data_row, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = [
    ("รหัสบุคลากร", 12),
    ("ชื่อ-สกุล", 28),
    ("ตำแหน่ง", 30),
    ("เลขที่ตำแหน่ง", 12),
    ("หน่วยงาน", 30),
    ("ผู้ประเมิน", 28),
    ("สถานะ", 22),
    ("ผลสัมฤทธิ์ของงาน", 12),
    ("สมรรถนะ", 12),
    ("องค์ประกอบอื่น", 12),
    ("คะแนนรวม", 12),
    ("ระดับผลการประเมิน", 16),
]
FIGURES = range(8, 12)  # the columns (1-based) holding points


@dataclass(frozen=True)
class Shown:
    """What of one form's result a list shows its viewer: the components, the total and the
    band, or nothing (None and "")."""

    achievement: Decimal | None = None
    competency: Decimal | None = None
    other: Decimal | None = None
    total: Decimal | None = None
    band: str = ""


HIDDEN = Shown()


def _points(value) -> Decimal | None:
    return None if value is None else scoring.round2(value)


def shown_result(form: AppraisalForm, *, final: bool = True) -> Shown:
    """The form's stored figures as a list shows them: the final total and band (after review);
    with final=False the evaluator's own total and band while no review revised them (ทีมของฉัน)."""
    if final:
        total, band = form.final_total, form.final_band
    else:
        total = form.final_total if form.final_total is not None else form.total
        band = form.final_band or form.band
    return Shown(
        achievement=_points(form.achievement_points),
        competency=_points(form.competency_points),
        other=_points(form.other_points) if form.weight_other else None,
        total=_points(total),
        band=band,
    )


def forms_workbook(rows: Iterable[tuple[AppraisalForm, Shown]], *, title: str) -> bytes:
    """One sheet: a header row (frozen, with an auto-filter) and a row per form. Written in
    openpyxl's write-only mode, row by row as they come: a department's 254,550 forms held
    3.2 GB as an ordinary workbook."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(title[:31])
    for i, (_label, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    header = []
    for label, _width in COLUMNS:
        cell = WriteOnlyCell(ws, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    figures = {col - 1: "0.00" for col in FIGURES}
    n = 0
    for form, shown in rows:
        values = [
            form.person.staff_code,
            form.person.full_name,
            form.position_title,
            form.position_number,
            form.unit.name,
            form.evaluator.full_name if form.evaluator_id else "",
            str(State(form.state).label),
            shown.achievement,
            shown.competency,
            shown.other,
            shown.total,
            str(BAND_LABELS.get(shown.band, "")) if shown.band else "",
        ]
        ws.append(data_row(ws, values, figures))
        n += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{n + 1}"
    return workbook_bytes(book)


def max_rows() -> int:
    """The most rows one export writes in a request (settings.EXPORT_MAX_ROWS). Measured on
    the development machine: 8,731 forms in 3.3 s, 254,550 in 108 s with 3.2 GB of memory;
    30,000 rows come to about 12 s by proportion."""
    return int(getattr(settings, "EXPORT_MAX_ROWS", 30_000))


def xlsx_response(data: bytes, name: str) -> FileResponse:
    """A download of personal results: never kept by a shared cache or the browser."""
    response = FileResponse(io.BytesIO(data), as_attachment=True, filename=name, content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


def filename(*parts: str) -> str:
    return "-".join(p for p in parts if p) + ".xlsx"
