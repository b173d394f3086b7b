"""_ChildOf: the child unit whose subtree holds a nested-set position, as the database works
it out (nested CASEs in general, width_bucket() on PostgreSQL), against the same answer worked
out in Python for every unit of the tree: adjacent siblings, a gap between the chosen units,
the focus itself and the units outside."""

from __future__ import annotations

import pytest
from django.db.models import F

from orgchart import services
from orgchart.models import OrgUnit
from orgchart.selectors import child_rows
from rewards.selectors_talent import _ChildOf
from tests.factories import build_org

pytestmark = pytest.mark.django_db


def expected(unit: OrgUnit, chosen) -> int | None:
    for c in chosen:
        if c.tree_id == unit.tree_id and c.lft <= unit.lft <= c.rght:
            return c.pk
    return None


def test_child_of_matches_the_tree():
    o = build_org()
    for i in range(5):  # more siblings, each with a unit under it
        top = services.unit_create(code=f"DEPT-1{i}", name=f"กอง {i}", parent=o.dept, kind="กอง")
        services.unit_create(code=f"DEPT-1{i}-1", name=f"กลุ่ม {i}", parent=top, kind="กลุ่มงาน")
    as_rows = child_rows([o.dept])[o.dept.pk]
    assert len(as_rows) == 7
    assert [r.pk for r in as_rows] == list(
        OrgUnit.objects.filter(parent=o.dept).order_by("lft").values_list("pk", flat=True)
    )
    for chosen in (as_rows, as_rows[::2], as_rows[1:2], []):
        got = dict(
            OrgUnit.objects.filter(tree_id=o.dept.tree_id)
            .annotate(child=_ChildOf(F("lft"), chosen))
            .values_list("pk", "child")
        )
        units = OrgUnit.objects.filter(tree_id=o.dept.tree_id)
        assert got == {u.pk: expected(u, chosen) for u in units}
        assert got[o.dept.pk] is None
        if chosen:
            assert any(v is not None for v in got.values())
