"""A unit's band distribution across rounds: the rounds each reader may analyse, the units
they cover, never their own unreleased form, at a fixed cost."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import counts
from appraisal.models import AppraisalForm, State
from common.permissions import can
from orgchart.models import HrScope
from rewards import selectors_trends as trends
from tests.conftest import shared_copy, shared_rows
from tests.factories import make_person
from tests.rewards.trends_world import build_trends_world, open_round, set_result

trends_rows = shared_rows("trends_rows", build_trends_world)


@pytest.fixture
def o(trends_rows, db, settings):
    return shared_copy(trends_rows, settings)


def get(client, user, rnd, **params):
    client.force_login(user)
    return client.get(reverse("rewards:unit_trend", args=[rnd.pk]), params)


def body(response) -> str:
    return response.content.decode()


def table_rows(response) -> list[tuple[str, list[str]]]:
    """(round code, [count per band]) per line of the table, reference lines marked with *."""
    out = []
    for m in re.finditer(
        r'<tr data-round="([^"]+)"( class="table-light" data-reference)?>(.*?)</tr>',
        body(response),
        re.S,
    ):
        cells = re.findall(r'data-band="[a-z_]+">(\d+|-)', m[3])
        out.append((m[1] + ("*" if m[2] else ""), cells))
    return out


def test_hr_sees_every_round_up_to_the_chosen_one_with_its_counts(client, o):
    response = get(client, o.hr, o.r2)
    assert response.status_code == 200
    # outstanding, very good, good, fair, improve
    assert table_rows(response) == [
        ("2568-1", ["1", "1", "1", "0", "0"]),
        ("2568-2", ["0", "1", "0", "1", "1"]),
    ]
    text = body(response)
    assert "ยังไม่ประกาศ 2 ราย" in text  # s1 scored and s3 reviewed in 2568-2
    assert "<svg" in text and "33%" in text  # each band a third of 2568-1
    # Up to 2569-1 as well: a round with nothing scored says so.
    rows = table_rows(get(client, o.hr, o.r3))
    assert rows[-1] == ("2569-1", ["-"] * 5)


def test_a_unit_is_shown_beside_the_department(client, o):
    response = get(client, o.hr, o.r2, unit=o.div1.pk)
    assert table_rows(response) == [
        ("2568-1", ["0", "1", "1", "0", "0"]),
        ("2568-1*", ["1", "1", "1", "0", "0"]),
        ("2568-2", ["0", "1", "0", "1", "0"]),
        ("2568-2*", ["0", "1", "0", "1", "1"]),
    ]
    text = body(response)
    assert "กองแผนงาน" in text and "กรมทดสอบ" in text
    assert "+16.7" in text  # ดีมาก 50.0% in the unit against 33.3% in the department
    # Searched by code, the same unit.
    assert table_rows(get(client, o.hr, o.r2, q="DEPT-01")) == table_rows(response)


def test_hr_of_a_subtree_counts_their_subtree_only(client, o):
    response = get(client, o.hr_div2, o.r2)
    assert response.status_code == 200
    assert table_rows(response) == [
        ("2568-1", ["1", "0", "0", "0", "0"]),
        ("2568-2", ["0", "0", "0", "0", "1"]),
    ]
    assert "ทั้งหมดในขอบเขตของท่าน" in body(response)
    # A unit outside their scope is not theirs to choose.
    assert get(client, o.hr_div2, o.r2, unit=o.div1.pk).status_code == 404
    assert get(client, o.hr, o.r2, unit=o.other.pk).status_code == 404
    assert get(client, o.hr, o.r2, unit="x").status_code == 200  # an unreadable id: ignored


def test_a_committee_member_sees_the_rounds_of_their_committee_only(client, o):
    response = get(client, o.director.user, o.r2)
    assert response.status_code == 200
    assert [code for code, _cells in table_rows(response)] == ["2568-2"]
    # Not on the committee of 2568-1: refused there.
    assert get(client, o.director.user, o.r1).status_code == 403


def test_staff_supervisors_and_outsiders_are_refused(client, o):
    for user in (o.s1.user, o.grp1_head.user, o.div1_head.user):
        assert get(client, user, o.r2).status_code == 403
    assert get(client, o.o1.user, o.r2).status_code == 404
    assert get(client, o.nobody, o.r2).status_code in (403, 404)
    client.force_login(o.hr)
    assert client.get(reverse("rewards:unit_trend", args=[999999])).status_code == 404


def test_the_rounds_agree_with_the_rule_round_by_round(o):
    """analysis_rounds asks the rule once (tested here against asking it for every round)."""
    HrScope.objects.create(user=o.div1_head.user, unit=o.div1)
    o.r1.committee.add(o.grp1_head.user)
    for user in (
        o.hr,
        o.hr_div2,
        o.admin,
        o.director.user,
        o.grp1_head.user,
        o.div1_head.user,
        o.s1.user,
        o.o1.user,
    ):
        got = [r.pk for r, _units in trends.analysis_rounds(user=user, rnd=o.r3)]
        want = [r.pk for r in (o.r1, o.r2, o.r3) if can(user, trends.ANALYSIS, r)]
        assert got == want, user


def test_nobody_counts_their_own_unreleased_result(client, o):
    # s1 becomes HR of the whole department: their own scored 2568-2 form is left out.
    HrScope.objects.create(user=o.s1.user, unit=o.dept)
    response = get(client, o.s1.user, o.r2)
    rows = dict(table_rows(response))
    assert rows["2568-2"] == ["0", "0", "0", "1", "1"]
    assert 'id="own-left-out"' in body(response)
    # HR sees it counted.
    assert dict(table_rows(get(client, o.hr, o.r2)))["2568-2"] == ["0", "1", "0", "1", "1"]
    # Once released, it counts for s1 too.
    AppraisalForm.objects.filter(round=o.r2, person=o.s1).update(state=State.RELEASED)
    counts.rebuild(o.r2)
    response = get(client, o.s1.user, o.r2)
    assert dict(table_rows(response))["2568-2"] == ["0", "1", "0", "1", "1"]
    assert 'id="own-left-out"' not in body(response)


def test_forms_not_yet_scored_are_not_counted(client, o):
    AppraisalForm.objects.filter(round=o.r2, person=o.s3).update(state=State.AGREED)
    counts.rebuild(o.r2)
    assert dict(table_rows(get(client, o.hr, o.r2)))["2568-2"] == ["0", "1", "0", "0", "1"]


def test_the_page_costs_the_same_whatever_the_number_of_rounds_and_people(client, o):
    def count(user, **params):
        client.force_login(user)
        url = reverse("rewards:unit_trend", args=[o.r2.pk])
        client.get(url, params)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx)

    users = (o.hr, o.hr_div2, o.director.user, o.admin)
    before = [count(u) for u in users] + [count(o.hr, unit=o.div1.pk)]
    for i in range(6):
        make_person(o.grp2, f"9{i:03d}", f"เพิ่ม{i}")
    for year in (2565, 2566, 2567):
        for n in (1, 2):
            rnd = open_round(o, year, n, "closed")
            rnd.committee.add(o.director.user)
            for p in (o.s1, o.s3, o.s4):
                set_result(rnd, p, "85", "very_good")
    after = [count(u) for u in users] + [count(o.hr, unit=o.div1.pk)]
    assert after == before
    assert len(table_rows(get(client, o.hr, o.r2))) == 8


def test_subtree_hr_on_one_committee_sees_that_round_whole_and_others_in_scope(client, o):
    o.r2.committee.add(o.hr_div2)
    response = get(client, o.hr_div2, o.r2)
    assert table_rows(response) == [
        ("2568-1", ["1", "0", "0", "0", "0"]),  # their subtree: s4
        ("2568-2", ["0", "1", "0", "1", "1"]),  # the whole department, as its committee
    ]
    text = body(response)
    assert "ทั้งหมดในขอบเขตของท่าน" in text and "กรมทดสอบ" in text
