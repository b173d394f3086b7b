"""Every write to the org chart. Tree writes hold one PostgreSQL advisory lock.

django-mptt keeps lft/rght/tree_id consistent only if no two writers interleave. One lock for
all tree writes is enough: they are rare (a reorganisation, an import) and creating a department
renumbers the tree ids of the trees after it, so per-tree locks would not be safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connection, transaction

from common.errors import DomainError
from common.inputs import is_blank
from common.models import audit, plain
from common.permissions import require
from orgchart.models import Ministry, OrgEvent, OrgUnit, Person, Position
from orgchart.selectors import evaluator_chain, roles_of
from orgchart.signals import units_moved

TREE_LOCK_KEY = 1


@contextmanager
def tree_lock() -> Iterator[None]:
    """Hold the org tree write lock until the surrounding transaction ends.

    On PostgreSQL this is a transaction-level advisory lock; SQLite serialises writers itself
    (IMMEDIATE transactions), so there it is a no-op.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("tree_lock() must be used inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [settings.ORGCHART_LOCK_NAMESPACE, TREE_LOCK_KEY],
            )
    yield


OWN_CHAIN_MESSAGE = (
    "การเปลี่ยนแปลงนี้ทำให้ผู้ประเมินหรือผู้บังคับบัญชาเหนือขึ้นไปของท่านเองเปลี่ยน "
    "ซึ่งท่านดำเนินการเองไม่ได้ ให้เจ้าหน้าที่คนอื่นหรือผู้ดูแลระบบเป็นผู้ดำเนินการ"
)


def _chain_ids(person_pk: int) -> list[int]:
    me = Person.objects.select_related("unit", "evaluator_override").get(pk=person_pk)
    return [p.pk for p in evaluator_chain(me, depth=2)]


@contextmanager
def own_chain_kept(actor, *, field: str = ""):
    """Nobody chooses their own evaluator (DOMAIN §8), also not by changing the head or the
    acting head of a unit, or through the import: the acting person's evaluator chain is read
    before and after the write, inside its transaction, and a change is refused (rolled back)."""
    me = roles_of(actor).person if actor is not None and actor.is_authenticated else None
    before = _chain_ids(me.pk) if me is not None else None
    yield
    if me is not None and _chain_ids(me.pk) != before:
        raise DomainError(OWN_CHAIN_MESSAGE, field=field or None)


def _fresh(unit: OrgUnit | None) -> OrgUnit | None:
    """Re-read a node's tree fields once the lock is held; the caller's copy may be stale."""
    return None if unit is None else OrgUnit.objects.get(pk=unit.pk)


def _check_code_free(code: str, *, exclude_pk: int | None = None) -> None:
    qs = OrgUnit.objects.filter(code=code)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(f"รหัสหน่วยงาน '{code}' มีอยู่แล้ว", field="code")


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    parent: OrgUnit | None = None,
    ministry: Ministry | None = None,
    short_name: str = "",
    kind: str = "",
    actor=None,
) -> OrgUnit:
    code, name = (code or "").strip(), (name or "").strip()
    if is_blank(code):
        raise DomainError("ต้องระบุรหัสหน่วยงาน", field="code")
    if is_blank(name):
        raise DomainError("ต้องระบุชื่อหน่วยงาน", field="name")
    if parent is not None and ministry is not None:
        raise DomainError("กำหนดกระทรวงได้เฉพาะหน่วยงานระดับกรม (ไม่มีหน่วยงานต้นสังกัด)", field="ministry")
    with tree_lock():
        _check_code_free(code)
        unit = OrgUnit(
            code=code,
            name=name,
            short_name=(short_name or "").strip(),
            kind=(kind or "").strip(),
            parent=_fresh(parent),
            ministry=ministry,
        )
        unit.save()
        audit(
            actor=actor,
            kind=OrgEvent.UNIT_CREATE,
            obj=unit,
            summary=f"{code} {name}",
            changes={"parent": parent.code if parent else None},
        )
    return unit


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit | None, actor=None) -> OrgUnit:
    """Move a unit (and its subtree) under another parent, or make it a department root."""
    with tree_lock():
        unit = _fresh(unit)
        target = _fresh(new_parent)
        old_parent_id = unit.parent_id
        if target is not None and (
            target.pk == unit.pk
            or (
                target.tree_id == unit.tree_id
                and unit.lft <= target.lft
                and target.rght <= unit.rght
            )
        ):
            raise DomainError(
                f"ย้าย '{unit.name}' ไปอยู่ใต้ '{target.name}' ไม่ได้ เพราะจะเกิดวงวนในโครงสร้าง",
                field="parent",
            )
        if (target.pk if target else None) == old_parent_id:
            return unit
        old_root_id = unit.get_root().pk
        unit.parent = target
        if target is not None:
            unit.ministry = None
        unit.save()
        unit.refresh_from_db()
        new_root = unit.get_root()
        if new_root.pk != old_root_id:
            # Position numbers are unique per department: re-home the moved subtree's positions.
            subtree = unit.get_descendants(include_self=True)
            moved = Position.objects.filter(unit__in=subtree)
            clash = (
                Position.objects.filter(department=new_root, number__in=moved.values("number"))
                .exclude(pk__in=moved.values("pk"))
                .values_list("number", flat=True)[:5]
            )
            if clash:
                raise DomainError(
                    "ย้ายไม่ได้: เลขที่ตำแหน่งซ้ำกับส่วนราชการปลายทาง: " + ", ".join(clash),
                    field="parent",
                )
            moved.update(department=new_root)
        units_moved.send(sender=OrgUnit, units=[unit])
        audit(
            actor=actor,
            kind=OrgEvent.UNIT_MOVE,
            obj=unit,
            summary=unit.code,
            changes={"parent": [old_parent_id, target.pk if target else None]},
        )
    return unit


@transaction.atomic
def unit_update(*, unit: OrgUnit, actor=None, **fields) -> OrgUnit:
    """Change a unit's non-structural fields (names, kind, heads, active, Thai digits)."""
    allowed = {
        "name",
        "short_name",
        "kind",
        "head",
        "acting_head",
        "is_active",
        "use_thai_digits",
        "code",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unit_update cannot change {sorted(unknown)}")
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if "code" in fields:
        fields["code"] = (fields["code"] or "").strip()
        if not fields["code"]:
            raise DomainError("ต้องระบุรหัสหน่วยงาน", field="code")
        _check_code_free(fields["code"], exclude_pk=unit.pk)
    if "name" in fields and is_blank(fields["name"]):
        raise DomainError("ต้องระบุชื่อหน่วยงาน", field="name")
    for role in ("head", "acting_head"):
        person = fields.get(role)
        if person is not None and person.unit.tree_id != unit.tree_id:
            raise DomainError("หัวหน้าหน่วยงานต้องเป็นบุคลากรในส่วนราชการเดียวกัน", field=role)
    changes = {}
    for key, value in fields.items():
        old = getattr(unit, key)
        if old != value:
            changes[key] = [plain(old), plain(value)]
            setattr(unit, key, value)
    if changes:
        heads = [k for k in ("head", "acting_head") if k in changes]
        with own_chain_kept(actor if heads else None, field=heads[0] if heads else ""):
            # Only the named fields are written, so tree fields are never touched here.
            unit.save(update_fields=list(changes))
        audit(actor=actor, kind=OrgEvent.UNIT_UPDATE, obj=unit, summary=unit.code, changes=changes)
    return unit


@transaction.atomic
def person_set_evaluator(*, person: Person, evaluator: Person | None, actor=None) -> Person:
    """HR override of a person's evaluator (None returns to the org chart's default)."""
    person = Person.objects.select_for_update().select_related("unit").get(pk=person.pk)
    if actor is not None:
        require(actor, "orgchart.set_person_evaluator", person)
    if evaluator is not None:
        if evaluator.pk == person.pk:
            raise DomainError("บุคลากรเป็นผู้ประเมินของตนเองไม่ได้", field="evaluator_override")
        if not evaluator.is_active:
            raise DomainError("ผู้ประเมินต้องเป็นบุคลากรที่ยังปฏิบัติงานอยู่", field="evaluator_override")
        if evaluator.unit.tree_id != person.unit.tree_id:
            raise DomainError("ผู้ประเมินต้องอยู่ในส่วนราชการเดียวกัน", field="evaluator_override")
    old = person.evaluator_override_id
    person.evaluator_override = evaluator
    person.save(update_fields=["evaluator_override"])
    audit(
        actor=actor,
        kind=OrgEvent.PERSON_SET_EVALUATOR,
        obj=person,
        summary=person.staff_code,
        changes={"evaluator_override": [old, evaluator.pk if evaluator else None]},
    )
    return person


_UNSET = object()


@transaction.atomic
def unit_change(*, unit: OrgUnit, actor=None, new_parent=_UNSET, **fields) -> OrgUnit:
    """One HR edit of a unit: field changes and an optional move, all or nothing."""
    if fields:
        unit = unit_update(unit=unit, actor=actor, **fields)
    if new_parent is not _UNSET:
        # A move changes the heads above everyone in the unit: not of one's own chain.
        with own_chain_kept(actor, field="parent"):
            unit = unit_move(unit=unit, new_parent=new_parent, actor=actor)
    return unit
