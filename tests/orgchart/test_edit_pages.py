from django.urls import reverse

from common.models import AuditEvent
from orgchart import selectors
from orgchart.models import OrgUnit


def edit_data(unit, **changes):
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "parent_code": unit.parent.code if unit.parent_id else "",
        "head_code": unit.head.staff_code if unit.head_id else "",
        "acting_head_code": unit.acting_head.staff_code if unit.acting_head_id else "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_hr_renames_a_unit_and_names_an_acting_head(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.grp1.pk})
    response = client.post(
        url, edit_data(org.grp1, name="กลุ่มงานยุทธศาสตร์และแผน", acting_head_code="0004")
    )
    assert response.status_code == 302
    org.grp1.refresh_from_db()
    assert org.grp1.name == "กลุ่มงานยุทธศาสตร์และแผน"
    assert org.grp1.acting_head == org.s1
    assert selectors.evaluator_of(org.s2) == org.s1
    assert AuditEvent.objects.filter(kind="unit.update", object_id=str(org.grp1.pk)).exists()


def test_hr_moves_a_unit_within_its_scope(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.grp2.pk})
    assert client.post(url, edit_data(org.grp2, parent_code="DEPT-02")).status_code == 302
    org.grp2.refresh_from_db()
    assert org.grp2.parent == org.div2


def test_hr_of_a_subtree_cannot_move_a_unit_out_of_it(client, org):
    org.div2.refresh_from_db()
    client.force_login(org.hr_div2)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.div2.pk})
    response = client.post(url, edit_data(org.div2, parent_code="DEPT-01"))
    assert response.status_code == 200
    assert "ไม่มีสิทธิ์ย้าย" in response.content.decode()
    org.div2.refresh_from_db()
    assert org.div2.parent == org.dept


def test_a_move_that_makes_a_cycle_shows_a_thai_error_and_saves_nothing(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.div1.pk})
    response = client.post(url, edit_data(org.div1, name="ชื่อใหม่", parent_code="DEPT-01-1"))
    assert response.status_code == 200
    assert "วงวน" in response.content.decode()
    org.div1.refresh_from_db()
    assert org.div1.name == "กองแผนงาน"  # the rename in the same submit was rolled back
    assert org.div1.parent == org.dept


def test_unknown_codes_are_field_errors(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.grp1.pk})
    body = client.post(
        url, edit_data(org.grp1, parent_code="NOPE", head_code="9999")
    ).content.decode()
    assert "ไม่พบหน่วยงานรหัส NOPE" in body
    assert "ไม่พบบุคลากรรหัสหรือชื่อ “9999”" in body


def test_a_head_from_another_department_is_refused(client, org):
    client.force_login(org.admin)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.grp1.pk})
    body = client.post(url, edit_data(org.grp1, head_code="0011")).content.decode()
    assert "ไม่พบบุคลากรรหัสหรือชื่อ “0011”" in body
    assert OrgUnit.objects.get(pk=org.grp1.pk).head == org.grp1_head


def test_staff_cannot_post_a_unit_edit(client, org):
    client.force_login(org.grp1_head.user)
    url = reverse("orgchart:unit_edit", kwargs={"pk": org.grp1.pk})
    assert client.post(url, edit_data(org.grp1, name="x")).status_code == 403
    org.grp1.refresh_from_db()
    assert org.grp1.name == "กลุ่มงานยุทธศาสตร์"


def test_hr_overrides_and_resets_an_evaluator(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:person_evaluator", kwargs={"pk": org.s1.pk})
    assert client.post(url, {"evaluator_code": "0007"}).status_code == 302
    org.s1.refresh_from_db()
    assert selectors.evaluator_of(org.s1) == org.div2_head
    assert client.post(url, {"evaluator_code": ""}).status_code == 302
    org.s1.refresh_from_db()
    assert selectors.evaluator_of(org.s1) == org.grp1_head
    assert AuditEvent.objects.filter(kind="person.set_evaluator").count() == 2


def test_a_person_cannot_evaluate_themselves(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:person_evaluator", kwargs={"pk": org.s1.pk})
    response = client.post(url, {"evaluator_code": "0004"})
    assert response.status_code == 200
    assert "ผู้ประเมินของตนเองไม่ได้" in response.content.decode()
