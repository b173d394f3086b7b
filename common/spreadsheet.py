"""Workbooks we write hold data, never formulas (OWASP "CSV injection").

openpyxl stores any text that starts with ``=`` as a formula, and Excel runs a typed ``+``,
``-`` or ``@`` as one when the cell is edited: a unit name ``=HYPERLINK("http://…?d="&B5)``
set by one HR officer would become a live link carrying other cells when another opens the
file. Every workbook goes through `as_data` before it is saved.
"""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

from common.inputs import starts_like_formula


def as_data(workbook: Workbook) -> Workbook:
    """Every text cell of every sheet kept as text: a cell that would read as a formula is
    stored as a string with Excel's quote prefix (shown as typed, never evaluated). A
    write-only workbook cannot be read back: its rows are made with data_row instead."""
    if getattr(workbook, "write_only", False):
        return workbook
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f" or (isinstance(value, str) and starts_like_formula(value)):
                    cell.value = str(value)
                    cell.data_type = "s"
                    cell.quotePrefix = True
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    import io

    out = io.BytesIO()
    as_data(workbook).save(out)
    return out.getvalue()


def data_row(ws, values, number_formats: dict[int, str] | None = None) -> list:
    """One row for a write-only sheet (openpyxl's streaming mode, for lists of a quarter of a
    million rows, whose cells as_data cannot revisit): text that would read as a formula is
    stored as quoted text, as as_data stores it; `number_formats` by 0-based column."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for i, value in enumerate(values):
        fmt = number_formats.get(i) if number_formats else None
        if isinstance(value, str) and starts_like_formula(value):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            cell.quotePrefix = True
            row.append(cell)
        elif fmt is not None:
            cell = WriteOnlyCell(ws, value=value)
            cell.number_format = fmt
            row.append(cell)
        else:
            row.append(value)
    return row
