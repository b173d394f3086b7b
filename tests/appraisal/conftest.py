"""A round of the test organisation, opened through the services, and helpers to move forms."""

from __future__ import annotations

from decimal import Decimal

import pytest

from appraisal import counts
from appraisal.models import AppraisalForm, AppraisalRound
from appraisal.services.agreements import (
    ItemInput,
    agreement_approve,
    agreement_save,
    agreement_submit,
)
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save, scoring_finish
from appraisal.services.monitoring import ProgressInput, checkin_record, coaching_add, journal_add
from appraisal.services.round_phases import round_advance, round_open
from appraisal.services.rounds import round_create

YEAR = 2570


def open_round(org, *, number=1, second_review=False, method="bar_scale"):
    rnd = round_create(
        actor=org.hr,
        department=org.dept,
        fiscal_year=YEAR,
        number=number,
        second_review=second_review,
        competency_method=method,
    )
    round_open(actor=org.hr, rnd=rnd)
    rnd.refresh_from_db()
    return rnd


def recount(rnd) -> None:
    """After forms were set by .update() outside the services (which keep the per-unit counts
    themselves): recount the round, as `manage.py rebuild_form_counts` does."""
    counts.rebuild(rnd)


def count_problems() -> list[str]:
    """The rounds whose per-unit form counts differ from a recount of their forms, with the
    first few keys that differ (empty when every round's counts are right)."""
    problems = []
    for r in AppraisalRound.objects.order_by("pk"):
        stored, expected = counts.stored(r), counts.expected(r)
        if stored != expected:
            wrong = sorted(
                k for k in stored.keys() | expected.keys() if stored.get(k) != expected.get(k)
            )
            problems.append(
                f"round {r.pk} counts: "
                + ", ".join(f"{k}: {stored.get(k)} != {expected.get(k)}" for k in wrong[:5])
            )
    return problems


def form_of(rnd, person) -> AppraisalForm:
    return AppraisalForm.objects.get(round=rnd, person=person)


def three_items(weights=("30", "30", "40")):
    return [
        ItemInput(
            name=f"ตัวชี้วัดที่ {i + 1}",
            weight=Decimal(w),
            criteria=[f"ระดับ {n}" for n in range(1, 6)],
        )
        for i, w in enumerate(weights)
    ]


def agree(form, appraisee_user, evaluator_user):
    """Fill, submit and approve the agreement with the DOMAIN example's three KPIs."""
    form = agreement_save(
        actor=appraisee_user, form=form, expected_version=form.version, items=three_items()
    )
    form = agreement_submit(actor=appraisee_user, form=form, expected_version=form.version)
    return agreement_approve(actor=evaluator_user, form=form, expected_version=form.version)


def score_example(form, evaluator_user, levels=(4, 3, 5), comp_actual=None):
    """Score as DOMAIN's worked example: levels 4/3/5 and bar scale 12 of 15."""
    rows = list(form.kpis.all())
    comps = list(form.competencies.all())
    if comp_actual is None:
        # 5 core competencies, expected 1 for K1: give 12 of 15 by three short by one level...
        comp_actual = {}
    kpis = [
        ScoreInput(id=r.pk, actual="", level=lv, reason="ตามหลักฐาน")
        for r, lv in zip(rows, levels, strict=True)
    ]
    comp_inputs = [
        CompetencyInput(id=c.pk, actual=comp_actual.get(c.pk, c.expected)) for c in comps
    ]
    return score_save(
        actor=evaluator_user,
        form=form,
        expected_version=form.version,
        kpis=kpis,
        competencies=comp_inputs,
    )


@pytest.fixture
def rnd(org):
    return open_round(org)


def appraisal_world(org):
    """The test organisation with round 2570-1 in the evaluation phase:
    f1 = s1's form, agreed (3 KPIs), with a check-in, a coaching note and a journal entry
         with a PDF as evidence (o.entry);
    f2 = s2's form, submitted; f3 = s3's form, scored (evaluated by div1_head);
    f4 = s4's form (div2, evaluated by div2_acting), not started."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    o = org
    o.round = open_round(org)
    o.f1 = agree(form_of(o.round, org.s1), org.s1.user, org.grp1_head.user)
    f2 = form_of(o.round, org.s2)
    f2 = agreement_save(
        actor=org.s2.user, form=f2, expected_version=f2.version, items=three_items()
    )
    o.f2 = agreement_submit(actor=org.s2.user, form=f2, expected_version=f2.version)
    f3 = agree(form_of(o.round, org.s3), org.s3.user, org.div1_head.user)
    today = dt.date.today()
    item = o.f1.kpis.first()
    checkin_record(
        actor=org.s1.user,
        form=o.f1,
        on=today,
        comment="ครึ่งรอบ",
        progress=[ProgressInput(item.pk, "ร้อยละ 50", 3)],
    )
    coaching_add(actor=org.grp1_head.user, form=o.f1, on=today, note="ติดตามงาน")
    o.entry = journal_add(
        actor=org.s1.user,
        form=o.f1,
        kind="work",
        on=today,
        description="ส่งรายงานก่อนกำหนด",
        upload=SimpleUploadedFile(
            "รายงาน.pdf", b"%PDF-1.4 test evidence", content_type="application/pdf"
        ),
    )
    round_advance(actor=org.hr, rnd=o.round)
    round_advance(actor=org.hr, rnd=o.round)
    f3.refresh_from_db()
    score_save(
        actor=org.div1_head.user,
        form=f3,
        expected_version=f3.version,
        kpis=[ScoreInput(id=r.pk, level=4) for r in f3.kpis.all()],
        competencies=[CompetencyInput(id=c.pk, actual=c.expected) for c in f3.competencies.all()],
    )
    f3.refresh_from_db()
    o.f3 = scoring_finish(actor=org.div1_head.user, form=f3, expected_version=f3.version)
    o.f4 = form_of(o.round, org.s4)
    for name in ("f1", "f2", "f3", "f4", "round"):
        getattr(o, name).refresh_from_db()
    return o


@pytest.fixture
def world(org):
    return appraisal_world(org)
