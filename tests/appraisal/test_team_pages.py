"""The evaluator's pages through the browser's eyes: my team (and its query budget), agreement
approval, scoring with the live preview, refusal to sign, the higher review and coaching."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import AppraisalForm, CoachingNote, FormEvent, FormKpi, IdpRow, State
from appraisal.selectors import form_events
from appraisal.services.agreements import agreement_approve, agreement_save, agreement_submit
from appraisal.services.evaluation import (
    CompetencyInput,
    ScoreInput,
    score_save,
    scoring_finish,
    self_assessment_save,
)
from appraisal.services.review import form_acknowledge, form_refusal_record, form_review_higher
from appraisal.services.round_phases import round_advance
from common import thai
from orgchart import services as org_services
from tests.appraisal.conftest import agree, form_of, open_round, three_items
from tests.factories import informed, make_person

# --- helpers ---------------------------------------------------------------------------------


def url(name, form=None):
    return reverse(f"appraisal:{name}", kwargs={"pk": form.pk} if form is not None else None)


def fresh(form):
    form.refresh_from_db()
    return form


def score_data(form, levels, comp_actuals, reasons=None, actuals=None, **extra):
    """The scoring page as the evaluator fills it in."""
    reasons = reasons or {}
    actuals = actuals or {}
    data = {"version": form.version, "comment": extra.pop("comment", "")}
    for i, (r, level) in enumerate(zip(form.kpis.all(), levels, strict=True)):
        data[f"kpi-{r.pk}-actual"] = actuals.get(i, "")
        data[f"kpi-{r.pk}-level"] = "" if level is None else str(level)
        data[f"kpi-{r.pk}-reason"] = reasons.get(i, "")
    for c, actual in zip(form.competencies.all(), comp_actuals, strict=True):
        data[f"comp-{c.pk}-actual"] = "" if actual is None else str(actual)
        data[f"comp-{c.pk}-note"] = ""
    data.update(extra)
    return data


# DOMAIN §5's worked example on s1's form (K1: five core competencies expected at level 1):
# levels 4/3/5 on weights 30/30/40, and three competencies one level short -> 12 of 15.
EXAMPLE_LEVELS = (4, 3, 5)
EXAMPLE_COMPS = (0, 0, 0, 1, 1)
# The first KPI of s1's form had a check-in reaching level 3, so level 4 needs a reason.
EXAMPLE_REASONS = {0: "ส่งงานครบก่อนกำหนดทุกไตรมาส"}


# --- my team: query budget -------------------------------------------------------------------

STATES = ["acknowledged", "submitted", "agreed", "scored", "draft", "not_started"]


def build_team(org, parent, n: int, tag: str):
    """A unit under `parent` headed by a new evaluator, with n people who can sign in."""
    unit = org_services.unit_create(code=f"DEPT-T{tag}", name=f"ทีมทดสอบ {tag}", parent=parent)
    lead = make_person(unit, f"{tag}000", f"หัวหน้าทีม{tag}", grade="K3", username=f"lead{tag}")
    org_services.unit_update(unit=unit, head=lead)
    members = [
        make_person(unit, f"{tag}{i:03d}", f"สมาชิก{tag}{i:03d}", username=f"m{tag}{i:03d}")
        for i in range(1, n + 1)
    ]
    return lead, members


def move_team(rnd, lead, members):
    """Put the team's forms in the states of STATES, in turn (the round is in agreement)."""
    forms = [(form_of(rnd, m), STATES[i % len(STATES)]) for i, m in enumerate(members)]
    for f, state in forms:
        user = f.person.user
        if state == "not_started":
            continue
        f = agreement_save(actor=user, form=f, expected_version=f.version, items=three_items())
        if state == "draft":
            continue
        f = agreement_submit(actor=user, form=f, expected_version=f.version)
        if state != "submitted":
            agreement_approve(actor=lead.user, form=f, expected_version=f.version)
    return forms


def finish_team(lead, forms):
    """In the evaluation phase: score and confirm the 'scored' and 'acknowledged' forms."""
    for f, state in forms:
        if state not in ("scored", "acknowledged"):
            continue
        f = fresh(f)
        score_save(
            actor=lead.user,
            form=f,
            expected_version=f.version,
            kpis=[ScoreInput(id=r.pk, level=3) for r in f.kpis.all()],
            competencies=[
                CompetencyInput(id=c.pk, actual=c.expected) for c in f.competencies.all()
            ],
        )
        f = fresh(f)
        f = scoring_finish(actor=lead.user, form=f, expected_version=f.version)
        if state == "acknowledged":
            f = informed(f)
            form_acknowledge(actor=f.person.user, form=f, expected_version=f.version)


def team_queries(client, user) -> tuple[int, str]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("appraisal:team"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_my_team_costs_the_same_queries_for_a_team_of_5_and_of_50(client, org):
    lead5, team5 = build_team(org, org.div1, 5, "A")
    lead50, team50 = build_team(org, org.div2, 50, "B")
    rnd = open_round(org)
    forms5 = move_team(rnd, lead5, team5)
    forms50 = move_team(rnd, lead50, team50)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    finish_team(lead5, forms5)
    finish_team(lead50, forms50)

    small, body5 = team_queries(client, lead5.user)
    large, body50 = team_queries(client, lead50.user)
    assert body5.count('name="forms"') == 1
    assert body50.count('name="forms"') == 9  # every sixth of 50 is submitted, from the second
    assert "สมาชิกB050" in body50
    assert small == large, (small, large)
    # 8 today: session, user, person, HR scopes, rounds, team forms, review forms, and the
    # navigation bar's "evaluates anyone" check.
    assert small <= 10, small

    # The higher supervisors' review lists grow too (1 waiting vs 9 waiting), at the same cost.
    higher5 = form_of(rnd, team5[0]).higher
    higher50 = form_of(rnd, team50[0]).higher
    assert higher5 != higher50
    small_h, body_h5 = team_queries(client, higher5.user)
    large_h, body_h50 = team_queries(client, higher50.user)
    assert body_h5.count("ให้ความเห็น</a>") == 1
    assert body_h50.count("ให้ความเห็น</a>") == 9
    assert small_h == large_h == small, (small_h, large_h, small)


# --- my team: content ------------------------------------------------------------------------


def test_my_team_lists_the_evaluators_forms_with_next_actions(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    body = client.get(reverse("appraisal:team")).content.decode()
    assert o.s1.full_name in body and o.s2.full_name in body
    assert o.s3.full_name not in body  # evaluated by div1_head
    assert f'name="forms" value="{o.f2.pk}"' in body  # only the submitted agreement
    assert f'name="forms" value="{o.f1.pk}"' not in body
    assert url("agreement_review", o.f2) in body
    assert url("score", o.f1) in body
    assert "อนุมัติข้อตกลงที่เลือก" in body
    # Filter by status.
    only = client.get(reverse("appraisal:team"), {"state": "submitted"}).content.decode()
    assert o.s2.full_name in only and o.s1.full_name not in only


def test_my_team_is_empty_in_thai_for_someone_who_evaluates_nobody(client, world):
    client.force_login(world.hr)
    body = client.get(reverse("appraisal:team")).content.decode()
    assert "ยังไม่มีรอบการประเมินที่ท่านเป็นผู้ประเมิน" in body
    assert "ไม่มีแบบประเมินที่รอความเห็นของท่าน" in body


def test_my_team_shows_the_total_and_band_of_a_scored_form(client, world):
    client.force_login(world.div1_head.user)
    body = client.get(reverse("appraisal:team")).content.decode()
    # f3: every KPI at level 4 (80%) and every competency met -> 56.00 + 30.00.
    assert "86.00" in body and "ดีมาก" in body
    assert url("refusal", world.f3) in body


def test_a_round_that_is_not_the_users_is_not_found(client, world):
    client.force_login(world.grp1_head.user)
    response = client.get(reverse("appraisal:team"), {"round": 999999})
    assert response.status_code == 404


# --- agreement -------------------------------------------------------------------------------


def test_bulk_approval_approves_two_submitted_agreements_and_reports_the_rest(client, org):
    rnd = open_round(org)
    forms = []
    for person in (org.s1, org.s2):
        f = form_of(rnd, person)
        f = agreement_save(
            actor=person.user, form=f, expected_version=f.version, items=three_items()
        )
        forms.append(agreement_submit(actor=person.user, form=f, expected_version=f.version))
    outside = form_of(rnd, org.s4)  # evaluated by someone else: not in grp1_head's scope
    client.force_login(org.grp1_head.user)
    response = client.post(
        reverse("appraisal:team_approve"),
        {"forms": [forms[0].pk, forms[1].pk, outside.pk], "round": rnd.pk},
        follow=True,
    )
    body = response.content.decode()
    assert [fresh(f).state for f in forms] == [State.AGREED, State.AGREED]
    assert "อนุมัติข้อตกลงแล้ว 2 รายการ" in body
    assert "อนุมัติไม่ได้ 1 รายการ" in body and "ไม่พบแบบประเมิน 1 รายการ" in body
    assert fresh(outside).state == State.NOT_STARTED


def test_bulk_approval_names_the_form_that_cannot_be_approved(client, world):
    client.force_login(world.grp1_head.user)
    response = client.post(
        reverse("appraisal:team_approve"), {"forms": [world.f1.pk, world.f2.pk]}, follow=True
    )
    body = response.content.decode()
    assert "อนุมัติข้อตกลงแล้ว 1 รายการ" in body
    assert f"{world.s1.full_name}: ทำรายการนี้ไม่ได้" in body  # f1 is already agreed
    assert fresh(world.f2).state == State.AGREED


def test_bulk_approval_without_a_selection_asks_for_one(client, world):
    client.force_login(world.grp1_head.user)
    response = client.post(reverse("appraisal:team_approve"), follow=True)
    assert "กรุณาเลือกข้อตกลงที่จะอนุมัติ" in response.content.decode()


def test_the_agreement_page_shows_rows_weights_and_criteria(client, world):
    client.force_login(world.grp1_head.user)
    body = client.get(url("agreement_review", world.f2)).content.decode()
    assert "ตัวชี้วัดที่ 3" in body and "ระดับ 5" in body
    assert '<th class="text-end" id="weight-total">100.00</th>' in body
    assert 'name="version"' in body and f'value="{world.f2.version}"' in body


def test_returning_an_agreement_needs_a_comment(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    response = client.post(
        url("agreement_review", o.f2), {"version": o.f2.version, "action": "return", "comment": ""}
    )
    assert response.status_code == 200
    assert response.context["decision"].errors["comment"] == ["กรุณาระบุสิ่งที่ต้องแก้ไข"]
    assert fresh(o.f2).state == State.SUBMITTED
    response = client.post(
        url("agreement_review", o.f2),
        {"version": o.f2.version, "action": "return", "comment": "น้ำหนักตัวชี้วัดที่ 3 สูงเกินไป"},
    )
    assert response.status_code == 302
    assert fresh(o.f2).state == State.RETURNED
    assert any("สูงเกินไป" in e.reason for e in form_events(form=o.f2, kinds=[FormEvent.RETURN]))


def test_approving_an_agreement_with_a_comment(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    response = client.post(
        url("agreement_review", o.f2),
        {"version": o.f2.version, "action": "approve", "comment": "เห็นชอบ"},
        follow=True,
    )
    assert "อนุมัติข้อตกลงของ" in response.content.decode()
    assert fresh(o.f2).state == State.AGREED
    assert o.f2.agreement_versions.count() == 1


def test_approving_a_stale_agreement_page_is_a_conflict(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    response = client.post(
        url("agreement_review", o.f2), {"version": o.f2.version - 1, "action": "approve"}
    )
    assert "มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in response.content.decode()
    assert fresh(o.f2).state == State.SUBMITTED


# --- scoring ---------------------------------------------------------------------------------


def test_the_preview_shows_the_worked_example_and_saves_nothing(client, world):
    o = world
    f1 = o.f1
    version = f1.version
    client.force_login(o.grp1_head.user)
    data = score_data(f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, EXAMPLE_REASONS)
    response = client.post(url("score_preview", f1), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<td class="text-end fw-bold fs-5" data-total>81.40</td>' in body
    assert '<td class="text-end fw-bold" data-band>ดีมาก</td>' in body
    assert '<td class="text-end" data-score-kpi>410.00</td>' in body
    assert '<td class="text-end" data-percent>82.00</td>' in body
    assert '<td class="text-end" data-achievement>57.40</td>' in body
    assert '<td class="text-end" data-competency>24.00</td>' in body
    assert "<html" not in body  # a partial, not a page
    # The suggestion of the first KPI (its check-in reached level 3) comes out of band.
    first = f1.kpis.first()
    assert f'id="kpi-{first.pk}-suggested" hx-swap-oob="true" data-suggested="3"' in body
    # Nothing written.
    assert fresh(f1).version == version
    assert f1.total is None
    assert not FormKpi.objects.filter(form=f1, level__isnull=False).exists()
    assert not f1.competencies.filter(actual__isnull=False).exists()


def test_the_preview_counts_missing_levels_as_zero_and_says_so(client, world):
    client.force_login(world.grp1_head.user)
    data = score_data(world.f1, (4, None, None), (None,) * 5, EXAMPLE_REASONS)
    body = client.post(url("score_preview", world.f1), data).content.decode()
    assert "data-achievement>16.80</td>" in body  # 4 × 30 / 500 × 70
    assert "ระดับที่ยังไม่ได้ให้นับเป็น 0" in body


def test_the_other_component_counts_when_the_form_has_a_weight_for_it(client, world):
    o = world
    AppraisalForm.objects.filter(pk=o.f1.pk).update(
        weight_achievement=60, weight_competency=30, weight_other=10
    )
    f1 = fresh(o.f1)
    client.force_login(o.grp1_head.user)
    assert 'name="other_percent"' in client.get(url("score", f1)).content.decode()
    data = score_data(f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, EXAMPLE_REASONS, other_percent="50")
    body = client.post(url("score_preview", f1), data).content.decode()
    # 410 / 500 × 60 = 49.20; 12 / 15 × 30 = 24.00; 50% of 10 = 5.00.
    assert "data-achievement>49.20</td>" in body and "data-other>5.00</td>" in body
    assert "data-total>78.20</td>" in body and "data-band>ดี</td>" in body
    bad = client.post(url("score", f1), {**data, "other_percent": "120"})
    assert "other_percent" in bad.context["sf"].errors


def test_a_rating_scale_round_rates_competencies_1_to_5(client, org):
    rnd = open_round(org, method="rating")
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    client.force_login(org.grp1_head.user)
    body = client.get(url("score", f)).content.decode()
    comp = f.competencies.first()
    select = body[body.index(f'<select name="comp-{comp.pk}-actual"') :]
    select = select[: select.index("</select>")]
    assert '<option value="1">' in select and '<option value="0">' not in select
    assert "คะแนน (1–5)" in body


def test_the_scoring_page_shows_criteria_progress_and_self_assessment(client, world):
    o = world
    client.force_login(o.grp1_head.user)
    response = client.get(url("score", o.f1))
    body = response.content.decode()
    assert response.status_code == 200
    assert "ตัวชี้วัดที่ 1" in body and "ระดับ 5" in body
    assert "ร้อยละ 50" in body and "บรรลุระดับ 3" in body  # the check-in
    assert f'hx-post="{url("score_preview", o.f1)}"' in body
    assert url("score_finish", o.f1) in body
    assert 'src="/static/js/team.js"' in body
    # Bar scale: 0–5 for each competency.
    comp = o.f1.competencies.first()
    assert f'<select name="comp-{comp.pk}-actual"' in body
    assert '<option value="0">0</option>' in body


def test_a_level_other_than_the_suggested_one_needs_a_reason(client, world):
    o = world
    f1 = o.f1
    version = f1.version
    client.force_login(o.grp1_head.user)
    data = score_data(f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, reasons={})
    response = client.post(url("score", f1), data)
    assert response.status_code == 200
    first = f1.kpis.first()
    errors = response.context["sf"].errors[f"kpi-{first.pk}-reason"]
    assert errors == [
        "“ตัวชี้วัดที่ 1”: ระดับที่ให้ (4) ต่างจากที่ระบบเสนอ (3 จากความก้าวหน้าที่บันทึกครั้งล่าสุด) กรุณาระบุเหตุผล"
    ]
    body = response.content.decode()
    assert f'id="id_kpi-{first.pk}-reason-error"' in body
    assert fresh(f1).version == version
    assert not FormKpi.objects.filter(form=f1, level__isnull=False).exists()


def test_saving_and_confirming_the_worked_example(client, world):
    o = world
    f1 = o.f1
    client.force_login(o.grp1_head.user)
    data = score_data(
        f1,
        EXAMPLE_LEVELS,
        EXAMPLE_COMPS,
        EXAMPLE_REASONS,
        comment="ทำงานดี ควรพัฒนาการทำงานเป็นทีม",
        **{"idp-0-topic": "การทำงานเป็นทีม", "idp-0-method": "สอนงาน", "idp-0-period": "ต.ค.–ธ.ค."},
    )
    response = client.post(url("score", f1), data)
    assert response.status_code == 302
    f1 = fresh(f1)
    assert f1.state == State.AGREED
    assert round(f1.total, 2) == Decimal("81.40")
    assert f1.band == "very_good"
    assert f1.evaluator_comment == "ทำงานดี ควรพัฒนาการทำงานเป็นทีม"
    assert list(f1.idp.values_list("topic", flat=True)) == ["การทำงานเป็นทีม"]
    page = client.get(url("score", f1)).content.decode()
    assert "data-total>81.40</td>" in page

    response = client.post(url("score_finish", f1), score_data(f1, *_saved(f1)), follow=True)
    assert fresh(f1).state == State.SCORED
    assert "ยืนยันผลการประเมินของ" in response.content.decode()


def _saved(form):
    levels = [r.level for r in form.kpis.all()]
    comps = [c.actual for c in form.competencies.all()]
    reasons = {i: r.level_reason for i, r in enumerate(form.kpis.all())}
    return levels, comps, reasons


def test_confirming_an_incomplete_evaluation_is_refused_and_saves_nothing(client, world):
    o = world
    f1 = o.f1
    version = f1.version
    client.force_login(o.grp1_head.user)
    data = score_data(f1, (3, 3, None), (1,) * 5)
    response = client.post(url("score_finish", f1), data)
    assert response.status_code == 200
    assert "ยังประเมินไม่ครบ" in response.content.decode()
    f1 = fresh(f1)
    assert (f1.state, f1.version) == (State.AGREED, version)
    assert not FormKpi.objects.filter(form=f1, level__isnull=False).exists()


def test_reopening_a_confirmed_evaluation_needs_a_reason(client, world):
    o = world
    client.force_login(o.div1_head.user)
    page = client.get(url("score", o.f3)).content.decode()
    assert "แก้ไขผลการประเมิน" in page and url("score_reopen", o.f3) in page
    response = client.post(url("score_reopen", o.f3), {"version": o.f3.version}, follow=True)
    assert "กรุณาระบุเหตุผลที่แก้ไขผลการประเมิน" in response.content.decode()
    assert fresh(o.f3).state == State.SCORED
    client.post(url("score_reopen", o.f3), {"version": o.f3.version, "comment": "พิมพ์ระดับผิด"})
    assert fresh(o.f3).state == State.AGREED


def test_a_stale_version_keeps_the_input_and_says_someone_else_saved_first(client, world):
    o = world
    f1 = o.f1
    client.force_login(o.grp1_head.user)
    data = score_data(
        f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, EXAMPLE_REASONS, actuals={1: "ผลงานที่ผู้ประเมินพิมพ์ไว้"}
    )
    # Meanwhile the appraisee saves a self-assessment: the form's version moves on.
    self_assessment_save(
        actor=o.s1.user, form=f1, expected_version=f1.version, kpis={}, competencies={}
    )
    response = client.post(url("score", f1), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว" in body
    assert "data-conflict" in body
    assert 'value="ผลงานที่ผู้ประเมินพิมพ์ไว้"' in body
    assert not FormKpi.objects.filter(form=f1, level__isnull=False).exists()


def test_proposing_an_idp_from_competency_gaps_fills_rows_without_saving(client, world):
    o = world
    f1 = o.f1
    client.force_login(o.grp1_head.user)
    data = score_data(f1, EXAMPLE_LEVELS, EXAMPLE_COMPS, EXAMPLE_REASONS, action="propose")
    response = client.post(url("score", f1), data)
    assert response.status_code == 200
    sf = response.context["sf"]
    short = [c for c, a in zip(f1.competencies.all(), EXAMPLE_COMPS, strict=True) if a == 0]
    topics = [sf[f"idp-{i}-topic"].value() for i in range(sf.idp_count)]
    assert [t for t in topics if t] == [c.name for c in short]
    assert "เพิ่มข้อเสนอแผนพัฒนา 3 รายการ" in response.content.decode()
    assert not IdpRow.objects.filter(form=f1).exists()
    assert fresh(f1).version == o.f1.version


# --- refusal, review, coaching ---------------------------------------------------------------


def test_recording_a_refusal_with_a_witness(client, world):
    o = world
    client.force_login(o.div1_head.user)
    today = dt.date.today()
    missing = client.post(
        url("refusal", o.f3),
        {
            "version": o.f3.version,
            "informed_on": thai.format_date_input(today),
            "witness_position": "นักทรัพยากรบุคคล",
        },
    )
    assert missing.status_code == 200
    assert missing.context["rf"].errors["witness_name"] == ["กรุณาระบุชื่อพยาน"]
    assert fresh(o.f3).state == State.SCORED
    response = client.post(
        url("refusal", o.f3),
        {
            "version": o.f3.version,
            "informed_on": thai.format_date_input(today),
            "witness_name": "นางสาวพยาน ใจดี",
            "witness_position": "นักทรัพยากรบุคคลชำนาญการ",
            "witness_on": thai.format_date_input(today),
        },
    )
    assert response.status_code == 302
    f3 = fresh(o.f3)
    assert f3.refused and f3.state == State.ACKNOWLEDGED
    assert (f3.witness_name, f3.informed_on, f3.witness_on) == ("นางสาวพยาน ใจดี", today, today)


def refuse(o):
    today = dt.date.today()
    return form_refusal_record(
        actor=o.div1_head.user,
        form=o.f3,
        expected_version=o.f3.version,
        informed_on=today,
        witness_name="นางสาวพยาน ใจดี",
        witness_position="นักทรัพยากรบุคคล",
        witness_on=today,
    )


def test_the_higher_supervisor_differs_with_a_revised_total(client, world):
    o = world
    f3 = refuse(o)
    client.force_login(o.director.user)
    page = client.get(url("review", f3)).content.decode()
    assert "86.00" in page and "ไม่ลงนามรับทราบ" in page and "นางสาวพยาน ใจดี" in page
    assert url("review", f3) in client.get(reverse("appraisal:team")).content.decode()
    no_opinion = client.post(
        url("review", f3), {"version": f3.version, "agrees": "differ", "revised_total": "91"}
    )
    assert no_opinion.context["rv"].errors["opinion"] == ["กรุณาระบุความเห็นที่แตกต่าง"]
    too_high = client.post(
        url("review", f3),
        {"version": f3.version, "agrees": "differ", "opinion": "x", "revised_total": "101"},
    )
    assert "revised_total" in too_high.context["rv"].errors
    response = client.post(
        url("review", f3),
        {
            "version": f3.version,
            "agrees": "differ",
            "opinion": "ผลงานโดดเด่นกว่าที่ประเมิน",
            "revised_total": "91.50",
        },
    )
    assert response.status_code == 302
    f3 = fresh(f3)
    assert f3.state == State.REVIEWED
    assert (f3.higher_agrees, f3.higher_total) == (False, Decimal("91.50"))
    assert (f3.final_total, f3.final_band) == (Decimal("91.50"), "outstanding")
    assert round(f3.total, 2) == Decimal("86.00")  # the evaluator's figure is kept


def test_agreeing_needs_no_revised_total(client, world):
    o = world
    f3 = refuse(o)
    client.force_login(o.director.user)
    response = client.post(url("review", f3), {"version": f3.version, "agrees": "agree"})
    assert response.status_code == 302
    f3 = fresh(f3)
    assert f3.higher_agrees is True and f3.final_band == "very_good"


def test_the_level_above_gives_the_second_opinion(client, org):
    rnd = open_round(org, second_review=True)
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f = fresh(f)
    score_save(
        actor=org.grp1_head.user,
        form=f,
        expected_version=f.version,
        kpis=[ScoreInput(id=r.pk, level=3, reason="x") for r in f.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=1) for c in f.competencies.all()],
    )
    f = fresh(f)
    f = scoring_finish(actor=org.grp1_head.user, form=f, expected_version=f.version)
    f = informed(f)
    f = form_acknowledge(actor=org.s1.user, form=f, expected_version=f.version)
    f = form_review_higher(
        actor=org.div1_head.user, form=f, expected_version=f.version, agrees=True
    )
    assert f.state == State.HIGHER_REVIEWED
    client.force_login(org.director.user)
    page = client.get(url("review", f)).content.decode()
    assert "ความเห็นของผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง" in page
    response = client.post(url("review", f), {"version": f.version, "agrees": "agree"})
    assert response.status_code == 302
    f = fresh(f)
    assert (f.state, f.higher2_agrees) == (State.REVIEWED, True)


def test_coaching_notes_are_listed_and_added_by_the_chain(client, world):
    o = world
    client.force_login(o.div1_head.user)
    page = client.get(url("coaching", o.f1)).content.decode()
    assert "ติดตามงาน" in page  # grp1_head's note from the world
    empty = client.post(
        url("coaching", o.f1), {"on": thai.format_date_input(dt.date.today()), "note": ""}
    )
    assert empty.context["cf"].errors["note"] == ["กรุณากรอกบันทึกการให้คำปรึกษา"]
    response = client.post(
        url("coaching", o.f1),
        {"on": thai.format_date_input(dt.date.today()), "note": "แนะนำการเขียนรายงาน"},
        follow=True,
    )
    assert "บันทึกการให้คำปรึกษาแล้ว" in response.content.decode()
    assert CoachingNote.objects.filter(form=o.f1, author=o.div1_head).count() == 1
