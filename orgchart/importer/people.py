"""Planning the positions and people of an org import: numbers, holders, accounts and heads.

`plan_positions_and_people` runs after the units are planned. Positions are numbered per
department (a number repeats in no department), a position held by someone outside the file is
not given away, a username is linked to one person only, and the role column makes (or stops
making) people the heads of their units. It appends `PositionAction`s, `UserAction`s,
`PersonAction`s and the head changes of `UnitAction`s to the plan.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext as _

from orgchart.importer.columns import ACTING, HEAD
from orgchart.importer.plan import (
    CREATE,
    KEEP,
    UNCHANGED,
    UPDATE,
    PersonAction,
    PositionAction,
    UnitAction,
    UserAction,
    field_label,
)
from orgchart.importer.queries import chunks
from orgchart.importer.rows import check_person_row, check_position_row
from orgchart.models import OrgUnit, Person, Position, StaffType

if TYPE_CHECKING:
    from orgchart.importer.planner import Planner


def plan_positions_and_people(planner: Planner) -> None:
    """Checks the positions and people of the file and plans them, then the heads of units."""
    has_role = planner.table.has("unit_role")
    # Positions from the file, checked and keyed by (department code, number).
    pos_rows: dict[tuple[str, str], tuple[int, str, dict]] = {}
    for number, unit_code, values in planner.position_rows:
        if unit_code not in planner.unit_actions:
            continue
        fields = check_position_row(planner, number, values)
        if fields is None:
            continue
        key = (planner.root_of[unit_code], values["position_number"])
        if key in pos_rows:
            planner.error(
                number,
                "position_number",
                _("เลขที่ตำแหน่ง '%(num)s' ซ้ำกับแถว %(row)s (ในส่วนราชการเดียวกัน)")
                % {"num": key[1], "row": pos_rows[key][0]},
            )
            continue
        pos_rows[key] = (number, unit_code, fields)
    existing_positions = _load_positions(planner, pos_rows)
    people = _read_people(planner)
    existing_people = _load_people(people)
    users = _load_users(people)

    staff_in_file = set(people)
    holder_ok: dict[tuple[str, str], bool] = {}
    for key, (number, unit_code, fields) in pos_rows.items():
        pos = existing_positions.get(key)
        if pos is None:
            action = PositionAction(key[0], key[1], number, CREATE, unit_code, fields)
            action.changes = {k: [None, v] for k, v in fields.items() if v} | {
                "unit": [None, unit_code]
            }
            planner.plan.positions.append(action)
            continue
        if not planner.covers(pos.unit):
            planner.error(
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
        planner.plan.positions.append(action)
        holder = getattr(pos, "holder", None)
        holder_ok[key] = holder is None or holder.staff_code in staff_in_file
    position_keys = {a.key for a in planner.plan.positions}

    usernames_seen: dict[str, int] = {}
    heads: dict[tuple[str, str], tuple[str, int]] = {}  # (unit, role) -> staff code, row
    for staff_code, (number, unit_code, p) in people.items():
        if unit_code not in planner.unit_actions:
            continue
        person = existing_people.get(staff_code)
        if person is not None and not planner.covers(person.unit):
            planner.error(
                number,
                "staff_code",
                _("บุคลากร '%(code)s' อยู่ในหน่วยงาน '%(unit)s' ซึ่งอยู่นอกขอบเขตงานบุคคลของท่าน")
                % {"code": staff_code, "unit": person.unit.code},
            )
            continue
        position: tuple[str, str] | str | None = KEEP
        if planner.table.has("position_number"):
            position = None
            if p["position_number"]:
                key = (planner.root_of[unit_code], p["position_number"])
                if key not in position_keys:
                    continue  # the position row itself carries the error
                if not holder_ok.get(key, True):
                    pos = existing_positions[key]
                    if person is None or pos.holder.pk != person.pk:
                        planner.error(
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
                planner.error(
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
                planner.error(
                    number,
                    "username",
                    _("ชื่อผู้ใช้ '%(u)s' ผูกกับบุคลากรรหัส '%(code)s' อยู่แล้ว")
                    % {"u": username, "code": linked.staff_code},
                )
                continue
            if account is not None and account.is_superuser and not planner.unlimited:
                planner.error(number, "username", _("ผูกบัญชีผู้ดูแลระบบกับบุคลากรได้เฉพาะผู้ดูแลระบบ"))
                continue
            if account is not None and linked is None and not planner.unlimited:
                # An account that is nobody's yet may belong to anyone (HR of another
                # department, for one): an HR officer links only the account this import
                # creates for the person, or the one already theirs (DOMAIN §8).
                planner.error(
                    number,
                    "username",
                    _(
                        "ชื่อผู้ใช้ '%(u)s' มีอยู่แล้วในระบบและยังไม่ได้ผูกกับบุคลากร "
                        "ผู้ดูแลระบบเท่านั้นที่ผูกบัญชีที่มีอยู่แล้วกับบุคลากรได้ ให้ใช้ชื่อผู้ใช้ใหม่"
                    )
                    % {"u": username},
                )
                continue
            if account is None:
                planner.plan.users.append(
                    UserAction(username, p["fields"].get("email", ""), number)
                )
        role = p["role"]
        if role:
            other = heads.get((unit_code, role))
            if other is not None:
                planner.error(
                    number,
                    "unit_role",
                    _("หน่วยงาน '%(unit)s' มี%(role)sแล้วที่แถว %(row)s")
                    % {"unit": unit_code, "role": field_label(role), "row": other[1]},
                )
                continue
            heads[(unit_code, role)] = (staff_code, number)
        _person_action(planner, staff_code, number, unit_code, p, person, position, username)
    if has_role:
        _plan_heads(planner, people, existing_people, heads)


def _read_people(planner: Planner) -> dict[str, tuple[int, str, dict]]:
    people: dict[str, tuple[int, str, dict]] = {}
    for number, unit_code, values in planner.person_rows:
        staff_code = values["staff_code"]
        if staff_code in people:
            planner.error(
                number,
                "staff_code",
                _("รหัสบุคลากร '%(code)s' ซ้ำกับแถว %(row)s")
                % {"code": staff_code, "row": people[staff_code][0]},
            )
            continue
        # Kept (as None) when the row is wrong, so that a later duplicate still names this row.
        people[staff_code] = (number, unit_code, check_person_row(planner, number, values))
    return {code: v for code, v in people.items() if v[2] is not None}


def _load_positions(planner: Planner, pos_rows) -> dict[tuple[str, str], Position]:
    result: dict[tuple[str, str], Position] = {}
    by_root: dict[str, list[str]] = defaultdict(list)
    roots = {u.code: u for u in planner.roots_by_tree.values()}
    for dept, num in pos_rows:
        if dept in roots:
            by_root[dept].append(num)
    for dept, numbers in by_root.items():
        root = roots[dept]
        for chunk in chunks(numbers):
            for pos in Position.objects.filter(department=root, number__in=chunk).select_related(
                "unit", "holder"
            ):
                result[(dept, pos.number)] = pos
    return result


def _load_people(people) -> dict[str, Person]:
    result = {}
    for chunk in chunks(people):
        for p in Person.objects.filter(staff_code__in=chunk).select_related(
            "unit", "position__department", "user"
        ):
            result[p.staff_code] = p
    return result


def _load_users(people) -> dict:
    names = [p["username"] for _n, _u, p in people.values() if p["username"]]
    User = get_user_model()
    result = {}
    for chunk in chunks(names):
        for u in User.objects.filter(**{f"{User.USERNAME_FIELD}__in": chunk}).select_related(
            "person"
        ):
            result[u.get_username()] = u
    return result


def _person_action(
    planner: Planner, staff_code, number, unit_code, p, person, position, username
) -> None:
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
        planner.plan.people.append(action)
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
    planner.plan.people.append(action)


def _plan_heads(planner: Planner, people, existing_people, heads) -> None:
    """Heads from the role column, for the units of the people in the file.

    A row speaks for its own unit: 'หัวหน้า' makes the person its head; no role means the person
    does not head it (an old mark is removed). A person who moves out of a unit stops heading
    it. Heads of other units (an acting head borrowed from another unit) are left alone.
    """
    actions = {a.staff_code: a for a in planner.plan.people}
    wanted: dict[str, dict[str, str | None]] = defaultdict(dict)  # unit -> role -> staff code
    rows: dict[str, int] = {}
    for (unit_code, role), (staff_code, number) in heads.items():
        if staff_code in actions:
            wanted[unit_code][role] = staff_code
            rows.setdefault(unit_code, number)
    headed = _HeadedUnits(planner)
    for staff_code, (number, unit_code, _p) in people.items():
        person = existing_people.get(staff_code)
        if person is None or staff_code not in actions:
            continue
        for unit in headed.of(person):
            for role in (HEAD, ACTING):
                if getattr(unit, f"{role}_id") != person.pk:
                    continue
                if unit.code == unit_code or person.unit.code == unit.code:
                    wanted[unit.code].setdefault(role, None)
                    rows.setdefault(unit.code, number)
    if not wanted:
        return
    planner.load_units(wanted)
    codes_by_pk = {}
    pks = {
        getattr(u, f"{r}_id")
        for u in (planner.existing.get(c) for c in wanted)
        if u
        for r in (HEAD, ACTING)
    }
    for chunk in chunks({pk for pk in pks if pk}):
        codes_by_pk.update(Person.objects.filter(pk__in=chunk).values_list("pk", "staff_code"))
    for unit_code, roles in sorted(wanted.items()):
        unit = planner.existing.get(unit_code)
        action = planner.unit_actions.get(unit_code)
        if action is None:
            if unit is None or not planner.covers(unit):
                continue
            action = UnitAction(code=unit_code, row=rows[unit_code], op=UNCHANGED, pk=unit.pk)
            planner.plan.units.append(action)
            planner.unit_actions[unit_code] = action
        for role, staff_code in roles.items():
            current = codes_by_pk.get(getattr(unit, f"{role}_id")) if unit is not None else None
            if current != staff_code:
                action.changes[role] = [current, staff_code]
        if action.changes and action.op == UNCHANGED:
            action.op = UPDATE


class _HeadedUnits:
    """The units each person of the plan heads or acts for, read at the first question only."""

    def __init__(self, planner: Planner):
        self.planner = planner
        self.by_person: dict[int, list[OrgUnit]] | None = None

    def of(self, person: Person) -> list[OrgUnit]:
        if self.by_person is None:
            self.by_person = defaultdict(list)
            pks = [a.pk for a in self.planner.plan.people if a.pk]
            for chunk in chunks(pks):
                for unit in OrgUnit.objects.filter(
                    Q(head_id__in=chunk) | Q(acting_head_id__in=chunk)
                ):
                    for holder in {unit.head_id, unit.acting_head_id} - {None}:
                        self.by_person[holder].append(unit)
        return self.by_person.get(person.pk, [])
