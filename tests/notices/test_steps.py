"""Which notice and e-mail each step of a form sends, to whom, with a link; none that tells a
score before the person may see it; the e-mail opt-out; nothing for a write that rolls back."""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from appraisal.models import State
from appraisal.scoring import BAND_LABELS_TH
from appraisal.services.agreements import (
    agreement_approve,
    agreement_return,
    agreement_save,
    agreement_submit,
)
from appraisal.services.evaluation import scoring_finish
from appraisal.services.reminders import reminders_send
from appraisal.services.review import (
    form_acknowledge,
    form_inform,
    form_refusal_record,
    form_release,
    form_review_higher,
    form_review_higher2,
)
from appraisal.services.round_phases import round_advance, round_release
from notices.models import Notice, NoticeKind
from notices.services import notice_preference_set
from tests.appraisal.conftest import agree, form_of, open_round, score_example, three_items

SITE = "https://pms.example.go.th"
THAI = re.compile(r"[\u0E00-\u0E7F]")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def step(django_capture_on_commit_callbacks, mailoutbox):
    """Run one service call as a request would (its on-commit e-mail included); returns what
    it returned and the e-mails it sent."""

    def run(call):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            result = call()
        return result, list(mailoutbox)

    return run


def _one_mail(mails, person, path):
    assert len(mails) == 1, [m.to for m in mails]
    mail = mails[0]
    assert mail.to == [person.email]
    assert THAI.search(mail.subject), mail.subject
    assert SITE + path in mail.body
    assert mail.body.startswith(f"เรียน {person.full_name}")
    return mail


def _latest(user) -> Notice:
    return Notice.objects.filter(recipient=user).order_by("-pk").first()


def test_each_step_tells_the_person_who_acts_next(org, step):
    rnd = open_round(org, second_review=True)
    f = form_of(rnd, org.s1)
    f = agreement_save(actor=org.s1.user, form=f, expected_version=f.version, items=three_items())

    # submitted → the evaluator, linking to the approval page
    f, mails = step(lambda: agreement_submit(actor=org.s1.user, form=f, expected_version=f.version))
    path = reverse("appraisal:agreement_review", kwargs={"pk": f.pk})
    _one_mail(mails, org.grp1_head, path)
    n = _latest(org.grp1_head.user)
    assert (n.kind, n.url, n.read_at) == (NoticeKind.SUBMITTED, path, None)
    assert org.s1.full_name in n.title and n.emailed_at is not None

    # returned → the appraisee, with the evaluator's comment, linking to the agreement
    f, mails = step(
        lambda: agreement_return(
            actor=org.grp1_head.user, form=f, expected_version=f.version, comment="เพิ่มเกณฑ์"
        )
    )
    path = reverse("appraisal:agreement", kwargs={"pk": f.pk})
    assert "เพิ่มเกณฑ์" in _one_mail(mails, org.s1, path).body
    assert _latest(org.s1.user).kind == NoticeKind.RETURNED

    # approved → the appraisee
    f, _mails = step(
        lambda: agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    )
    f, mails = step(
        lambda: agreement_approve(actor=org.grp1_head.user, form=f, expected_version=f.version)
    )
    _one_mail(mails, org.s1, reverse("appraisal:form", kwargs={"pk": f.pk}))
    assert _latest(org.s1.user).kind == NoticeKind.APPROVED

    # scored: nothing to anybody, the appraisee may not see it yet
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f.refresh_from_db()
    before = Notice.objects.count()
    _result, mails = step(lambda: score_example(f, org.grp1_head.user))
    f.refresh_from_db()
    f, mails2 = step(
        lambda: scoring_finish(actor=org.grp1_head.user, form=f, expected_version=f.version)
    )
    assert f.state == State.SCORED and mails == mails2 == []
    assert Notice.objects.count() == before

    # informed → the appraisee, linking to the form
    f, mails = step(
        lambda: form_inform(
            actor=org.grp1_head.user,
            form=f,
            expected_version=f.version,
            informed_on=timezone.localdate(),
        )
    )
    _one_mail(mails, org.s1, reverse("appraisal:form", kwargs={"pk": f.pk}))
    assert _latest(org.s1.user).kind == NoticeKind.INFORMED

    # acknowledged → the higher supervisor, linking to the review page
    f, mails = step(lambda: form_acknowledge(actor=org.s1.user, form=f, expected_version=f.version))
    review = reverse("appraisal:review", kwargs={"pk": f.pk})
    _one_mail(mails, org.div1_head, review)
    assert _latest(org.div1_head.user).kind == NoticeKind.REVIEW_WAITING

    # reviewed by the higher supervisor → the level above (this round asks for it)
    round_advance(actor=org.hr, rnd=rnd)
    f, mails = step(
        lambda: form_review_higher(
            actor=org.div1_head.user,
            form=f,
            expected_version=f.version,
            agrees=False,
            opinion="ผลงานโดดเด่น",
            revised_total="95.00",
        )
    )
    assert f.state == State.HIGHER_REVIEWED
    _one_mail(mails, org.director, review)
    f, mails = step(
        lambda: form_review_higher2(
            actor=org.director.user, form=f, expected_version=f.version, agrees=True
        )
    )
    assert f.state == State.REVIEWED and mails == []

    # released → the appraisee
    f, mails = step(lambda: form_release(actor=org.hr, form=f))
    _one_mail(mails, org.s1, reverse("appraisal:form", kwargs={"pk": f.pk}))
    assert _latest(org.s1.user).kind == NoticeKind.RELEASED

    # No notice, to anybody, names a figure, a band or a level.
    for notice in Notice.objects.all():
        text = notice.title + " " + notice.body
        for figure in ("81.4", "81.40", "95", "57.4", "24"):
            assert figure not in text, text
        for label in BAND_LABELS_TH.values():
            assert label not in text, text
        assert "คะแนน" not in text and "ระดับ" not in text, text
    kinds = list(Notice.objects.filter(recipient=org.s1.user).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(
        [NoticeKind.RETURNED, NoticeKind.APPROVED, NoticeKind.INFORMED, NoticeKind.RELEASED]
    )


def test_a_refusal_informs_the_appraisee_and_wakes_the_higher_supervisor(org, step):
    rnd = open_round(org)
    f = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    f.refresh_from_db()
    score_example(f, org.grp1_head.user)
    f.refresh_from_db()
    f = scoring_finish(actor=org.grp1_head.user, form=f, expected_version=f.version)
    today = timezone.localdate()
    f, mails = step(
        lambda: form_refusal_record(
            actor=org.grp1_head.user,
            form=f,
            expected_version=f.version,
            informed_on=today,
            witness_name="นายพยาน",
            witness_position="นักวิเคราะห์",
            witness_on=today,
        )
    )
    assert sorted(m.to[0] for m in mails) == sorted([org.s1.email, org.div1_head.email])
    assert _latest(org.s1.user).kind == NoticeKind.INFORMED
    assert _latest(org.div1_head.user).kind == NoticeKind.REVIEW_WAITING


def test_round_release_tells_each_appraisee_once(org, step):
    rnd = open_round(org)
    forms = []
    for p in (org.s1, org.s2):
        f = agree(form_of(rnd, p), p.user, org.grp1_head.user)
        forms.append(f)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    for i, f in enumerate(forms):
        f.refresh_from_db()
        score_example(f, org.grp1_head.user)
        f.refresh_from_db()
        f = scoring_finish(actor=org.grp1_head.user, form=f, expected_version=f.version)
        f = form_inform(
            actor=org.grp1_head.user,
            form=f,
            expected_version=f.version,
            informed_on=timezone.localdate(),
        )
        f = form_acknowledge(actor=f.person.user, form=f, expected_version=f.version)
        forms[i] = f
    round_advance(actor=org.hr, rnd=rnd)
    for f in forms:
        form_review_higher(
            actor=org.div1_head.user, form=f, expected_version=f.version, agrees=True
        )
    count, mails = step(lambda: round_release(actor=org.hr, rnd=rnd))
    assert count == 2
    assert sorted(m.to[0] for m in mails) == sorted([org.s1.email, org.s2.email])
    assert all(THAI.search(m.subject) and SITE in m.body for m in mails)
    assert Notice.objects.filter(kind=NoticeKind.RELEASED).count() == 2


def test_email_opt_out_keeps_the_notice_in_the_system(org, step):
    rnd = open_round(org)
    f = form_of(rnd, org.s1)
    f = agreement_save(actor=org.s1.user, form=f, expected_version=f.version, items=three_items())
    f = agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    notice_preference_set(actor=org.s1.user, email_enabled=False)
    f, mails = step(
        lambda: agreement_approve(actor=org.grp1_head.user, form=f, expected_version=f.version)
    )
    assert mails == []
    n = _latest(org.s1.user)
    assert n.kind == NoticeKind.APPROVED and n.emailed_at is None
    # Turned on again, the next step is e-mailed.
    notice_preference_set(actor=org.s1.user, email_enabled=True)
    f = agreement_revise_and_submit(org, f)
    f, mails = step(
        lambda: agreement_approve(actor=org.grp1_head.user, form=f, expected_version=f.version)
    )
    assert [m.to for m in mails] == [[org.s1.email]]


def agreement_revise_and_submit(org, f):
    from appraisal.services.agreements import agreement_revise

    f = agreement_revise(actor=org.s1.user, form=f, expected_version=f.version, reason="แก้")
    return agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)


def test_nothing_is_told_of_a_write_that_rolls_back(org, django_capture_on_commit_callbacks):
    from django.core import mail

    rnd = open_round(org)
    f = form_of(rnd, org.s1)
    f = agreement_save(actor=org.s1.user, form=f, expected_version=f.version, items=three_items())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
                raise RuntimeError("the request failed later")
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_a_person_without_an_account_gets_no_notice(org, step):
    rnd = open_round(org)
    f = form_of(rnd, org.s1)
    f = agreement_save(actor=org.s1.user, form=f, expected_version=f.version, items=three_items())
    org.grp1_head.user_id = None  # the frozen evaluator lost their account
    type(org.grp1_head).objects.filter(pk=org.grp1_head.pk).update(user=None)
    _f, mails = step(
        lambda: agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    )
    assert mails == [] and not Notice.objects.exists()


def test_the_reminder_email_links_into_the_system(org, mailoutbox):
    rnd = open_round(org)
    f2 = form_of(rnd, org.s2)
    f2 = agreement_save(
        actor=org.s2.user, form=f2, expected_version=f2.version, items=three_items()
    )
    agreement_submit(actor=org.s2.user, form=f2, expected_version=f2.version)
    mailoutbox.clear()
    reminders_send(actor=org.hr, rnd=rnd)
    by_to = {m.to[0]: m for m in mailoutbox}
    s1_form = form_of(rnd, org.s1)
    assert (
        SITE + reverse("appraisal:agreement", kwargs={"pk": s1_form.pk}) in by_to[org.s1.email].body
    )
    assert SITE + reverse("appraisal:team") in by_to[org.grp1_head.email].body


def test_a_new_evaluator_hears_of_the_agreement_waiting_for_them(org, step):
    from appraisal.services.review import form_set_evaluator

    rnd = open_round(org)
    f = form_of(rnd, org.s1)
    f = agreement_save(actor=org.s1.user, form=f, expected_version=f.version, items=three_items())
    f = agreement_submit(actor=org.s1.user, form=f, expected_version=f.version)
    f, mails = step(
        lambda: form_set_evaluator(
            actor=org.hr, form=f, evaluator=org.div1_head, higher=org.director, reason="ย้ายงาน"
        )
    )
    _one_mail(mails, org.div1_head, reverse("appraisal:agreement_review", kwargs={"pk": f.pk}))
    assert _latest(org.div1_head.user).kind == NoticeKind.SUBMITTED
