"""Applying a checked org import plan: the writes, in bulk and in the order they depend on.

Called only by `orgchart.import_service.org_import`, inside its transaction, under the tree
lock and after it has re-planned and compared the plan; that service also checks the
permission and writes the audit row. Nothing here checks anything.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from orgchart.importer.plan import CREATE, KEEP, UPDATE, ImportPlan
from orgchart.importer.queries import chunks
from orgchart.models import Ministry, OrgUnit, Person, Position
from orgchart.signals import units_moved

BATCH = 500


class PlanWriter:
    """Writes one plan: `PlanWriter(plan).apply()`."""

    def __init__(self, plan: ImportPlan):
        self.plan = plan
        self.unit_pk: dict[str, int] = {}

    def apply(self) -> None:
        ministry_pk = self._ministries()
        self._units(ministry_pk)
        position_pk = self._positions()
        user_pk = self._users()
        self._people(position_pk, user_pk)
        self._heads()

    # --- units ---

    def _load_unit_pks(self, codes) -> None:
        wanted = [c for c in set(codes) if c and c not in self.unit_pk]
        for chunk in chunks(wanted):
            self.unit_pk.update(OrgUnit.objects.filter(code__in=chunk).values_list("code", "pk"))

    def _ministries(self) -> dict[str, int]:
        for a in self.plan.ministries:
            if a.op == CREATE:
                Ministry.objects.create(code=a.code, name=a.name)
        codes = [a.code for a in self.plan.ministries]
        return dict(Ministry.objects.filter(code__in=codes).values_list("code", "pk"))

    def _units(self, ministry_pk: dict[str, int]) -> None:
        plan = self.plan
        self._load_unit_pks(
            [a.code for a in plan.units]
            + [a.parent_code for a in plan.units if a.parent_code]
            + [a.department_code for a in plan.positions]
        )
        # Plain fields never touch the tree columns, so a queryset update is safe and exact.
        for a in plan.units:
            if a.op != UPDATE:
                continue
            plain = {f: a.changes[f][1] for f in ("name", "short_name", "kind") if f in a.changes}
            if "ministry" in a.changes:
                plain["ministry_id"] = ministry_pk[a.changes["ministry"][1]]
            if plain:
                OrgUnit.objects.filter(pk=a.pk).update(**plain)
        new = [a for a in plan.units if a.op == CREATE]
        # A new department renumbers the tree ids after it; mptt does that only on a normal save.
        for a in sorted((a for a in new if a.parent_code is None), key=lambda a: a.code):
            unit = OrgUnit(
                code=a.code,
                name=a.name,
                short_name=a.short_name,
                kind=a.kind,
                ministry_id=ministry_pk[a.ministry_code] if a.ministry_code else None,
            )
            unit.save()
            self.unit_pk[a.code] = unit.pk
        moves = [a for a in plan.units if a.op == UPDATE and "parent" in a.changes]
        children = sorted((a for a in new if a.parent_code), key=lambda a: (a.depth, a.code))
        if not children and not moves:
            return
        # Inserting node by node would renumber the tree for every unit; delay the numbering to
        # one rebuild of each touched tree at the end of the block.
        with OrgUnit.objects.delay_mptt_updates():
            for a in children:
                unit = OrgUnit(
                    code=a.code,
                    name=a.name,
                    short_name=a.short_name,
                    kind=a.kind,
                    parent_id=self.unit_pk[a.parent_code],
                )
                unit.save()
                self.unit_pk[a.code] = unit.pk
            for a in moves:
                unit = OrgUnit.objects.get(pk=a.pk)
                unit.parent = OrgUnit.objects.get(pk=self.unit_pk[a.parent_code])
                unit.save()
        if moves:
            # After the trees are renumbered: the moved units with their new ancestors.
            units_moved.send(
                sender=OrgUnit, units=list(OrgUnit.objects.filter(pk__in=[a.pk for a in moves]))
            )

    # --- positions, accounts, people ---

    def _positions(self) -> dict[tuple[str, str], int]:
        plan = self.plan
        created = [
            Position(
                department_id=self.unit_pk[a.department_code],
                number=a.number,
                unit_id=self.unit_pk[a.unit_code],
                **a.fields,
            )
            for a in plan.positions
            if a.op == CREATE
        ]
        Position.objects.bulk_create(created, batch_size=BATCH)
        by_fields: dict[tuple[str, ...], list[Position]] = defaultdict(list)
        for a in plan.positions:
            if a.op != UPDATE:
                continue
            values = {f: a.changes[f][1] for f in a.changes if f != "unit"}
            if "unit" in a.changes:
                values["unit_id"] = self.unit_pk[a.unit_code]
            by_fields[tuple(sorted(values))].append(Position(pk=a.pk, **values))
        for fields, rows in by_fields.items():
            Position.objects.bulk_update(rows, list(fields), batch_size=BATCH)
        result: dict[tuple[str, str], int] = {}
        wanted: dict[str, list[str]] = defaultdict(list)
        for a in plan.people:
            if a.position not in (None, KEEP):
                wanted[a.position[0]].append(a.position[1])
        for dept, numbers in wanted.items():
            for chunk in chunks(numbers):
                for number, pk in Position.objects.filter(
                    department_id=self.unit_pk[dept], number__in=chunk
                ).values_list("number", "pk"):
                    result[(dept, number)] = pk
        return result

    def _users(self) -> dict[str, int]:
        User = get_user_model()
        accounts = []
        for u in self.plan.users:
            account = User(**{User.USERNAME_FIELD: u.username}, email=u.email)
            # People sign in only after an administrator or a reset gives them a password.
            account.set_unusable_password()
            accounts.append(account)
        User.objects.bulk_create(accounts, batch_size=BATCH)
        names = [a.username for a in self.plan.people if a.username]
        result: dict[str, int] = {}
        for chunk in chunks(names):
            result.update(
                User.objects.filter(**{f"{User.USERNAME_FIELD}__in": chunk}).values_list(
                    User.USERNAME_FIELD, "pk"
                )
            )
        return result

    def _people(self, position_pk, user_pk) -> None:
        plan = self.plan
        self._load_unit_pks([a.unit_code for a in plan.people])
        # Positions and accounts are one-to-one: free every one that changes hands before
        # giving any out, so that a swap between two people never collides.
        for field, key in (("position", "position"), ("user", "user")):
            ids = [a.pk for a in plan.people if a.op == UPDATE and key in a.changes]
            for chunk in chunks(ids):
                Person.objects.filter(pk__in=chunk).update(**{field: None})
        by_fields: dict[tuple[str, ...], list[Person]] = defaultdict(list)
        for a in plan.people:
            if a.op != UPDATE:
                continue
            values = {f: a.fields[f] for f in a.changes if f in a.fields}
            if "unit" in a.changes:
                values["unit_id"] = self.unit_pk[a.unit_code]
            if "position" in a.changes:
                values["position_id"] = position_pk[a.position] if a.position else None
            if "user" in a.changes:
                values["user_id"] = user_pk[a.username]
            by_fields[tuple(sorted(values))].append(Person(pk=a.pk, **values))
        for fields, rows in by_fields.items():
            Person.objects.bulk_update(rows, list(fields), batch_size=BATCH)
        created = [
            Person(
                staff_code=a.staff_code,
                unit_id=self.unit_pk[a.unit_code],
                position_id=position_pk[a.position] if a.position not in (None, KEEP) else None,
                user_id=user_pk[a.username] if a.username else None,
                **a.fields,
            )
            for a in plan.people
            if a.op == CREATE
        ]
        Person.objects.bulk_create(created, batch_size=BATCH)

    def _heads(self) -> None:
        changes = [
            a
            for a in self.plan.units
            if a.op in (CREATE, UPDATE) and ("head" in a.changes or "acting_head" in a.changes)
        ]
        if not changes:
            return
        codes = {
            a.changes[r][1] for a in changes for r in ("head", "acting_head") if r in a.changes
        } - {None}
        person_pk: dict[str, int] = {}
        for chunk in chunks(codes):
            person_pk.update(
                Person.objects.filter(staff_code__in=chunk).values_list("staff_code", "pk")
            )
        self._load_unit_pks([a.code for a in changes])
        for a in changes:
            values = {}
            for role in ("head", "acting_head"):
                if role in a.changes:
                    code = a.changes[role][1]
                    values[f"{role}_id"] = person_pk[code] if code else None
            OrgUnit.objects.filter(pk=self.unit_pk[a.code]).update(**values)
