"""Planning the units of an org import: parents, moves, cycles, departments, HR scope, ministries.

`plan_units` runs after the row checks: it reads the units the file names from the database,
works out each unit's final parent and department (a move stays inside its department, a
chain of parents never loops), checks the user's HR scope, and appends a `UnitAction` (and
the `MinistryAction`s) for every unit of the file to the plan.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from orgchart.importer.plan import CREATE, UNCHANGED, UPDATE, MinistryAction, UnitAction
from orgchart.importer.queries import chunks
from orgchart.importer.rows import UnitSpec
from orgchart.models import Ministry, OrgUnit

if TYPE_CHECKING:
    from orgchart.importer.planner import Planner


def plan_units(planner: Planner) -> None:
    """Checks the units of the file against each other and the database, and plans them."""
    specs = planner.specs
    parent_codes = {s.get("parent_code") for s in specs.values() if s.get("parent_code")}
    planner.load_units(set(specs) | parent_codes)
    existing = planner.existing
    roots = {
        u.tree_id: u
        for chunk in chunks({u.tree_id for u in existing.values()})
        for u in OrgUnit.objects.filter(parent__isnull=True, tree_id__in=chunk)
    }
    planner.roots_by_tree = roots
    defined = {code for code, s in specs.items() if s.get("unit_name") or code in existing}
    for code, spec in specs.items():
        if code not in existing and not spec.get("unit_name"):
            planner.error(
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
            planner.error(
                spec.values["parent_code"][1],
                "parent_code",
                _("ไม่พบหน่วยงานต้นสังกัดรหัส '%(parent)s' ทั้งในไฟล์และในระบบ") % {"parent": parent},
            )
            continue
        if unit is None:
            planner.new_codes.add(code)
            planner.final_parent[code] = parent
            continue
        current = unit.parent.code if unit.parent_id else None
        if parent is None or parent == current:
            planner.final_parent[code] = current
            continue
        if current is None:
            planner.error(
                spec.values["parent_code"][1],
                "parent_code",
                _("'%(code)s' เป็นหน่วยงานระดับส่วนราชการ (กรม) ย้ายไปอยู่ใต้หน่วยงานอื่นด้วยการนำเข้าไม่ได้")
                % {"code": code},
            )
            continue
        planner.final_parent[code] = parent
        moved_trees.add(unit.tree_id)
    db_parent = _tree_parent_map(moved_trees)
    _resolve_roots(planner, moved_trees, db_parent)
    _build_unit_actions(planner)


def _tree_parent_map(tree_ids: set[int]) -> dict[str, str | None]:
    """code -> parent code for whole trees in which the file moves a unit (to find cycles)."""
    if not tree_ids:
        return {}
    rows = list(OrgUnit.objects.filter(tree_id__in=tree_ids).values_list("pk", "code", "parent_id"))
    code_of = {pk: code for pk, code, _parent in rows}
    return {code: code_of.get(parent) for _pk, code, parent in rows}


def _resolve_roots(
    planner: Planner, moved_trees: set[int], db_parent: dict[str, str | None]
) -> None:
    """Fills `root_of`: the department each unit of the file ends up in, and refuses the moves
    that would take an existing unit out of its department."""
    existing = planner.existing
    refused: set[str] = set()
    # A refused move leaves its unit where it is, and the units under it (which the file may
    # leave alone, with a blank parent cell) must then be planned where they really stay: walk
    # again until no more moves are refused. Each pass refuses at least one more move.
    while True:
        state, cycles = _walk_roots(planner, moved_trees, db_parent)
        if not _refuse_department_changes(planner, state, refused):
            break
    for cycle in cycles:
        _report_cycle(planner, cycle)
    for code, root in state.items():
        if code in planner.final_parent and root and code not in refused:
            planner.root_of[code] = root
    for code, unit in existing.items():
        if code not in planner.root_of and code not in state:
            planner.root_of[code] = planner.roots_by_tree[unit.tree_id].code


def _walk_roots(
    planner: Planner, moved_trees: set[int], db_parent: dict[str, str | None]
) -> tuple[dict[str, str], list[list[str]]]:
    """code -> root code of every unit on the final chains of the file's units ("" when the
    chain is broken: a cycle, or a parent already reported as unknown), and the cycles found."""
    existing = planner.existing
    state: dict[str, str] = {}
    cycles: list[list[str]] = []

    def parent_of(code: str) -> str | None:
        if code in planner.final_parent:
            return planner.final_parent[code]
        return db_parent.get(code)

    for start in sorted(planner.final_parent, key=lambda c: planner.specs[c].row):
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
                cycles.append(path[path.index(code) :] + [code])
                root = ""
                break
            unit = existing.get(code)
            if unit is not None and unit.tree_id not in moved_trees:
                root = planner.roots_by_tree[unit.tree_id].code
                break
            if code not in planner.final_parent and code not in db_parent:
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
    return state, cycles


def _refuse_department_changes(planner: Planner, state: dict[str, str], refused: set[str]) -> bool:
    """Reports every move that takes an existing unit to another department, and puts the unit
    back under its current parent. True when it refused one."""
    # A move must stay inside the unit's department: positions are numbered per department.
    # Only a unit the file moves is to blame; the units under it go where it goes, whether
    # their parent cells are blank or name their current parent.
    found = False
    for code in sorted(planner.final_parent, key=lambda c: planner.specs[c].row):
        unit = planner.existing.get(code)
        if unit is None or code in refused or not state.get(code):
            continue
        current_parent = unit.parent.code if unit.parent_id else None
        if planner.final_parent[code] == current_parent:
            continue
        current_root = planner.roots_by_tree[unit.tree_id].code
        if state[code] == current_root:
            continue
        planner.error(
            _parent_cell_row(planner.specs[code]),
            "parent_code",
            _(
                "ย้ายหน่วยงาน '%(code)s' ไปต่างส่วนราชการด้วยการนำเข้าไม่ได้ (อยู่ใน '%(root)s') "
                "ใช้หน้าแก้ไขหน่วยงานแทน"
            )
            % {"code": code, "root": current_root},
        )
        refused.add(code)
        planner.final_parent[code] = current_parent
        found = True
    return found


def _parent_cell_row(spec: UnitSpec) -> int:
    """The row of the unit's parent cell, or its defining row when every parent cell is blank."""
    return spec.values["parent_code"][1] if "parent_code" in spec.values else spec.row


def _report_cycle(planner: Planner, cycle: list[str]) -> None:
    # A cycle always has at least one edge from the file; report it at that unit's row.
    first = min((c for c in cycle[:-1] if c in planner.specs), key=lambda c: planner.specs[c].row)
    rows = {c: planner.specs[c].row for c in cycle if c in planner.specs}
    shown = " → ".join(f"'{c}' ({_('แถว')} {rows[c]})" if c in rows else f"'{c}'" for c in cycle)
    planner.error(
        _parent_cell_row(planner.specs[first]),
        "parent_code",
        _("รหัสหน่วยงานต้นสังกัดวนกลับมาที่เดิม: %(cycle)s") % {"cycle": shown},
    )


def _first_existing_ancestor(planner: Planner, code: str) -> OrgUnit | None:
    seen = set()
    parent = planner.final_parent.get(code)
    while parent is not None and parent not in seen:
        seen.add(parent)
        if parent in planner.existing:
            return planner.existing[parent]
        parent = planner.final_parent.get(parent)
    return None


def _build_unit_actions(planner: Planner) -> None:
    existing = planner.existing
    ministries: dict[str, MinistryAction] = {}
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        # Creation order: a new unit comes after the new units above it.
        chain, c = [], code
        while c in planner.new_codes and c not in depth and c not in chain:
            chain.append(c)
            c = planner.final_parent.get(c)
        base = depth.get(c, -1) if c in planner.new_codes else -1
        for item in reversed(chain):
            base += 1
            depth[item] = base
        return depth[code]

    for code, spec in sorted(planner.specs.items(), key=lambda kv: kv[1].row):
        if code not in planner.root_of:
            continue
        unit = existing.get(code)
        row = spec.row
        # Scope: an existing unit must be inside the user's HR subtree; a new one must hang
        # under a unit that is; only an administrator starts a new department.
        if unit is not None and not planner.covers(unit):
            planner.error(
                spec.first_row,
                "unit_code",
                _("หน่วยงาน '%(code)s' อยู่นอกขอบเขตงานบุคคลของท่าน") % {"code": code},
            )
            continue
        if unit is None or planner.final_parent.get(code) != (
            unit.parent.code if unit.parent_id else None
        ):
            anchor = _first_existing_ancestor(planner, code)
            if anchor is None and unit is None and not planner.unlimited:
                planner.error(
                    row,
                    "parent_code" if spec.get("parent_code") else "unit_code",
                    _("สร้างส่วนราชการใหม่ (หน่วยงานที่ไม่มีต้นสังกัด) '%(code)s' ได้เฉพาะผู้ดูแลระบบ")
                    % {"code": code},
                )
                continue
            if anchor is not None and not planner.covers(anchor):
                planner.error(
                    row,
                    "parent_code",
                    _("หน่วยงานต้นสังกัด '%(parent)s' อยู่นอกขอบเขตงานบุคคลของท่าน")
                    % {"parent": anchor.code},
                )
                continue
        is_root = planner.final_parent.get(code) is None
        ministry_code = None
        if spec.get("ministry") or spec.get("ministry_code"):
            key = "ministry" if spec.get("ministry") else "ministry_code"
            if not is_root:
                planner.error(
                    spec.values[key][1],
                    key,
                    _("กำหนดกระทรวงได้เฉพาะหน่วยงานระดับส่วนราชการ (ไม่มีหน่วยงานต้นสังกัด)"),
                )
                continue
            ministry_code = _ministry(planner, spec, ministries)
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
                parent_code=planner.final_parent.get(code),
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
            planner.plan.units.append(action)
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
        if planner.final_parent.get(code) != current_parent:
            action.changes["parent"] = [current_parent, planner.final_parent.get(code)]
            action.parent_code = planner.final_parent.get(code)
        current_ministry = unit.ministry.code if unit.ministry_id else None
        if ministry_code is not None and ministry_code != current_ministry:
            if not planner.unlimited:
                planner.error(row, "ministry", _("เปลี่ยนกระทรวงของส่วนราชการได้เฉพาะผู้ดูแลระบบ"))
                continue
            action.changes["ministry"] = [current_ministry, ministry_code]
            action.ministry_code = ministry_code
        if action.changes:
            action.op = UPDATE
        planner.plan.units.append(action)
    planner.plan.ministries = list(ministries.values())
    planner.unit_actions = {a.code: a for a in planner.plan.units}


def _ministry(planner: Planner, spec: UnitSpec, seen: dict[str, MinistryAction]) -> str | None:
    name, code = spec.get("ministry"), spec.get("ministry_code")
    row = spec.values.get("ministry", spec.values.get("ministry_code"))[1]
    found = None
    if code:
        found = Ministry.objects.filter(code=code).first()
    elif name:
        found = Ministry.objects.filter(name=name).order_by("pk").first()
    if found is not None:
        if name and found.name != name:
            planner.error(
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
        planner.error(
            row,
            "ministry_code",
            _("ไม่พบกระทรวงรหัส '%(code)s' ต้องระบุชื่อกระทรวงเพื่อสร้างใหม่") % {"code": code},
        )
        return None
    if not planner.unlimited:
        planner.error(row, "ministry", _("สร้างกระทรวงใหม่ได้เฉพาะผู้ดูแลระบบ"))
        return None
    code = code or _ministry_code(name)
    if code in seen and seen[code].name != name:
        planner.error(
            row,
            "ministry",
            _("รหัสกระทรวง '%(code)s' ซ้ำกับแถว %(row)s") % {"code": code, "row": seen[code].row},
        )
        return None
    seen.setdefault(code, MinistryAction(code, name, row, CREATE))
    return code


def _ministry_code(name: str) -> str:
    """A ministry's code when the file gives none: its name, shortened with a digest if too long."""
    limit = Ministry._meta.get_field("code").max_length
    if len(name) <= limit:
        return name
    digest = hashlib.sha1(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9]}-{digest}"
