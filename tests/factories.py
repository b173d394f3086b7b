"""A small, fully known organisation built through the services, for tests."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.contrib.auth import get_user_model

from orgchart import services
from orgchart.models import HrScope, Ministry, OrgUnit, Person, Position

PASSWORD = "pw-for-tests-1"


def make_person(
    unit: OrgUnit,
    code: str,
    first: str,
    *,
    grade="K1",
    title="นักวิเคราะห์นโยบายและแผน",
    ptype="knowledge",
    username: str | None = None,
    salary="25000.00",
    number=None,
) -> Person:
    root = unit.get_root()
    position = Position.objects.create(
        department=root,
        number=number or f"P{code}",
        title=title,
        position_type=ptype,
        grade=grade,
        unit=unit,
    )
    user = None
    if username:
        user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    return Person.objects.create(
        staff_code=code,
        title="นาย",
        first_name=first,
        last_name="ทดสอบ",
        unit=unit,
        position=position,
        user=user,
        salary=Decimal(salary),
        email=f"{code}@example.go.th",
    )


def build_org() -> SimpleNamespace:
    """
    กรมทดสอบ (DEPT, head: director)
      กองแผนงาน (DIV1, head: div1_head)
        กลุ่มงานยุทธศาสตร์ (GRP1, head: grp1_head): s1, s2
        กลุ่มงานงบประมาณ (GRP2, vacant): s3            -> evaluated by div1_head
      กองการเจ้าหน้าที่ (DIV2, head: div2_head, acting: div2_acting): s4 -> by div2_acting
    กรมอื่น (OTHER, head: other_head): o1
    HR: hr (scope DEPT), hr_div2 (scope DIV2); admin (superuser); nobody (no person).
    """
    o = SimpleNamespace()
    ministry = Ministry.objects.create(code="M01", name="กระทรวงทดสอบ")
    o.dept = services.unit_create(code="DEPT", name="กรมทดสอบ", ministry=ministry, kind="กรม")
    o.div1 = services.unit_create(code="DEPT-01", name="กองแผนงาน", parent=o.dept, kind="กอง")
    o.grp1 = services.unit_create(
        code="DEPT-01-1", name="กลุ่มงานยุทธศาสตร์", parent=o.div1, kind="กลุ่มงาน"
    )
    o.grp2 = services.unit_create(
        code="DEPT-01-2", name="กลุ่มงานงบประมาณ", parent=o.div1, kind="กลุ่มงาน"
    )
    o.div2 = services.unit_create(code="DEPT-02", name="กองการเจ้าหน้าที่", parent=o.dept, kind="กอง")
    o.other = services.unit_create(code="OTHER", name="กรมอื่น", ministry=ministry, kind="กรม")

    o.director = make_person(
        o.dept, "0001", "อธิบดี", grade="S2", ptype="executive", title="อธิบดี", username="director"
    )
    o.div1_head = make_person(
        o.div1,
        "0002",
        "ผอ.กองแผน",
        grade="M1",
        ptype="managerial",
        title="ผู้อำนวยการกอง",
        username="div1_head",
    )
    o.grp1_head = make_person(o.grp1, "0003", "หัวหน้ากลุ่ม", grade="K3", username="grp1_head")
    o.s1 = make_person(o.grp1, "0004", "สมชาย", username="s1")
    o.s2 = make_person(
        o.grp1, "0005", "สมหญิง", grade="O2", ptype="general", title="เจ้าพนักงานธุรการ", username="s2"
    )
    o.s3 = make_person(o.grp2, "0006", "สมศักดิ์", username="s3")
    o.div2_head = make_person(
        o.div2,
        "0007",
        "ผอ.กองการเจ้าหน้าที่",
        grade="M1",
        ptype="managerial",
        title="ผู้อำนวยการกอง",
        username="div2_head",
    )
    o.div2_acting = make_person(o.div2, "0008", "รักษาการ", grade="K3", username="div2_acting")
    o.s4 = make_person(o.div2, "0009", "สมปอง", username="s4")
    o.other_head = make_person(
        o.other,
        "0010",
        "อธิบดีอื่น",
        grade="S2",
        ptype="executive",
        title="อธิบดี",
        username="other_head",
    )
    o.o1 = make_person(o.other, "0011", "คนนอก", username="o1")

    services.unit_update(unit=o.dept, head=o.director)
    services.unit_update(unit=o.div1, head=o.div1_head)
    services.unit_update(unit=o.grp1, head=o.grp1_head)
    services.unit_update(unit=o.div2, head=o.div2_head, acting_head=o.div2_acting)
    services.unit_update(unit=o.other, head=o.other_head)

    User = get_user_model()
    o.hr = User.objects.create_user(username="hr", password=PASSWORD)
    HrScope.objects.create(user=o.hr, unit=o.dept)
    o.hr_div2 = User.objects.create_user(username="hr_div2", password=PASSWORD)
    HrScope.objects.create(user=o.hr_div2, unit=o.div2)
    o.admin = User.objects.create_superuser(username="admin", password=PASSWORD)
    o.nobody = User.objects.create_user(username="nobody", password=PASSWORD)
    for name in ("dept", "div1", "grp1", "grp2", "div2", "other"):
        getattr(o, name).refresh_from_db()
    return o


def informed(form):
    """The form after its evaluator informed the appraisee today (DOMAIN §5, part 4): the step
    before the appraisee may see the result and acknowledge it."""
    from django.utils import timezone

    from appraisal.services.review import form_inform

    return form_inform(
        actor=form.evaluator.user,
        form=form,
        expected_version=form.version,
        informed_on=timezone.localdate(),
    )
