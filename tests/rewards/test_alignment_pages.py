"""The team alignment page (rewards:alignment): each unit's team score against its people's
individual scores, the class A–D, the flags and the chart; who sees what."""

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


def row_of(response, unit):
    (row,) = [r for r in response.context["rows"] if r.unit.pk == unit.pk]
    return row


def html_row(body, unit):
    return re.search(rf'<tr data-unit="{unit.pk}"[^>]*>(.*?)</tr>', body, re.S).group(1)


def test_hr_sees_each_units_team_score_against_its_people(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o))
    assert response.status_code == 200
    body = response.content.decode()
    # grp1: KPIs of weight 60 (latest level 5) and 40 (level 4); the third has no result.
    grp1 = row_of(response, o.grp1)
    assert (grp1.kpi_count, grp1.kpi_results) == (3, 2)
    assert grp1.team == Decimal("4.6")
    # s1 5/5/5, s2 2/2/2, grp1_head 3/3/3: mean 3.33, 1.27 below the team: scored too harshly.
    assert grp1.scores == [2, 3, 5] and grp1.n == 3
    assert grp1.alignment == "A" and grp1.flagged
    cells = html_row(body, o.grp1)
    assert "4.60" in cells and "3.33" in cells and "1.25" in cells and "ทีม A" in cells
    assert "ถูกกดมากเกินไป" in body  # the seed's explanation of A
    # div2: one KPI without a weight, latest result in the round level 1; s4 at 4: inflated.
    div2 = row_of(response, o.div2)
    assert div2.team == 1 and div2.scores == [4] and div2.alignment == "B"
    assert "มิได้สะท้อนออกมาในผลิตภาพเชิงรวม" in body
    # grp2 has people but no unit KPI: said in Thai, no class.
    grp2 = row_of(response, o.grp2)
    assert grp2.team is None and grp2.alignment == ""
    assert "ไม่มีตัวชี้วัดระดับหน่วยงาน" in html_row(body, o.grp2)
    assert "จัดกลุ่มไม่ได้" in html_row(body, o.grp2)
    # A chart per unit, drawn on the server.
    assert body.count("<svg") == 3
    assert "คะแนนของหน่วยงาน 4.60" in body


def test_a_committee_member_is_not_counted_in_their_own_unit(client, world):
    o = world
    client.force_login(o.s2.user)
    response = client.get(url(o))
    assert response.status_code == 200
    grp1 = row_of(response, o.grp1)
    # Without s2's 2.00: 3 and 5, mean 4, 0.6 below the team, spread 1: healthy.
    assert grp1.scores == [3, 5] and grp1.alignment == "D" and not grp1.flagged
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
    assert [r.unit for r in response.context["rows"]] == [o.div2]
    assert client.get(url(o) + f"?unit={o.grp1.pk}").status_code == 404


def test_the_unit_filter_shows_its_subtree(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o) + f"?unit={o.div1.pk}")
    assert [r.unit for r in response.context["rows"]] == [o.grp1, o.grp2]


def test_no_units_to_show_is_said_in_thai(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(url(o) + f"?unit={o.grp2.pk}")
    assert [r.unit for r in response.context["rows"]] == [o.grp2]
    AppraisalForm.objects.filter(round=o.round).update(state=State.AGREED)
    empty = client.get(url(o) + f"?unit={o.grp2.pk}")
    assert empty.context["rows"] == []
    assert 'id="alignment-empty"' in empty.content.decode()


@pytest.mark.parametrize("who", ["s1", "s3", "grp1_head", "div1_head"])
def test_staff_and_supervisors_are_refused(client, world, who):
    o = world
    client.force_login(getattr(o, who).user)
    assert client.get(url(o)).status_code == 403


def test_another_department_cannot_tell_the_round_exists(client, world):
    o = world
    client.force_login(o.o1.user)
    assert client.get(url(o)).status_code == 404
