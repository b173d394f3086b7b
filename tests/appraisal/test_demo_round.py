"""seed_demo opens the current round in the phase of its date, through the real services,
gives the demo accounts real work, and gives the same data for the same seed."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    CheckIn,
    CoachingNote,
    FormEvent,
    JournalEntry,
    Phase,
    State,
)
from common import thai
from common.models import AuditEvent
from demo import accounts as org_demo
from orgchart.models import Person

STAFF = "100"


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", "--staff", STAFF, *args, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """What a seed decides, keyed by round and staff code (primary keys and the wall clock may
    differ; the earlier round's dates come from the demo clock and must not)."""
    forms = AppraisalForm.objects.select_related("person", "evaluator", "round").prefetch_related(
        "kpis", "idp"
    )
    return {
        (f.round.code, f.person.staff_code): (
            f.state,
            f.evaluator.staff_code if f.evaluator else None,
            str(f.total),
            f.final_band,
            str(f.higher_total),
            tuple((k.name, str(k.weight), k.level) for k in f.kpis.all()),
            f.refused,
            tuple(i.topic for i in f.idp.all()),
            (f.scored_at, f.released_at) if f.round.phase == Phase.CLOSED else None,
        )
        for f in forms
    }


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(Person.objects.get(user__username=username).user)
    return client


# A day of the review phase (the last ten days of round 2570-1): the forms stand at every state
# from scored to released. tests/demo/test_current_round.py seeds the other phases.
REVIEW_DAY = dt.date(2027, 3, 26)


@pytest.mark.django_db
def test_seed_demo_walks_forms_through_the_services_and_gives_the_demo_accounts_work(monkeypatch):
    moment = timezone.make_aware(dt.datetime.combine(REVIEW_DAY, dt.time(15, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    out = seed()
    current = thai.round_of(REVIEW_DAY)
    # The earlier round (tests/demo/test_earlier_round.py) is closed; the current one is here.
    rounds = list(AppraisalRound.objects.exclude(phase=Phase.CLOSED))
    assert rounds and all(r.code == current.code for r in rounds)
    assert all(r.phase == Phase.REVIEW for r in rounds)
    closed = AppraisalRound.objects.filter(phase=Phase.CLOSED)
    assert closed.exists() and all(r.code != current.code for r in closed)
    now = AppraisalForm.objects.filter(round__in=rounds)
    states = set(now.values_list("state", flat=True))
    assert states >= {State.AGREED, State.SCORED, State.ACKNOWLEDGED, State.HIGHER_REVIEWED,
                      State.REVIEWED, State.RELEASED}  # fmt: skip
    assert "Forms per state: not_started" in out
    # The walk went through the services: timelines, versions, history, evidence of each step.
    released = now.filter(state=State.RELEASED)
    assert all(f.final_band and f.released_at for f in released)
    assert AuditEvent.objects.filter(kind=FormEvent.RETURN).exists()
    assert AuditEvent.objects.filter(kind=FormEvent.REFUSAL).exists()
    assert now.filter(higher_agrees=False, higher_total__isnull=False).exists()
    assert JournalEntry.objects.filter(evidence="").exists()
    assert CoachingNote.objects.exists()
    for f in now.exclude(state__in=[State.NOT_STARTED, State.DRAFT, State.RETURNED]):
        assert sum(k.weight for k in f.kpis.all()) == 100, f
    # Everyone with an evaluator is walked at this size: few have not started.
    assert now.filter(state=State.NOT_STARTED).count() < now.count() / 10

    # The demo accounts find real work (same seed: one run is costly enough).
    staff = Person.objects.get(user__username=org_demo.STAFF_USERNAME)
    mine = now.get(person=staff)
    assert mine.state == State.SCORED
    assert CheckIn.objects.filter(form__round__in=rounds).exists()
    assert JournalEntry.objects.filter(form__round__in=rounds).exists()

    supervisor = Person.objects.get(user__username=org_demo.SUPERVISOR_USERNAME)
    team = list(now.filter(evaluator=supervisor))
    team_states = {f.state for f in team}
    assert State.AGREED in team_states and State.REVIEWED in team_states
    assert len(team_states) >= 4

    hr = client_for(org_demo.HR_USERNAME)
    rnd = mine.round
    console = hr.get(reverse("appraisal:round_console", args=[rnd.pk]))
    assert console.status_code == 200
    assert console.context["total"] == rnd.forms.count()
    assert console.context["reviewed"] > 0
    distribution = hr.get(reverse("appraisal:distribution", args=[rnd.pk]))
    assert distribution.context["dept"]["total"] > 0 and distribution.context["names"]
    assert rnd.committee.exists()

    my_page = reverse("appraisal:form", kwargs={"pk": mine.pk})
    assert client_for(org_demo.STAFF_USERNAME).get(my_page).status_code == 200
    body = client_for(org_demo.SUPERVISOR_USERNAME).get(reverse("appraisal:team")).content.decode()
    to_score = next(f for f in team if f.state == State.AGREED)
    assert to_score.person.full_name in body


@pytest.mark.django_db(transaction=False)
def test_seed_demo_is_deterministic_and_if_empty_leaves_it_alone():
    with transaction.atomic():
        seed()
        first = snapshot()
        transaction.set_rollback(True)
    assert not AppraisalForm.objects.exists()
    seed()
    assert snapshot() == first
    rounds = AppraisalRound.objects.count()
    out = seed("--if-empty")
    assert "nothing seeded" in out
    assert AppraisalRound.objects.count() == rounds


@pytest.mark.django_db
def test_no_round_stops_after_the_org_chart_and_kpis():
    out = seed("--no-round")
    assert "no appraisal round" in out
    assert Person.objects.exists() and not AppraisalRound.objects.exists()
