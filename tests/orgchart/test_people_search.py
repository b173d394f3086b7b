"""The org chart's search finds people by name or staff code, within what the user may open."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_hr_finds_people_by_first_name_surname_full_name_and_code(client, org):
    client.force_login(org.hr)
    for q in ("สมชาย", "ทดสอบ", "สมชาย ทดสอบ", "0004"):
        page = client.get(reverse("orgchart:tree"), {"q": q}).content.decode()
        people = page.split('id="people-results"', 1)[1] if 'id="people-results"' in page else ""
        assert reverse("orgchart:person", args=[org.s1.pk]) in people, q


def test_people_outside_the_users_reach_are_not_found(client, org):
    client.force_login(org.hr)
    page = client.get(reverse("orgchart:tree"), {"q": "คนนอก"}).content.decode()
    assert 'id="people-results"' not in page  # o1 is in another department
    client.force_login(org.s2.user)  # staff: themselves and their evaluator chain only
    page = client.get(reverse("orgchart:tree"), {"q": "สมชาย"}).content.decode()
    assert reverse("orgchart:person", args=[org.s1.pk]) not in page
    page = client.get(reverse("orgchart:tree"), {"q": "หัวหน้ากลุ่ม"}).content.decode()
    assert reverse("orgchart:person", args=[org.grp1_head.pk]) in page
