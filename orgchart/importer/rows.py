"""The import's row checks: what each row of an org import file must satisfy on its own.

A row names a unit (รหัสหน่วยงาน) and may define it, a position in it and a person in it. The
checks here look at one row at a time: lengths, the unit code, a unit defined differently by
two rows, position or person data without its number or code, the position's title and grade,
and the person's names, staff type, probation, salary, email, username and role. Each failure
is a Thai error at the row's Excel number and column (`Planner.error`), and the row, or the
part of it that failed, is left out of the plan.

Checks that need other rows or the database (duplicates, parents and cycles, HR scope, holders,
accounts, heads) are in `orgchart.importer.units` and `orgchart.importer.people`; how one cell's
text is parsed is in `orgchart.importer.columns`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from orgchart import grades
from orgchart.importer.columns import (
    COLUMN_BY_KEY,
    PERSON_FIELDS,
    POSITION_FIELDS,
    UNIT_FIELDS,
    parse_probation,
    parse_role,
    parse_salary,
    parse_scheme,
    parse_staff_type,
    resolve_row_grade,
)

if TYPE_CHECKING:
    from orgchart.importer.planner import Planner


@dataclass
class UnitSpec:
    """What the rows of the file say about one unit, with the row each value came from."""

    code: str
    first_row: int
    values: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (value, row)

    @property
    def row(self) -> int:
        named = self.values.get("unit_name")
        return named[1] if named else self.first_row

    def get(self, key: str) -> str:
        return self.values[key][0] if key in self.values else ""


def check_row(planner: Planner, number: int, values: dict[str, str]) -> None:
    """Check one row and sort it: its unit values into `planner.specs`, the row itself into
    `planner.position_rows` and `planner.person_rows` when it has a position or a person."""
    ok = True
    for key, value in values.items():
        ok = _length_ok(planner, number, key, value) and ok
    code = values.get("unit_code", "")
    if not code:
        if not planner.is_bad(number, "unit_code"):
            planner.error(number, "unit_code", _("ต้องระบุรหัสหน่วยงานทุกแถว"))
        return
    if not ok:
        return
    spec = planner.specs.get(code)
    if spec is None:
        spec = planner.specs[code] = UnitSpec(code=code, first_row=number)
    for key in UNIT_FIELDS:
        value = values.get(key, "")
        if not value:
            continue
        if key in spec.values and spec.values[key][0] != value:
            old, old_row = spec.values[key]
            planner.error(
                number,
                key,
                _("หน่วยงาน '%(code)s' มี%(col)s '%(new)s' ไม่ตรงกับแถว %(row)s ('%(old)s')")
                % {
                    "code": code,
                    "col": planner.table.label(key),
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
        planner.position_rows.append((number, code, values))
    elif any(values.get(k) for k in POSITION_FIELDS if k != "grade_scheme") and not planner.is_bad(
        number, "position_number"
    ):
        planner.error(number, "position_number", _("มีข้อมูลตำแหน่งแต่ไม่ได้ระบุเลขที่ตำแหน่ง"))
    if staff_code:
        planner.person_rows.append((number, code, values))
    elif any(values.get(k) for k in PERSON_FIELDS) and not planner.is_bad(number, "staff_code"):
        planner.error(number, "staff_code", _("มีข้อมูลบุคลากรแต่ไม่ได้ระบุรหัสบุคลากร"))


def _length_ok(planner: Planner, number: int, key: str, value: str) -> bool:
    limit = COLUMN_BY_KEY[key].max_length
    if limit and len(value) > limit:
        planner.error(number, key, _("ยาวเกิน %(max)s ตัวอักษร") % {"max": limit})
        return False
    return True


def check_position_row(planner: Planner, number: int, values: dict[str, str]) -> dict | None:
    """The position fields of a row with a position number, or None (and the errors) when its
    title or grade is missing or wrong."""
    title = values.get("position_title", "")
    if not title:
        if not planner.is_bad(number, "position_title"):
            planner.error(number, "position_title", _("ต้องระบุชื่อตำแหน่ง"))
        return None
    resolved = _grade(planner, number, values)
    if resolved is None:
        return None
    ptype, grade = resolved
    return {
        "title": title,
        "management_title": values.get("management_title", ""),
        "line_of_work": values.get("line_of_work", ""),
        "line_code": values.get("line_code", ""),
        # Only from a file that has the column: another file keeps what is stored.
        **({"work_group": values["work_group"]} if "work_group" in values else {}),
        "position_type": ptype,
        "grade": grade,
    }


def _grade(planner: Planner, number: int, values: dict[str, str]) -> tuple[str, str] | None:
    type_text = values.get("position_type", "")
    grade_text = values.get("position_grade", "").removeprefix("ระดับ")
    code = values.get("grade_code", "").upper()
    scheme = planner.scheme
    if values.get("grade_scheme"):
        scheme = parse_scheme(values["grade_scheme"])
        if scheme is None:
            planner.error(
                number,
                "grade_scheme",
                _("ไม่รู้จักระบบรหัส '%(s)s' (ใช้ ocsc หรือ dpis)") % {"s": values["grade_scheme"]},
            )
            return None
    column = (
        "grade_code" if code else "position_grade" if type_text and grade_text else "position_type"
    )
    try:
        return resolve_row_grade(type_text, grade_text, code, scheme)
    except grades.GradeError as exc:
        planner.error(number, column, str(exc))
        return None


def check_person_row(planner: Planner, number: int, values: dict[str, str]) -> dict | None:
    """What a row with a staff code says about the person (fields, position number, username,
    role), or None (and every error of the row at once) when any of it is wrong."""
    ok = True
    for key in ("title", "first_name", "last_name"):
        if not values.get(key) and not planner.is_bad(number, key):
            planner.error(number, key, _("ต้องระบุ%(col)s") % {"col": planner.table.label(key)})
            ok = False
    staff_type = parse_staff_type(values.get("staff_type", ""))
    if staff_type is None:
        planner.error(
            number,
            "staff_type",
            _("ไม่รู้จักประเภทบุคลากร '%(v)s' (ใช้ ข้าราชการ, พนักงานราชการ หรือ ลูกจ้างประจำ)")
            % {"v": values["staff_type"]},
        )
        ok = False
    try:
        probation = parse_probation(values.get("probation", ""))
    except ValueError:
        planner.error(
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
            planner.error(
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
            planner.error(number, "email", _("อีเมล '%(v)s' ไม่ถูกต้อง") % {"v": email})
            ok = False
    username = values.get("username", "")
    if username:
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            planner.error(
                number,
                "username",
                _("ชื่อผู้ใช้ '%(v)s' ไม่ถูกต้อง (ใช้ตัวอักษร ตัวเลข และ @ . + - _ เท่านั้น ห้ามเว้นวรรค)")
                % {"v": username},
            )
            ok = False
    role = parse_role(values.get("unit_role", ""))
    if role is None:
        planner.error(
            number,
            "unit_role",
            _("ไม่รู้จักบทบาท '%(v)s' (ใช้ หัวหน้า หรือ รักษาราชการแทน หรือเว้นว่าง)")
            % {"v": values["unit_role"]},
        )
        ok = False
    if not ok:
        return None
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
        if planner.table.has(key):
            fields[attr] = value
    return {
        "fields": fields,
        "position_number": values.get("position_number", ""),
        "username": username,
        "role": role,
    }
