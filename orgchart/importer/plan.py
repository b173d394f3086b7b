"""The plan of an org import: every write it would make, and every problem found in the file.

`ImportPlan` is what `plan_import` returns and what `orgchart.import_service.org_import` applies;
`RowError` is one problem, located by the row number as Excel shows it and the column.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from orgchart.importer.reading import Table

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
KEEP = "keep"  # a person's position when the file has no position-number column


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
        names = self._ministry_names()
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
                    f"{field_label(f, sort)}: {show_value(old, f, names)} → {show_value(new, f, names)}"
                    if a.op == UPDATE
                    else f"{field_label(f, sort)}: {show_value(new, f, names)}"
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

    def _ministry_names(self) -> dict[str, str]:
        """Ministry code → name, for the preview (the file's new ministries and the stored)."""
        from orgchart.models import Ministry

        codes = {
            str(v)
            for a in self.units
            for v in (a.changes.get("ministry") or [])
            if v not in (None, "")
        }
        names = dict(Ministry.objects.filter(code__in=codes).values_list("code", "name"))
        names.update({m.code: m.name for m in self.ministries})
        return names

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
    "work_group": gettext_lazy("กลุ่มงาน"),
    "position_type": gettext_lazy("ประเภทตำแหน่ง"),
    "grade": gettext_lazy("ระดับ"),
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


def field_label(name: str, kind: str = "") -> str:
    """The Thai label of a changed field in the preview; `kind` "position" for a position's."""
    labels = _POSITION_LABELS if kind == "position" else {}
    return str(labels.get(name) or _FIELD_LABELS.get(name, name))


def _choice_labels() -> dict[str, dict[str, str]]:
    from orgchart.models import Grade, PositionType, StaffType

    return {
        "position_type": dict(PositionType.choices),
        "staff_type": dict(StaffType.choices),
        "grade": dict(Grade.choices),
    }


def show_value(value, field: str = "", names: dict | None = None) -> str:
    """One old or new value as the preview shows it: Thai labels for stored choices (ประเภท
    ตำแหน่ง, ประเภทบุคลากร, ระดับ), a ministry's name rather than its code."""
    if value is None or value == "":
        return "-"
    if field == "ministry" and names and str(value) in names:
        return str(names[str(value)])
    labels = _choice_labels().get(field)
    if labels and value in labels:
        return str(labels[value])
    if isinstance(value, (list, tuple)):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("ใช่") if value else _("ไม่ใช่")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    return str(value)
