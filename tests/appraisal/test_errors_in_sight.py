"""Errors where the eye is (issue 14, item 1): a failed save says what is wrong at the top of
the form with links to the fields and keeps what was typed; the suggested level says where it
comes from and follows the actual result typed; a blank scoring form shows no points."""

from __future__ import annotations

from decimal import Decimal

from appraisal.models import FormKpi
from appraisal.selectors import SUGGESTION_SOURCES, suggestion
from kpi.models import Kpi, Measurement
from tests.appraisal.conftest import form_of
from tests.appraisal.test_staff_pages import agreement_post, kpi_row
from tests.appraisal.test_team_pages import (
    EXAMPLE_COMPS,
    EXAMPLE_LEVELS,
    fresh,
    score_data,
    url,
)


def test_a_failed_score_save_is_summed_up_at_the_top_with_a_link_to_the_field(client, world):
    o = world
    f1 = o.f1
    client.force_login(o.grp1_head.user)
    data = score_data(f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, reasons={}, comment="ความเห็นที่พิมพ์ไว้")
    response = client.post(url("score", f1), data)
    assert response.status_code == 200
    body = response.content.decode()
    first = f1.kpis.first()
    summary = body.index("data-form-errors")
    assert summary < body.index('id="score-form"')  # above the form, where the page opens
    assert "ยังไม่ได้บันทึก: กรุณาแก้ไข 1 รายการ" in body
    assert f'href="#id_kpi-{first.pk}-reason"' in body
    assert "ต่างจากที่ระบบเสนอ (3 จากความก้าวหน้าที่บันทึกครั้งล่าสุด)" in body
    # What was typed stays: the levels and the comment.
    assert f'name="kpi-{first.pk}-level"' in body and "ความเห็นที่พิมพ์ไว้" in body
    level_select = body[body.index(f'name="kpi-{first.pk}-level"') :][:600]
    assert 'value="4" selected' in level_select
    assert fresh(f1).total is None


def test_the_suggestion_says_where_it_comes_from(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    body = client.get(url("score", o.f1)).content.decode()
    first = o.f1.kpis.first()
    assert f'id="kpi-{first.pk}-suggested-from"' in body
    assert str(SUGGESTION_SOURCES["milestone"]) in body
    # The preview (as the evaluator types) swaps the source in with the level.
    data = score_data(o.f1, (None, None, None), (None,) * 5)
    preview = client.post(url("score_preview", o.f1), data, HTTP_HX_REQUEST="true")
    text = preview.content.decode()
    assert f'id="kpi-{first.pk}-suggested-from" hx-swap-oob="true"' in text


def test_the_suggestion_follows_the_actual_result_then_the_milestone_then_the_self_level():
    kpi = Kpi(
        measurement=Measurement.QUANTITATIVE,
        direction="higher",
        threshold_1=Decimal(60),
        threshold_2=Decimal(70),
        threshold_3=Decimal(80),
        threshold_4=Decimal(90),
        threshold_5=Decimal(100),
    )
    kpi.pk = 1
    row = FormKpi(name="ก", self_level=2)
    row.pk = 7
    row.kpi = kpi
    row.actual = "92"
    assert suggestion(row=row, milestones={7: 3}) == (4, "actual")
    row.actual = "81"
    assert suggestion(row=row, milestones={7: 3}) == (3, "actual")
    row.actual = "ยังไม่มีผล"
    assert suggestion(row=row, milestones={7: 3}) == (3, "milestone")
    assert suggestion(row=row, milestones={}) == (2, "self")
    row.self_level = None
    assert suggestion(row=row, milestones={}) == (None, "")


def test_a_blank_scoring_form_shows_no_points_and_no_band(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    body = client.get(url("score", o.f1)).content.decode()
    assert '<td class="text-end fw-bold fs-5" data-total>-</td>' in body
    assert '<td class="text-end fw-bold" data-band>-</td>' in body
    assert '<td class="text-end" data-competency>-</td>' in body
    assert "data-summary-blank" in body and "ต้องปรับปรุง" not in body
    # One level chosen: the figures appear (the rest counted as 0, and the page says so).
    data = score_data(o.f1, (3, None, None), (None,) * 5)
    preview = client.post(url("score_preview", o.f1), data, HTTP_HX_REQUEST="true")
    text = preview.content.decode()
    assert "data-summary-blank" not in text and "ยังประเมินไม่ครบ" in text
    assert '<td class="text-end fw-bold fs-5" data-total>-</td>' not in text


def test_a_failed_agreement_save_is_summed_up_at_the_top_with_links(client, rnd, org):
    form = form_of(rnd, org.s1)
    client.force_login(org.s1.user)
    row = {**kpi_row("ตัวชี้วัดที่พิมพ์ไว้", "abc")}
    response = client.post(url("agreement", form), agreement_post(form.version, [row]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ยังไม่ได้บันทึก: กรุณาแก้ไขช่องต่อไปนี้" in body
    assert body.index("data-form-errors") < body.index('id="agreement-form"')
    assert 'href="#id_items-0-weight"' in body and "ตัวชี้วัดที่ 1 · น้ำหนัก" in body
    assert "ตัวชี้วัดที่พิมพ์ไว้" in body  # what was typed stays
