"""The team alignment page (rewards:alignment): the focus unit and its child units, each with
its team score against the individual scores of its subtree's people, the class A–D, the flags
and the chart; drilling down, paging; who sees what."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import AppraisalForm, State
from kpi.models import KpiResult, KpiTier
from orgchart import services as org_services
from tests.conftest import shared_copy, shared_rows
from tests.kpi.conftest import make_kpi
from tests.rewards.talent_world import build_talent_world

alignment_rows = shared_rows("alignment_rows", build_talent_world)


@pytest.fixture
def world(alignment_rows, db, settings):
    return shared_copy(alignment_rows, settings)


def url(o):
    return reverse("rewards:alignment", args=[o.round.pk])


def rows_of(response):
    """The focus unit's row first (when shown), then its child units' rows."""
    focus = response.context["focus_row"]
    return ([focus] if focus is not None else []) + list(response.context["rows"])


def row_of(response, unit):
    (row,) = [r for r in rows_of(response) if r.unit.pk == unit.pk]
    return row


def html_row(body, unit):
    return re.search(rf'<tr data-unit="{unit.pk}"[^>]*>(.*?)</tr>', body, re.S).group(1)


def test_hr_sees_each_units_team_score_against_its_people(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o) + f"?unit={o.div1.pk}")
    assert response.status_code == 200
    body = response.content.decode()
    # div1 first (its whole subtree: s1 5, s2 2, grp1_head 3, s3 4.1), then grp1 and grp2.
    assert [r.unit.pk for r in rows_of(response)] == [o.div1.pk, o.grp1.pk, o.grp2.pk]
    div1 = response.context["focus_row"]
    assert div1.n == 4 and div1.team is None and div1.alignment == ""
    # grp1: KPIs of weight 60 (latest level 5) and 40 (level 4); the third has no result.
    grp1 = row_of(response, o.grp1)
    assert (grp1.kpi_count, grp1.kpi_results) == (3, 2)
    assert grp1.team == Decimal("4.6")
    # s1 5/5/5, s2 2/2/2, grp1_head 3/3/3: mean 3.33, 1.27 below the team: scored too harshly.
    assert grp1.n == 3 and grp1.sums == (3, 10, 38)
    assert grp1.bins == [0, 0, 0, 0, 1, 0, 1, 0, 0, 1]  # 2, 3 and 5, by 0.5
    assert grp1.alignment == "A" and grp1.flagged
    cells = html_row(body, o.grp1)
    assert "4.60" in cells and "3.33" in cells and "1.25" in cells and "ทีม A" in cells
    assert f'href="?unit={o.grp1.pk}"' in cells  # the name drills down
    assert 'id="alignment-up"' in body and "กลับไปที่ " + o.dept.name in body  # and back up
    assert "ถูกกดมากเกินไป" in body  # the seed's explanation of A
    assert 'id="flagged-count">ควรตรวจสอบ 1<' in body
    # grp2 has people but no unit KPI: said in Thai, no class.
    grp2 = row_of(response, o.grp2)
    assert grp2.team is None and grp2.alignment == ""
    assert "ไม่มีตัวชี้วัดระดับหน่วยงาน" in html_row(body, o.grp2)
    assert "จัดกลุ่มไม่ได้" in html_row(body, o.grp2)
    # A chart per row, drawn on the server: a bar per 0.5 with people in it.
    assert body.count("<svg") == 3
    assert "คะแนนของหน่วยงาน 4.60" in body
    assert "คะแนนรายบุคคล 4.50 ถึง5.00: 1 คน" in body


def test_the_department_shows_its_child_units_each_with_its_whole_subtree(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o))
    # The department (every scored form) then div1 (grp1 and grp2 with it) and div2.
    assert [r.unit.pk for r in rows_of(response)] == [o.dept.pk, o.div1.pk, o.div2.pk]
    assert response.context["focus_row"].n == 5
    assert row_of(response, o.div1).n == 4
    # div2: one KPI without a weight, latest result in the round level 1; s4 at 4: inflated.
    div2 = row_of(response, o.div2)
    assert div2.team == 1 and div2.n == 1 and div2.bins[8] == 1 and div2.alignment == "B"
    body = response.content.decode()
    assert "มิได้สะท้อนออกมาในผลิตภาพเชิงรวม" in body
    assert f'href="?unit={o.div1.pk}"' in html_row(body, o.div1)


def test_a_committee_member_is_not_counted_in_their_own_unit(client, world):
    o = world
    client.force_login(o.s2.user)
    response = client.get(url(o))
    assert response.status_code == 200
    assert row_of(response, o.div1).n == 3  # s1, grp1_head and s3, not s2
    response = client.get(url(o) + f"?unit={o.div1.pk}")
    grp1 = row_of(response, o.grp1)
    # Without s2's 2.00: 3 and 5, mean 4, 0.6 below the team, spread 1: healthy.
    assert grp1.sums == (2, 8, 34) and grp1.alignment == "D" and not grp1.flagged
    body = response.content.decode()
    assert 'id="own-left-out"' in body
    assert "คะแนนรายบุคคล 2.00" not in body


def test_a_unit_with_kpis_but_no_scored_people_says_so(client, world):
    o = world
    unit = org_services.unit_create(code="DEPT-03", name="กองใหม่", parent=o.dept, kind="กอง")
    make_kpi(unit, tier=KpiTier.UNIT, code="N1", weight=Decimal(100))
    pending = make_kpi(unit, tier=KpiTier.UNIT, code="N2", weight=Decimal(50))
    KpiResult.objects.create(kpi=pending, period_end=o.round.start + dt.timedelta(days=3), level=2)
    client.force_login(o.hr)
    response = client.get(url(o))
    row = row_of(response, unit)
    assert row.team == 2 and row.n == 0 and row.alignment == ""
    cells = html_row(response.content.decode(), unit)
    assert "ยังไม่มีบุคลากรที่ประเมินผลแล้ว" in cells and "2.00" in cells


def test_hr_of_a_subtree_sees_its_units_only(client, world):
    o = world
    client.force_login(o.hr_div2)
    response = client.get(url(o))
    assert [r.unit.pk for r in rows_of(response)] == [o.div2.pk]
    assert response.context["rows"] == []  # div2 has no child units
    assert response.context["up"] is None  # the department is outside their scope
    assert client.get(url(o) + f"?unit={o.grp1.pk}").status_code == 404


def test_the_unit_filter_shows_its_subtree(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o) + f"?unit={o.div1.pk}")
    assert [r.unit.pk for r in rows_of(response)] == [o.div1.pk, o.grp1.pk, o.grp2.pk]


def test_no_units_to_show_is_said_in_thai(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o) + f"?unit={o.grp2.pk}")
    assert [r.unit.pk for r in rows_of(response)] == [o.grp2.pk]
    AppraisalForm.objects.filter(round=o.round).update(state=State.AGREED)
    empty = client.get(url(o) + f"?unit={o.grp2.pk}")
    assert rows_of(empty) == []
    assert 'id="alignment-empty"' in empty.content.decode()


def test_more_than_fifty_child_units_are_paged_keeping_the_focus_and_the_flags(client, world):
    o = world
    for i in range(52):
        unit = org_services.unit_create(code=f"DIV2-{i:02d}", name=f"งาน {i:02d}", parent=o.div2)
        kpi = make_kpi(unit, tier=KpiTier.UNIT, code=f"P{i:02d}", weight=Decimal(100))
        KpiResult.objects.create(kpi=kpi, period_end=o.round.start + dt.timedelta(days=3), level=2)
    client.force_login(o.hr)
    first = client.get(url(o) + f"?unit={o.div2.pk}")
    assert first.context["focus_row"].unit == o.div2
    assert len(first.context["rows"]) == 50 and first.context["page"].paginator.count == 52
    body = first.content.decode()
    assert f"unit={o.div2.pk}&amp;page=2" in body and "หน้า 1 จาก 2" in body
    second = client.get(url(o) + f"?unit={o.div2.pk}&page=2")
    assert [r.unit.name for r in second.context["rows"]] == ["งาน 50", "งาน 51"]
    assert second.context["focus_row"].unit == o.div2  # on every page
    # Only div2 itself is classed (B); its new units have no scored people.
    assert second.context["flagged"] == first.context["flagged"] == 1


@pytest.mark.parametrize("who", ["s1", "s3", "grp1_head", "div1_head"])
def test_staff_and_supervisors_are_refused(client, world, who):
    o = world
    client.force_login(getattr(o, who).user)
    assert client.get(url(o)).status_code == 403


def test_another_department_cannot_tell_the_round_exists(client, world):
    o = world
    client.force_login(o.o1.user)
    assert client.get(url(o)).status_code == 404
