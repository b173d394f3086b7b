"""The org import's moves: a unit moved with the units under it, whose rows leave their parent
cells blank, name the moved unit, or name a unit of the old department. Every file gives row
errors or a clean plan, and a clean plan leaves the tree equal to its own rebuild."""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgchart import services
from orgchart.import_service import ImportRejected, org_import
from orgchart.models import OrgUnit, Position
from tests.factories import build_org
from tests.orgchart.test_import import (
    HEADER,
    assert_rejected,
    assert_tree_equals_its_rebuild,
    csv_bytes,
    db_state,
    person_row,
    plan_of,
)

UNIT_HEADER = HEADER[:3]  # รหัสหน่วยงาน, ชื่อหน่วยงาน, รหัสหน่วยงานต้นสังกัด
PARENT_COLUMN = "รหัสหน่วยงานต้นสังกัด"
ELSEWHERE = "ไปต่างส่วนราชการ"


def departments() -> dict[str, str]:
    """unit code -> code of its department (the root of its tree), read from the database."""
    return {u.code: u.get_root().code for u in OrgUnit.objects.all()}


def parents() -> dict[str, str | None]:
    return dict(OrgUnit.objects.values_list("code", "parent__code"))


def assert_errors_or_a_consistent_import(rows, *, user=None, header=UNIT_HEADER):
    """The file gives row errors that write nothing, or a plan that imports to a tree equal to
    its rebuild, with every unit where the file says (a blank parent cell keeps the parent) and
    no existing unit in another department. Returns the plan."""
    data = csv_bytes(rows, header=header)
    plan = plan_of(data, user=user)
    if plan.errors:
        assert all(e.row is not None and 2 <= e.row <= len(rows) + 1 for e in plan.errors)
        assert all(e.column and e.message for e in plan.errors), [str(e) for e in plan.errors]
        before = db_state()
        with pytest.raises(ImportRejected):
            org_import(plan=plan, actor=user)
        assert db_state() == before
        return plan
    expected = parents()
    for row in rows:
        code, name, parent = row[:3]
        if parent or code not in expected:
            expected[code] = parent or None
    old_departments = departments()
    org_import(plan=plan, actor=user)
    assert parents() == expected
    now = departments()
    assert {c: now[c] for c in old_departments} == old_departments
    for number, department, unit in Position.objects.values_list(
        "number", "department__code", "unit__code"
    ):
        assert now[unit] == department, number
    assert_tree_equals_its_rebuild()
    return plan


# --- the crash: a unit moved to another department, a child's parent cell left blank ---------------


def test_a_move_to_another_department_with_a_child_left_blank_is_a_row_error(org):
    data = csv_bytes([["DEPT-01", "กองแผนงาน", "OTHER"], ["DEPT-01-1", "", ""]], header=UNIT_HEADER)
    plan = assert_rejected(data, row=2, column=PARENT_COLUMN, text=ELSEWHERE, user=org.admin)
    # The child stays under its parent; the row to change is the move, not the child's.
    assert [(e.row, e.column) for e in plan.errors] == [(2, PARENT_COLUMN)]
    assert "'DEPT-01'" in plan.errors[0].message and "'DEPT'" in plan.errors[0].message


def test_a_child_row_below_the_move_is_not_blamed_for_it_whatever_it_names(org):
    data = csv_bytes(
        [
            ["DEPT-01-1", "", ""],
            ["DEPT-01-2", "", "DEPT-01"],
            ["DEPT-01", "กองแผนงาน", "OTHER"],
        ],
        header=UNIT_HEADER,
    )
    plan = assert_rejected(data, row=4, column=PARENT_COLUMN, text=ELSEWHERE, user=org.hr)
    assert [(e.row, e.column) for e in plan.errors] == [(4, PARENT_COLUMN)]


def test_a_child_that_stays_in_the_old_department_does_not_make_the_move_acceptable(org):
    data = csv_bytes(
        [["DEPT-01", "กองแผนงาน", "OTHER"], ["DEPT-01-1", "", "DEPT-02"]], header=UNIT_HEADER
    )
    plan = assert_rejected(data, row=2, column=PARENT_COLUMN, text=ELSEWHERE, user=org.admin)
    assert [(e.row, e.column) for e in plan.errors] == [(2, PARENT_COLUMN)]


def test_people_under_a_refused_move_are_planned_in_the_department_they_stay_in(org):
    # P0011 is a position of OTHER held by o1. Planned in OTHER (where the refused move would
    # have taken DEPT-01-1), the row would also be told that its position is held by someone else.
    data = csv_bytes([
        ["DEPT-01", "กองแผนงาน", "OTHER"] + [""] * (len(HEADER) - 3),
        person_row("DEPT-01-1", "P0004", "0004", "สมชาย", grade="ปฏิบัติการ"),
        person_row("DEPT-01-1", "P0011", "0005", "สมหญิง", grade="ปฏิบัติการ"),
    ])  # fmt: skip
    plan = assert_rejected(data, row=2, column=PARENT_COLUMN, text=ELSEWHERE, user=org.admin)
    assert [(e.row, e.column) for e in plan.errors] == [(2, PARENT_COLUMN)]
    assert {a.key for a in plan.positions} == {("DEPT", "P0004"), ("DEPT", "P0011")}


def test_a_move_that_becomes_one_to_another_department_once_another_is_refused_is_reported(org):
    services.unit_create(code="OTHER-01", name="กองอื่น", parent=org.other)
    # DEPT-01 into OTHER is refused, so DEPT-01 stays in DEPT, and OTHER-01 under it would leave
    # OTHER: both rows are told at once.
    data = csv_bytes(
        [["DEPT-01", "กองแผนงาน", "OTHER"], ["OTHER-01", "", "DEPT-01"]], header=UNIT_HEADER
    )
    plan = assert_rejected(data, row=2, column=PARENT_COLUMN, text=ELSEWHERE, user=org.admin)
    assert [(e.row, e.column) for e in plan.errors] == [(2, PARENT_COLUMN), (3, PARENT_COLUMN)]
    assert "'OTHER-01'" in plan.errors[1].message and "'OTHER'" in plan.errors[1].message


def test_a_move_within_the_department_takes_the_children_left_blank_along(org):
    rows = [["DEPT-01", "กองแผนงาน", "DEPT-02"], ["DEPT-01-1", "", ""], ["DEPT-01-2", "", ""]]
    plan = assert_errors_or_a_consistent_import(rows, user=org.hr)
    assert not plan.errors
    assert plan.counts()["units"]["updated"] == 1
    assert OrgUnit.objects.get(code="DEPT-01-1").parent.code == "DEPT-01"
    assert OrgUnit.objects.get(code="DEPT-01").parent.code == "DEPT-02"


# --- around it: every combination of the move and its children's cells --------------------------

TARGETS = ["OTHER", "DEPT-02", "DEPT", "DEPT-01-1"]  # another department, a move, none, a cycle
CHILD_CELLS = ["", "DEPT-01", "DEPT-02", "DEPT", "OTHER"]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("first", CHILD_CELLS)
@pytest.mark.parametrize("second", CHILD_CELLS)
def test_a_unit_with_children_moved_anywhere_gives_errors_or_a_consistent_tree(
    org, target, first, second
):
    rows = [["DEPT-01", "กองแผนงาน", target], ["DEPT-01-1", "", first], ["DEPT-01-2", "", second]]
    plan = assert_errors_or_a_consistent_import(rows, user=org.admin)
    leaves = target == "OTHER" or "OTHER" in (first, second)
    cycle = target == "DEPT-01-1" and first in ("", "DEPT-01")
    assert bool(plan.errors) == (leaves or cycle), [str(e) for e in plan.errors]


# `make test` draws the same examples every run; FUZZ_CASES=2000 HYPOTHESIS_PROFILE=explore finds new ones.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_CASES", "80")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
EXISTING = ["DEPT", "DEPT-01", "DEPT-01-1", "DEPT-01-2", "DEPT-02", "OTHER", "OTHER-01"]
NEW = ["NEW-1", "NEW-2"]
ROW = st.tuples(
    st.sampled_from(EXISTING + NEW),
    st.booleans(),
    st.sampled_from(["", "", *EXISTING, *NEW, "NOPE"]),
)


@pytest.mark.django_db
@FUZZ
@given(rows=st.lists(ROW, min_size=1, max_size=6), who=st.sampled_from(["admin", "hr", None]))
def test_random_moves_among_two_departments_give_errors_or_a_consistent_tree(rows, who):
    with transaction.atomic():
        # Hypothesis shares one test database among its examples: undo each one.
        org = build_org()
        services.unit_create(code="OTHER-01", name="กองอื่น", parent=org.other)
        table = [[code, f"ชื่อ {code}" if named else "", parent] for code, named, parent in rows]
        assert_errors_or_a_consistent_import(table, user=getattr(org, who) if who else None)
        transaction.set_rollback(True)
