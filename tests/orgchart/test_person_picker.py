"""The person picker: one field for every form that names a person (a name or a staff code,
with suggestions), its suggestions view, and the forms that use it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgchart.models import Person
from orgchart.selectors import people_nameable
from tests.factories import make_person

pytestmark = pytest.mark.django_db


def suggest(client, unit, q, field=None):
    params = {"unit": unit.pk}
    if field:
        params.update({"field": field, field: q})
    else:
        params["q"] = q
    return client.get(reverse("orgchart:people_suggest"), params)


def test_hr_finds_people_by_thai_name_and_staff_code_with_position_and_unit(client, org):
    client.force_login(org.hr)
    body = suggest(client, org.dept, "สมชาย").content.decode()
    assert 'data-person-pick="0004"' in body
    assert "นายสมชาย ทดสอบ" in body and "กลุ่มงานยุทธศาสตร์" in body
    assert "นักวิเคราะห์นโยบายและแผน" in body  # the position
    # The picker's input posts under its own field name.
    body = suggest(client, org.dept, "0009", field="head_code").content.decode()
    assert 'data-person-pick="0009"' in body
    assert suggest(client, org.dept, "ไม่มีใคร").content.decode().count("data-person-pick") == 0


def test_hr_of_a_subtree_names_anyone_of_its_department_but_nobody_elsewhere(client, org):
    client.force_login(org.hr_div2)
    body = suggest(client, org.div2, "อธิบดี").content.decode()
    assert f'data-person-pick="{org.director.staff_code}"' in body  # a higher supervisor
    assert suggest(client, org.other, "คนนอก").status_code == 404
    assert "data-person-pick" not in suggest(client, org.div2, "คนนอก").content.decode()


def test_suggestions_stay_within_what_the_user_may_name(client, org):
    # Another department's unit: 404, whoever asks for a name there.
    client.force_login(org.s1.user)
    assert suggest(client, org.other, "คนนอก").status_code == 404
    # A head names their team and their own chain, not a neighbouring group.
    client.force_login(org.grp1_head.user)
    assert 'data-person-pick="0004"' in suggest(client, org.grp1, "สมชาย").content.decode()
    assert "data-person-pick" not in suggest(client, org.grp1, "สมศักดิ์").content.decode()
    # A member of staff is offered nobody of their group but themselves and their chain.
    client.force_login(org.s2.user)
    assert "data-person-pick" not in suggest(client, org.grp1, "สมชาย").content.decode()
    # No unit, or a unit id that is no number: 404.
    assert client.get(reverse("orgchart:people_suggest"), {"q": "สม"}).status_code == 404
    assert client.get(reverse("orgchart:people_suggest"), {"unit": "x"}).status_code == 404


def test_one_letter_suggests_nothing_and_the_field_name_is_checked(client, org):
    client.force_login(org.hr)
    assert "data-person-pick" not in suggest(client, org.dept, "ส").content.decode()
    response = client.get(
        reverse("orgchart:people_suggest"), {"unit": org.dept.pk, "field": "<x>", "q": "สมชาย"}
    )
    assert 'data-person-pick="0004"' in response.content.decode()


def test_suggestions_cost_a_fixed_number_of_queries(client, org):
    client.force_login(org.hr)
    suggest(client, org.dept, "ทดสอบ")  # session and the like, once
    with CaptureQueriesContext(connection) as few:
        suggest(client, org.dept, "สมชาย")
    for i in range(12):
        make_person(org.grp2, f"90{i:02}", f"สมชาย{i}")
    with CaptureQueriesContext(connection) as many:
        body = suggest(client, org.dept, "สมชาย").content.decode()
    assert body.count("data-person-pick") == 10  # at most ten suggestions
    assert len(many) == len(few) <= 6, [q["sql"] for q in many]


def test_the_field_takes_a_code_an_id_or_an_exact_name(org):
    from orgchart.person_field import PersonField

    field = PersonField(label="หัวหน้าหน่วยงาน")
    field.bind(user=org.hr, unit=org.dept)
    assert field.clean("0004") == org.s1
    assert field.clean(str(org.s1.pk)) == org.s1
    assert field.clean("สมชาย ทดสอบ") == org.s1
    assert field.clean("นายสมชาย  ทดสอบ") == org.s1  # as shown, spaces folded
    assert field.clean("") is None
    from django import forms

    with pytest.raises(forms.ValidationError) as exc:
        field.clean("คนนอก ทดสอบ")  # another department
    assert "หัวหน้าหน่วยงาน: ไม่พบบุคลากรรหัสหรือชื่อ “คนนอก ทดสอบ”" in exc.value.messages[0]
    make_person(org.grp2, "7777", "สมชาย")  # a namesake
    with pytest.raises(forms.ValidationError) as exc:
        field.clean("สมชาย ทดสอบ")
    assert "มากกว่าหนึ่งคน" in exc.value.messages[0]


def test_a_field_never_bound_names_nobody(org):
    from django import forms

    from orgchart.person_field import PersonField

    with pytest.raises(forms.ValidationError):
        PersonField(label="x").clean("0004")


def test_a_head_names_only_their_team_and_chain(org):
    names = set(people_nameable(org.grp1_head.user, tree_id=org.dept.tree_id))
    assert {org.s1, org.s2, org.grp1_head, org.div1_head} <= names
    assert org.s3 not in names and org.o1 not in names


def test_unit_edit_takes_a_name_and_shows_the_chosen_head(client, org):
    client.force_login(org.hr)
    url = reverse("orgchart:unit_edit", args=[org.grp2.pk])
    response = client.post(
        url,
        {
            "name": org.grp2.name,
            "parent_code": "DEPT-01",
            "head_code": "สมศักดิ์ ทดสอบ",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    org.grp2.refresh_from_db()
    assert org.grp2.head == org.s3
    page = client.get(url).content.decode()
    assert 'value="0006"' in page and "data-person-picker" in page
    assert "นายสมศักดิ์ ทดสอบ" in page and "กลุ่มงานงบประมาณ" in page  # name, unit
    assert reverse("orgchart:people_suggest") in page and 'aria-describedby="' in page


def test_every_person_field_is_a_picker(client, org):
    """Evaluator override, unit head and acting head, KPI owner and collector and delegates
    (the committee and a form's evaluator: tests/appraisal/test_hr_pages.py)."""
    client.force_login(org.hr)
    pages = [
        reverse("orgchart:person_evaluator", args=[org.s1.pk]),
        reverse("orgchart:unit_edit", args=[org.grp1.pk]),
        reverse("kpi:delegates", args=[org.grp1.pk]),
        reverse("kpi:create", args=[org.grp1.pk]),
    ]
    for url in pages:
        page = client.get(url).content.decode()
        assert "data-person-picker" in page, url
        assert "hx-get=" in page, url


def test_people_are_unchanged_by_a_refused_name(client, org):
    client.force_login(org.hr_div2)
    url = reverse("orgchart:person_evaluator", args=[org.s4.pk])
    body = client.post(url, {"evaluator_code": "คนนอก ทดสอบ"}).content.decode()
    assert "ผู้ประเมิน: ไม่พบบุคลากรรหัสหรือชื่อ “คนนอก ทดสอบ”" in body
    assert Person.objects.get(pk=org.s4.pk).evaluator_override_id is None
