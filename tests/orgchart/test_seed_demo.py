"""The demo organisation: deterministic, realistic in shape, and consistent as an MPTT forest."""

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from demo import org as demo
from orgchart import selectors
from orgchart.models import HrScope, Ministry, OrgUnit, Person, Position, StaffType

ALL_GRADES = {"O1", "O2", "O3", "O4", "K1", "K2", "K3", "K4", "K5", "M1", "M2", "S1", "S2"}


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot(plan: demo.DemoPlan):
    units = [(u.code, u.name, u.head_mode) for u in plan.units]
    people = [(p.seq, p.full_name, p.grade) for p in plan.people()]
    return units, people


@pytest.fixture
def seeded(db):
    seed("--no-round")  # the round is tested in tests/appraisal/test_demo_round.py


def test_the_same_seed_gives_the_same_organisation_and_another_seed_does_not():
    first = snapshot(demo.DemoPlan(staff=150, seed=7))
    assert first == snapshot(demo.DemoPlan(staff=150, seed=7))
    other_units, other_people = snapshot(demo.DemoPlan(staff=150, seed=8))
    assert [name for _, name, _ in other_people] != [name for _, name, _ in first[1]]
    assert other_units != first[0]


def test_the_database_holds_exactly_the_plan(seeded):
    plan = demo.DemoPlan(staff=demo.DEFAULT_STAFF, seed=demo.DEFAULT_SEED)
    assert list(OrgUnit.objects.order_by("code").values_list("code", "name")) == sorted(
        (u.code, u.name) for u in plan.units
    )
    assert list(
        Person.objects.order_by("staff_code").values_list("title", "first_name", "last_name")
    ) == [(p.title, p.first_name, p.last_name) for p in plan.people()]


def test_the_four_demo_accounts_have_their_roles(seeded):
    User = get_user_model()
    admin = User.objects.get(username="demo-admin")
    assert admin.is_superuser and admin.is_staff
    hr = User.objects.get(username="demo-hr")
    scope = HrScope.objects.get(user=hr)
    assert scope.unit.parent_id is None
    supervisor = Person.objects.get(user__username="demo-supervisor")
    staff = Person.objects.get(user__username="demo-staff")
    group = OrgUnit.objects.get(head=supervisor)
    assert group.kind == "กลุ่มงาน" and group.acting_head_id is None
    team = selectors.people_evaluated_by(supervisor)
    assert staff in team and len(team) >= 3
    assert staff.unit_id == group.pk
    for username in demo.DEMO_USERNAMES:
        assert User.objects.get(username=username).check_password("demo"), username


def test_every_grade_staff_type_and_position_type_appears(seeded):
    assert set(Position.objects.exclude(grade="").values_list("grade", flat=True)) == ALL_GRADES
    assert set(Person.objects.values_list("staff_type", flat=True)) == set(StaffType.values)
    others = Position.objects.filter(
        holder__staff_type__in=["government_employee", "permanent_employee"]
    )
    assert others.exists()
    assert set(others.values_list("position_type", "grade").distinct()) == {("other", "")}
    assert Person.objects.filter(on_probation=True).exists()


def test_the_tree_has_a_ministry_above_departments_and_is_at_least_four_deep(seeded):
    roots = OrgUnit.objects.filter(parent__isnull=True)
    assert roots.count() >= 2
    assert set(roots.values_list("ministry__name", flat=True)) == {"กระทรวงสาธารณสุข"}
    assert Ministry.objects.count() == 1
    assert max(OrgUnit.objects.values_list("depth", flat=True)) >= 3
    kinds = set(OrgUnit.objects.values_list("kind", flat=True))
    assert {"กอง", "กลุ่มงาน", "ฝ่าย", "งาน"} <= kinds


def test_the_tree_is_what_a_rebuild_would_make(seeded):
    fields = ("pk", "tree_id", "lft", "rght", "depth")
    before = list(OrgUnit.objects.order_by("pk").values_list(*fields))
    OrgUnit.objects.rebuild()
    assert list(OrgUnit.objects.order_by("pk").values_list(*fields)) == before


def test_units_have_heads_some_acting_and_some_vacant(seeded):
    units = OrgUnit.objects.all()
    headed = units.filter(head__isnull=False).count()
    assert headed > units.count() / 2
    assert units.filter(head__isnull=True, acting_head__isnull=False).exists()
    assert units.filter(head__isnull=False, acting_head__isnull=False).exists()
    assert units.filter(head__isnull=True, acting_head__isnull=True).exists()
    for unit in units.filter(acting_head__isnull=False).select_related("acting_head__unit"):
        assert unit.acting_head.unit.tree_id == unit.tree_id


def test_codes_keep_leading_zeros_and_money_is_decimal(seeded):
    assert all(code.startswith("0") for code in OrgUnit.objects.values_list("code", flat=True))
    salaries = list(Person.objects.values_list("salary", flat=True))
    assert all(isinstance(s, Decimal) and Decimal("9000") < s < Decimal("80000") for s in salaries)


def test_every_person_has_an_account_and_all_share_one_password_hash(seeded):
    User = get_user_model()
    assert not Person.objects.filter(user__isnull=True).exists()
    assert User.objects.count() == Person.objects.count() + 1  # demo-admin has no person
    assert User.objects.values("password").distinct().count() == 1
    assert Person.objects.filter(user__username="u000001").exists()


def test_position_numbers_are_unique_within_each_department(seeded):
    for root in OrgUnit.objects.filter(parent__isnull=True):
        numbers = list(Position.objects.filter(department=root).values_list("number", flat=True))
        assert numbers and len(numbers) == len(set(numbers))
        assert (
            Position.objects.filter(department=root).exclude(unit__tree_id=root.tree_id).count()
            == 0
        )


def test_if_empty_skips_and_still_prints_the_accounts(seeded):
    counts = (OrgUnit.objects.count(), Person.objects.count())
    out = seed("--if-empty")
    assert (OrgUnit.objects.count(), Person.objects.count()) == counts
    assert "nothing seeded" in out
    assert "Demo accounts (password: demo)" in out
    assert "demo-supervisor" in out and "หัวหน้ากลุ่มงาน" in out


def test_seeding_a_chart_that_has_units_is_refused(seeded):
    with pytest.raises(CommandError):
        seed()


def test_the_command_reports_counts_and_the_accounts(db):
    out = seed("--staff", "120", "--seed", "3")
    assert "120 people" in out
    assert out.splitlines()[1] == "Demo accounts (password: demo)"
    assert "  demo-admin       ผู้ดูแลระบบ" in out


def test_a_larger_size_adds_departments_and_numbered_regional_units():
    plan = demo.DemoPlan(staff=20_000, seed=1)
    assert len(plan.departments) == 4
    names = {u.name for u in plan.units}
    assert "สำนักงานเขตสุขภาพที่ 1" in names
    leaves = [u for u in plan.units if u.is_leaf]
    assert 10 <= sum(u.staff for u in leaves) / len(leaves) <= 20
