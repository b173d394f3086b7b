"""The three forms of the DOMAIN worked example, read back out of the PDF as a user's tools read
them: the right Thai text and figures, every font embedded, no missing glyph, Thai digits
when the organisation asks for them."""

from __future__ import annotations

import logging
import re

import pytest
from django.urls import reverse

from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save
from appraisal.services.round_phases import round_advance
from reports import documents
from tests.reports.conftest import pdftotext_available
from tests.reports.pdfcheck import fonts_of, missing_texts, pages_of, squeeze, text_of

pytestmark = pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")

EXPECTED = {
    "summary": [
        "แบบสรุปการประเมินผลการปฏิบัติราชการ",
        "นายสมชาย ทดสอบ",
        "กลุ่มงานยุทธศาสตร์",
        "พ.ศ. 2570",
        "1 ตุลาคม 2569 ถึง 31 มีนาคม 2570",
        "82.00",
        "57.40",
        "80.00",
        "24.00",
        "81.40",
        "ดีมาก",
        "อบรมหลักสูตรการบริหารโครงการ",
        "ผลงานดี",
        "นายผอ.กองแผน ทดสอบ",
    ],
    "achievement": [
        "ข้อตกลงและแบบประเมินผลสัมฤทธิ์ของงาน",
        "นายสมชาย ทดสอบ",
        "ตัวชี้วัดที่ 1",
        "ตามแผนปฏิบัติราชการ",
        "410",
        "410 ÷ (5 × 100) × 100 = 82.00",
        "82.00 × 70 ÷ 100 = 57.40",
    ],
    "competency": [
        "แบบประเมินพฤติกรรมการปฏิบัติราชการ (สมรรถนะ)",
        "การยึดมั่นในความถูกต้องชอบธรรม และจริยธรรม",
        "การสั่งสมความเชี่ยวชาญในงานอาชีพ",
        "12 ÷ (3 × 5) × 30 = 24.00",
        "80.00",
    ],
}
# The summary is three pages, as the official form: its instructions, and part 4 kept whole.
PAGES = {"summary": 3, "achievement": 1, "competency": 1}


def _render(form, kind):
    form = documents.form_for_print(form.pk)
    html = documents.form_html(form, kind)
    return html, documents.form_pdf(form, kind)


@pytest.mark.parametrize("kind", ["summary", "achievement", "competency"])
def test_form_shows_the_worked_example_in_text_a_reader_can_copy(released, kind, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        html, pdf = _render(released.f1, kind)
    text = text_of(pdf)
    flat = squeeze(text)
    for expected in EXPECTED[kind]:
        assert squeeze(expected) in flat, (kind, expected)
    assert "\ufffd" not in text
    # Every Thai text node comes back whole: no .notdef, no dropped SARA AM or tone mark.
    assert missing_texts(html, pdf) == []
    assert not [r for r in caplog.records if "notdef" in r.getMessage()]
    assert pages_of(pdf) == PAGES[kind]
    fonts = fonts_of(pdf)
    assert fonts and all(f["emb"] == "yes" and f["uni"] == "yes" for f in fonts), fonts
    assert all("Sarabun" in f["name"] for f in fonts), fonts


def test_summary_ticks_the_band_and_round_of_the_form(released):
    sheet = documents.sheets.form_sheet(documents.form_for_print(released.f1.pk))
    assert sheet["result"]["band"] == "very_good"
    assert [r["on"] for r in sheet["rounds"]] == [True, False]
    assert [b["range"] for b in sheet["bands"]] == [
        "90 – 100",
        "80 – 89.99",
        "70 – 79.99",
        "60 – 69.99",
        "ต่ำกว่า 60",
    ]
    assert sheet["reviews"][0]["agrees"] is True
    assert sheet["reviews"][1]["who"] is None  # no second review in this round


@pytest.mark.parametrize("kind", ["summary", "achievement", "competency"])
def test_thai_digits_setting_turns_every_number_and_date_thai(released, thai_digits, kind):
    html, pdf = _render(released.f1, kind)
    text = text_of(pdf)
    assert not re.search(r"[0-9]", text), re.findall(r".{0,20}[0-9].{0,20}", text)[:5]
    flat = squeeze(text)
    for expected in {
        "summary": ["๘๑.๔๐", "๕๗.๔๐", "๒๔.๐๐", "พ.ศ.๒๕๗๐", "๑ตุลาคม๒๕๖๙", "ร้อยละ๗๐"],
        "achievement": ["๔๑๐", "๘๒.๐๐", "๕๗.๔๐"],
        "competency": ["๑๒÷(๓×๕)×๓๐=๒๔.๐๐"],
    }[kind]:
        assert expected in flat, (kind, expected)
    assert missing_texts(html, pdf) == []
    assert pages_of(pdf) == PAGES[kind]


def test_a_form_not_yet_scored_prints_without_figures(released):
    html, pdf = _render(released.f2, "summary")
    sheet = documents.sheets.form_sheet(documents.form_for_print(released.f2.pk))
    assert sheet["result"]["total"] == "" and not sheet["result"]["complete"]
    assert "นายสมหญิง ทดสอบ" in text_of(pdf)


def test_the_appraisee_downloads_the_released_summary(client, released):
    client.force_login(released.s1.user)
    response = client.get(reverse("reports:form_summary", kwargs={"pk": released.f1.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-")
    assert "81.40" in text_of(body)


def test_the_appraisee_cannot_print_an_unreleased_score(client, released):
    client.force_login(released.s2.user)
    url = reverse("reports:form_summary", kwargs={"pk": released.f2.pk})
    assert client.get(url).status_code == 403


def test_before_release_the_appraisee_prints_the_agreement_without_figures(client, org):
    """Scored but not released: the appraisee's achievement form shows the KPIs, weights and
    criteria; no level, product, percentage, total or band; the summary stays refused."""
    from tests.appraisal.conftest import agree, form_of, open_round
    from tests.reports.conftest import score_worked_example

    rnd = open_round(org)
    form = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    form = score_worked_example(form, org.grp1_head.user)
    client.force_login(org.s1.user)
    page = client.get(reverse("appraisal:form", args=[form.pk])).content.decode()
    assert reverse("reports:form_achievement", args=[form.pk]) in page
    assert reverse("reports:form_summary", args=[form.pk]) not in page
    response = client.get(reverse("reports:form_achievement", args=[form.pk]))
    assert response.status_code == 200
    flat = squeeze(text_of(b"".join(response.streaming_content)))
    assert "ข้อตกลงและแบบประเมินผลสัมฤทธิ์ของงาน" in flat
    assert "ตัวชี้วัดที่1" in flat and "นายสมชายทดสอบ" in flat
    for figure in ("410", "82.00", "57.40", "ผลงานระดับ"):
        assert figure not in flat, figure
    assert client.get(reverse("reports:form_summary", args=[form.pk])).status_code == 403
    assert client.get(reverse("reports:form_competency", args=[form.pk])).status_code == 403
    # The evaluator sees the figures on the same form and all three links.
    client.force_login(org.grp1_head.user)
    page = client.get(reverse("appraisal:form", args=[form.pk])).content.decode()
    assert reverse("reports:form_summary", args=[form.pk]) in page
    response = client.get(reverse("reports:form_achievement", args=[form.pk]))
    assert "57.40" in squeeze(text_of(b"".join(response.streaming_content)))


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        # Ratings 4,4,4,5,5 on equal weights: 22 of 25 -> 26.40 of 30.
        ("rating", ["∑(ก)×(ข)÷(5×∑(ข))×30=22÷(5×5)×30=26.40", "คะแนนประเมิน(ก)(1–5)"]),
        # Actual 2,2,2,2,2 over expected 1 x 5: 60.00, capped at the weight, 30.00 (the cap
        # is shown, so that the equation printed is true).
        ("ratio", ["10÷5×30=60.00ซึ่งเกิน30จึงได้คะแนนเต็ม30.00", "ไม่เกิน30"]),
    ],
)
def test_competency_form_follows_the_round_method(org, method, expected):
    from tests.appraisal.conftest import agree, form_of, open_round

    rnd = open_round(org, method=method)
    form = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    form.refresh_from_db()
    comps = list(form.competencies.all())
    result = score_save(
        actor=org.grp1_head.user,
        form=form,
        expected_version=form.version,
        kpis=[ScoreInput(id=r.pk, level=3) for r in form.kpis.all()],
        competencies=[
            CompetencyInput(id=c.pk, actual=(4 if i < 3 else 5) if method == "rating" else 2)
            for i, c in enumerate(comps)
        ],
    )
    html, pdf = _render(form, "competency")
    flat = squeeze(text_of(pdf))
    for text in expected:
        assert text in flat, text
    assert str(documents.sheets.points(result.competency)) in flat
    assert missing_texts(html, pdf) == []
