"""The org chart's search finds people by name or staff code, within what the user may open."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def every_reach(org):
    """A user of each reach: HR of the department and of a division, the administrator, a
    staff member, and a user with no person."""
    from django.contrib.auth import get_user_model

    return [
        org.hr,
        org.hr_div2,
        org.admin,
        org.s1.user,
        get_user_model().objects.get(pk=org.nobody.pk),
    ]


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


def test_unit_search_equals_the_plain_ordered_query(org, monkeypatch):
    """The search reads the matching ids first (names apart from position numbers), then the
    page in tree order: the same units, in the same order, as one query would give, for names,
    short names, codes, position numbers, every user's reach, and past UNIT_MATCHES."""
    from django.db.models import Q

    from orgchart import selectors
    from orgchart.models import OrgUnit, Position

    def plain(user, query, limit=50):
        by_position = Position.objects.filter(number=query).values("unit_id")
        cond = (
            Q(name__icontains=query)
            | Q(short_name__icontains=query)
            | Q(code=query)
            | Q(pk__in=by_position)
        )
        qs = selectors.units_visible_to(user).filter(cond).order_by("tree_id", "lft")
        return list(qs[:limit])

    position = Position.objects.exclude(number="").exclude(unit=None).first()
    unit = OrgUnit.objects.exclude(short_name="").first() or org.div1
    queries = ["กอง", "กลุ่มงาน", "กรม", unit.code, position.number, "ไม่มีหน่วยงานนี้"]
    if unit.short_name:
        queries.append(unit.short_name)
    users = every_reach(org)
    found = 0
    for user in users:
        for q in queries:
            expected = plain(user, q)
            assert selectors.unit_search(user=user, query=q) == expected, (user, q)
            assert selectors.unit_search(user=user, query=q, limit=2) == expected[:2], (user, q)
            found += bool(expected)
    assert found >= 5
    # More matches than the search orders itself: the ordered query takes over, same answer.
    monkeypatch.setattr(selectors, "UNIT_MATCHES", 1)
    assert selectors.unit_search(user=org.admin, query="กลุ่ม") == plain(org.admin, "กลุ่ม")
    assert len(plain(org.admin, "กลุ่ม")) >= 2


def test_person_search_equals_the_plain_ordered_query(org):
    """The search reads the page's ids first, then their rows with unit and position: the same
    people, in the same order, as the one joined query would give, within and past the limit,
    for every user's reach and for the picker's one department."""
    from django.db.models import Q

    from orgchart import selectors

    def plain(qs, query, limit):
        cond = Q(first_name__icontains=query) | Q(last_name__icontains=query)
        cond |= Q(staff_code=query)
        first, _, last = query.partition(" ")
        if last:
            cond |= Q(first_name__icontains=first, last_name__icontains=last)
        qs = qs.filter(cond, is_active=True).select_related("unit", "position")
        return list(qs.order_by("unit__tree_id", "unit__lft", "first_name", "last_name", "pk"))[
            :limit
        ]

    users = every_reach(org)
    found = 0
    for user in users:
        for q in ("ส", "สมชาย", "สมชาย ทดสอบ", "0004", "ไม่มีคนนี้"):
            for limit in (50, 2):
                expected = plain(selectors.people_visible_to(user), q, limit)
                got = selectors.person_search(user=user, query=q, limit=limit)
                assert got == expected, (user, q, limit)
                assert [p.position_id for p in got] == [p.position_id for p in expected]
                found += len(expected)
        tree = org.dept.tree_id
        expected = plain(selectors.people_nameable(user, tree_id=tree), "ส", 3)
        assert selectors.person_search(user=user, query="ส", limit=3, tree_id=tree) == expected
    assert found >= 10
