"""A round's heavy steps in the background (appraisal.services.round_jobs): above
ROUND_SYNC_MAX_FORMS forms the console queues opening the round, moving it into the released
phase and releasing, the worker runs them through the same services (a release in committed
batches, with progress), and the console shows the step until it ends. Small departments keep
the step in the request (tests/appraisal/test_hr_pages.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    FormEvent,
    JobStatus,
    Phase,
    RoundJob,
    State,
)
from appraisal.services import round_jobs
from appraisal.services.round_phases import round_advance
from appraisal.services.rounds import round_create, round_update
from common.errors import ConflictError, DomainError
from common.models import AuditEvent
from tests.appraisal.conftest import YEAR, count_problems, open_round, recount


@pytest.fixture
def background(settings):
    """Every step goes to the worker, and a release goes two forms at a time."""
    settings.ROUND_SYNC_MAX_FORMS = 0
    settings.ROUND_RELEASE_BATCH = 2


def phase_url(rnd):
    return reverse("appraisal:round_phase", args=[rnd.pk])


def console(client, rnd) -> str:
    return client.get(reverse("appraisal:round_console", args=[rnd.pk])).content.decode()


def new_round(org):
    return round_create(actor=org.hr, department=org.dept, fiscal_year=YEAR, number=1)


def in_review_with_reviewed_forms(org) -> tuple[AppraisalRound, list[int]]:
    """A round in the review phase whose forms, but the HR officer's own, are reviewed (set
    directly: this file is about releasing them, not about reaching the state)."""
    rnd = open_round(org)
    while rnd.phase != Phase.REVIEW:
        round_advance(actor=org.hr, rnd=rnd)
        rnd.refresh_from_db()
    forms = AppraisalForm.objects.filter(round=rnd)
    forms.update(state=State.REVIEWED, final_total=80, final_band="very_good")
    recount(rnd)
    return rnd, sorted(forms.values_list("pk", flat=True))


def test_opening_a_large_department_is_queued_then_run_by_the_worker(
    client, org, background, django_capture_on_commit_callbacks
):
    rnd = new_round(org)
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(phase_url(rnd), {"action": "open", "version": rnd.version})
    assert response.status_code == 302
    job = RoundJob.objects.get(round=rnd)
    assert job.status == JobStatus.QUEUED and job.total == 9 and len(callbacks) == 1
    rnd.refresh_from_db()
    assert rnd.phase == Phase.SETUP and not rnd.forms.exists()  # nothing done in the request
    # The console shows the step, polls it, and offers no other step meanwhile.
    body = console(client, rnd)
    assert 'id="round-job"' in body and 'data-status="queued"' in body
    assert "round_job_progress" not in body and f"/rounds/{rnd.pk}/job/" in body
    assert 'id="actions-busy"' in body and 'value="open"' not in body
    progress = client.get(reverse("appraisal:round_job_progress", args=[rnd.pk]))
    assert progress.status_code == 200 and "HX-Refresh" not in progress.headers
    # A second click while it waits is refused, with the reason, and queues nothing.
    response = client.post(phase_url(rnd), {"action": "open", "version": rnd.version}, follow=True)
    assert "มีงานของรอบนี้กำลังดำเนินการอยู่" in response.content.decode()
    assert RoundJob.objects.filter(round=rnd).count() == 1
    # The worker runs it: the forms are made and the console reloads when the poll sees it.
    callbacks[0]()
    job.refresh_from_db()
    rnd.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == job.total == 9
    assert rnd.phase == Phase.AGREEMENT and rnd.forms.count() == 9
    assert job.task_id
    progress = client.get(reverse("appraisal:round_job_progress", args=[rnd.pk]))
    assert progress.headers.get("HX-Refresh") == "true"
    body = console(client, rnd)
    assert 'id="round-job-done"' in body and "สร้างแบบประเมิน 9 ฉบับ" in body
    assert 'id="actions-busy"' not in body and 'value="advance"' in body
    assert AuditEvent.objects.filter(kind="round.open", object_id=str(rnd.pk)).count() == 1
    assert count_problems() == []


def test_advancing_into_release_releases_in_batches(org, background, monkeypatch):
    from appraisal.services import round_phases

    batches = []
    real = round_phases.release_batch

    def counted(**kwargs):
        n = real(**kwargs)
        batches.append(n)
        return n

    monkeypatch.setattr(round_phases, "release_batch", counted)
    rnd, reviewed = in_review_with_reviewed_forms(org)
    hr_own = AppraisalForm.objects.filter(round=rnd, person__user=org.hr)
    assert not hr_own.exists()  # the department's HR officer has no form of their own here
    job = round_jobs.round_job_start(
        actor=org.hr, rnd=rnd, action="advance", expected_version=rnd.version
    )
    assert job.total == len(reviewed) == 9
    round_jobs.round_job_run(job_id=job.pk)
    job.refresh_from_db()
    rnd.refresh_from_db()
    assert job.status == JobStatus.DONE, job.error
    assert rnd.phase == Phase.RELEASED and job.done == job.total == 9
    released = AppraisalForm.objects.filter(round=rnd, state=State.RELEASED)
    assert sorted(released.values_list("pk", flat=True)) == reviewed
    assert not released.filter(released_at=None).exists()
    assert batches == [2, 2, 2, 2, 1]  # each batch its own transaction, two forms at a time
    events = AuditEvent.objects.filter(kind=FormEvent.RELEASE)
    assert events.count() == 9
    assert count_problems() == []


def test_releasing_from_the_console_in_the_background(
    client, org, background, django_capture_on_commit_callbacks
):
    rnd, reviewed = in_review_with_reviewed_forms(org)
    client.force_login(org.hr)
    # The task is queued when the request's transaction commits; the test backend runs it then.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:round_release", args=[rnd.pk]), follow=True)
    assert "ในเบื้องหลังแล้ว" in response.content.decode()
    job = RoundJob.objects.get(round=rnd)
    assert job.status == JobStatus.DONE and job.done == 9
    assert AppraisalForm.objects.filter(round=rnd, state=State.RELEASED).count() == 9
    assert AuditEvent.objects.filter(kind="round.release", object_id=str(rnd.pk)).exists()
    rnd.refresh_from_db()
    assert rnd.phase == Phase.REVIEW  # a release leaves the phase as it is
    assert count_problems() == []


def test_a_release_by_hr_of_a_subtree_stays_in_its_scope(org, background):
    rnd, _reviewed = in_review_with_reviewed_forms(org)
    job = round_jobs.round_job_start(actor=org.hr_div2, rnd=rnd, action="release")
    round_jobs.round_job_run(job_id=job.pk)
    job.refresh_from_db()
    released = AppraisalForm.objects.filter(round=rnd, state=State.RELEASED)
    in_div2 = AppraisalForm.objects.filter(
        round=rnd,
        unit__tree_id=org.div2.tree_id,
        unit__lft__gte=org.div2.lft,
        unit__rght__lte=org.div2.rght,
    )
    assert job.status == JobStatus.DONE and job.done == in_div2.count() == 3
    assert set(released.values_list("pk", flat=True)) == set(in_div2.values_list("pk", flat=True))


def test_who_may_not_step_the_round_cannot_queue_it(client, org, background):
    rnd = new_round(org)
    for user in (org.s1.user, org.hr_div2):
        with pytest.raises(PermissionDenied):
            round_jobs.round_job_start(actor=user, rnd=rnd, action="open")
    client.force_login(org.hr_div2)
    response = client.post(phase_url(rnd), {"action": "open", "version": rnd.version})
    assert response.status_code == 403
    # Staff cannot see the round's progress panel either.
    client.force_login(org.s1.user)
    assert client.get(reverse("appraisal:round_job_progress", args=[rnd.pk])).status_code in (
        403,
        404,
    )
    assert not RoundJob.objects.exists()
    with pytest.raises(DomainError):
        round_jobs.round_job_start(actor=org.hr, rnd=rnd, action="close")


def test_a_stale_page_is_refused_when_queued(org, background):
    rnd = new_round(org)
    with pytest.raises(ConflictError):
        round_jobs.round_job_start(
            actor=org.hr, rnd=rnd, action="open", expected_version=rnd.version - 1
        )
    assert not RoundJob.objects.exists()


def test_a_round_changed_before_the_worker_runs_fails_the_step_and_changes_nothing(
    client, org, background
):
    rnd = new_round(org)
    job = round_jobs.round_job_start(
        actor=org.hr, rnd=rnd, action="open", expected_version=rnd.version
    )
    rnd.refresh_from_db()
    round_update(
        actor=org.hr,
        rnd=rnd,
        expected_version=rnd.version,
        fields={"agreement_deadline": dt.date(2026, 12, 31)},
    )
    round_jobs.round_job_run(job_id=job.pk)
    job.refresh_from_db()
    rnd.refresh_from_db()
    assert job.status == JobStatus.FAILED and "มีผู้อื่นแก้ไข" in job.error
    assert rnd.phase == Phase.SETUP and not rnd.forms.exists()
    client.force_login(org.hr)
    body = console(client, rnd)
    assert 'id="round-job-error"' in body and 'value="open"' in body  # can be asked again
    # A job is taken once: running it again does nothing.
    round_jobs.round_job_run(job_id=job.pk)
    assert RoundJob.objects.get(pk=job.pk).status == JobStatus.FAILED


def test_a_step_whose_worker_died_shows_so_and_can_be_asked_again(client, org, background):
    rnd = new_round(org)
    job = round_jobs.round_job_start(
        actor=org.hr, rnd=rnd, action="open", expected_version=rnd.version
    )
    long_ago = timezone.now() - round_jobs.STALE_AFTER - dt.timedelta(minutes=1)
    RoundJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=long_ago, heartbeat_at=long_ago
    )
    client.force_login(org.hr)
    body = console(client, rnd)
    assert 'data-status="failed"' in body and 'id="actions-busy"' not in body
    rnd.refresh_from_db()
    again = round_jobs.round_job_start(
        actor=org.hr, rnd=rnd, action="open", expected_version=rnd.version
    )
    assert RoundJob.objects.get(pk=job.pk).status == JobStatus.FAILED
    round_jobs.round_job_run(job_id=again.pk)
    assert RoundJob.objects.get(pk=again.pk).status == JobStatus.DONE
    assert AppraisalRound.objects.get(pk=rnd.pk).forms.count() == 9


def test_small_departments_keep_the_step_in_the_request(client, org, settings):
    settings.ROUND_SYNC_MAX_FORMS = 9  # the test department has 9 people: at the limit
    rnd = new_round(org)
    client.force_login(org.hr)
    client.post(phase_url(rnd), {"action": "open", "version": rnd.version})
    rnd.refresh_from_db()
    assert rnd.phase == Phase.AGREEMENT and not RoundJob.objects.exists()


def test_reminders_to_a_large_department_are_sent_by_the_worker_in_batches(
    client, org, background, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core import mail

    monkeypatch.setattr(round_jobs, "REMINDER_BATCH", 2)
    rnd = open_round(org)
    pending = AppraisalForm.objects.filter(round=rnd, person__email__gt="").count()
    assert pending >= 3
    client.force_login(org.hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("appraisal:round_remind", args=[rnd.pk]), follow=True)
    assert "ในเบื้องหลังแล้ว" in response.content.decode()
    job = RoundJob.objects.get(round=rnd)
    assert job.action == "remind" and job.status == JobStatus.DONE, job.error
    assert job.done == job.total == len(mail.outbox) == pending
    assert AuditEvent.objects.filter(kind="round.remind", object_id=str(rnd.pk)).count() == 1
    body = console(client, rnd)
    assert 'id="round-job-done"' in body and f"ส่งอีเมลแจ้งเตือนแล้ว {pending} ฉบับ" in body


def test_reminders_that_cannot_reach_the_mail_server_fail_the_step_with_the_reason(
    org, background, monkeypatch
):
    def refused(*args, **kwargs):
        raise ConnectionRefusedError("no relay")

    monkeypatch.setattr(round_jobs, "send_mass_mail", refused)
    rnd = open_round(org)
    job = round_jobs.round_job_start(actor=org.hr, rnd=rnd, action="remind")
    round_jobs.round_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "ส่งอีเมลไม่สำเร็จ" in job.error
    assert not AuditEvent.objects.filter(kind="round.remind").exists()


def test_a_release_leaves_each_form_the_trail_of_a_form_saved_alone(org, background):
    """The release writes a chunk of forms per statement: each form still gets its new
    version, a history row by the officer, a release event in its timeline and a notice, and
    the round's counts move with it."""
    from appraisal.services.round_phases import release_batch
    from notices.models import Notice

    rnd, reviewed = in_review_with_reviewed_forms(org)
    before = dict(AppraisalForm.objects.filter(round=rnd).values_list("pk", "version"))
    history_before = {pk: AppraisalForm.history.filter(id=pk).count() for pk in reviewed}
    assert release_batch(actor=org.hr, rnd=rnd, units=None, size=100) == len(reviewed) == 9
    for form in AppraisalForm.objects.filter(round=rnd).select_related("person"):
        assert form.state == State.RELEASED and form.released_at is not None
        assert form.version == before[form.pk] + 1
        assert AppraisalForm.history.filter(id=form.pk).count() == history_before[form.pk] + 1
        last = AppraisalForm.history.filter(id=form.pk).latest("history_id")
        assert (last.state, last.version, last.history_type) == (
            State.RELEASED,
            form.version,
            "~",
        )
        assert last.history_user_id == org.hr.pk
        event = AuditEvent.objects.get(kind=FormEvent.RELEASE, object_id=str(form.pk))
        assert event.actor_id == org.hr.pk and event.summary == form.person.full_name
        assert event.changes == {"state": [State.REVIEWED, State.RELEASED]}
        if form.person.user_id:
            notices = Notice.objects.filter(recipient_id=form.person.user_id, kind="released")
            assert notices.count() == 1
    assert count_problems() == []
    # Nothing is left to release, and a second call changes nothing.
    assert release_batch(actor=org.hr, rnd=rnd, units=None, size=100) == 0


def test_a_release_costs_the_same_statements_for_few_forms_or_many(org, background):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from appraisal.services.round_phases import release_batch

    rnd, reviewed = in_review_with_reviewed_forms(org)
    with CaptureQueriesContext(connection) as few:
        assert release_batch(actor=org.hr, rnd=rnd, units=None, size=2) == 2
    with CaptureQueriesContext(connection) as many:
        assert release_batch(actor=org.hr, rnd=rnd, units=None, size=100) == 7

    # The per-unit counts take one statement per chunk of count rows (appraisal.counts.apply),
    # which depends on the units, not on the forms; every other statement is the same for 2 or 7.
    def statements(ctx):
        return [q["sql"].split(" ")[0] for q in ctx if "unitformcount" not in q["sql"]]

    assert statements(many) == statements(few)
    assert count_problems() == []


def test_while_a_step_runs_in_the_background_the_services_refuse_every_other_step(org, settings):
    """The refusal is the services' own, after they lock the round: a second officer, a page
    opened before the step was queued, or a script calling a service, all get it; only the
    step's own worker goes on."""
    from appraisal.services.reminders import reminders_send
    from appraisal.services.round_phases import (
        release_batch,
        round_close,
        round_release,
        round_reopen,
    )

    rnd, reviewed = in_review_with_reviewed_forms(org)
    settings.ROUND_SYNC_MAX_FORMS = 0
    job = round_jobs.round_job_start(actor=org.hr, rnd=rnd, action="release")
    version = AppraisalRound.objects.get(pk=rnd.pk).version
    steps = [
        lambda: round_advance(actor=org.hr, rnd=rnd),
        lambda: round_release(actor=org.hr, rnd=rnd),
        lambda: release_batch(actor=org.hr, rnd=rnd, units=None, size=10),
        lambda: round_close(actor=org.hr, rnd=rnd),
        lambda: round_reopen(actor=org.hr, rnd=rnd, reason="ทดสอบ"),
        lambda: reminders_send(actor=org.hr, rnd=rnd),
        lambda: round_jobs.round_job_start(actor=org.hr, rnd=rnd, action="advance"),
    ]
    for step in steps:
        with pytest.raises(DomainError) as refused:
            step()
        assert refused.value.code == "busy"
    rnd.refresh_from_db()
    assert rnd.phase == Phase.REVIEW and rnd.version == version
    assert not AppraisalForm.objects.filter(round=rnd, state=State.RELEASED).exists()
    # The step's own worker is not refused by its own job.
    round_jobs.round_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.done == len(reviewed)
    # Once it has ended, the other steps are offered again.
    assert round_advance(actor=org.hr, rnd=rnd) == Phase.RELEASED
