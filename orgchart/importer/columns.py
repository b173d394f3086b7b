"""The columns of an org import file, and how one cell's text becomes a value.

Headers are matched in Thai or English (`column_for_header`); a cell is cleaned (`clean`) and
then parsed by the functions below, which know nothing of rows or of the database. What a row
as a whole must satisfy is in `orgchart.importer.rows`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from common.inputs import visible
from orgchart import grades
from orgchart.models import StaffType


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
    Column("work_group", "กลุ่มงาน", ("กลุ่มงานของตำแหน่ง",), max_length=64),
    Column("position_type", "ประเภทตำแหน่ง"),
    # position_level, level_code and level_scheme: the English headers of earlier files.
    Column("position_grade", "ระดับ", ("ระดับตำแหน่ง", "position_level")),
    Column("grade_code", "รหัสระดับ", ("level_code",)),
    Column("grade_scheme", "ระบบรหัส", ("ระบบรหัสระดับ", "level_scheme")),
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
    "work_group",
    "position_type",
    "position_grade",
    "grade_code",
    "grade_scheme",
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


def clean(value: str) -> str:
    """Trim, drop zero-width characters (common in Thai text pasted from the web), one space."""
    value = visible(value).replace("\u00a0", " ")
    return " ".join(value.split())


def _header_key(text: str) -> str:
    text = clean(text).casefold().rstrip("*").strip()
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
    m = re.fullmatch(r"(.+?)\s*\((.+)\)", clean(text))
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
_SCHEMES = {"ocsc": grades.OCSC, "dpis": grades.DPIS, "ก.พ.": grades.OCSC}
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


def parse_staff_type(text: str) -> StaffType | None:
    """The staff type a cell names (blank: ข้าราชการ), or None when it names none."""
    return _STAFF_TYPES.get(text or "ข้าราชการ")


def parse_role(text: str) -> str | None:
    """HEAD, ACTING or "" (no role) from the role column, or None when the text is unknown."""
    return _ROLES.get(text.casefold())


def parse_scheme(text: str) -> str | None:
    """The grade-code scheme (grades.OCSC or grades.DPIS) a cell names, or None."""
    return _SCHEMES.get(text.casefold())


def parse_probation(text: str) -> bool:
    key = text.casefold()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise ValueError(text)


def resolve_row_grade(
    type_text: str, grade_text: str, code: str, scheme: str | None
) -> tuple[str, str]:
    """(position type, OCSC grade) from a row, via grades.resolve_grade, plus what a row may add:
    'อื่น ๆ' for positions outside the civil-service grid, a grade name that fits one type only,
    and a Thai type that tells which reading of a bare M1/M2 is meant."""
    if type_text.replace(" ", "").casefold() in _OTHER_TYPE_NAMES:
        if grade_text or code:
            raise grades.GradeError(_("ตำแหน่งประเภทอื่น ๆ ไม่มีระดับ"))
        return grades.OTHER, ""
    if not type_text and grade_text and not code:
        types = {t for t, name in grades.GRADES.values() if name == grade_text}
        if len(types) == 1:
            type_text = grades.TYPE_NAMES[types.pop()]
        elif types:
            raise grades.GradeError(
                _("ระดับ '%(level)s' มีในหลายประเภทตำแหน่ง ต้องระบุประเภทตำแหน่ง") % {"level": grade_text}
            )
    if not (type_text or grade_text or code):
        raise grades.GradeError(_("ต้องระบุประเภทตำแหน่งและระดับ หรือรหัสระดับ"))
    if code and scheme is None and type_text:
        wanted_type = grades.parse_type(type_text)
        by_names = grades.grade_from_names(type_text, grade_text) if grade_text else None
        readings = set()
        for s in grades.SCHEMES:
            try:
                readings.add(grades.grade_from_code(code, s))
            except grades.GradeError:
                pass
        if not readings:
            raise grades.GradeError(_("รหัสระดับ '%(code)s' ไม่ถูกต้อง") % {"code": code})
        fits = {
            g for g in readings if grades.type_of_grade(g) == wanted_type and by_names in (None, g)
        }
        if len(fits) != 1:
            raise grades.GradeError(
                _("รหัสระดับ '%(code)s' ไม่ตรงกับ ประเภท%(type)s%(level)s")
                % {
                    "code": code,
                    "type": type_text,
                    "level": f" ระดับ{grade_text}" if grade_text else "",
                }
            )
        grade = fits.pop()
        return grades.type_of_grade(grade), grade
    ptype, grade = grades.resolve_grade(
        type_text=type_text, grade_text=grade_text, code=code, scheme=scheme
    )
    if type_text and grades.parse_type(type_text) != ptype:
        raise grades.GradeError(
            _("รหัสระดับ '%(code)s' ไม่ตรงกับ ประเภท%(type)s") % {"code": code, "type": type_text}
        )
    return ptype, grade
