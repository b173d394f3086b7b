"""The import template for one user's scope: the columns of docs/import.md filled with the
units, positions and people the user administers (HR their subtrees, an administrator every
department), so the file imports cleanly for that user and is edited rather than typed anew."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Font

from common.spreadsheet import workbook_bytes
from orgchart.importer.columns import COLUMN_BY_KEY
from orgchart.models import Person, Position, PositionType, StaffType
from orgchart.selectors import units_hr_scoped

KEYS = (
    "unit_code",
    "unit_name",
    "parent_code",
    "unit_kind",
    "unit_short_name",
    "position_number",
    "position_title",
    "management_title",
    "line_of_work",
    "line_code",
    "position_type",
    "grade_code",
    "grade_scheme",
    "staff_code",
    "title",
    "first_name",
    "last_name",
    "staff_type",
    "probation",
    "salary",
    "email",
    "unit_role",
)


def template_rows(user) -> list[dict[str, str]]:
    """One row per unit without people and per position (with its holder, if any)."""
    units = list(units_hr_scoped(user).select_related("parent").order_by("tree_id", "lft"))
    unit_ids = {u.pk for u in units}
    positions = {}
    for pos in Position.objects.filter(unit_id__in=unit_ids).order_by("number"):
        positions.setdefault(pos.unit_id, []).append(pos)
    people = {
        p.position_id: p
        for p in Person.objects.filter(unit_id__in=unit_ids, is_active=True).exclude(position=None)
    }
    types = dict(PositionType.choices)
    staff_types = dict(StaffType.choices)
    rows = []
    for unit in units:
        head = {
            "unit_code": unit.code,
            "unit_name": unit.name,
            # A unit whose parent is outside the user's scope keeps its place: its parent's code.
            "parent_code": unit.parent.code if unit.parent_id else "",
            "unit_kind": unit.kind,
            "unit_short_name": unit.short_name,
        }
        held = positions.get(unit.pk, [])
        if not held:
            rows.append(head)
        for pos in held:
            row = {
                **head,
                "position_number": pos.number,
                "position_title": pos.title,
                "management_title": pos.management_title,
                "line_of_work": pos.line_of_work,
                "line_code": pos.line_code,
                "position_type": str(types.get(pos.position_type, "")),
                "grade_code": pos.grade,
                "grade_scheme": "ocsc" if pos.grade else "",
            }
            person = people.get(pos.pk)
            if person is not None and person.unit_id == unit.pk:
                role = (
                    "หัวหน้า"
                    if unit.head_id == person.pk
                    else "รักษาราชการแทน"
                    if unit.acting_head_id == person.pk
                    else ""
                )
                row.update(
                    {
                        "staff_code": person.staff_code,
                        "title": person.title,
                        "first_name": person.first_name,
                        "last_name": person.last_name,
                        "staff_type": str(staff_types.get(person.staff_type, "")),
                        "probation": "ใช่" if person.on_probation else "",
                        "salary": f"{person.salary:.2f}" if person.salary is not None else "",
                        "email": person.email,
                        "unit_role": role,
                    }
                )
            rows.append(row)
    return rows


def template_workbook(user) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "นำเข้าข้อมูลบุคลากร"
    ws.append([COLUMN_BY_KEY[k].thai for k in KEYS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in template_rows(user):
        ws.append([row.get(k, "") for k in KEYS])
    ws.freeze_panes = "A2"
    return workbook_bytes(wb)


__all__ = ["template_rows", "template_workbook"]
