"""Pages cost a fixed number of queries whatever the size of the organisation."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orgchart import services
from tests.factories import make_person


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(org, units=12, people_per_unit=6):
    for i in range(units):
        parent = org.div1 if i % 2 else org.div2
        unit = services.unit_create(code=f"DEPT-9{i:02d}", name=f"กลุ่มงานเพิ่ม {i}", parent=parent)
        head = make_person(unit, f"H{i:03d}", f"หัวหน้า{i}")
        services.unit_update(unit=unit, head=head)
        for j in range(people_per_unit):
            make_person(unit, f"G{i:03d}{j}", f"คน{i}-{j}")
        for j in range(people_per_unit):
            make_person(org.grp1, f"M{i:03d}{j}", f"สมาชิก{i}-{j}")


def measure(client, org):
    org.div1.refresh_from_db()
    return {
        "tree": count_queries(client, reverse("orgchart:tree")),
        "search": count_queries(client, reverse("orgchart:tree"), q="กลุ่มงาน"),
        "children": count_queries(client, reverse("orgchart:children", kwargs={"pk": org.div1.pk})),
        "unit": count_queries(client, reverse("orgchart:unit", kwargs={"pk": org.grp1.pk})),
        "person": count_queries(
            client, reverse("orgchart:person", kwargs={"pk": org.grp1_head.pk})
        ),
        "home": count_queries(client, reverse("home")),
    }


def test_org_pages_cost_the_same_queries_for_a_small_and_a_larger_organisation(client, org):
    client.force_login(org.hr)
    small = measure(client, org)
    grow(org)
    large = measure(client, org)
    assert small == large


def test_evaluator_pages_cost_the_same_queries_as_the_team_grows(client, org):
    client.force_login(org.grp1_head.user)
    small = measure(client, org)
    grow(org)
    large = measure(client, org)
    assert small == large
