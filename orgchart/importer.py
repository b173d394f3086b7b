"""Reads an org import file (CSV or xlsx) and works out what it would change, without writing.

The file is one table. Each row names a unit (รหัสหน่วยงาน) and may define that unit, a position
in it and a person in it. `plan_import` returns an `ImportPlan`: every error (Thai, with the row
number as Excel shows it and the column), and the creates and updates that
`orgchart.import_service.org_import` would make. The column list is in docs/import.md.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
import warnings
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgchart import levels
from orgchart.models import Ministry, OrgUnit, Person, Position, StaffType
from orgchart.selectors import roles_of

MAX_CELL_CHARS = 500
DEFAULT_MAX_ROWS = 100_000
# An xlsx is a zip; refuse one that inflates far beyond any real workbook (a zip bomb). Real
# sheets of repetitive rows inflate about 16 times.
XLSX_MAX_INFLATE_RATIO = 100
XLSX_MAX_INFLATED_BYTES = 300 * 1024 * 1024
QUERY_CHUNK = 500

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
KEEP = "keep"  # a person's position when the file has no position-number column


# --- columns -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    thai: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("unit_code", "รหัสหน่วยงาน", max_length=32),
    Column("unit_name", "ชื่อหน่วยงาน", max_length=255),
    Column("parent_code", "รหัสหน่วยงานต้นสังกัด", ("รหัสต้นสังกัด",), max_length=32),
    Column("unit_kind", "ประเภทหน่วยงาน", max_length=100),
    Column("unit_short_name", "ชื่อย่อ", ("ชื่อย่อหน่วยงาน",), max_length=100),
    Column("ministry", "กระทรวง", max_length=255),
    Column("ministry_code", "รหัสกระทรวง", max_length=32),
    Column("position_number", "เลขที่ตำแหน่ง", ("เลขตำแหน่ง",), max_length=32),
    Column("position_title", "ตำแหน่ง", ("ชื่อตำแหน่ง", "ตำแหน่งในสายงาน"), max_length=255),
    Column("management_title", "ตำแหน่งทางการบริหาร", max_length=255),
    Column("line_of_work", "สายงาน", max_length=255),
    Column("line_code", "รหัสสายงาน", max_length=32),
    Column("position_type", "ประเภทตำแหน่ง"),
    Column("position_level", "ระดับ", ("ระดับตำแหน่ง",)),
    Column("level_code", "รหัสระดับ"),
    Column("level_scheme", "ระบบรหัส", ("ระบบรหัสระดับ",)),
    Column("staff_code", "รหัสบุคลากร", max_length=32),
    Column("title", "คำนำหน้า", ("คำนำหน้าชื่อ",), max_length=64),
    Column("first_name", "ชื่อ", max_length=150),
    Column("last_name", "นามสกุล", max_length=150),
    Column("staff_type", "ประเภทบุคลากร"),
    Column("probation", "ทดลองปฏิบัติราชการ"),
    Column("salary", "เงินเดือน"),
    Column("email", "อีเมล", ("e-mail",), max_length=254),
    Column("username", "ชื่อผู้ใช้", max_length=150),
    Column("unit_role", "บทบาทในหน่วยงาน"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
UNIT_FIELDS = (
    "unit_name",
    "parent_code",
    "unit_kind",
    "unit_short_name",
    "ministry",
    "ministry_code",
)
POSITION_FIELDS = (
    "position_title",
    "management_title",
    "line_of_work",
    "line_code",
    "position_type",
    "position_level",
    "level_code",
    "level_scheme",
)
PERSON_FIELDS = (
    "title",
    "first_name",
    "last_name",
    "staff_type",
    "probation",
    "salary",
    "email",
    "username",
    "unit_role",
)
# Code-like columns: a number typed into Excel loses its leading zeros (00036 -> 36).
CODE_COLUMNS = ("unit_code", "parent_code", "position_number", "staff_code")

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def _clean(value: str) -> str:
    """Trim, drop zero-width characters (common in Thai text pasted from the web), one space."""
    value = _INVISIBLE.sub("", unicodedata.normalize("NFC", value)).replace("\u00a0", " ")
    return " ".join(value.split())


def _header_key(text: str) -> str:
    text = _clean(text).casefold().rstrip("*").strip()
    if text.isascii():
        return re.sub(r"[\s\-]+", "_", text)
    return text.replace(" ", "")


_ALIASES: dict[str, str] = {}
for _c in COLUMNS:
    for _name in (_c.key, _c.thai, *_c.aliases):
        _ALIASES[_header_key(_name)] = _c.key


def column_for_header(text: str) -> str | None:
    """The column key for a header, Thai or English, also 'ชื่อหน่วยงาน (unit_name)'."""
    key = _header_key(text)
    if key in _ALIASES:
        return _ALIASES[key]
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", _clean(text))
    if m:
        for part in m.groups():
            if _header_key(part) in _ALIASES:
                return _ALIASES[_header_key(part)]
    return None


# --- values --------------------------------------------------------------------------------------

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_SALARY = re.compile(r"\d+(\.\d{1,2})?")
_MAX_SALARY = Decimal("9999999999.99")
_YES = {"ใช่", "y", "yes", "1", "true", "จริง", "ทดลองปฏิบัติราชการ"}
_NO = {"", "ไม่ใช่", "ไม่", "n", "no", "0", "false", "เท็จ"}
_STAFF_TYPES = {
    "ข้าราชการ": StaffType.CIVIL_SERVANT,
    "ข้าราชการพลเรือน": StaffType.CIVIL_SERVANT,
    "ข้าราชการพลเรือนสามัญ": StaffType.CIVIL_SERVANT,
    "พนักงานราชการ": StaffType.GOVERNMENT_EMPLOYEE,
    "ลูกจ้างประจำ": StaffType.PERMANENT_EMPLOYEE,
}
_STAFF_TYPES.update({str(v): v for v in StaffType})
HEAD, ACTING = "head", "acting_head"
_ROLES = {
    "": "",
    "หัวหน้า": HEAD,
    "หัวหน้าหน่วยงาน": HEAD,
    "head": HEAD,
    "รักษาราชการแทน": ACTING,
    "รักษาการแทน": ACTING,
    "รักษาการ": ACTING,
    "acting": ACTING,
    "acting_head": ACTING,
}
_SCHEMES = {"ocsc": levels.OCSC, "dpis": levels.DPIS, "ก.พ.": levels.OCSC}
_OTHER_TYPE_NAMES = {"อื่นๆ", "other"}


def parse_salary(text: str) -> Decimal:
    """Baht with optional thousands commas and at most 2 decimals; never through float."""
    plain = text.translate(_THAI_DIGITS).replace(",", "").replace(" ", "").removesuffix("บาท")
    if not _SALARY.fullmatch(plain):
        raise ValueError(text)
    amount = Decimal(plain).quantize(Decimal("0.01"))
    if amount > _MAX_SALARY:
        raise ValueError(text)
    return amount


def parse_probation(text: str) -> bool:
    key = text.casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(text)


# --- errors --------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class RowError:
    """One problem, where the user can find it: the Excel row (header = 1) and the column."""

    row: int | None
    column: str = ""
    message: str = ""

    def __str__(self) -> str:
        where = []
        if self.row:
            where.append(_("แถว %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("คอลัมน์ '%(column)s'") % {"column": self.column})
        return f"{' '.join(where)}: {self.message}" if where else self.message


# --- reading the file ----------------------------------------------------------------------------


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
            if cell.is_formula or raw.lstrip().startswith("="):
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
            values[key] = _clean(raw)
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
        text = _clean(cell.text)
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
        if not any(k in headers for k in ("position_type", "position_level", "level_code")):
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


# --- the plan ------------------------------------------------------------------------------------


@dataclass
class MinistryAction:
    code: str
    name: str
    row: int
    op: str
    pk: int | None = None


@dataclass
class UnitAction:
    code: str
    row: int
    op: str
    pk: int | None = None
    name: str = ""
    short_name: str = ""
    kind: str = ""
    parent_code: str | None = None
    ministry_code: str | None = None
    depth: int = 0
    # field -> [old, new]; fields: name, short_name, kind, ministry, parent, head, acting_head
    changes: dict[str, list] = field(default_factory=dict)


@dataclass
class PositionAction:
    department_code: str
    number: str
    row: int
    op: str
    unit_code: str
    fields: dict
    pk: int | None = None
    changes: dict[str, list] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return (self.department_code, self.number)


@dataclass
class UserAction:
    username: str
    email: str
    row: int


@dataclass
class PersonAction:
    staff_code: str
    row: int
    op: str
    unit_code: str
    fields: dict
    pk: int | None = None
    position: tuple[str, str] | str | None = KEEP
    username: str | None = None  # None: leave the account link alone
    changes: dict[str, list] = field(default_factory=dict)


@dataclass
class ImportPlan:
    filename: str = ""
    scheme: str | None = None
    table: Table | None = None
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    ministries: list[MinistryAction] = field(default_factory=list)
    units: list[UnitAction] = field(default_factory=list)
    positions: list[PositionAction] = field(default_factory=list)
    users: list[UserAction] = field(default_factory=list)
    people: list[PersonAction] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.table is not None and not self.errors

    @property
    def row_count(self) -> int:
        return len(self.table.rows) if self.table else 0

    def counts(self) -> dict[str, dict[str, int]]:
        result = {}
        for name, actions in (
            ("ministries", self.ministries),
            ("units", self.units),
            ("positions", self.positions),
            ("people", self.people),
        ):
            tally = {CREATE: 0, UPDATE: 0, UNCHANGED: 0}
            for a in actions:
                tally[a.op] += 1
            result[name] = {
                "created": tally[CREATE],
                "updated": tally[UPDATE],
                "unchanged": tally[UNCHANGED],
            }
        result["users"] = {"created": len(self.users), "updated": 0, "unchanged": 0}
        return result

    @property
    def created(self) -> int:
        return sum(c["created"] for c in self.counts().values())

    @property
    def updated(self) -> int:
        return sum(c["updated"] for c in self.counts().values())

    @property
    def unchanged(self) -> int:
        return sum(c["unchanged"] for c in self.counts().values())

    def sorted_errors(self) -> list[RowError]:
        return sorted(self.errors, key=lambda e: (e.row or 0, e.column, e.message))

    def change_lines(self) -> list[dict]:
        """What will be written, one line per object, in row order (for the preview)."""
        lines = []
        kinds = (
            (
                _("กระทรวง"),
                self.ministries,
                lambda a: a.code,
                lambda a: {"name": [None, a.name]} if a.op == CREATE else {},
            ),
            (_("หน่วยงาน"), self.units, lambda a: a.code, lambda a: a.changes),
            (_("ตำแหน่ง"), self.positions, lambda a: a.number, lambda a: a.changes),
            (_("บุคลากร"), self.people, lambda a: a.staff_code, lambda a: a.changes),
        )
        for kind, actions, key, changes in kinds:
            for a in actions:
                if a.op == UNCHANGED:
                    continue
                sort = "position" if isinstance(a, PositionAction) else ""
                detail = ", ".join(
                    f"{_label(f, sort)}: {_show(old)} → {_show(new)}"
                    if a.op == UPDATE
                    else f"{_label(f, sort)}: {_show(new)}"
                    for f, (old, new) in changes(a).items()
                )
                lines.append(
                    {"row": a.row, "kind": kind, "key": key(a), "op": a.op, "detail": detail}
                )
        for u in self.users:
            lines.append(
                {
                    "row": u.row,
                    "kind": _("บัญชีผู้ใช้"),
                    "key": u.username,
                    "op": CREATE,
                    "detail": u.email,
                }
            )
        lines.sort(key=lambda line: line["row"])
        return lines

    @property
    def signature(self) -> str:
        """A digest of every write; the service refuses a plan whose digest has changed."""
        payload = (
            [["m", a.code, a.name, a.op] for a in self.ministries if a.op != UNCHANGED]
            + [["u", a.code, a.op, a.changes] for a in self.units if a.op != UNCHANGED]
            + [
                ["p", a.department_code, a.number, a.op, a.changes]
                for a in self.positions
                if a.op != UNCHANGED
            ]
            + [["a", a.username, a.email] for a in self.users]
            + [["s", a.staff_code, a.op, a.changes] for a in self.people if a.op != UNCHANGED]
        )
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def summary(self) -> str:
        c = self.counts()
        return _(
            "หน่วยงาน สร้าง %(uc)s แก้ไข %(uu)s ไม่เปลี่ยน %(un)s; ตำแหน่ง สร้าง %(pc)s แก้ไข %(pu)s "
            "ไม่เปลี่ยน %(pn)s; บุคลากร สร้าง %(sc)s แก้ไข %(su)s ไม่เปลี่ยน %(sn)s; "
            "บัญชีผู้ใช้ใหม่ %(ac)s; กระทรวงใหม่ %(mc)s"
        ) % {
            "uc": c["units"]["created"],
            "uu": c["units"]["updated"],
            "un": c["units"]["unchanged"],
            "pc": c["positions"]["created"],
            "pu": c["positions"]["updated"],
            "pn": c["positions"]["unchanged"],
            "sc": c["people"]["created"],
            "su": c["people"]["updated"],
            "sn": c["people"]["unchanged"],
            "ac": c["users"]["created"],
            "mc": c["ministries"]["created"],
        }


_FIELD_LABELS = {
    "name": gettext_lazy("ชื่อ"),
    "short_name": gettext_lazy("ชื่อย่อ"),
    "kind": gettext_lazy("ประเภทหน่วยงาน"),
    "ministry": gettext_lazy("กระทรวง"),
    "parent": gettext_lazy("หน่วยงานต้นสังกัด"),
    "head": gettext_lazy("หัวหน้า"),
    "acting_head": gettext_lazy("รักษาราชการแทน"),
    "title": gettext_lazy("คำนำหน้า"),
    "management_title": gettext_lazy("ตำแหน่งทางการบริหาร"),
    "line_of_work": gettext_lazy("สายงาน"),
    "line_code": gettext_lazy("รหัสสายงาน"),
    "position_type": gettext_lazy("ประเภทตำแหน่ง"),
    "level": gettext_lazy("ระดับ"),
    "unit": gettext_lazy("หน่วยงาน"),
    "first_name": gettext_lazy("ชื่อ"),
    "last_name": gettext_lazy("นามสกุล"),
    "staff_type": gettext_lazy("ประเภทบุคลากร"),
    "on_probation": gettext_lazy("ทดลองปฏิบัติราชการ"),
    "salary": gettext_lazy("เงินเดือน"),
    "email": gettext_lazy("อีเมล"),
    "position": gettext_lazy("ตำแหน่ง"),
    "user": gettext_lazy("ชื่อผู้ใช้"),
}


_POSITION_LABELS = {"title": gettext_lazy("ชื่อตำแหน่ง")}


def _label(name: str, kind: str = "") -> str:
    labels = _POSITION_LABELS if kind == "position" else {}
    return str(labels.get(name) or _FIELD_LABELS.get(name, name))


def _show(value) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)


# --- planning ------------------------------------------------------------------------------------


def plan_import(
    data: bytes, *, filename: str = "", scheme: str | None = None, user=None
) -> ImportPlan:
    """Read and check a file against the database. `user` None means the system (no scope)."""
    table, errors, notes = read_table(data, filename=filename)
    if table is None:
        return ImportPlan(filename=filename, scheme=scheme or None, errors=errors, warnings=notes)
    plan = build_plan(table, scheme=scheme, user=user, filename=filename)
    plan.warnings = notes + plan.warnings
    # Cell errors (formulas, huge cells) are kept with the rest so the user sees them all at once.
    plan.errors = sorted(errors + plan.errors, key=lambda e: (e.row or 0, e.column, e.message))
    return plan


def build_plan(
    table: Table, *, scheme: str | None = None, user=None, filename: str = ""
) -> ImportPlan:
    """The plan for an already-read table; the import service calls this again under the lock."""
    return _Planner(table, scheme=scheme or None, user=user, filename=filename).run()


def _chunks(items: Iterable, size: int = QUERY_CHUNK) -> Iterator[list]:
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass
class _UnitSpec:
    code: str
    first_row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (value, row)

    @property
    def row(self) -> int:
        named = self.values.get("unit_name")
        return named[1] if named else self.first_row

    def get(self, key: str) -> str:
        return self.values[key][0] if key in self.values else ""


class _Planner:
    def __init__(self, table: Table, *, scheme: str | None, user, filename: str):
        self.table = table
        self.scheme = scheme
        self.user = user
        self.plan = ImportPlan(filename=filename, scheme=scheme, table=table)
        self.unlimited = user is None or bool(getattr(user, "is_superuser", False))
        self.roles = None
        if not self.unlimited:
            # roles_of caches per request; the scope must be read now (the service re-plans
            # under the tree lock), not when the request began.
            try:
                del user._pms_roles
            except AttributeError:
                pass
            self.roles = roles_of(user)
        self.specs: dict[str, _UnitSpec] = {}
        self.position_rows: list[tuple[int, str, dict]] = []  # row, unit code, fields
        self.person_rows: list[tuple[int, str, dict]] = []
        self.existing: dict[str, OrgUnit] = {}
        self.final_parent: dict[str, str | None] = {}
        self.root_of: dict[str, str] = {}
        self.new_codes: set[str] = set()
        self._headed: dict[int, list[OrgUnit]] | None = None

    def error(self, row: int | None, key: str, message: str) -> None:
        self.plan.errors.append(RowError(row, self.table.label(key) if key else "", message))

    def run(self) -> ImportPlan:
        if self.scheme is not None and self.scheme not in levels.SCHEMES:
            self.error(
                None, "", _("ไม่รู้จักระบบรหัสระดับ '%(s)s' (ใช้ ocsc หรือ dpis)") % {"s": self.scheme}
            )
            return self.plan
        for number, values in self.table.rows:
            self._read_row(number, values)
        self._plan_units()
        self._plan_positions_and_people()
        self.plan.errors.sort(key=lambda e: (e.row or 0, e.column, e.message))
        return self.plan

    # --- one row ---

    def _bad(self, number: int, key: str) -> bool:
        return (number, key) in self.table.bad_cells

    def _length_ok(self, number: int, key: str, value: str) -> bool:
        limit = COLUMN_BY_KEY[key].max_length
        if limit and len(value) > limit:
            self.error(number, key, _("ยาวเกิน %(max)s ตัวอักษร") % {"max": limit})
            return False
        return True

    def _read_row(self, number: int, values: dict[str, str]) -> None:
        ok = True
        for key, value in values.items():
            ok = self._length_ok(number, key, value) and ok
        code = values.get("unit_code", "")
        if not code:
            if not self._bad(number, "unit_code"):
                self.error(number, "unit_code", _("ต้องระบุรหัสหน่วยงานทุกแถว"))
            return
        if not ok:
            return
        spec = self.specs.get(code)
        if spec is None:
            spec = self.specs[code] = _UnitSpec(code=code, first_row=number)
        for key in UNIT_FIELDS:
            value = values.get(key, "")
            if not value:
                continue
            if key in spec.values and spec.values[key][0] != value:
                old, old_row = spec.values[key]
                self.error(
                    number,
                    key,
                    _("หน่วยงาน '%(code)s' มี%(col)s '%(new)s' ไม่ตรงกับแถว %(row)s ('%(old)s')")
                    % {
                        "code": code,
                        "col": self.table.label(key),
                        "new": value,
                        "row": old_row,
                        "old": old,
                    },
                )
                continue
            spec.values.setdefault(key, (value, number))
        number_value = values.get("position_number", "")
        staff_code = values.get("staff_code", "")
        if number_value:
            self.position_rows.append((number, code, values))
        elif any(values.get(k) for k in POSITION_FIELDS if k != "level_scheme") and not self._bad(
            number, "position_number"
        ):
            self.error(number, "position_number", _("มีข้อมูลตำแหน่งแต่ไม่ได้ระบุเลขที่ตำแหน่ง"))
        if staff_code:
            self.person_rows.append((number, code, values))
        elif any(values.get(k) for k in PERSON_FIELDS) and not self._bad(number, "staff_code"):
            self.error(number, "staff_code", _("มีข้อมูลบุคลากรแต่ไม่ได้ระบุรหัสบุคลากร"))

    # --- units ---

    def _load_units(self, codes: Iterable[str]) -> None:
        wanted = [c for c in set(codes) if c not in self.existing]
        for chunk in _chunks(wanted):
            for unit in OrgUnit.objects.filter(code__in=chunk).select_related("parent", "ministry"):
                self.existing[unit.code] = unit

    def _plan_units(self) -> None:
        specs = self.specs
        parent_codes = {s.get("parent_code") for s in specs.values() if s.get("parent_code")}
        self._load_units(set(specs) | parent_codes)
        existing = self.existing
        roots = {
            u.tree_id: u
            for chunk in _chunks({u.tree_id for u in existing.values()})
            for u in OrgUnit.objects.filter(parent__isnull=True, tree_id__in=chunk)
        }
        self.roots_by_tree = roots
        defined = {code for code, s in specs.items() if s.get("unit_name") or code in existing}
        for code, spec in specs.items():
            if code not in existing and not spec.get("unit_name"):
                self.error(
                    spec.first_row,
                    "unit_code",
                    _("ไม่พบหน่วยงานรหัส '%(code)s' ในระบบ และไม่มีแถวใดในไฟล์ที่ระบุชื่อหน่วยงานนี้")
                    % {"code": code},
                )
        # Final parent of every unit in the file; a blank parent leaves an existing unit in place.
        moved_trees: set[int] = set()
        for code, spec in specs.items():
            if code not in defined:
                continue
            unit = existing.get(code)
            parent = spec.get("parent_code") or None
            if parent is not None and parent not in defined and parent not in existing:
                self.error(
                    spec.values["parent_code"][1],
                    "parent_code",
                    _("ไม่พบหน่วยงานต้นสังกัดรหัส '%(parent)s' ทั้งในไฟล์และในระบบ") % {"parent": parent},
                )
                continue
            if unit is None:
                self.new_codes.add(code)
                self.final_parent[code] = parent
                continue
            current = unit.parent.code if unit.parent_id else None
            if parent is None or parent == current:
                self.final_parent[code] = current
                continue
            if current is None:
                self.error(
                    spec.values["parent_code"][1],
                    "parent_code",
                    _("'%(code)s' เป็นหน่วยงานระดับส่วนราชการ (กรม) ย้ายไปอยู่ใต้หน่วยงานอื่นด้วยการนำเข้าไม่ได้")
                    % {"code": code},
                )
                continue
            self.final_parent[code] = parent
            moved_trees.add(unit.tree_id)
        db_parent = self._tree_parent_map(moved_trees)
        self._resolve_roots(moved_trees, db_parent)
        self._build_unit_actions()

    def _tree_parent_map(self, tree_ids: set[int]) -> dict[str, str | None]:
        """code -> parent code for whole trees in which the file moves a unit (to find cycles)."""
        if not tree_ids:
            return {}
        rows = list(
            OrgUnit.objects.filter(tree_id__in=tree_ids).values_list("pk", "code", "parent_id")
        )
        code_of = {pk: code for pk, code, _parent in rows}
        return {code: code_of.get(parent) for _pk, code, parent in rows}

    def _resolve_roots(self, moved_trees: set[int], db_parent: dict[str, str | None]) -> None:
        existing = self.existing
        state: dict[str, str] = {}  # code -> resolved root code, or "" when part of a broken chain

        def parent_of(code: str) -> str | None:
            if code in self.final_parent:
                return self.final_parent[code]
            return db_parent.get(code)

        for start in sorted(self.final_parent, key=lambda c: self.specs[c].row):
            if start in state:
                continue
            path: list[str] = []
            on_path: set[str] = set()
            code: str | None = start
            root: str = ""
            while True:
                if code in state:
                    root = state[code]
                    break
                if code in on_path:
                    cycle = path[path.index(code) :] + [code]
                    self._report_cycle(cycle)
                    root = ""
                    break
                unit = existing.get(code)
                if unit is not None and unit.tree_id not in moved_trees:
                    root = self.roots_by_tree[unit.tree_id].code
                    break
                if code not in self.final_parent and code not in db_parent:
                    root = ""  # a parent the unit checks already reported as unknown
                    break
                path.append(code)
                on_path.add(code)
                nxt = parent_of(code)
                if nxt is None:
                    root = code
                    break
                code = nxt
            for c in path:
                state[c] = root
        for code, root in state.items():
            if code in self.final_parent and root:
                self.root_of[code] = root
        for code, unit in existing.items():
            if code not in self.root_of and code not in state:
                self.root_of[code] = self.roots_by_tree[unit.tree_id].code
        # A move must stay inside the unit's department: positions are numbered per department.
        for code in self.final_parent:
            unit = existing.get(code)
            if unit is None or code not in self.root_of:
                continue
            current_root = self.roots_by_tree[unit.tree_id].code
            if self.root_of[code] != current_root:
                spec = self.specs[code]
                self.error(
                    spec.values["parent_code"][1],
                    "parent_code",
                    _(
                        "ย้ายหน่วยงาน '%(code)s' ไปต่างส่วนราชการด้วยการนำเข้าไม่ได้ (อยู่ใน '%(root)s') "
                        "ใช้หน้าแก้ไขหน่วยงานแทน"
                    )
                    % {"code": code, "root": current_root},
                )
                del self.root_of[code]

    def _report_cycle(self, cycle: list[str]) -> None:
        # A cycle always has at least one edge from the file; report it at that unit's row.
        first = min((c for c in cycle[:-1] if c in self.specs), key=lambda c: self.specs[c].row)
        rows = {c: self.specs[c].row for c in cycle if c in self.specs}
        shown = " → ".join(
            f"'{c}' ({_('แถว')} {rows[c]})" if c in rows else f"'{c}'" for c in cycle
        )
        spec = self.specs[first]
        row = spec.values["parent_code"][1] if "parent_code" in spec.values else spec.row
        self.error(
            row, "parent_code", _("รหัสหน่วยงานต้นสังกัดวนกลับมาที่เดิม: %(cycle)s") % {"cycle": shown}
        )

    def _covers(self, unit: OrgUnit) -> bool:
        return self.unlimited or self.roles.hr_covers(unit)

    def _first_existing_ancestor(self, code: str) -> OrgUnit | None:
        seen = set()
        parent = self.final_parent.get(code)
        while parent is not None and parent not in seen:
            seen.add(parent)
            if parent in self.existing:
                return self.existing[parent]
            parent = self.final_parent.get(parent)
        return None

    def _build_unit_actions(self) -> None:
        existing = self.existing
        ministries: dict[str, MinistryAction] = {}
        depth: dict[str, int] = {}

        def depth_of(code: str) -> int:
            # Creation order: a new unit comes after the new units above it.
            chain, c = [], code
            while c in self.new_codes and c not in depth and c not in chain:
                chain.append(c)
                c = self.final_parent.get(c)
            base = depth.get(c, -1) if c in self.new_codes else -1
            for item in reversed(chain):
                base += 1
                depth[item] = base
            return depth[code]

        for code, spec in sorted(self.specs.items(), key=lambda kv: kv[1].row):
            if code not in self.root_of:
                continue
            unit = existing.get(code)
            row = spec.row
            # Scope: an existing unit must be inside the user's HR subtree; a new one must hang
            # under a unit that is; only an administrator starts a new department.
            if unit is not None and not self._covers(unit):
                self.error(
                    spec.first_row,
                    "unit_code",
                    _("หน่วยงาน '%(code)s' อยู่นอกขอบเขตงานบุคคลของท่าน") % {"code": code},
                )
                continue
            if unit is None or self.final_parent.get(code) != (
                unit.parent.code if unit.parent_id else None
            ):
                anchor = self._first_existing_ancestor(code)
                if anchor is None and unit is None and not self.unlimited:
                    self.error(
                        row,
                        "parent_code" if spec.get("parent_code") else "unit_code",
                        _("สร้างส่วนราชการใหม่ (หน่วยงานที่ไม่มีต้นสังกัด) '%(code)s' ได้เฉพาะผู้ดูแลระบบ")
                        % {"code": code},
                    )
                    continue
                if anchor is not None and not self._covers(anchor):
                    self.error(
                        row,
                        "parent_code",
                        _("หน่วยงานต้นสังกัด '%(parent)s' อยู่นอกขอบเขตงานบุคคลของท่าน")
                        % {"parent": anchor.code},
                    )
                    continue
            is_root = self.final_parent.get(code) is None
            ministry_code = None
            if spec.get("ministry") or spec.get("ministry_code"):
                key = "ministry" if spec.get("ministry") else "ministry_code"
                if not is_root:
                    self.error(
                        spec.values[key][1],
                        key,
                        _("กำหนดกระทรวงได้เฉพาะหน่วยงานระดับส่วนราชการ (ไม่มีหน่วยงานต้นสังกัด)"),
                    )
                    continue
                ministry_code = self._ministry(spec, ministries)
                if ministry_code is None:
                    continue
            if unit is None:
                action = UnitAction(
                    code=code,
                    row=row,
                    op=CREATE,
                    name=spec.get("unit_name"),
                    short_name=spec.get("unit_short_name"),
                    kind=spec.get("unit_kind"),
                    parent_code=self.final_parent.get(code),
                    ministry_code=ministry_code,
                    depth=depth_of(code),
                )
                action.changes = {
                    k: [None, v]
                    for k, v in (
                        ("name", action.name),
                        ("short_name", action.short_name),
                        ("kind", action.kind),
                        ("parent", action.parent_code),
                        ("ministry", ministry_code),
                    )
                    if v
                }
                self.plan.units.append(action)
                continue
            action = UnitAction(code=code, row=row, op=UNCHANGED, pk=unit.pk)
            for key, attr in (
                ("unit_name", "name"),
                ("unit_short_name", "short_name"),
                ("unit_kind", "kind"),
            ):
                value = spec.get(key)
                if value and value != getattr(unit, attr):
                    action.changes[attr] = [getattr(unit, attr), value]
            current_parent = unit.parent.code if unit.parent_id else None
            if self.final_parent.get(code) != current_parent:
                action.changes["parent"] = [current_parent, self.final_parent.get(code)]
                action.parent_code = self.final_parent.get(code)
            current_ministry = unit.ministry.code if unit.ministry_id else None
            if ministry_code is not None and ministry_code != current_ministry:
                if not self.unlimited:
                    self.error(row, "ministry", _("เปลี่ยนกระทรวงของส่วนราชการได้เฉพาะผู้ดูแลระบบ"))
                    continue
                action.changes["ministry"] = [current_ministry, ministry_code]
                action.ministry_code = ministry_code
            if action.changes:
                action.op = UPDATE
            self.plan.units.append(action)
        self.plan.ministries = list(ministries.values())
        self.unit_actions = {a.code: a for a in self.plan.units}

    def _ministry(self, spec: _UnitSpec, seen: dict[str, MinistryAction]) -> str | None:
        name, code = spec.get("ministry"), spec.get("ministry_code")
        row = spec.values.get("ministry", spec.values.get("ministry_code"))[1]
        found = None
        if code:
            found = Ministry.objects.filter(code=code).first()
        elif name:
            found = Ministry.objects.filter(name=name).order_by("pk").first()
        if found is not None:
            if name and found.name != name:
                self.error(
                    row,
                    "ministry",
                    _("รหัสกระทรวง '%(code)s' ในระบบชื่อ '%(old)s' ไม่ตรงกับ '%(new)s'")
                    % {"code": found.code, "old": found.name, "new": name},
                )
                return None
            seen.setdefault(
                found.code, MinistryAction(found.code, found.name, row, UNCHANGED, found.pk)
            )
            return found.code
        if not name:
            self.error(
                row,
                "ministry_code",
                _("ไม่พบกระทรวงรหัส '%(code)s' ต้องระบุชื่อกระทรวงเพื่อสร้างใหม่") % {"code": code},
            )
            return None
        if not self.unlimited:
            self.error(row, "ministry", _("สร้างกระทรวงใหม่ได้เฉพาะผู้ดูแลระบบ"))
            return None
        code = code or _ministry_code(name)
        if code in seen and seen[code].name != name:
            self.error(
                row,
                "ministry",
                _("รหัสกระทรวง '%(code)s' ซ้ำกับแถว %(row)s") % {"code": code, "row": seen[code].row},
            )
            return None
        seen.setdefault(code, MinistryAction(code, name, row, CREATE))
        return code

    # --- positions and people ---

    def _level(self, number: int, values: dict[str, str]) -> tuple[str, str] | None:
        type_text = values.get("position_type", "")
        level_text = values.get("position_level", "").removeprefix("ระดับ")
        code = values.get("level_code", "").upper()
        scheme = self.scheme
        if values.get("level_scheme"):
            scheme = _SCHEMES.get(values["level_scheme"].casefold())
            if scheme is None:
                self.error(
                    number,
                    "level_scheme",
                    _("ไม่รู้จักระบบรหัส '%(s)s' (ใช้ ocsc หรือ dpis)") % {"s": values["level_scheme"]},
                )
                return None
        column = (
            "level_code"
            if code
            else "position_level"
            if type_text and level_text
            else "position_type"
        )
        try:
            return _resolve_level(type_text, level_text, code, scheme)
        except levels.LevelError as exc:
            self.error(number, column, str(exc))
            return None

    def _plan_positions_and_people(self) -> None:
        has_role = self.table.has("unit_role")
        # Positions from the file, checked and keyed by (department code, number).
        pos_rows: dict[tuple[str, str], tuple[int, str, dict]] = {}
        for number, unit_code, values in self.position_rows:
            if unit_code not in self.unit_actions:
                continue
            title = values.get("position_title", "")
            if not title:
                if not self._bad(number, "position_title"):
                    self.error(number, "position_title", _("ต้องระบุชื่อตำแหน่ง"))
                continue
            resolved = self._level(number, values)
            if resolved is None:
                continue
            key = (self.root_of[unit_code], values["position_number"])
            if key in pos_rows:
                self.error(
                    number,
                    "position_number",
                    _("เลขที่ตำแหน่ง '%(num)s' ซ้ำกับแถว %(row)s (ในส่วนราชการเดียวกัน)")
                    % {"num": key[1], "row": pos_rows[key][0]},
                )
                continue
            ptype, level = resolved
            fields = {
                "title": title,
                "management_title": values.get("management_title", ""),
                "line_of_work": values.get("line_of_work", ""),
                "line_code": values.get("line_code", ""),
                "position_type": ptype,
                "level": level,
            }
            pos_rows[key] = (number, unit_code, fields)
        existing_positions = self._load_positions(pos_rows)
        people = self._read_people()
        existing_people = self._load_people(people)
        users = self._load_users(people)

        staff_in_file = set(people)
        holder_ok: dict[tuple[str, str], bool] = {}
        for key, (number, unit_code, fields) in pos_rows.items():
            pos = existing_positions.get(key)
            if pos is None:
                action = PositionAction(key[0], key[1], number, CREATE, unit_code, fields)
                action.changes = {k: [None, v] for k, v in fields.items() if v} | {
                    "unit": [None, unit_code]
                }
                self.plan.positions.append(action)
                continue
            if not self._covers(pos.unit):
                self.error(
                    number,
                    "position_number",
                    _("ตำแหน่งเลขที่ '%(num)s' อยู่ในหน่วยงาน '%(unit)s' ซึ่งอยู่นอกขอบเขตงานบุคคลของท่าน")
                    % {"num": key[1], "unit": pos.unit.code},
                )
                continue
            action = PositionAction(key[0], key[1], number, UNCHANGED, unit_code, fields, pk=pos.pk)
            for k, v in fields.items():
                if getattr(pos, k) != v:
                    action.changes[k] = [getattr(pos, k), v]
            if pos.unit.code != unit_code:
                action.changes["unit"] = [pos.unit.code, unit_code]
            if action.changes:
                action.op = UPDATE
            self.plan.positions.append(action)
            holder = getattr(pos, "holder", None)
            holder_ok[key] = holder is None or holder.staff_code in staff_in_file
        position_keys = {a.key for a in self.plan.positions}

        usernames_seen: dict[str, int] = {}
        heads: dict[tuple[str, str], tuple[str, int]] = {}  # (unit, role) -> staff code, row
        for staff_code, (number, unit_code, p) in people.items():
            if unit_code not in self.unit_actions:
                continue
            person = existing_people.get(staff_code)
            if person is not None and not self._covers(person.unit):
                self.error(
                    number,
                    "staff_code",
                    _("บุคลากร '%(code)s' อยู่ในหน่วยงาน '%(unit)s' ซึ่งอยู่นอกขอบเขตงานบุคคลของท่าน")
                    % {"code": staff_code, "unit": person.unit.code},
                )
                continue
            position: tuple[str, str] | str | None = KEEP
            if self.table.has("position_number"):
                position = None
                if p["position_number"]:
                    key = (self.root_of[unit_code], p["position_number"])
                    if key not in position_keys:
                        continue  # the position row itself carries the error
                    if not holder_ok.get(key, True):
                        pos = existing_positions[key]
                        if person is None or pos.holder.pk != person.pk:
                            self.error(
                                number,
                                "position_number",
                                _(
                                    "ตำแหน่งเลขที่ '%(num)s' มีผู้ครองอยู่แล้ว (%(holder)s รหัส %(code)s) ซึ่งไม่อยู่ในไฟล์"
                                )
                                % {
                                    "num": key[1],
                                    "holder": pos.holder.full_name,
                                    "code": pos.holder.staff_code,
                                },
                            )
                            continue
                    position = key
            username = p["username"] or None
            if username:
                if username in usernames_seen:
                    self.error(
                        number,
                        "username",
                        _("ชื่อผู้ใช้ '%(u)s' ซ้ำกับแถว %(row)s")
                        % {"u": username, "row": usernames_seen[username]},
                    )
                    continue
                usernames_seen[username] = number
                account = users.get(username)
                linked = getattr(account, "person", None) if account is not None else None
                if linked is not None and linked.staff_code != staff_code:
                    self.error(
                        number,
                        "username",
                        _("ชื่อผู้ใช้ '%(u)s' ผูกกับบุคลากรรหัส '%(code)s' อยู่แล้ว")
                        % {"u": username, "code": linked.staff_code},
                    )
                    continue
                if account is not None and account.is_superuser and not self.unlimited:
                    self.error(number, "username", _("ผูกบัญชีผู้ดูแลระบบกับบุคลากรได้เฉพาะผู้ดูแลระบบ"))
                    continue
                if account is None:
                    self.plan.users.append(
                        UserAction(username, p["fields"].get("email", ""), number)
                    )
            role = p["role"]
            if role:
                other = heads.get((unit_code, role))
                if other is not None:
                    self.error(
                        number,
                        "unit_role",
                        _("หน่วยงาน '%(unit)s' มี%(role)sแล้วที่แถว %(row)s")
                        % {"unit": unit_code, "role": _label(role), "row": other[1]},
                    )
                    continue
                heads[(unit_code, role)] = (staff_code, number)
            self._person_action(staff_code, number, unit_code, p, person, position, username)
        if has_role:
            self._plan_heads(people, existing_people, heads)

    def _read_people(self) -> dict[str, tuple[int, str, dict]]:
        people: dict[str, tuple[int, str, dict]] = {}
        for number, unit_code, values in self.person_rows:
            staff_code = values["staff_code"]
            if staff_code in people:
                self.error(
                    number,
                    "staff_code",
                    _("รหัสบุคลากร '%(code)s' ซ้ำกับแถว %(row)s")
                    % {"code": staff_code, "row": people[staff_code][0]},
                )
                continue
            ok = True
            for key in ("title", "first_name", "last_name"):
                if not values.get(key) and not self._bad(number, key):
                    self.error(number, key, _("ต้องระบุ%(col)s") % {"col": self.table.label(key)})
                    ok = False
            staff_type = _STAFF_TYPES.get(values.get("staff_type", "") or "ข้าราชการ")
            if staff_type is None:
                self.error(
                    number,
                    "staff_type",
                    _("ไม่รู้จักประเภทบุคลากร '%(v)s' (ใช้ ข้าราชการ, พนักงานราชการ หรือ ลูกจ้างประจำ)")
                    % {"v": values["staff_type"]},
                )
                ok = False
            try:
                probation = parse_probation(values.get("probation", ""))
            except ValueError:
                self.error(
                    number,
                    "probation",
                    _("ค่า '%(v)s' ไม่ถูกต้อง (ใช้ ใช่/ไม่ใช่, Y/N หรือ 1/0)") % {"v": values["probation"]},
                )
                ok = False
            salary = None
            if values.get("salary"):
                try:
                    salary = parse_salary(values["salary"])
                except ValueError:
                    self.error(
                        number,
                        "salary",
                        _("เงินเดือน '%(v)s' ไม่ถูกต้อง (ตัวเลขไม่ติดลบ ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 25,000.50)")
                        % {"v": values["salary"]},
                    )
                    ok = False
            email = values.get("email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self.error(number, "email", _("อีเมล '%(v)s' ไม่ถูกต้อง") % {"v": email})
                    ok = False
            username = values.get("username", "")
            if username:
                try:
                    UnicodeUsernameValidator()(username)
                except ValidationError:
                    self.error(
                        number,
                        "username",
                        _("ชื่อผู้ใช้ '%(v)s' ไม่ถูกต้อง (ใช้ตัวอักษร ตัวเลข และ @ . + - _ เท่านั้น ห้ามเว้นวรรค)")
                        % {"v": username},
                    )
                    ok = False
            role = _ROLES.get(values.get("unit_role", "").casefold())
            if role is None:
                self.error(
                    number,
                    "unit_role",
                    _("ไม่รู้จักบทบาท '%(v)s' (ใช้ หัวหน้า หรือ รักษาราชการแทน หรือเว้นว่าง)")
                    % {"v": values["unit_role"]},
                )
                ok = False
            if not ok:
                # Kept (as None) so that a later duplicate of this code still names this row.
                people[staff_code] = (number, unit_code, None)
                continue
            fields = {
                "title": values.get("title", ""),
                "first_name": values.get("first_name", ""),
                "last_name": values.get("last_name", ""),
            }
            # A column the file does not have leaves that field alone on existing people.
            for key, attr, value in (
                ("staff_type", "staff_type", str(staff_type)),
                ("probation", "on_probation", probation),
                ("salary", "salary", salary),
                ("email", "email", email),
            ):
                if self.table.has(key):
                    fields[attr] = value
            people[staff_code] = (
                number,
                unit_code,
                {
                    "fields": fields,
                    "position_number": values.get("position_number", ""),
                    "username": username,
                    "role": role,
                },
            )
        return {code: v for code, v in people.items() if v[2] is not None}

    def _load_positions(self, pos_rows) -> dict[tuple[str, str], Position]:
        result: dict[tuple[str, str], Position] = {}
        by_root: dict[str, list[str]] = defaultdict(list)
        roots = {u.code: u for u in self.roots_by_tree.values()}
        for dept, num in pos_rows:
            if dept in roots:
                by_root[dept].append(num)
        for dept, numbers in by_root.items():
            root = roots[dept]
            for chunk in _chunks(numbers):
                for pos in Position.objects.filter(
                    department=root, number__in=chunk
                ).select_related("unit", "holder"):
                    result[(dept, pos.number)] = pos
        return result

    def _load_people(self, people) -> dict[str, Person]:
        result = {}
        for chunk in _chunks(people):
            for p in Person.objects.filter(staff_code__in=chunk).select_related(
                "unit", "position__department", "user"
            ):
                result[p.staff_code] = p
        return result

    def _load_users(self, people) -> dict:
        names = [p["username"] for _n, _u, p in people.values() if p["username"]]
        User = get_user_model()
        result = {}
        for chunk in _chunks(names):
            for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": chunk}).select_related(
                "person"
            ):
                result[u.get_username()] = u
        return result

    def _person_action(self, staff_code, number, unit_code, p, person, position, username) -> None:
        fields = p["fields"]
        if person is None:
            fields = {
                "staff_type": str(StaffType.CIVIL_SERVANT),
                "on_probation": False,
                "salary": None,
                "email": "",
            } | fields
            action = PersonAction(
                staff_code,
                number,
                CREATE,
                unit_code,
                fields,
                position=None if position == KEEP else position,
                username=username,
            )
            action.changes = {k: [None, v] for k, v in fields.items() if v not in (None, "", False)}
            action.changes["unit"] = [None, unit_code]
            if action.position:
                action.changes["position"] = [None, list(action.position)]
            if username:
                action.changes["user"] = [None, username]
            self.plan.people.append(action)
            return
        action = PersonAction(
            staff_code,
            number,
            UNCHANGED,
            unit_code,
            fields,
            pk=person.pk,
            position=position,
            username=username,
        )
        for k, v in fields.items():
            if getattr(person, k) != v:
                action.changes[k] = [getattr(person, k), v]
        if person.unit.code != unit_code:
            action.changes["unit"] = [person.unit.code, unit_code]
        if position != KEEP:
            current = (
                (person.position.department.code, person.position.number)
                if person.position_id
                else None
            )
            if current != position:
                action.changes["position"] = [
                    list(current) if current else None,
                    list(position) if position else None,
                ]
        if username and (person.user is None or person.user.get_username() != username):
            action.changes["user"] = [person.user.get_username() if person.user else None, username]
        if action.changes:
            action.op = UPDATE
        self.plan.people.append(action)

    def _plan_heads(self, people, existing_people, heads) -> None:
        """Heads from the role column, for the units of the people in the file.

        A row speaks for its own unit: 'หัวหน้า' makes the person its head; no role means the person
        does not head it (an old mark is removed). A person who moves out of a unit stops heading
        it. Heads of other units (an acting head borrowed from another unit) are left alone.
        """
        actions = {a.staff_code: a for a in self.plan.people}
        wanted: dict[str, dict[str, str | None]] = defaultdict(dict)  # unit -> role -> staff code
        rows: dict[str, int] = {}
        for (unit_code, role), (staff_code, number) in heads.items():
            if staff_code in actions:
                wanted[unit_code][role] = staff_code
                rows.setdefault(unit_code, number)
        for staff_code, (number, unit_code, _p) in people.items():
            person = existing_people.get(staff_code)
            if person is None or staff_code not in actions:
                continue
            for unit in self._units_headed_by(person):
                for role in (HEAD, ACTING):
                    if getattr(unit, f"{role}_id") != person.pk:
                        continue
                    if unit.code == unit_code or person.unit.code == unit.code:
                        wanted[unit.code].setdefault(role, None)
                        rows.setdefault(unit.code, number)
        if not wanted:
            return
        self._load_units(wanted)
        codes_by_pk = {}
        pks = {
            getattr(u, f"{r}_id")
            for u in (self.existing.get(c) for c in wanted)
            if u
            for r in (HEAD, ACTING)
        }
        for chunk in _chunks({pk for pk in pks if pk}):
            codes_by_pk.update(Person.objects.filter(pk__in=chunk).values_list("pk", "staff_code"))
        for unit_code, roles in sorted(wanted.items()):
            unit = self.existing.get(unit_code)
            action = self.unit_actions.get(unit_code)
            if action is None:
                if unit is None or not self._covers(unit):
                    continue
                action = UnitAction(code=unit_code, row=rows[unit_code], op=UNCHANGED, pk=unit.pk)
                self.plan.units.append(action)
                self.unit_actions[unit_code] = action
            for role, staff_code in roles.items():
                current = codes_by_pk.get(getattr(unit, f"{role}_id")) if unit is not None else None
                if current != staff_code:
                    action.changes[role] = [current, staff_code]
            if action.changes and action.op == UNCHANGED:
                action.op = UPDATE

    def _units_headed_by(self, person: Person) -> list[OrgUnit]:
        if self._headed is None:
            self._headed = defaultdict(list)
            pks = [a.pk for a in self.plan.people if a.pk]
            for chunk in _chunks(pks):
                for unit in OrgUnit.objects.filter(
                    Q(head_id__in=chunk) | Q(acting_head_id__in=chunk)
                ):
                    for holder in {unit.head_id, unit.acting_head_id} - {None}:
                        self._headed[holder].append(unit)
        return self._headed.get(person.pk, [])


def _resolve_level(
    type_text: str, level_text: str, code: str, scheme: str | None
) -> tuple[str, str]:
    """(position type, OCSC level) from a row, via levels.resolve_level, plus what a row may add:
    'อื่น ๆ' for positions outside the civil-service grid, a level name that fits one type only,
    and a Thai type that tells which reading of a bare M1/M2 is meant."""
    if type_text.replace(" ", "").casefold() in _OTHER_TYPE_NAMES:
        if level_text or code:
            raise levels.LevelError(_("ตำแหน่งประเภทอื่น ๆ ไม่มีระดับ"))
        return levels.OTHER, ""
    if not type_text and level_text and not code:
        types = {t for t, name in levels.LEVELS.values() if name == level_text}
        if len(types) == 1:
            type_text = levels.TYPE_NAMES[types.pop()]
        elif types:
            raise levels.LevelError(
                _("ระดับ '%(level)s' มีในหลายประเภทตำแหน่ง ต้องระบุประเภทตำแหน่ง") % {"level": level_text}
            )
    if not (type_text or level_text or code):
        raise levels.LevelError(_("ต้องระบุประเภทตำแหน่งและระดับ หรือรหัสระดับ"))
    if code and scheme is None and type_text:
        wanted_type = levels.parse_type(type_text)
        by_names = levels.level_from_names(type_text, level_text) if level_text else None
        readings = set()
        for s in levels.SCHEMES:
            try:
                readings.add(levels.level_from_code(code, s))
            except levels.LevelError:
                pass
        if not readings:
            raise levels.LevelError(_("รหัสระดับ '%(code)s' ไม่ถูกต้อง") % {"code": code})
        fits = {
            lv
            for lv in readings
            if levels.type_of_level(lv) == wanted_type and by_names in (None, lv)
        }
        if len(fits) != 1:
            raise levels.LevelError(
                _("รหัสระดับ '%(code)s' ไม่ตรงกับ ประเภท%(type)s%(level)s")
                % {
                    "code": code,
                    "type": type_text,
                    "level": f" ระดับ{level_text}" if level_text else "",
                }
            )
        level = fits.pop()
        return levels.type_of_level(level), level
    ptype, level = levels.resolve_level(
        type_text=type_text, level_text=level_text, code=code, scheme=scheme
    )
    if type_text and levels.parse_type(type_text) != ptype:
        raise levels.LevelError(
            _("รหัสระดับ '%(code)s' ไม่ตรงกับ ประเภท%(type)s") % {"code": code, "type": type_text}
        )
    return ptype, level


def _ministry_code(name: str) -> str:
    """A ministry's code when the file gives none: its name, shortened with a digest if too long."""
    limit = Ministry._meta.get_field("code").max_length
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"
