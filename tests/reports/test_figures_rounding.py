"""The figures of issue 11 as the printed forms show them, in both rounding modes of a round:
the rounding mode is chosen in the round's settings, frozen into each form when the round opens,
stored with the result, and every printed equation is true (read back out of the PDF).

The form is the M-level one of tests/appraisal/test_scoring_rounding.py: ผอ.กองแผน (M1, 11
competencies: 5 core at expected 3 shown at 2, 6 managerial at expected 1 met: 28 of 33 points,
28 ÷ 33 × 30 = 25.4545…), evaluated by the director.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from appraisal.models import AppraisalForm, CompetencyKind
from appraisal.services.agreements import (
    ItemInput,
    agreement_approve,
    agreement_save,
    agreement_submit,
)
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save, scoring_finish
from appraisal.services.round_phases import round_advance, round_open
from appraisal.services.rounds import round_update
from common.errors import DomainError
from reports import documents, sheets
from tests.reports.conftest import pdftotext_available
from tests.reports.pdfcheck import squeeze, text_of

D = Decimal
CASE_A = [("21", 5), ("39", 4), ("40", 5)]
CASE_B = [("21.01", 5), ("38.99", 4), ("40", 5)]
CASE_C = [("11.12", 5)] + [("11.11", 5)] * 4 + [("11.11", 3)] * 4

needs_poppler = pytest.mark.skipif(not pdftotext_available(), reason="needs poppler-utils")


def _scored(org, kpis, rounding: str) -> AppraisalForm:
    """Round 2570-1 set to `rounding` in its settings and opened; ผอ.กองแผน's form agreed with
    `kpis` (weight, level), scored with 28 of 33 competency points and confirmed."""
    from appraisal.services.rounds import round_create

    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=1)
    round_update(actor=org.hr, rnd=rnd, expected_version=rnd.version, fields={"rounding": rounding})
    rnd.refresh_from_db()
    round_open(actor=org.hr, rnd=rnd)
    form = AppraisalForm.objects.get(round=rnd, person=org.div1_head)
    assert form.rounding == rounding  # frozen into the form
    evaluator = form.evaluator.user
    items = [
        ItemInput(name=f"ตัวชี้วัดที่ {i}", weight=D(w), criteria=[f"ระดับ {n}" for n in range(1, 6)])
        for i, (w, _) in enumerate(kpis, start=1)
    ]
    me = org.div1_head.user
    form = agreement_save(actor=me, form=form, expected_version=form.version, items=items)
    form = agreement_submit(actor=me, form=form, expected_version=form.version)
    form = agreement_approve(actor=evaluator, form=form, expected_version=form.version)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    form.refresh_from_db()
    comps = list(form.competencies.all())
    assert len(comps) == 11
    score_save(
        actor=evaluator,
        form=form,
        expected_version=form.version,
        kpis=[
            ScoreInput(id=r.pk, level=lv, reason="ตามหลักฐาน")
            for r, (_, lv) in zip(form.kpis.all(), kpis, strict=True)
        ],
        competencies=[
            CompetencyInput(
                id=c.pk,
                actual=c.expected - 1 if c.kind == CompetencyKind.CORE else c.expected,
                note=f"พฤติกรรมที่พบของ{c.name}",
            )
            for c in comps
        ],
    )
    form.refresh_from_db()
    return scoring_finish(actor=evaluator, form=form, expected_version=form.version)


def _sheet(form):
    return sheets.form_sheet(documents.form_for_print(form.pk))


def _printed(form, kind: str) -> str:
    form = documents.form_for_print(form.pk)
    return squeeze(text_of(documents.form_pdf(form, kind)))


# --- case (a) ----------------------------------------------------------------------------------


def test_case_a_exact_prints_89_99_very_good_with_the_rounding_of_25_45_explained(org):
    """64.54 + 25.45 = 89.99 ดีมาก. The components add up, so no footnote on the total; the
    competency row's (ก) × (ข) cannot be worked out from the 84.85 printed beside it
    (84.85 × 30 ÷ 100 = 25.455, which rounds to 25.46), so its footnote gives the exact one."""
    form = _scored(org, CASE_A, "exact")
    assert (form.total.quantize(D("0.01")), form.band) == (D("89.99"), "very_good")
    r = _sheet(form)["result"]
    assert (r["achievement"], r["competency"], r["total"]) == ("64.54", "25.45", "89.99")
    assert r["band_label"] == "ดีมาก"
    assert "total" not in r["marks"]
    assert r["notes"] == [
        "องค์ประกอบที่ 2: คำนวณจากคะแนน (ก) ก่อนปัดเศษ 84.8484… × 30 ÷ 100 = 25.4545… ≈ 25.45"
    ]
    assert r["rounding_note"] == ""


def test_case_a_dpis_prints_64_54_plus_25_46_is_90_00_outstanding(org):
    """DPIS: 25.4545… → 25.455 → 25.46; 64.54 + 25.46 = 90.00 ดีเด่น, stored as printed."""
    form = _scored(org, CASE_A, "dpis")
    assert (form.achievement_points, form.competency_points) == (D("64.54"), D("25.46"))
    assert (form.total, form.band, form.final_band) == (D("90.00"), "outstanding", "outstanding")
    r = _sheet(form)["result"]
    assert (r["achievement"], r["competency"], r["total"]) == ("64.54", "25.46", "90.00")
    assert r["band_label"] == "ดีเด่น"
    # 84.85 × 30 ÷ 100 = 25.455 → 25.46 in DPIS's rounding: the row adds up, no footnote.
    assert r["notes"] == []
    assert "DPIS" in r["rounding_note"]


@needs_poppler
@pytest.mark.parametrize(
    ("rounding", "summary", "competency"),
    [
        (
            "exact",
            ["92.20", "64.54", "84.85", "25.45*1", "89.99", "84.8484…×30÷100=25.4545…≈25.45"],
            ["28÷(3×11)×30=25.4545…≈25.45"],
        ),
        (
            "dpis",
            ["92.20", "64.54", "84.85", "25.46", "90.00", "ระบบDPIS"],
            ["28÷(3×11)×30=25.4545…≈25.455≈25.46", "ระบบDPIS"],
        ),
    ],
)
def test_case_a_as_printed(org, rounding, summary, competency):
    form = _scored(org, CASE_A, rounding)
    text = _printed(form, "summary")
    for figure in summary:
        assert figure in text, figure
    text = _printed(form, "achievement")
    assert "461÷(5×100)×100=92.20" in text
    assert "92.20×70÷100=64.54" in text
    assert "461.00" in text  # the foot of the (ก) × (ข) column, in its format
    text = _printed(form, "competency")
    for figure in competency:
        assert figure in text, figure


# --- case (b) ----------------------------------------------------------------------------------


def test_case_b_exact_total_footnote_says_it_comes_from_the_unrounded_values(org):
    """64.5414 + 25.4545… = 89.9959… → 90.00 ดีเด่น, while the column shows 64.54 + 25.45."""
    form = _scored(org, CASE_B, "exact")
    r = _sheet(form)["result"]
    assert (r["achievement"], r["competency"], r["total"]) == ("64.54", "25.45", "90.00")
    assert r["band_label"] == "ดีเด่น"
    assert r["marks"]["total"] == "*2"
    assert r["notes"][1] == (
        "คะแนนรวมคำนวณจากคะแนนองค์ประกอบที่ยังไม่ปัดเศษ: 64.5414 + 25.4545… = 89.9959… ≈ 90.00 "
        "จึงอาจต่างจากผลบวกของคะแนนที่แสดงในช่อง (ก) × (ข)"
    )


def test_case_b_dpis_column_adds_up_to_the_total(org):
    form = _scored(org, CASE_B, "dpis")
    r = _sheet(form)["result"]
    assert (r["achievement"], r["competency"], r["total"]) == ("64.54", "25.46", "90.00")
    assert D(r["achievement"]) + D(r["competency"]) == D(r["total"])
    assert r["notes"] == [] and "total" not in r["marks"]


@needs_poppler
@pytest.mark.parametrize(
    ("rounding", "summary", "achievement"),
    [
        (
            "exact",
            ["64.54", "25.45*1", "90.00*2", "64.5414+25.4545…=89.9959…≈90.00"],
            ["461.01÷(5×100)×100=92.202≈92.20", "92.202×70÷100=64.5414≈64.54"],
        ),
        (
            "dpis",
            ["64.54", "25.46", "90.00"],
            ["461.01÷(5×100)×100=92.202≈92.20", "92.202×70÷100=64.5414≈64.541≈64.54"],
        ),
    ],
)
def test_case_b_as_printed(org, rounding, summary, achievement):
    form = _scored(org, CASE_B, rounding)
    text = _printed(form, "summary")
    for figure in summary:
        assert figure in text, figure
    if rounding == "dpis":
        assert "ยังไม่ปัดเศษ" not in text
    text = _printed(form, "achievement")
    for figure in achievement:
        assert figure in text, figure


# --- case (c) ----------------------------------------------------------------------------------


def test_case_c_prints_no_false_equation_and_one_number_format(org):
    """411.12 ÷ 5 = 82.224 → 82.22; 411.12 × 70 ÷ 500 = 57.5568 → 57.56. The equation is
    written over 82.224 (82.22 × 70 ÷ 100 = 57.554 would be false with 57.56), and the
    (ก) × (ข) column reads 55.60, 55.55, 33.33: always two decimals."""
    form = _scored(org, CASE_C, "exact")
    s = _sheet(form)
    products = [row["product"] for g in s["kpi_groups"] for row in g["rows"]]
    assert products == ["55.60"] + ["55.55"] * 4 + ["33.33"] * 4
    r = s["result"]
    assert (r["percent"], r["achievement"], r["total"]) == ("82.22", "57.56", "83.01")
    assert r["eq"]["percent_exact"] == "82.224"
    assert r["eq"]["achievement"] == "57.5568 ≈ "
    assert r["notes"][0] == (
        "องค์ประกอบที่ 1: คำนวณจากคะแนน (ก) ก่อนปัดเศษ 82.224 × 70 ÷ 100 = 57.5568 ≈ 57.56"
    )
    assert "total" not in r["marks"]  # 57.56 + 25.45 = 83.01


def test_case_c_dpis(org):
    """57.5568 → 57.557 → 57.56; total 57.56 + 25.46 = 83.02 ดีมาก."""
    form = _scored(org, CASE_C, "dpis")
    r = _sheet(form)["result"]
    assert (r["achievement"], r["competency"], r["total"]) == ("57.56", "25.46", "83.02")
    assert r["band_label"] == "ดีมาก"
    assert r["eq"]["achievement"] == "57.5568 ≈ 57.557 ≈ "


@needs_poppler
@pytest.mark.parametrize("rounding", ["exact", "dpis"])
def test_case_c_as_printed(org, rounding):
    form = _scored(org, CASE_C, rounding)
    text = _printed(form, "achievement")
    assert "82.22×70÷100=57.56" not in text  # the false equation of the issue
    assert "411.12÷(5×100)×100=82.224≈82.22" in text
    assert "82.224×70÷100=57.5568≈" in text
    assert "55.60" in text and "55.6<" not in text
    assert "411.12" in text
    text = _printed(form, "summary")
    assert "82.224×70÷100=57.5568≈" in text  # footnote of the (ก) × (ข) cell


# --- the competency form -----------------------------------------------------------------------


@needs_poppler
def test_competency_form_shows_behaviour_counts_and_the_level_zero_rule(org):
    form = _scored(org, CASE_A, "exact")
    c = _sheet(form)["competency"]
    assert [(k["points"], k["count"], k["sum"]) for k in c["counts"]] == [
        (3, 6, 18),
        (2, 5, 10),
        (1, 0, 0),
        (0, 0, 0),
    ]
    text = _printed(form, "competency")
    assert "พฤติกรรมที่พบ" in text
    assert squeeze("พฤติกรรมที่พบของสภาวะผู้นำ") in text
    assert "จำนวนสมรรถนะ" in text
    assert squeeze("ระดับ 0 คิดตามจำนวนระดับที่ต่ำกว่า") in text


# --- the round setting -------------------------------------------------------------------------


def test_rounding_is_changed_only_before_the_round_opens(org):
    from appraisal.services.rounds import round_create

    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=1)
    with pytest.raises(DomainError):
        round_update(actor=org.hr, rnd=rnd, expected_version=rnd.version, fields={"rounding": "x"})
    round_open(actor=org.hr, rnd=rnd)
    rnd.refresh_from_db()
    with pytest.raises(DomainError, match="ก่อนเปิดรอบ"):
        round_update(
            actor=org.hr, rnd=rnd, expected_version=rnd.version, fields={"rounding": "dpis"}
        )
    assert set(AppraisalForm.objects.filter(round=rnd).values_list("rounding", flat=True)) == {
        "exact"
    }


def test_hr_chooses_the_rounding_on_the_round_settings_page(client, org):
    from appraisal.services.rounds import round_create

    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=1)
    client.force_login(org.hr)
    url = reverse("appraisal:round_settings", kwargs={"pk": rnd.pk})
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["form"]
    data = {
        name: (bf.value() if bf.value() is not None else "")
        for name, bf in ((n, form[n]) for n in form.fields)
    }
    data.update(action="save", rounding="dpis", ratio_cap="each", bar_level_zero="no_points")
    data = {k: v for k, v in data.items() if v is not False}
    response = client.post(url, data)
    assert response.status_code in (200, 302)
    rnd.refresh_from_db()
    assert (rnd.rounding, rnd.ratio_cap, rnd.bar_level_zero) == ("dpis", "each", "no_points")


# --- the form page -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rounding", "note", "absent"),
    [("exact", "total-note", "rounding-note"), ("dpis", "rounding-note", "total-note")],
)
def test_form_page_says_where_the_total_comes_from(client, org, rounding, note, absent):
    """Case (b): exact mode shows 64.54, 25.45 and 90.00 with the footnote; DPIS mode shows
    64.54 + 25.46 = 90.00 and says how it rounds."""
    from tests.factories import informed

    form = _scored(org, CASE_B, rounding)
    # The evaluator, and the appraisee once informed (before release), read the same note.
    for user in (form.evaluator.user, form.person.user):
        if user == form.person.user:
            form = informed(form)
        client.force_login(user)
        page = client.get(reverse("appraisal:form", kwargs={"pk": form.pk})).content.decode()
        assert "90.00" in page
        assert f'id="{note}"' in page
        assert f'id="{absent}"' not in page
