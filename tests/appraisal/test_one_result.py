"""Every figure has one source: appraisal.scoring.form_result. A change to the arithmetic in that
one place reaches the form page, the printed summary form and the results workbook together;
and the scoring page costs the same queries whatever the number of KPI rows."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from appraisal import scoring
from appraisal.services.agreements import (
    ItemInput,
    agreement_approve,
    agreement_save,
    agreement_submit,
)
from appraisal.services.monitoring import ProgressInput, checkin_record
from appraisal.services.round_phases import round_advance
from tests.appraisal.conftest import form_of, open_round
from tests.reports.conftest import pdftotext_available, release_worked_example
from tests.reports.pdfcheck import squeeze, text_of


def _figures(client, o) -> tuple[str, str, list]:
    """What the appraisee's form page, the summary PDF and HR's workbook say of s1's form."""
    client.force_login(o.s1.user)
    page = client.get(reverse("appraisal:form", kwargs={"pk": o.f1.pk})).content.decode()
    pdf = client.get(reverse("reports:form_summary", kwargs={"pk": o.f1.pk}))
    assert pdf.status_code == 200
    text = squeeze(text_of(b"".join(pdf.streaming_content)))
    client.force_login(o.hr)
    xlsx = client.get(
        reverse("reports:unit_xlsx", kwargs={"pk": o.f1.round_id, "unit_pk": o.dept.pk})
    )
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    rows = {r[1]: r for r in book["ผลการประเมิน"].iter_rows(min_row=5, values_only=True)}
    return page, text, rows["นายสมชาย ทดสอบ"]


@pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")
def test_one_change_to_the_arithmetic_reaches_the_page_the_pdf_and_the_workbook(
    client, org, monkeypatch
):
    # The total of the worked example is 57.40 + 24.00 = 81.40. Change how a total is worked
    # out, in scoring.total only, and walk the same form through the services again.
    exact_total = scoring.total
    monkeypatch.setattr(scoring, "total", lambda *points: exact_total(*points) + Decimal("1.11"))
    org.round, org.f1, org.f2 = release_worked_example(org)
    page, pdf, row = _figures(client, org)
    assert "82.51" in page and "81.40" not in page
    assert "82.51" in pdf and "81.40" not in pdf
    assert Decimal(str(row[7])) == Decimal("82.51")


@pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")
def test_without_the_change_all_three_say_81_40(client, org):
    org.round, org.f1, org.f2 = release_worked_example(org)
    page, pdf, row = _figures(client, org)
    assert "81.40" in page and "81.40" in pdf
    assert Decimal(str(row[7])) == Decimal("81.40")


# --- the scoring page's query budget -----------------------------------------------------------


def _agreed_with(org, rnd, person, n: int):
    """An approved agreement of n KPIs (weights summing to 100), each with a check-in."""
    form = form_of(rnd, person)
    weights = [Decimal(100 // n)] * n
    weights[-1] += Decimal(100) - sum(weights)
    items = [
        ItemInput(name=f"ตัวชี้วัด {i}", weight=w, criteria=[f"ระดับ {k}" for k in range(1, 6)])
        for i, w in enumerate(weights, start=1)
    ]
    form = agreement_save(actor=person.user, form=form, expected_version=form.version, items=items)
    form = agreement_submit(actor=person.user, form=form, expected_version=form.version)
    form = agreement_approve(actor=org.grp1_head.user, form=form, expected_version=form.version)
    checkin_record(
        actor=person.user,
        form=form,
        on=dt.date.today(),
        comment="ความก้าวหน้า",
        progress=[
            ProgressInput(item_id=r.pk, result="ครึ่งหนึ่ง", milestone=3) for r in form.kpis.all()
        ],
    )
    return form


def _score_page_queries(client, user, form) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("appraisal:score", kwargs={"pk": form.pk}))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_scoring_page_costs_the_same_queries_for_3_and_for_12_kpis(client, org):
    rnd = open_round(org)
    small = _agreed_with(org, rnd, org.s1, 3)
    large = _agreed_with(org, rnd, org.s2, 12)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    assert large.kpis.count() == 12
    head = org.grp1_head.user
    assert _score_page_queries(client, head, small) == _score_page_queries(client, head, large)
