"""Writing the demo organisation (กระทรวงสาธารณสุข): the plan's units, positions, people and
one user account per person, in bulk, into an empty org chart under the tree lock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from common.bulk import insert_values_returning_ids
from demo.accounts import ADMIN_USERNAME, DEMO_USERNAMES, HR_USERNAME, PASSWORD
from demo.people import PersonSpec
from demo.plan import DEFAULT_SEED, DEFAULT_STAFF, DemoError, DemoPlan
from orgchart.models import HrScope, Ministry, OrgUnit, Person, Position
from orgchart.services import tree_lock

MINISTRY_CODE = "21"  # the MOPH prefix of the affiliation codes in chospital (21002 = สป.)
MINISTRY_NAME = "กระทรวงสาธารณสุข"
# Fixed so that a seed reproduces the same rows, whatever the day it runs.
DATE_JOINED = datetime(2025, 10, 1, tzinfo=UTC)
BATCH = 2000


@dataclass
class SeedResult:
    departments: int
    units: int
    people: int
    users: int


def seed_demo(*, staff: int = DEFAULT_STAFF, seed: int = DEFAULT_SEED) -> SeedResult:
    """Write the demo organisation into an empty org chart, in bulk, under the tree lock."""
    plan = DemoPlan(staff=staff, seed=seed)
    with transaction.atomic(), tree_lock():
        if OrgUnit.objects.exists():
            raise DemoError(
                "The org chart already has units; seed_demo only fills an empty database "
                "(use --if-empty to skip quietly)."
            )
        User = get_user_model()
        taken = list(
            User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True)
        )
        if taken or User.objects.filter(username__regex=r"^u[0-9]{6,}$").exists():
            raise DemoError(
                "User names the demo needs are taken: " + (", ".join(taken) or "u000001...")
            )
        password = make_password(PASSWORD)  # hashed once: every demo account shares it
        ministry, _ = Ministry.objects.get_or_create(
            code=MINISTRY_CODE, defaults={"name": MINISTRY_NAME}
        )
        unit_pks = _write_units(plan, ministry)
        User.objects.create(
            username=ADMIN_USERNAME,
            password=password,
            first_name="ผู้ดูแลระบบ",
            is_superuser=True,
            is_staff=True,
            date_joined=DATE_JOINED,
        )
        person_pks, hr_user_pk = _write_people(plan, unit_pks, password)
        _write_heads(plan, unit_pks, person_pks)
        users = len(person_pks) + 1
        if hr_user_pk is None:
            # No HR officer came out of this plan: the account still exists, without a person.
            hr_user_pk = User.objects.create(
                username=HR_USERNAME, password=password, date_joined=DATE_JOINED
            ).pk
            users += 1
        HrScope.objects.create(user_id=hr_user_pk, unit_id=unit_pks[0])
    return SeedResult(
        departments=len(plan.departments),
        units=len(plan.units),
        people=len(person_pks),
        users=users,
    )


def _write_units(plan: DemoPlan, ministry: Ministry) -> list[int]:
    """Insert every unit with placeholder tree fields, then let django-mptt number each tree."""
    pks: list[int] = [0] * len(plan.units)
    with OrgUnit.objects.disable_mptt_updates():
        for depth in range(4):
            batch = [u for u in plan.units if u.depth == depth]
            objs = [
                OrgUnit(
                    code=u.code,
                    name=u.name,
                    short_name=u.short_name,
                    kind=u.kind,
                    parent_id=None if u.parent is None else pks[u.parent],
                    ministry=ministry if u.parent is None else None,
                    tree_id=u.dept + 1,
                    lft=0,
                    rght=0,
                    depth=depth,
                )
                for u in batch
            ]
            OrgUnit.objects.bulk_create(objs, batch_size=BATCH)
            for u, obj in zip(batch, objs, strict=True):
                pks[u.index] = obj.pk
    # Departments sort by code like the roots of a full rebuild, so each tree gets the id a
    # rebuild would give it, and only its own rows are renumbered.
    for d in range(len(plan.departments)):
        OrgUnit.objects.partial_rebuild(d + 1, batch_size=500)
    return pks


def _write_people(plan: DemoPlan, unit_pks: list[int], password: str):
    User = get_user_model()
    roots = {u.dept: unit_pks[u.index] for u in plan.units if u.depth == 0}
    person_pks: list[int] = []
    hr_user_pk = None
    buffer: list[PersonSpec] = []

    def flush():
        # Field values rather than model objects: 300,000 people are three times as many
        # objects to build (a position, an account and a person each), a fifth of the seed.
        nonlocal hr_user_pk
        positions = insert_values_returning_ids(
            Position,
            [
                {
                    "department_id": roots[p.dept],
                    "number": p.number,
                    "title": p.position_title,
                    "management_title": p.management_title,
                    "line_of_work": p.line_of_work,
                    "line_code": p.line_code,
                    "position_type": p.position_type,
                    "grade": p.grade,
                    "unit_id": unit_pks[p.unit],
                }
                for p in buffer
            ],
        )
        users = insert_values_returning_ids(
            User,
            [
                {
                    "username": p.username,
                    "password": password,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "email": p.email,
                    "date_joined": DATE_JOINED,
                }
                for p in buffer
            ],
        )
        people = insert_values_returning_ids(
            Person,
            [
                {
                    "staff_code": f"{p.seq:06d}",
                    "title": p.title,
                    "first_name": p.first_name,
                    "last_name": p.last_name,
                    "staff_type": p.staff_type,
                    "on_probation": p.on_probation,
                    "salary": p.salary,
                    "email": p.email,
                    "user_id": user,
                    "position_id": position,
                    "unit_id": unit_pks[p.unit],
                }
                for p, user, position in zip(buffer, users, positions, strict=True)
            ],
        )
        if None in people:  # SQLite older than 3.35: no ids back from a bulk insert
            raise DemoError("seed_demo needs SQLite 3.35 or newer (or PostgreSQL)")
        person_pks.extend(people)
        for p, user in zip(buffer, users, strict=True):
            if p.username == HR_USERNAME:
                hr_user_pk = user
        buffer.clear()

    for spec in plan.people():
        buffer.append(spec)
        if len(buffer) >= 2 * BATCH:
            flush()
    if buffer:
        flush()
    return person_pks, hr_user_pk


def _write_heads(plan: DemoPlan, unit_pks: list[int], person_pks: list[int]) -> None:
    def pk(seq):
        return None if seq is None else person_pks[seq - 1]

    rows = [
        (pk(u.head_seq), pk(u.acting_seq), unit_pks[u.index])
        for u in plan.units
        if u.head_seq is not None or u.acting_seq is not None
    ]
    # One parameterised UPDATE per unit, sent as a batch (psycopg pipelines executemany): the
    # CASE expressions of bulk_update cost more to build than the rows to write at 20,000 units.
    # Only the head fields change; the tree fields are left to the tree's own writes.
    meta = OrgUnit._meta
    quote = connection.ops.quote_name
    head, acting = meta.get_field("head").column, meta.get_field("acting_head").column
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {quote(head)} = %s, {quote(acting)} = %s"
            f" WHERE {quote(meta.pk.column)} = %s",
            rows,
        )
