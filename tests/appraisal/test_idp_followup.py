"""Each IDP row followed into the next round (DOMAIN §7): carried when the round opens, marked
done or not by the evaluator, seen by the appraisee with the score."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import (
    AppraisalForm,
    FollowUp,
    FormEvent,
    IdpFollowUp,
    IdpRow,
    Phase,
    State,
)
from appraisal.services.evaluation import (
    CompetencyInput,
    IdpInput,
    ScoreInput,
    score_save,
    scoring_finish,
)
from appraisal.services.followups import idp_followup_mark, idp_followups_carry
from appraisal.services.round_phases import round_advance
from common.errors import DomainError
from common.models import AuditEvent
from tests.appraisal.conftest import agree, form_of, open_round
from tests.factories import informed


def fresh(form):
    return AppraisalForm.objects.get(pk=form.pk)


def scored_with_idp(form, evaluator_user, *, below=(), idp=()):
    """Agreed `form` scored: every KPI at level 4, the competencies named in `below` one level
    under their expected level and the rest at it, with IDP rows (topic, method, period), each
    tied to the competency of the same name when there is one; then confirmed."""
    comps = list(form.competencies.all())
    by_name = {c.name: c for c in comps}
    score_save(
        actor=evaluator_user,
        form=form,
        expected_version=form.version,
        kpis=[ScoreInput(id=r.pk, level=4, reason="ตามหลักฐาน") for r in form.kpis.all()],
        competencies=[
            CompetencyInput(id=c.pk, actual=c.expected - 1 if c.name in below else c.expected)
            for c in comps
        ],
        idp=[
            IdpInput(
                topic=t,
                method=m,
                period=p,
                from_competency_id=by_name[t].pk if t in by_name else None,
            )
            for t, m, p in idp
        ],
    )
    form = fresh(form)
    return scoring_finish(actor=evaluator_user, form=form, expected_version=form.version)


def to_evaluation(org, rnd):
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    rnd.refresh_from_db()
    assert rnd.phase == Phase.EVALUATION


PLAN = [
    ("การทำงานเป็นทีม", "อบรมหลักสูตรการทำงานเป็นทีม", "ไตรมาส 1"),
    ("ภาษาอังกฤษ", "เรียนออนไลน์", "ตลอดปี"),
]


def first_round(org):
    """Round 2570-1 in evaluation: s1 scored with two IDP rows and informed; s2 scored with
    one row but not informed; the rest not scored."""
    rnd = open_round(org, number=1)
    f1 = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    f2 = agree(form_of(rnd, org.s2), org.s2.user, org.grp1_head.user)
    to_evaluation(org, rnd)
    f1 = scored_with_idp(fresh(f1), org.grp1_head.user, below=["การทำงานเป็นทีม"], idp=PLAN)
    informed(f1)
    scored_with_idp(fresh(f2), org.grp1_head.user, idp=[("งานสารบรรณ", "", "")])
    return rnd


@pytest.fixture
def two_rounds(org):
    """The first round, then 2570-2 opened: s1's form of round 2 holds the carried rows."""
    r1 = first_round(org)
    r2 = open_round(org, number=2)
    return r1, r2


def test_opening_a_round_carries_the_informed_idp_rows_of_the_previous_round(org, two_rounds):
    r1, r2 = two_rounds
    rows = list(form_of(r2, org.s1).idp_followups.all())
    assert [(r.topic, r.method, r.period, r.order, r.status) for r in rows] == [
        (t, m, p, i, FollowUp.PENDING) for i, (t, m, p) in enumerate(PLAN)
    ]
    sources = {r.source_id for r in rows}
    assert sources == set(
        IdpRow.objects.filter(form=form_of(r1, org.s1)).values_list("pk", flat=True)
    )
    # s2's result was never made known to s2: its IDP is not a plan to follow up yet.
    assert not form_of(r2, org.s2).idp_followups.exists()
    assert IdpFollowUp.objects.filter(form__round=r2).count() == 2
    opened = AuditEvent.objects.filter(kind="round.open", object_id=str(r2.pk)).get()
    assert opened.changes["idp_followups"] == 2


def test_the_first_round_has_nothing_to_follow_up(org):
    rnd = open_round(org, number=1)
    assert idp_followups_carry(rnd=rnd) == 0
    assert not IdpFollowUp.objects.exists()


def test_carrying_again_adds_nothing_and_picks_up_forms_informed_since(org, two_rounds):
    r1, r2 = two_rounds
    assert idp_followups_carry(rnd=r2) == 0
    informed(form_of(r1, org.s2))
    call_command("carry_idp_followups", "--round", r2.code, stdout=open("/dev/null", "w"))
    assert [r.topic for r in form_of(r2, org.s2).idp_followups.all()] == ["งานสารบรรณ"]
    assert idp_followups_carry(rnd=r2) == 0
    assert IdpFollowUp.objects.filter(form__round=r2).count() == 3


def test_carrying_costs_the_same_queries_for_two_people_and_for_everyone(org):
    r1 = open_round(org, number=1)
    r2 = open_round(org, number=2)
    forms = list(AppraisalForm.objects.filter(round=r1).order_by("pk"))
    # Released forms of round 1 (set directly: only the carry is measured here).
    AppraisalForm.objects.filter(round=r1).update(state=State.RELEASED)

    def carry_with_rows_for(some) -> tuple[int, int]:
        IdpFollowUp.objects.all().delete()
        IdpRow.objects.all().delete()
        IdpRow.objects.bulk_create(
            IdpRow(form=f, order=i, topic=f"หัวข้อ {i}") for f in some for i in range(3)
        )
        with CaptureQueriesContext(connection) as ctx:
            n = idp_followups_carry(rnd=r2)
        return n, len(ctx.captured_queries)

    few, few_queries = carry_with_rows_for(forms[:2])
    many, many_queries = carry_with_rows_for(forms)
    assert (few, many) == (6, 3 * len(forms))
    assert few_queries == many_queries


# --- marking ----------------------------------------------------------------------------------


@pytest.fixture
def scoring(org, two_rounds):
    """Round 2 in evaluation with s1's form agreed: its carried rows can be marked."""
    _r1, r2 = two_rounds
    form = agree(form_of(r2, org.s1), org.s1.user, org.grp1_head.user)
    to_evaluation(org, r2)
    return fresh(form)


def test_the_evaluator_marks_a_carried_row_done_with_a_note(org, scoring):
    row = scoring.idp_followups.first()
    version = scoring.version
    row = idp_followup_mark(
        actor=org.grp1_head.user, followup=row, status=FollowUp.DONE, note="อบรมครบ 12 ชั่วโมง"
    )
    row.refresh_from_db()
    assert (row.status, row.note, row.marked_by) == (
        FollowUp.DONE,
        "อบรมครบ 12 ชั่วโมง",
        org.grp1_head,
    )
    assert row.marked_at is not None
    # The form's version is untouched: what the evaluator typed on the scoring page still saves.
    assert fresh(scoring).version == version
    event = AuditEvent.objects.get(kind=FormEvent.IDP_FOLLOWUP, object_id=str(scoring.pk))
    assert event.changes["idp"] == [
        "การทำงานเป็นทีม: ยังไม่ได้ติดตาม",
        "การทำงานเป็นทีม: พัฒนาแล้ว (อบรมครบ 12 ชั่วโมง)",
    ]


@pytest.mark.parametrize("who", ["s1", "div1_head", "hr", "admin", "s2"])
def test_nobody_but_the_evaluator_marks(org, scoring, who):
    user = {"hr": org.hr, "admin": org.admin}.get(who) or getattr(org, who).user
    row = scoring.idp_followups.first()
    with pytest.raises(PermissionDenied):
        idp_followup_mark(actor=user, followup=row, status=FollowUp.DONE)
    assert fresh_row(row).status == FollowUp.PENDING


def fresh_row(row):
    return IdpFollowUp.objects.get(pk=row.pk)


@pytest.mark.parametrize(
    ("status", "note", "field"),
    [
        ("", "", "status"),
        ("pending", "", "status"),
        ("maybe", "", "status"),
        ("done", "x" * 2001, "note"),
        ("done", "a\x00b", "note"),
    ],
)
def test_a_mark_that_is_not_done_or_not_done_is_refused_on_its_field(
    org, scoring, status, note, field
):
    row = scoring.idp_followups.first()
    with pytest.raises(DomainError) as exc:
        idp_followup_mark(actor=org.grp1_head.user, followup=row, status=status, note=note)
    assert exc.value.field == field
    assert fresh_row(row).status == FollowUp.PENDING


def test_marks_are_refused_once_the_evaluation_is_confirmed_or_the_round_closed(org, scoring):
    row = scoring.idp_followups.first()
    AppraisalForm.objects.filter(pk=scoring.pk).update(state=State.SCORED)
    with pytest.raises(DomainError) as exc:
        idp_followup_mark(actor=org.grp1_head.user, followup=row, status=FollowUp.DONE)
    assert "ก่อนยืนยันผลการประเมิน" in exc.value.message
    AppraisalForm.objects.filter(pk=scoring.pk).update(state=State.AGREED)
    scoring.round.__class__.objects.filter(pk=scoring.round_id).update(phase=Phase.CLOSED)
    with pytest.raises(DomainError) as exc:
        idp_followup_mark(actor=org.grp1_head.user, followup=row, status=FollowUp.NOT_DONE)
    assert "ปิดแล้ว" in exc.value.message
    assert fresh_row(row).status == FollowUp.PENDING


# --- pages ------------------------------------------------------------------------------------


def test_the_scoring_page_marks_a_row_through_htmx_and_keeps_the_form_version(client, org, scoring):
    client.force_login(org.grp1_head.user)
    page = client.get(reverse("appraisal:score", args=[scoring.pk])).content.decode()
    assert 'id="followups"' in page and "อบรมหลักสูตรการทำงานเป็นทีม" in page
    row = scoring.idp_followups.first()
    url = reverse("appraisal:idp_followup", args=[scoring.pk])
    response = client.post(
        url,
        {"followup": row.pk, "status": "not_done", "note": "ยังไม่มีหลักสูตร"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-status="not_done"' in body and "บันทึกแล้ว" in body
    assert fresh_row(row).status == FollowUp.NOT_DONE
    # A refused mark comes back on the row, in Thai, with what was typed.
    response = client.post(
        url, {"followup": row.pk, "status": "", "note": "ลองใหม่"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "กรุณาเลือกผลการพัฒนา" in body and 'value="ลองใหม่"' in body
    # Without htmx: back to the scoring page with a message.
    response = client.post(url, {"followup": row.pk, "status": "done"}, follow=True)
    assert "บันทึกผลการพัฒนา “การทำงานเป็นทีม” แล้ว" in response.content.decode()
    # A row that is not on this form (another form's, or none) is not found.
    response = client.post(url, {"followup": 999999, "status": "done"}, follow=True)
    assert "ไม่พบรายการแผนพัฒนานี้" in response.content.decode()


def test_others_cannot_post_a_mark(client, org, scoring):
    row = scoring.idp_followups.first()
    url = reverse("appraisal:idp_followup", args=[scoring.pk])
    for user, status in [
        (org.s1.user, 403),
        (org.div1_head.user, 403),
        (org.hr, 403),
        (org.s2.user, 404),
        (org.o1.user, 404),
    ]:
        client.force_login(user)
        assert client.post(url, {"followup": row.pk, "status": "done"}).status_code == status
    assert fresh_row(row).status == FollowUp.PENDING


def test_the_appraisee_sees_the_rows_and_their_marks_only_with_the_score(client, org, scoring):
    row = scoring.idp_followups.first()
    idp_followup_mark(
        actor=org.grp1_head.user, followup=row, status=FollowUp.DONE, note="ผ่านการอบรม"
    )
    client.force_login(org.s1.user)
    page = client.get(reverse("appraisal:form", args=[scoring.pk])).content.decode()
    assert "อบรมหลักสูตรการทำงานเป็นทีม" in page and 'id="followup-hidden"' in page
    assert 'data-status="done"' not in page and "ผ่านการอบรม" not in page
    # The mark is part of the evaluation: not on the form's timeline either.
    assert "บันทึกผลการพัฒนาตามแผนพัฒนารอบก่อน" not in page
    form = fresh(scoring)
    score_save(
        actor=org.grp1_head.user,
        form=form,
        expected_version=form.version,
        kpis=[ScoreInput(id=r.pk, level=4, reason="ตามหลักฐาน") for r in form.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=c.expected) for c in form.competencies.all()],
    )
    form = fresh(form)
    form = scoring_finish(actor=org.grp1_head.user, form=form, expected_version=form.version)
    informed(form)
    page = client.get(reverse("appraisal:form", args=[scoring.pk])).content.decode()
    assert 'data-status="done"' in page and "ผ่านการอบรม" in page
    assert 'id="followup-hidden"' not in page
    # The higher supervisor sees the mark as a reader of the score.
    client.force_login(org.div1_head.user)
    assert "ผ่านการอบรม" in client.get(reverse("appraisal:form", args=[scoring.pk])).content.decode()


def test_the_summary_pdf_prints_the_marks_and_the_agreement_print_leaves_them_blank(org, scoring):
    from reports import documents
    from reports.sheets import form_sheet, without_scores
    from tests.reports.pdfcheck import text_of

    row = scoring.idp_followups.first()
    idp_followup_mark(
        actor=org.grp1_head.user, followup=row, status=FollowUp.DONE, note="อบรมครบสิบสองชั่วโมง"
    )
    form = documents.form_for_print(scoring.pk)
    text = text_of(documents.form_pdf(form, "summary"))
    assert "ผลการพัฒนา บันทึกผลการพัฒนา" in text
    assert "1 การทำงานเป็นทีม พัฒนาแล้ว อบรมครบสิบสองชั่วโมง" in text
    assert "2 ภาษาอังกฤษ ยังไม่ได้ติดตาม" in text
    blank = without_scores(form_sheet(form))
    assert [f["topic"] for f in blank["followups"]] == [f.topic for f in form.idp_followups.all()]
    assert {(f["status"], f["note"]) for f in blank["followups"]} == {("", "")}
    text = text_of(documents.form_pdf(form, "summary", sheet=blank))
    assert "1 การทำงานเป็นทีม\n" in text and "อบรมครบสิบสองชั่วโมง" not in text
