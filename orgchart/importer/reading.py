"""Reading an org import file (xlsx or CSV) into a `Table` of cleaned text, one row per line.

Everything about the file as a file is here: the size and row limits, zip bombs, UTF-16 and
legacy Thai encodings, CSV delimiters, formulas, Excel dates and numbers in code columns, and
the header row (unknown, repeated and missing columns). `read_table` never raises on bad input.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from common.inputs import visible
from orgchart.importer.columns import (
    CODE_COLUMNS,
    COLUMN_BY_KEY,
    PERSON_FIELDS,
    POSITION_FIELDS,
    clean,
    column_for_header,
)
from orgchart.importer.plan import RowError

MAX_CELL_CHARS = 500
DEFAULT_MAX_ROWS = 100_000
# An xlsx is a zip; refuse one that inflates far beyond any real workbook (a zip bomb). Real
# sheets of repetitive rows inflate about 16 times.
XLSX_MAX_INFLATE_RATIO = 100
XLSX_MAX_INFLATED_BYTES = 300 * 1024 * 1024


@dataclass
class Table:
    """The file as rows of cleaned text keyed by column, with the Excel row number of each."""

    headers: dict[str, str]  # column key -> the header as written in the file
    rows: list[tuple[int, dict[str, str]]]
    bad_cells: set[tuple[int, str]] = field(default_factory=set)

    def has(self, key: str) -> bool:
        return key in self.headers

    def label(self, key: str) -> str:
        return self.headers.get(key) or COLUMN_BY_KEY[key].thai


@dataclass
class _Cell:
    text: str
    is_formula: bool = False
    is_number: bool = False
    is_date: bool = False


class _FileError(Exception):
    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.error = RowError(row, "", message)


def _save_as_utf8() -> str:
    return _("บันทึกไฟล์เป็น CSV UTF-8")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[_Cell]]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise _FileError(
            _("ไฟล์นี้เข้ารหัสแบบ UTF-16 (เช่น 'Unicode Text' ของ Excel) ระบบอ่านได้เฉพาะ UTF-8: %(fix)s")
            % {"fix": _save_as_utf8()},
            row=1,
        )
    if b"\x00" in data:
        raise _FileError(_("ไฟล์นี้ไม่ใช่ไฟล์ข้อความ CSV (พบข้อมูลไบนารี) ใช้ไฟล์ .csv หรือ .xlsx"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if _looks_thai_legacy(data):
            message = _(
                "ไฟล์นี้เข้ารหัสภาษาไทยแบบเก่า (TIS-620/Windows-874, cp874) ระบบอ่านได้เฉพาะ UTF-8: "
                "%(fix)s (ใน Excel เลือก บันทึกเป็น > CSV UTF-8 (Comma delimited))"
            ) % {"fix": _save_as_utf8()}
        else:
            message = _("ไฟล์นี้ไม่ได้เข้ารหัสแบบ UTF-8: %(fix)s") % {"fix": _save_as_utf8()}
        raise _FileError(message, row=line) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = "\t" if "\t" in first_line else ";" if ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise _FileError(
                _("อ่านแถวนี้ไม่ได้ (เครื่องหมายคำพูดไม่ครบคู่ หรือช่องยาวเกินไป)"), row=number + 1
            ) from None
        number += 1
        yield number, [_Cell(c) for c in cells]


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: every other byte is the high byte of an ASCII (0x00) or Thai (0x0E)
    character. Neither byte occurs in UTF-8 or cp874 Thai text."""
    sample = data[:4000]
    if len(sample) < 4:
        return False
    for half in (sample[0::2], sample[1::2]):
        if sum(1 for b in half if b in (0x00, 0x0E)) > len(half) * 0.6:
            return True
    return False


def _looks_thai_legacy(data: bytes) -> bool:
    """Thai in cp874 rather than UTF-8 with a few broken bytes: cp874 Thai bytes never form
    valid UTF-8 Thai, so a legacy file read as UTF-8 has no Thai at all."""
    try:
        decoded = data.decode("cp874")
    except UnicodeDecodeError:
        return False
    as_utf8 = data.decode("utf-8", errors="replace")
    return _has_thai(decoded) and not _has_thai(as_utf8)


def _has_thai(text: str) -> bool:
    return any("\u0e01" <= ch <= "\u0e5b" for ch in text)


def _not_xlsx() -> str:
    return _(
        "ไฟล์นี้ไม่ใช่ไฟล์ Excel (.xlsx) ที่ถูกต้อง หรือไฟล์เสีย: เปิดใน Excel แล้วบันทึกเป็น .xlsx หรือ CSV UTF-8"
    )


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[_Cell]]]:
    import openpyxl

    not_xlsx = _not_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > min(len(data) * XLSX_MAX_INFLATE_RATIO + 1_000_000, XLSX_MAX_INFLATED_BYTES):
            raise _FileError(_("ไฟล์ Excel นี้เมื่อแตกไฟล์แล้วใหญ่เกินกำหนด"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except _FileError:
        raise
    except Exception:  # noqa: BLE001 - any failure to open means "not a usable xlsx"
        raise _FileError(not_xlsx) from None
    try:
        if not book.worksheets:
            raise _FileError(not_xlsx)
        sheet = book.worksheets[0]
        number = 0
        for cells in sheet.iter_rows():
            # Empty rows carry no row number; count them so the numbers stay as Excel shows.
            real = [c for c in cells if getattr(c, "row", None)]
            number = real[0].row if real else number + 1
            yield number, [_xlsx_cell(c) for c in cells]
    except _FileError:
        raise
    except Exception:  # noqa: BLE001 - a corrupt sheet part
        raise _FileError(not_xlsx) from None
    finally:
        book.close()


def _xlsx_cell(cell) -> _Cell:
    value = cell.value
    if value is None:
        return _Cell("")
    if (
        cell.data_type == "f"
        or not isinstance(value, (str, int, float, bool, Decimal))
        and not hasattr(value, "isoformat")
    ):
        return _Cell(str(value), is_formula=True)
    if isinstance(value, bool):
        return _Cell("1" if value else "0")
    if isinstance(value, float):
        # repr of a float is its shortest exact decimal form; Decimal(float) would add noise.
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return _Cell(text, is_number=True)
    if isinstance(value, (int, Decimal)):
        return _Cell(str(value), is_number=True)
    if hasattr(value, "isoformat"):
        return _Cell(value.isoformat(), is_date=True)
    return _Cell(value)


def read_table(
    data: bytes, *, filename: str = ""
) -> tuple[Table | None, list[RowError], list[RowError]]:
    """(table, errors, warnings). Never raises on bad input; the table is None when unreadable."""
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        message = _("ไฟล์ใหญ่เกินกำหนด (%(size)s ไบต์ สูงสุด %(limit)s ไบต์) แบ่งไฟล์เป็นหลายส่วน") % {
            "size": f"{len(data):,}",
            "limit": f"{limit:,}",
        }
        return None, [RowError(None, "", message)], []
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [RowError(None, "", _("ไฟล์ว่างเปล่า ไม่มีข้อมูล"))], []
    name = (filename or "").lower()
    if data.startswith(b"PK\x03\x04"):
        source = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        message = _("ไฟล์ Excel รุ่นเก่า (.xls) ใช้ไม่ได้: เปิดใน Excel แล้วบันทึกเป็น .xlsx หรือ CSV UTF-8")
        return None, [RowError(None, "", message)], []
    elif name.endswith((".xlsx", ".xlsm", ".xls")):
        return None, [RowError(None, "", _not_xlsx())], []
    else:
        source = _csv_rows(data)
    try:
        return _tabulate(source)
    except _FileError as exc:
        return None, [exc.error], []


def _tabulate(
    source: Iterable[tuple[int, list[_Cell]]],
) -> tuple[Table | None, list[RowError], list[RowError]]:
    errors: list[RowError] = []
    notes: list[RowError] = []
    max_rows = getattr(settings, "IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    table: Table | None = None
    index: dict[int, str] = {}  # position in the row -> column key
    ignored: set[int] = set()  # positions of headers we do not know (already warned about)
    warned: set[str | int] = set()
    for number, cells in source:
        if not any(c.text.strip() for c in cells):
            continue
        if table is None:
            headers, index, ignored, header_errors, header_notes = _read_header(number, cells)
            notes += header_notes
            if header_errors:
                return None, header_errors, notes
            table = Table(headers=headers, rows=[])
            continue
        if len(table.rows) >= max_rows:
            message = _("ไฟล์มีเกิน %(max)s แถว แบ่งไฟล์เป็นหลายส่วน") % {"max": f"{max_rows:,}"}
            return None, [RowError(number, "", message)], notes
        values: dict[str, str] = {}
        for i, cell in enumerate(cells):
            key = index.get(i)
            raw = cell.text
            if key is None:
                if raw.strip() and i not in ignored and i not in warned:
                    warned.add(i)
                    notes.append(
                        RowError(
                            number,
                            "",
                            _("คอลัมน์ที่ %(n)s ไม่มีหัวคอลัมน์ ระบบข้ามข้อมูลในคอลัมน์นี้") % {"n": i + 1},
                        )
                    )
                continue
            label = table.headers[key]
            if len(raw) > MAX_CELL_CHARS:
                errors.append(
                    RowError(
                        number, label, _("ข้อความยาวเกิน %(max)s ตัวอักษร") % {"max": MAX_CELL_CHARS}
                    )
                )
                table.bad_cells.add((number, key))
                continue
            # Looked at as it will be stored: "\u200b=…" is cleaned to "=…" (columns.clean).
            if cell.is_formula or visible(raw).lstrip().startswith("="):
                errors.append(
                    RowError(number, label, _("ช่องนี้เป็นสูตร (ขึ้นต้นด้วย =) ระบบไม่คำนวณสูตร ให้ใส่ค่าแทน"))
                )
                table.bad_cells.add((number, key))
                continue
            if cell.is_date:
                # No column holds a date; Excel turns codes such as 3-1-2004 into dates.
                errors.append(
                    RowError(
                        number,
                        label,
                        _("Excel เก็บช่องนี้เป็นวันที่ (%(value)s) ตั้งรูปแบบเซลล์เป็นข้อความแล้วพิมพ์ค่าใหม่")
                        % {"value": raw[:10]},
                    )
                )
                table.bad_cells.add((number, key))
                continue
            if cell.is_number and key in CODE_COLUMNS and key not in warned:
                warned.add(key)
                notes.append(
                    RowError(
                        number,
                        label,
                        _(
                            "รหัสถูกบันทึกเป็นตัวเลขใน Excel: ถ้ารหัสขึ้นต้นด้วย 0 (เช่น 00036) เลข 0 จะหายไป "
                            "ให้ตั้งรูปแบบเซลล์เป็นข้อความ"
                        ),
                    )
                )
            values[key] = clean(raw)
        table.rows.append((number, values))
    if table is None:
        return None, [RowError(None, "", _("ไฟล์ว่างเปล่า ไม่มีข้อมูล"))], notes
    if not table.rows:
        return None, [RowError(None, "", _("ไฟล์มีแต่หัวตาราง ไม่มีแถวข้อมูล"))], notes
    return table, errors, notes


def _read_header(number: int, cells: list[_Cell]):
    headers: dict[str, str] = {}
    index: dict[int, str] = {}
    ignored: set[int] = set()
    errors: list[RowError] = []
    notes: list[RowError] = []
    for i, cell in enumerate(cells):
        text = clean(cell.text)
        if not text:
            continue
        if len(cell.text) > MAX_CELL_CHARS:
            errors.append(
                RowError(
                    number,
                    "",
                    _("หัวคอลัมน์ที่ %(n)s ยาวเกิน %(max)s ตัวอักษร") % {"n": i + 1, "max": MAX_CELL_CHARS},
                )
            )
            continue
        key = column_for_header(text)
        if key is None:
            ignored.add(i)
            notes.append(RowError(number, text, _("ไม่รู้จักคอลัมน์นี้ ระบบจะข้ามไป")))
            continue
        if key in headers:
            errors.append(
                RowError(number, text, _("คอลัมน์ซ้ำกับ '%(other)s'") % {"other": headers[key]})
            )
            continue
        headers[key] = text
        index[i] = key
    required = ["unit_code"]
    if any(k in headers for k in ("staff_code", *PERSON_FIELDS)):
        required += ["staff_code", "title", "first_name", "last_name"]
    if any(k in headers for k in ("position_number", *POSITION_FIELDS)):
        required += ["position_number", "position_title"]
        if not any(k in headers for k in ("position_type", "position_grade", "grade_code")):
            errors.append(
                RowError(
                    number,
                    "",
                    _(
                        "ไม่พบคอลัมน์ประเภทหรือระดับตำแหน่ง: ต้องมีคอลัมน์ 'ประเภทตำแหน่ง' และ 'ระดับ' หรือ 'รหัสระดับ'"
                    ),
                )
            )
    for key in required:
        if key not in headers:
            col = COLUMN_BY_KEY[key]
            errors.append(
                RowError(
                    number,
                    col.thai,
                    _("ไม่พบคอลัมน์ที่ต้องมี '%(thai)s' (%(en)s)") % {"thai": col.thai, "en": col.key},
                )
            )
    return headers, index, ignored, errors, notes
