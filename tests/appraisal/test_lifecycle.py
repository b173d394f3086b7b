"""One round from opening to closing for a small team, through the services only; every
transition is tried by every wrong role first and must be refused without changing anything."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from appraisal.models import AgreementVersion, Phase, State
from appraisal.selectors import form_timeline
from appraisal.services.agreements import (
    agreement_approve,
    agreement_approve_many,
    agreement_return,
    agreement_revise,
    agreement_save,
    agreement_submit,
)
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save, scoring_finish
from appraisal.services.monitoring import ProgressInput, checkin_record, coaching_add
from appraisal.services.review import (
    form_acknowledge,
    form_inform,
    form_refusal_record,
    form_release,
    form_review_higher,
    form_review_higher2,
)
from appraisal.services.round_phases import round_advance, round_close, round_open, round_reopen
from appraisal.services.rounds import round_create
from common.errors import ConflictError, DomainError
from common.permissions import can
from tests.appraisal.conftest import count_problems, form_of, open_round, three_items
from tests.factories import informed


@pytest.fixture(autouse=True)
def _counts_follow_every_step(db):
    """After each lifecycle through the services (submit, return, approve, revise, score,
    inform, acknowledge or refuse, review, release, close, reopen), every round's per-unit
    counts equal a recount of its forms."""
    yield
    assert count_problems() == []


def people(org):
    return {
        "s1": org.s1.user,
        "s2": org.s2.user,
        "evaluator": org.grp1_head.user,
        "higher": org.div1_head.user,
        "higher2": org.director.user,
        "hr": org.hr,
        "hr_div2": org.hr_div2,
        "admin": org.admin,
        "outsider": org.o1.user,
        "nobody": org.nobody,
    }


def refused_to_all_but(org, allowed: set[str], call):
    """Run `call(actor)` for every role not in `allowed`; each must be refused."""
    for role, user in people(org).items():
        if role in allowed:
            continue
        with pytest.raises((PermissionDenied, DomainError)) as exc:
            call(user)
        if isinstance(exc.value, DomainError):
            # Only the 'closed'/'state' refusals are domain errors; a wrong role is a 403.
            raise AssertionError(f"{role} got a domain error, not a refusal: {exc.value.message}")


def fresh(form):
    form.refresh_from_db()
    return form


def test_round_from_opening_to_closing(org):
    u = people(org)
    rnd = round_create(actor=org.hr, department=org.dept, fiscal_year=2570, number=1)
    refused_to_all_but(org, {"hr", "admin"}, lambda a: round_open(actor=a, rnd=rnd))
    assert round_open(actor=org.hr, rnd=rnd) == 9  # everyone in กรมทดสอบ
    rnd.refresh_from_db()
    assert rnd.phase == Phase.AGREEMENT
    f1, f2 = form_of(rnd, org.s1), form_of(rnd, org.s2)
    # The chain is frozen: evaluator, higher supervisor, the level above.
    assert (f1.evaluator, f1.higher, f1.higher2) == (org.grp1_head, org.div1_head, org.director)
    assert [c.expected for c in f1.competencies.all()] == [1] * 5
    assert (f1.weight_achievement, f1.weight_competency) == (70, 30)

    # Agreement: only the appraisee edits and submits.
    refused_to_all_but(
        org,
        {"s1"},
        lambda a: agreement_save(
            actor=a, form=f1, expected_version=f1.version, items=three_items()
        ),
    )
    f1 = agreement_save(actor=u["s1"], form=f1, expected_version=f1.version, items=three_items())
    assert f1.state == State.DRAFT
    refused_to_all_but(
        org,
        {"s1"},
        lambda a: agreement_submit(actor=a, form=f1, expected_version=f1.version),
    )
    f1 = agreement_submit(actor=u["s1"], form=f1, expected_version=f1.version)
    assert f1.state == State.SUBMITTED and f1.appraisee_signed_name == org.s1.full_name

    # The evaluator returns it with a comment, the appraisee fixes it, the evaluator approves.
    refused_to_all_but(
        org,
        {"evaluator"},
        lambda a: agreement_return(actor=a, form=f1, expected_version=f1.version, comment="x"),
    )
    f1 = agreement_return(
        actor=u["evaluator"], form=f1, expected_version=f1.version, comment="เพิ่มเกณฑ์ระดับ 5"
    )
    assert f1.state == State.RETURNED
    f1 = agreement_save(
        actor=u["s1"], form=f1, expected_version=f1.version, items=three_items(("30", "30", "40"))
    )
    f1 = agreement_submit(actor=u["s1"], form=f1, expected_version=f1.version)
    refused_to_all_but(
        org,
        {"evaluator"},
        lambda a: agreement_approve(actor=a, form=f1, expected_version=f1.version),
    )
    f1 = agreement_approve(actor=u["evaluator"], form=f1, expected_version=f1.version)
    assert f1.state == State.AGREED and f1.evaluator_signed_name == org.grp1_head.full_name
    assert AgreementVersion.objects.get(form=f1).number == 1

    # s2 through bulk approval.
    f2 = agreement_save(actor=u["s2"], form=f2, expected_version=f2.version, items=three_items())
    f2 = agreement_submit(actor=u["s2"], form=f2, expected_version=f2.version)
    done, problems = agreement_approve_many(actor=u["higher"], forms=[f2])
    assert (done, len(problems)) == (0, 1)
    assert agreement_approve_many(actor=u["evaluator"], forms=[f2]) == (1, [])

    # Monitoring: a check-in, a journal entry and a coaching note.
    round_advance(actor=org.hr, rnd=rnd)
    rnd.refresh_from_db()
    item = f1.kpis.first()
    today = dt.date.today()
    refused_to_all_but(
        org,
        {"s1", "evaluator", "higher", "higher2"},
        lambda a: checkin_record(
            actor=a,
            form=f1,
            on=today,
            comment="",
            progress=[ProgressInput(item.pk, "50%", 3)],
        ),
    )
    checkin_record(
        actor=u["s1"],
        form=f1,
        on=today,
        comment="ครึ่งทาง",
        progress=[ProgressInput(item.pk, "50%", 3)],
    )
    refused_to_all_but(
        org,
        {"evaluator", "higher", "higher2"},
        lambda a: coaching_add(actor=a, form=f1, on=today, note="แนะนำ"),
    )
    coaching_add(actor=u["evaluator"], form=f1, on=today, note="แนะนำการเก็บข้อมูล")

    # Scoring is refused before the evaluation phase, then allowed to the evaluator only.
    with pytest.raises(PermissionDenied):
        score_save(actor=u["evaluator"], form=fresh(f1), expected_version=fresh(f1).version)
    round_advance(actor=org.hr, rnd=rnd)
    f1 = fresh(f1)
    refused_to_all_but(
        org,
        {"evaluator"},
        lambda a: score_save(actor=a, form=f1, expected_version=f1.version),
    )
    rows = list(f1.kpis.all())
    comps = list(f1.competencies.all())
    result = score_save(
        actor=u["evaluator"],
        form=f1,
        expected_version=f1.version,
        kpis=[
            ScoreInput(id=r.pk, level=lv, reason="ตามหลักฐาน")
            for r, lv in zip(rows, (4, 3, 5), strict=True)
        ],
        # K1 expects level 1: three competencies at 0 give 2+2+2+3+3 = 12 of 15 bar points.
        competencies=[
            CompetencyInput(id=c.pk, actual=0 if i < 3 else 1) for i, c in enumerate(comps)
        ],
        comment="ผลงานดี",
    )
    assert result.complete
    assert (result.score_kpi, result.percent, result.achievement) == (410, 82, Decimal("57.4"))
    assert (
        result.competency == 24 and result.total == Decimal("81.4") and result.band == "very_good"
    )
    f1 = fresh(f1)
    refused_to_all_but(
        org,
        {"evaluator"},
        lambda a: scoring_finish(actor=a, form=f1, expected_version=f1.version),
    )
    f1 = scoring_finish(actor=u["evaluator"], form=f1, expected_version=f1.version)
    assert f1.state == State.SCORED and f1.total == Decimal("81.4")
    # Scored, not yet informed: the appraisee sees nothing of it and cannot sign.
    assert not can(u["s1"], "appraisal.view_score", f1)
    with pytest.raises(DomainError, match="ยังไม่ได้แจ้งผล"):
        form_acknowledge(actor=u["s1"], form=f1, expected_version=f1.version)

    # The evaluator informs the appraisee (nobody else may record it); then the appraisee
    # acknowledges, and nobody else may sign for them.
    refused_to_all_but(
        org,
        {"evaluator"},
        lambda a: form_inform(
            actor=a, form=f1, expected_version=f1.version, informed_on=timezone.localdate()
        ),
    )
    f1 = informed(f1)
    refused_to_all_but(
        org, {"s1"}, lambda a: form_acknowledge(actor=a, form=f1, expected_version=f1.version)
    )
    f1 = form_acknowledge(actor=u["s1"], form=f1, expected_version=f1.version)
    assert f1.state == State.ACKNOWLEDGED

    # The higher supervisor disagrees with a revised score; both opinions are kept.
    round_advance(actor=org.hr, rnd=rnd)
    refused_to_all_but(
        org,
        {"higher"},
        lambda a: form_review_higher(actor=a, form=f1, expected_version=f1.version, agrees=True),
    )
    f1 = form_review_higher(
        actor=u["higher"],
        form=f1,
        expected_version=f1.version,
        agrees=False,
        opinion="ผลงานโดดเด่นกว่าที่ประเมิน",
        revised_total="90.00",
    )
    assert f1.state == State.REVIEWED  # no second level configured in this round
    assert (f1.total, f1.higher_total, f1.final_total) == (Decimal("81.4"), 90, 90)
    assert f1.final_band == "outstanding"

    # Informed, the appraisee sees the evaluator's result; the review and the final result only
    # once HR releases them.
    assert can(u["s1"], "appraisal.view_score", f1)
    assert not can(u["s1"], "appraisal.view_final", f1)
    refused_to_all_but(org, {"hr", "admin"}, lambda a: form_release(actor=a, form=f1))
    f1 = form_release(actor=org.hr, form=f1)
    assert f1.state == State.RELEASED
    del u["s1"]._pms_roles
    assert can(u["s1"], "appraisal.view_final", f1)

    # The round moves to released and closes; after that nothing changes without reopening.
    round_advance(actor=org.hr, rnd=rnd)
    refused_to_all_but(org, {"hr", "admin"}, lambda a: round_close(actor=a, rnd=rnd))
    round_close(actor=org.hr, rnd=rnd)
    rnd.refresh_from_db()
    assert rnd.phase == Phase.CLOSED
    f2 = fresh(f2)
    with pytest.raises(DomainError) as exc:
        agreement_revise(actor=u["s2"], form=f2, expected_version=f2.version, reason="แก้")
    assert exc.value.code == "closed"
    with pytest.raises(DomainError):
        round_reopen(actor=org.hr, rnd=rnd, reason="")
    refused_to_all_but(
        org, {"hr", "admin"}, lambda a: round_reopen(actor=a, rnd=rnd, reason="แก้ไขคะแนน")
    )
    round_reopen(actor=org.hr, rnd=rnd, reason="คณะกรรมการให้ทบทวน")
    rnd.refresh_from_db()
    assert rnd.phase == Phase.RELEASED
    assert rnd.history.first().history_change_reason == "คณะกรรมการให้ทบทวน"

    actions = [e.kind.removeprefix("form.") for e in form_timeline(form=f1, show_score=True)]
    assert actions == [
        "start",
        "submit",
        "return",
        "submit",
        "approve",
        "checkin",
        "coaching",
        "score",
        "inform",
        "acknowledge",
        "higher_review",
        "release",
    ]


def test_second_level_review_and_refusal_with_witness(org):
    rnd = open_round(org, second_review=True)
    f = form_of(rnd, org.s1)
    from tests.appraisal.conftest import agree

    f = agree(f, org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f = fresh(f)
    score_save(
        actor=org.grp1_head.user,
        form=f,
        expected_version=f.version,
        kpis=[ScoreInput(id=r.pk, level=3) for r in f.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=1) for c in f.competencies.all()],
    )
    f = scoring_finish(actor=org.grp1_head.user, form=fresh(f), expected_version=fresh(f).version)
    with pytest.raises(DomainError) as exc:
        form_refusal_record(
            actor=org.grp1_head.user,
            form=f,
            expected_version=f.version,
            informed_on=dt.date.today(),
            witness_name="",
            witness_position="x",
            witness_on=dt.date.today(),
        )
    assert exc.value.field == "witness_name"
    f = form_refusal_record(
        actor=org.grp1_head.user,
        form=f,
        expected_version=f.version,
        informed_on=dt.date.today(),
        witness_name="นางพยาน ดี",
        witness_position="นักทรัพยากรบุคคล",
        witness_on=dt.date.today(),
    )
    assert f.state == State.ACKNOWLEDGED and f.refused
    f = form_review_higher(
        actor=org.div1_head.user, form=f, expected_version=f.version, agrees=True
    )
    assert f.state == State.HIGHER_REVIEWED
    with pytest.raises(PermissionDenied):
        form_review_higher2(
            actor=org.div1_head.user, form=f, expected_version=f.version, agrees=True
        )
    f = form_review_higher2(
        actor=org.director.user,
        form=f,
        expected_version=f.version,
        agrees=False,
        opinion="ควรปรับลด",
        revised_total="65",
    )
    assert f.state == State.REVIEWED
    assert (f.higher_agrees, f.higher2_agrees, f.final_total, f.final_band) == (
        True,
        False,
        65,
        "fair",
    )


def test_a_second_save_of_the_same_form_is_a_conflict(rnd, org):
    f = form_of(rnd, org.s1)
    stale = f.version
    agreement_save(actor=org.s1.user, form=f, expected_version=stale, items=three_items())
    with pytest.raises(ConflictError) as exc:
        agreement_save(
            actor=org.s1.user, form=f, expected_version=stale, items=three_items(("50", "50"))
        )
    assert "บันทึก" in exc.value.message
    assert [str(r.weight) for r in fresh(f).kpis.all()] == ["30.00", "30.00", "40.00"]


def test_submit_needs_weights_totalling_100_and_full_criteria(rnd, org):
    f = form_of(rnd, org.s1)
    f = agreement_save(
        actor=org.s1.user, form=f, expected_version=f.version, items=three_items(("30", "30", "30"))
    )
    with pytest.raises(DomainError) as exc:
        agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    assert "100" in exc.value.message and exc.value.field == "items"
    assert fresh(f).state == State.DRAFT


def test_a_change_after_approval_needs_approval_again_and_keeps_the_old_version(rnd, org):
    from tests.appraisal.conftest import agree

    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    f = agreement_revise(actor=org.s1.user, form=f, expected_version=f.version, reason="งานใหม่")
    assert f.state == State.DRAFT
    f = agreement_save(
        actor=org.s1.user, form=f, expected_version=f.version, items=three_items(("20", "40", "40"))
    )
    f = agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    f = agreement_approve(actor=org.grp1_head.user, form=f, expected_version=f.version)
    versions = list(AgreementVersion.objects.filter(form=f).order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert [i["weight"] for i in versions[0].items] == ["30.00", "30.00", "40.00"]
    assert [i["weight"] for i in versions[1].items] == ["20.00", "40.00", "40.00"]


def test_level_other_than_suggested_needs_a_reason_and_history_keeps_it(rnd, org):
    from tests.appraisal.conftest import agree

    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    item = f.kpis.first()
    checkin_record(
        actor=org.s1.user,
        form=f,
        on=dt.date.today(),
        comment="",
        progress=[ProgressInput(item.pk, "ส่งรายงาน 4 ฉบับ", 4)],
    )
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f = fresh(f)
    with pytest.raises(DomainError) as exc:
        score_save(
            actor=org.grp1_head.user,
            form=f,
            expected_version=f.version,
            kpis=[ScoreInput(id=item.pk, level=2)],
        )
    assert exc.value.field == f"kpi-{item.pk}-reason"
    score_save(
        actor=org.grp1_head.user,
        form=f,
        expected_version=f.version,
        kpis=[ScoreInput(id=item.pk, level=2, reason="รายงานล่าช้า")],
    )
    h = item.history.first()
    assert (h.level, h.history_change_reason, h.history_user) == (
        2,
        "รายงานล่าช้า",
        org.grp1_head.user,
    )
    assert h.prev_record is not None and h.prev_record.level is None
