"""What to develop (DOMAIN §7): the development needs page and its workbook, for HR and the
committee; counts, people and plans, scope, and the viewer's own unreleased form left out."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal.models import AppraisalForm, FormCompetency, IdpRow, State
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save
from appraisal.services.rounds import round_committee_add
from common.models import AccessRecord
from tests.appraisal.conftest import agree, form_of, open_round
from tests.appraisal.test_idp_followup import scored_with_idp, to_evaluation
from tests.conftest import shared_copy, shared_rows
from tests.factories import build_org

TEAM = "การทำงานเป็นทีม"
EXPERT = "การสั่งสมความเชี่ยวชาญในงานอาชีพ"
SERVICE = "บริการที่ดี"
RESULTS = "การมุ่งผลสัมฤทธิ์"


def build_development_world():
    """Round 2570-1 in evaluation, confirmed forms:
    s1 (grp1): below in teamwork (IDP tied to it) and expertise (no IDP), plus an IDP row of
        its own (English); s2 (grp1): below in teamwork, no IDP; s3 (grp2): below in service;
    grp1_head (grp1, on the committee): below in achievement, own form not released;
    s4 (div2): levels typed below in teamwork but not confirmed: not counted."""
    o = build_org()
    o.round = rnd = open_round(o)
    forms = {
        "s1": agree(form_of(rnd, o.s1), o.s1.user, o.grp1_head.user),
        "s2": agree(form_of(rnd, o.s2), o.s2.user, o.grp1_head.user),
        "s3": agree(form_of(rnd, o.s3), o.s3.user, o.div1_head.user),
        "grp1_head": agree(form_of(rnd, o.grp1_head), o.grp1_head.user, o.div1_head.user),
        "s4": agree(form_of(rnd, o.s4), o.s4.user, o.div2_acting.user),
    }
    to_evaluation(o, rnd)
    fresh = {k: AppraisalForm.objects.get(pk=f.pk) for k, f in forms.items()}
    o.f1 = scored_with_idp(
        fresh["s1"],
        o.grp1_head.user,
        below=[TEAM, EXPERT],
        idp=[(TEAM, "อบรมการทำงานเป็นทีม", "ไตรมาส 2"), ("ภาษาอังกฤษ", "เรียนออนไลน์", "ตลอดปี")],
    )
    o.f2 = scored_with_idp(fresh["s2"], o.grp1_head.user, below=[TEAM])
    o.f3 = scored_with_idp(
        fresh["s3"], o.div1_head.user, below=[SERVICE], idp=[(SERVICE, "สอนงาน", "")]
    )
    o.fh = scored_with_idp(fresh["grp1_head"], o.div1_head.user, below=[RESULTS])
    f4 = fresh["s4"]
    score_save(
        actor=o.div2_acting.user,
        form=f4,
        expected_version=f4.version,
        kpis=[ScoreInput(id=r.pk, level=4, reason="x") for r in f4.kpis.all()],
        competencies=[
            CompetencyInput(id=c.pk, actual=c.expected - 1 if c.name == TEAM else c.expected)
            for c in f4.competencies.all()
        ],
    )
    round_committee_add(
        actor=o.hr, rnd=rnd, expected_version=None, staff_code=o.grp1_head.staff_code
    )
    rnd.refresh_from_db()
    return o


development_rows = shared_rows("development_rows", build_development_world)


@pytest.fixture
def world(development_rows, db, settings):
    return shared_copy(development_rows, settings)


def page(client, user, o, **params) -> str:
    client.force_login(user)
    response = client.get(reverse("rewards:development", args=[o.round.pk]), params)
    assert response.status_code == 200
    return response.content.decode()


def counts_of(html: str) -> dict[str, int]:
    """{competency: people below} from the counts table, in the page's order."""
    import re

    table = html.split('id="competency-counts"')[1].split("</table>")[0]
    return {
        name: int(n)
        for name, n in re.findall(
            r'data-competency="([^"]+)">.*?<td class="text-end fw-bold" data-below>(\d+)</td>',
            table,
            flags=re.S,
        )
    }


def test_hr_sees_the_competencies_most_often_below_expectation(client, world):
    o = world
    html = page(client, o.hr, o)
    counts = counts_of(html)
    assert counts == {TEAM: 2, RESULTS: 1, SERVICE: 1, EXPERT: 1}
    assert list(counts)[0] == TEAM
    # Four confirmed forms; s4's levels are not a result until the evaluator confirms them.
    assert "จากผู้ที่มีผลการประเมินแล้ว 4 ราย" in html
    assert o.s4.first_name not in html
    # The plans: the row tied to the competency, else the person's other rows, else none.
    assert "อบรมการทำงานเป็นทีม" in html and "ยังไม่มีแผนพัฒนา" in html
    assert "(แผนที่ไม่ได้ระบุสมรรถนะ)" in html  # s1's expertise gap: the English row
    assert 'id="idp-topics"' in html and "ภาษาอังกฤษ" in html
    assert 'id="own-left-out"' not in html


def test_each_unit_shows_its_people_concerned_and_its_most_frequent_gaps(client, world):
    o = world
    html = page(client, o.hr, o)
    units = html.split('id="unit-development"')[1].split("</table>")[0]
    div1 = units.split(f'data-unit="{o.div1.pk}"')[1].split("</tr>")[0]
    div2 = units.split(f'data-unit="{o.div2.pk}"')[1].split("</tr>")[0]
    assert '<td class="text-end">4</td><td class="text-end">4</td>' in div1
    assert TEAM in div1
    assert '<td class="text-end">0</td><td class="text-end">0</td>' in div2
    assert "data-direct" not in units  # nobody of the department itself is scored yet
    # One unit: its own figures and its children.
    html = page(client, o.hr, o, unit=o.grp2.pk)
    assert counts_of(html) == {SERVICE: 1}
    assert o.s1.first_name not in html and o.s3.first_name in html
    html = page(client, o.hr, o, unit=o.div1.pk, competency=TEAM)
    assert 'id="gaps-count">2<' in html


def test_a_committee_member_does_not_see_their_own_unreleased_result(client, world):
    o = world
    html = page(client, o.grp1_head.user, o)
    assert RESULTS not in counts_of(html)
    assert counts_of(html)[TEAM] == 2
    assert 'id="own-left-out"' in html
    assert f'data-gap="{o.fh.competencies.get(name=RESULTS).pk}"' not in html
    # Names link to a form only for those who may open it: grp1_head evaluates s1, not s3.
    assert reverse("appraisal:form", args=[o.f1.pk]) in html
    assert o.s3.first_name in html and reverse("appraisal:form", args=[o.f3.pk]) not in html


def test_hr_of_one_division_sees_only_its_part(client, world):
    o = world
    html = page(client, o.hr_div2, o)
    assert counts_of(html) == {}
    for p in (o.s1, o.s2, o.s3, o.grp1_head):
        assert p.first_name not in html
    client.force_login(o.hr_div2)
    url = reverse("rewards:development", args=[o.round.pk])
    assert client.get(url, {"unit": o.grp1.pk}).status_code == 404
    xlsx = client.get(reverse("rewards:development_xlsx", args=[o.round.pk]))
    assert rows_of(xlsx)[1:] == []


@pytest.mark.parametrize("who", ["s1", "grp1_head_not_committee", "div1_head", "o1"])
def test_others_are_refused(client, world, who):
    o = world
    if who == "grp1_head_not_committee":
        o.round.committee.clear()
        user, status = o.grp1_head.user, 403
    else:
        user = getattr(o, who).user
        status = 404 if who == "o1" else 403
    client.force_login(user)
    for name in ("rewards:development", "rewards:development_xlsx"):
        assert client.get(reverse(name, args=[o.round.pk])).status_code == status


def rows_of(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def test_the_workbook_lists_each_gap_with_its_plan_for_the_training_plan(client, world):
    o = world
    client.force_login(o.hr)
    response = client.get(reverse("rewards:development_xlsx", args=[o.round.pk]))
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == ws.dimensions
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:7] == (
        "รหัสบุคลากร",
        "ชื่อ-สกุล",
        "ตำแหน่ง",
        "หน่วยงาน",
        "สมรรถนะที่ต่ำกว่าระดับที่คาดหวัง",
        "ระดับที่คาดหวัง",
        "ระดับที่แสดงออก",
    )
    body = {(r[0], r[4], r[7]) for r in rows[1:]}
    assert (o.s1.staff_code, TEAM, TEAM) in body
    assert (o.s1.staff_code, EXPERT, None) in body
    assert (o.s2.staff_code, TEAM, None) in body
    assert (o.s3.staff_code, SERVICE, SERVICE) in body
    assert (o.grp1_head.staff_code, RESULTS, None) in body
    # The row of no gap (English) is in the plan too, without a competency.
    assert (o.s1.staff_code, None, "ภาษาอังกฤษ") in body
    assert not any(r[0] == o.s4.staff_code for r in rows)
    s1_team = next(r for r in rows if r[0] == o.s1.staff_code and r[4] == TEAM)
    assert s1_team[1:4] == (o.s1.full_name, o.f1.position_title, o.grp1.name)
    assert s1_team[5:] == (1, 0, TEAM, "อบรมการทำงานเป็นทีม", "ไตรมาส 2")
    assert AccessRecord.objects.filter(what="unit_report", user=o.hr).exists()
    # The committee member's own unreleased form is not in their copy.
    client.force_login(o.grp1_head.user)
    mine = rows_of(client.get(reverse("rewards:development_xlsx", args=[o.round.pk])))
    assert not any(r[0] == o.grp1_head.staff_code for r in mine)
    assert any(r[0] == o.s1.staff_code for r in mine)


def _queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_page_and_workbook_cost_the_same_queries_for_few_and_for_more_people(client, world):
    o = world
    urls = [
        reverse("rewards:development", args=[o.round.pk]),
        reverse("rewards:development_xlsx", args=[o.round.pk]),
    ]
    users = [o.hr, o.grp1_head.user]
    before = [_queries(client, u, url) for u in users for url in urls]
    # Every other form of the department confirmed, each below in two competencies with plans
    # (set directly: only the reading is measured).
    others = AppraisalForm.objects.filter(round=o.round).exclude(
        pk__in=[o.f1.pk, o.f2.pk, o.f3.pk, o.fh.pk]
    )
    assert others.count() >= 4
    for f in others:
        comps = list(f.competencies.all()[:2])
        FormCompetency.objects.filter(pk__in=[c.pk for c in comps]).update(actual=0)
        IdpRow.objects.bulk_create(
            IdpRow(form=f, order=i, topic=c.name, from_competency=c) for i, c in enumerate(comps)
        )
    FormCompetency.objects.filter(form__in=others, actual__isnull=True).update(actual=5)
    others.update(state=State.RELEASED)
    html = page(client, o.hr, o)
    assert "จากผู้ที่มีผลการประเมินแล้ว 4 ราย" not in html
    # The director sits in the department itself: a row of its own, after the divisions.
    direct = html.split("data-direct")[1].split("</tr>")[0]
    assert o.dept.name in direct and "สังกัดโดยตรง" in direct
    after = [_queries(client, u, url) for u in users for url in urls]
    assert after == before
