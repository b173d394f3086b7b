"""A person's results over time: who sees which rounds, and which figures (DOMAIN §5, §8)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import AppraisalForm, State
from common.models import AccessRecord
from orgchart.models import HrScope
from tests.conftest import shared_copy, shared_rows
from tests.reports.conftest import pdftotext_available
from tests.rewards.trends_world import build_trends_world, open_round, set_result

trends_rows = shared_rows("trends_rows", build_trends_world)


@pytest.fixture
def o(trends_rows, db, settings):
    return shared_copy(trends_rows, settings)


def page(client, user, person):
    client.force_login(user)
    return client.get(reverse("rewards:person_trend", args=[person.pk]))


def body(response) -> str:
    return response.content.decode()


def rounds_in(response) -> list[str]:
    import re

    return re.findall(r'<tr data-round="([^"]+)"', body(response))


def test_the_person_sees_their_released_totals_and_not_the_unreleased_one(client, o):
    response = page(client, o.s1.user, o.s1)
    assert response.status_code == 200
    text = body(response)
    assert rounds_in(response) == ["2569-1", "2568-2", "2568-1"]  # newest first
    assert "81.40" in text and "ดีมาก" in text
    # 2568-2 is scored (88.50) but not released: no figure, in the table or in the chart.
    assert "88.50" not in text and "88.5" not in text
    assert "ยังไม่ประกาศผล" in text and 'id="hidden-note"' in text
    assert "ยังไม่มีผลการประเมิน" in text  # 2569-1
    assert "<svg" in text and "<script" not in text.split("<svg", 1)[1].split("</svg>", 1)[0]
    # Their own page goes to no access log.
    assert not AccessRecord.objects.filter(subject_id=str(o.s1.pk)).exists()


def test_the_person_sees_it_once_released(client, o):
    AppraisalForm.objects.filter(round=o.r2, person=o.s1).update(state=State.RELEASED)
    assert "88.50" in body(page(client, o.s1.user, o.s1))


def test_a_supervisor_sees_the_rounds_in_which_they_were_in_the_chain(client, o):
    # grp1_head evaluated s1 in 2568-1 and 2569-1; div2_acting in 2568-2 (the frozen chain).
    response = page(client, o.grp1_head.user, o.s1)
    assert rounds_in(response) == ["2569-1", "2568-1"]
    assert "81.40" in body(response) and "88.50" not in body(response)
    response = page(client, o.div2_acting.user, o.s1)
    assert rounds_in(response) == ["2568-2"]
    # The evaluator sees their result before release, marked as not yet released.
    assert "88.50" in body(response) and "ยังไม่ประกาศผล" in body(response)
    # The higher supervisor of every round sees them all.
    assert rounds_in(page(client, o.div1_head.user, o.s1)) == ["2569-1", "2568-2", "2568-1"]


def test_hr_of_the_unit_and_the_administrator_see_every_round_with_its_figures(client, o):
    for user in (o.hr, o.admin):
        response = page(client, user, o.s1)
        assert rounds_in(response) == ["2569-1", "2568-2", "2568-1"]
        assert "88.50" in body(response) and "81.40" in body(response)
    # Someone else's results read by HR go to the access log.
    assert AccessRecord.objects.filter(user=o.hr, subject_id=str(o.s1.pk)).exists()


def test_nobody_else_learns_that_the_rounds_exist(client, o):
    for user in (o.s2.user, o.o1.user, o.hr_div2, o.other_head.user, o.nobody):
        assert page(client, user, o.s1).status_code == 404, user
    client.force_login(o.hr)
    assert client.get(reverse("rewards:person_trend", args=[999999])).status_code == 404
    client.logout()
    response = client.get(reverse("rewards:person_trend", args=[o.s1.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_nobody_sees_their_own_unreleased_result_through_another_role(client, o):
    # s1 becomes HR of the whole department: still no figure of their own 2568-2.
    HrScope.objects.create(user=o.s1.user, unit=o.dept)
    text = body(page(client, o.s1.user, o.s1))
    assert "88.50" not in text and "81.40" in text
    # ... while they see s3's unreleased 65.00 as HR.
    assert "65.00" in body(page(client, o.s1.user, o.s3))


def test_a_person_with_no_form_sees_an_empty_page(client, o):
    response = page(client, o.other_head.user, o.other_head)
    assert response.status_code == 200
    assert "ยังไม่มีแบบประเมิน" in body(response)
    assert "ยังไม่มีผลการประเมินที่แสดงได้" in body(response)  # the empty chart


def test_the_person_page_costs_the_same_whatever_the_number_of_rounds(client, o):
    def count(user, person):
        client.force_login(user)
        url = reverse("rewards:person_trend", args=[person.pk])
        client.get(url)  # warm (sessions, content types)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    before = (count(o.s1.user, o.s1), count(o.hr, o.s1))
    for year in (2565, 2566, 2567):
        for n in (1, 2):
            rnd = open_round(o, year, n, "closed")
            set_result(rnd, o.s1, "75", "good")
    after = (count(o.s1.user, o.s1), count(o.hr, o.s1))
    assert after == before
    assert body(page(client, o.hr, o.s1)).count("<tr data-round=") == 9


# --- the PDF ---------------------------------------------------------------------------------


@pytest.mark.skipif(not pdftotext_available(), reason="needs poppler's pdftotext")
def test_the_pdf_prints_the_same_rounds_and_figures_with_the_chart(client, o):
    from tests.reports.pdfcheck import squeeze, text_of

    url = reverse("reports:person_trend_pdf", args=[o.s1.pk])
    client.force_login(o.s1.user)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    own = squeeze(text_of(b"".join(response.streaming_content)))
    assert "ผลการประเมินผลการปฏิบัติราชการย้อนหลัง" in own
    assert "สมชาย" in own and "81.40" in own and "ดีมาก" in own
    assert "88.50" not in own and "ยังไม่ประกาศผล" in own
    # The chart is drawn into the PDF: its round labels and threshold names come back as text.
    assert own.count("2568-1") >= 2 and "ดีเด่น" in own

    client.force_login(o.hr)
    hr = squeeze(text_of(b"".join(client.get(url).streaming_content)))
    assert "88.50" in hr
    assert AccessRecord.objects.filter(user=o.hr, what="form_pdf").exists()

    for user in (o.s2.user, o.hr_div2, o.o1.user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_the_page_is_linked_from_my_appraisal_the_form_and_the_person_page(client, o):
    url = reverse("rewards:person_trend", args=[o.s1.pk])
    client.force_login(o.s1.user)
    assert url in body(client.get(reverse("appraisal:my")))
    form = AppraisalForm.objects.get(round=o.r1, person=o.s1)
    assert url in body(client.get(reverse("appraisal:form", args=[form.pk])))
    assert url in body(client.get(reverse("orgchart:person", args=[o.s1.pk])))
    client.force_login(o.grp1_head.user)
    assert url in body(client.get(reverse("appraisal:form", args=[form.pk])))


@pytest.mark.skipif(not pdftotext_available(), reason="needs poppler's pdftotext")
def test_the_pdf_writes_thai_digits_in_the_chart_when_the_organisation_asks(client, o):
    from orgchart.models import OrgUnit
    from tests.reports.pdfcheck import squeeze, text_of

    OrgUnit.objects.filter(pk=o.dept.pk).update(use_thai_digits=True)
    client.force_login(o.s1.user)
    response = client.get(reverse("reports:person_trend_pdf", args=[o.s1.pk]))
    text = squeeze(text_of(b"".join(response.streaming_content)))
    assert "๘๑.๔๐" in text and "๒๕๖๘-๑" in text
    assert "81.40" not in text
