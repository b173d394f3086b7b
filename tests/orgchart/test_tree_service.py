import random
import threading

import pytest
from django.db import connection

from common.errors import DomainError
from common.models import AuditEvent
from orgchart import services
from orgchart.models import OrgUnit, Position


def tree_snapshot():
    return sorted(OrgUnit.objects.values_list("pk", "tree_id", "lft", "rght", "depth", "parent_id"))


def assert_tree_equals_its_rebuild():
    before = tree_snapshot()
    OrgUnit.objects.rebuild()
    assert tree_snapshot() == before


def test_create_places_units_in_code_order_and_audits(org):
    services.unit_create(code="DEPT-00", name="สำนักงานเลขานุการกรม", parent=org.dept)
    codes = list(org.dept.get_children().values_list("code", flat=True))
    assert codes == ["DEPT-00", "DEPT-01", "DEPT-02"]
    assert AuditEvent.objects.filter(kind="unit.create", summary__startswith="DEPT-00").exists()
    assert_tree_equals_its_rebuild()


def test_duplicate_unit_code_is_refused(org):
    with pytest.raises(DomainError, match="มีอยู่แล้ว") as exc:
        services.unit_create(code="DEPT-01", name="ซ้ำ", parent=org.dept)
    assert exc.value.field == "code"


def test_moving_a_unit_under_its_own_descendant_is_refused(org):
    with pytest.raises(DomainError, match="วงวน"):
        services.unit_move(unit=org.div1, new_parent=org.grp1)
    with pytest.raises(DomainError, match="วงวน"):
        services.unit_move(unit=org.div1, new_parent=org.div1)
    assert_tree_equals_its_rebuild()


def test_move_keeps_the_subtree_and_the_tree_consistent(org):
    services.unit_move(unit=org.grp2, new_parent=org.div2)
    org.grp2.refresh_from_db()
    assert org.grp2.parent == org.div2
    assert org.grp2.get_root() == org.dept
    assert_tree_equals_its_rebuild()


def test_moving_a_subtree_to_another_department_rehomes_its_positions(org):
    services.unit_move(unit=org.grp1, new_parent=org.other)
    assert set(Position.objects.filter(unit=org.grp1).values_list("department", flat=True)) == {
        org.other.pk
    }
    assert_tree_equals_its_rebuild()


def test_moving_into_a_department_with_the_same_position_number_is_refused(org):
    Position.objects.create(
        department=org.other,
        number=org.s1.position.number,
        title="ซ้ำ",
        position_type="knowledge",
        grade="K1",
        unit=org.other,
    )
    with pytest.raises(DomainError, match="เลขที่ตำแหน่งซ้ำ"):
        services.unit_move(unit=org.grp1, new_parent=org.other)
    org.grp1.refresh_from_db()
    assert org.grp1.parent == org.div1  # nothing half-moved
    assert_tree_equals_its_rebuild()


def test_a_unit_can_become_a_department_root(org):
    services.unit_move(unit=org.div2, new_parent=None)
    org.div2.refresh_from_db()
    assert org.div2.is_root_node()
    assert_tree_equals_its_rebuild()


def test_ministry_is_only_for_roots(org):
    with pytest.raises(DomainError):
        services.unit_create(code="X1", name="หน่วย", parent=org.dept, ministry=org.dept.ministry)


def test_head_must_belong_to_the_same_department(org):
    with pytest.raises(DomainError):
        services.unit_update(unit=org.div1, head=org.o1)


@pytest.mark.django_db(transaction=True)
def test_tree_lock_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        with services.tree_lock():
            pass


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_and_moves_leave_the_tree_equal_to_its_rebuild():
    root = services.unit_create(code="R", name="กรมทดสอบพร้อมกัน")
    other = services.unit_create(code="S", name="กรมที่สอง")
    for i in range(8):
        services.unit_create(code=f"R{i:02d}", name=f"กอง {i}", parent=root)
    errors: list[BaseException] = []
    refused: list[int] = []
    barrier = threading.Barrier(6)

    def worker(n: int) -> None:
        rng = random.Random(n)
        try:
            barrier.wait()
            for step in range(12):
                nodes = list(OrgUnit.objects.exclude(parent=None).values_list("pk", flat=True))
                targets = list(OrgUnit.objects.values_list("pk", flat=True))
                if rng.random() < 0.5:
                    parent = OrgUnit.objects.get(pk=rng.choice(targets))
                    services.unit_create(code=f"T{n}-{step}", name=f"งาน {n}-{step}", parent=parent)
                else:
                    unit = OrgUnit.objects.get(pk=rng.choice(nodes))
                    target = OrgUnit.objects.get(pk=rng.choice(targets))
                    try:
                        services.unit_move(unit=unit, new_parent=target)
                    except DomainError:
                        refused.append(n)  # a cycle refused is a correct outcome
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert OrgUnit.objects.filter(code__startswith="T").count() > 0
    assert {u.get_root().pk for u in OrgUnit.objects.all()} <= {root.pk, other.pk}
    assert_tree_equals_its_rebuild()
