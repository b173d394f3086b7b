"""seed_demo's current round tells a true story: its phase is the one a real office would be
in on today's date, the forms' states fit that phase, every step of every form is dated in
order (no check-in before its agreement was approved, no journal before the round opened,
informed before acknowledged), and each demo role finds its work on its home page.

One seed on the real date for the module; three other dates (agreement, evaluation, review)
seed again with the wall clock set to them, the way demo.clock sets it."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from appraisal import selectors
from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    CheckIn,
    CoachingNote,
    JournalEntry,
    Phase,
    State,
)
from appraisal.models.forms import STATE_ORDER
from common import thai
from common.models import AuditEvent
from demo import accounts
from demo.round import phase_on
from orgchart.models import Person
from orgchart.selectors import roles_of
from tests.conftest import shared_rows

# The states a form may be in during each phase of a real office's round.
FITS = {
    Phase.AGREEMENT: {State.NOT_STARTED, State.DRAFT, State.SUBMITTED, State.RETURNED,
                      State.AGREED},
    Phase.MONITORING: {State.NOT_STARTED, State.DRAFT, State.SUBMITTED, State.RETURNED,
                       State.AGREED},
    Phase.EVALUATION: {State.SUBMITTED, State.AGREED, State.SCORED, State.ACKNOWLEDGED,
                       State.HIGHER_REVIEWED, State.NOT_STARTED},
    Phase.REVIEW: {State.AGREED, State.SCORED, State.ACKNOWLEDGED, State.HIGHER_REVIEWED,
                   State.REVIEWED, State.RELEASED, State.NOT_STARTED},
}  # fmt: skip


def seed_once() -> str:
    out = StringIO()
    call_command("seed_demo", "--staff", "100", stdout=out)
    return out.getvalue()


seeded_rows = shared_rows("seeded_current_rows", seed_once)


@pytest.fixture
def out(seeded_current_rows, db):
    return seeded_current_rows


def current_rounds(today: dt.date) -> list[AppraisalRound]:
    r = thai.round_of(today)
    return list(AppraisalRound.objects.filter(fiscal_year=r.fiscal_year, number=r.number))


def person(username: str) -> Person:
    return Person.objects.get(user__username=username)


# -- checks shared by the real date and the patched ones --------------------------------------
def check_phase_and_states(today: dt.date) -> str:
    phase = phase_on(today)
    rounds = current_rounds(today)
    assert rounds and all(r.phase == phase for r in rounds), (today, phase)
    forms = AppraisalForm.objects.filter(round__in=rounds)
    states = set(forms.values_list("state", flat=True))
    assert states <= FITS[phase], (today, phase, states - FITS[phase])
    total = forms.count()
    not_started = forms.filter(state=State.NOT_STARTED).count()
    if phase != Phase.AGREEMENT:
        # Agreements mostly done once the agreement month is over.
        assert not_started <= total * 0.1, (today, not_started, total)
    if phase == Phase.MONITORING:
        assert forms.filter(state=State.AGREED).count() >= total * 0.7
        assert CheckIn.objects.filter(form__round__in=rounds).exists()
    return phase


def check_dates_in_order(today: dt.date) -> None:
    """Every form of every round: the form's events and dated records in the order the steps
    happen, within the round's dates (the released ones of the earlier round up to its end),
    never after today."""
    now = timezone.now()
    checkins, journals, coaching = defaultdict(list), defaultdict(list), defaultdict(list)
    for model, into in ((CheckIn, checkins), (JournalEntry, journals), (CoachingNote, coaching)):
        for form_id, on in model.objects.values_list("form_id", "on"):
            into[form_id].append(on)
    events = defaultdict(list)
    for object_id, at, state in (
        AuditEvent.objects.filter(object_type="appraisal.appraisalform")
        .order_by("id")
        .values_list("object_id", "at", "changes__state")
    ):
        events[object_id].append((at, state))
    day = timezone.localdate
    forms = AppraisalForm.objects.select_related("round")
    assert forms.exists()
    for f in forms:
        rnd = f.round
        dates = thai.round_dates(rnd.fiscal_year, rnd.number)
        opened = rnd.opened_at
        assert opened is not None and day(opened) == dates.start, rnd
        # A round's steps fall within its dates, but for the late people of an earlier round
        # still open (demo.earlier.Stragglers): after its end, up to yesterday.
        last = min(dates.end, today)
        if rnd.phase != Phase.CLOSED and dates.end < today:
            last = today - dt.timedelta(days=1)
        # The audit trail: in time order as written, none before the round opened or after
        # now, and the state moves chained (each from the state the one before went to).
        trail = events.get(str(f.pk), [])
        stamps = [at for at, _s in trail]
        assert stamps == sorted(stamps), f
        assert all(opened <= at <= now for at in stamps), f
        moves = [s for _at, s in trail if s]
        for (_a_from, a_to), (b_from, _b_to) in zip(moves, moves[1:], strict=False):
            assert a_to == b_from, (f, moves)
        if moves:
            assert moves[-1][1] == f.state, (f, moves)
        # The records of the round's middle: after the approval, before the scoring.
        approved = day(f.evaluator_signed_at) if f.evaluator_signed_at else None
        for on in checkins[f.pk] + journals[f.pk] + coaching[f.pk]:
            assert dates.start <= on <= last, (f, on)
            assert approved is not None and on >= approved, (f, on, approved)
            if f.scored_at:
                assert on <= day(f.scored_at), (f, on)
        # The signatures and steps, in order.
        steps = [
            day(f.appraisee_signed_at) if f.appraisee_signed_at else None,
            approved,
            day(f.scored_at) if f.scored_at else None,
            f.informed_on,
            day(f.acknowledged_at) if f.acknowledged_at else None,
            day(f.higher_at) if f.higher_at else None,
            day(f.higher2_at) if f.higher2_at else None,
            day(f.released_at) if f.released_at else None,
        ]
        present = [s for s in steps if s is not None]
        assert present == sorted(present), (f, steps)
        assert all(dates.start <= s <= last for s in present), (f, steps)
        if STATE_ORDER.index(f.state) >= STATE_ORDER.index(State.AGREED):
            assert approved is not None, f
        if f.acknowledged_at:
            assert f.informed_on and f.informed_on <= day(f.acknowledged_at), f


def check_roles_have_work(today: dt.date) -> None:
    """What each demo account's home page and My team list, read through the same selectors."""
    phase = phase_on(today)
    rounds = current_rounds(today)
    staff = person(accounts.STAFF_USERNAME)
    mine = next(f for f in selectors.my_forms(staff) if f.round in rounds)
    supervisor = person(accounts.SUPERVISOR_USERNAME)
    team = [f for f in selectors.team_forms(supervisor) if f.round in rounds]
    team_states = {f.state for f in team}
    forms = AppraisalForm.objects.filter(round__in=rounds)
    hr = Person.objects.get(user__username=accounts.HR_USERNAME).user
    hr_units = roles_of(hr).hr_scopes
    if phase in (Phase.AGREEMENT, Phase.MONITORING):
        assert mine.state in (State.NOT_STARTED, State.DRAFT, State.RETURNED)
        assert State.SUBMITTED in team_states
        hr_round = next(r for r in rounds if roles_of(hr).hr_covers(r.department))
        assert selectors.overdue_agreements(rnd=hr_round, units=hr_units).exists()
        # What the current round cannot hold yet waits in the earlier one, still open for a few
        # late people: a form to score, reviews, and reviewed forms to release.
        earlier = AppraisalForm.objects.filter(round__department=hr_round.department).exclude(
            round__in=rounds
        )
        assert earlier.filter(evaluator=supervisor, state=State.AGREED).exists()
        higher = earlier.filter(state=State.ACKNOWLEDGED).first()
        assert higher is not None and selectors.review_forms(higher.higher)
        assert earlier.filter(state=State.REVIEWED).exists()
    else:
        assert State.AGREED in team_states  # a form to score
        higher = forms.filter(state=State.ACKNOWLEDGED, higher__user__isnull=False).first()
        assert higher is not None and selectors.review_forms(higher.higher)
    if phase == Phase.REVIEW:
        assert forms.filter(state=State.REVIEWED, unit__tree_id=hr_units[0].tree_id).exists()
    # The home page shows the same to each account.
    for username in accounts.DEMO_USERNAMES:
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        page = client.get("/")
        assert page.status_code == 200, username
        if username == accounts.SUPERVISOR_USERNAME:
            work = {w["round"].code: w for w in page.context["team_work"]}
            if phase in (Phase.AGREEMENT, Phase.MONITORING):
                assert page.context["to_approve"] > 0
                # The agreed forms of the current round are followed up, not "to score": what
                # waits for scores is the earlier round's late form, linked to its My team page.
                assert work[today_code(today)]["score"] == 0
                late = [w for code, w in work.items() if code != today_code(today)]
                assert late and late[0]["score"] > 0 and page.context["to_score"] > 0
                assert escape(late[0]["score_url"]) in page.content.decode()
            else:
                assert page.context["to_score"] > 0
                assert work[today_code(today)]["follow"] == 0


def today_code(today: dt.date) -> str:
    return thai.round_of(today).code


# -- the real date ------------------------------------------------------------------------------
def test_the_round_is_in_the_phase_of_today_with_states_that_fit(out):
    today = timezone.localdate()
    phase = check_phase_and_states(today)
    assert f"in the {phase} phase as today's date calls for" in out


def test_every_form_of_the_demo_has_its_steps_dated_in_order(out):
    check_dates_in_order(timezone.localdate())


def test_each_demo_role_finds_work_on_its_home_page(out):
    check_roles_have_work(timezone.localdate())
    assert "Waiting for each role today:" in out
    for username in (accounts.STAFF_USERNAME, accounts.SUPERVISOR_USERNAME, accounts.HR_USERNAME):
        assert f"  {username}: " in out


# -- other dates, the wall clock set to them ----------------------------------------------------
@pytest.mark.parametrize(
    "today",
    [dt.date(2026, 10, 12), dt.date(2027, 3, 12), dt.date(2027, 3, 26)],
    ids=["agreement", "evaluation", "review"],
)
def test_other_dates_give_their_own_phase_in_order_with_work_for_each_role(today, db, monkeypatch):
    moment = timezone.make_aware(dt.datetime.combine(today, dt.time(15, 0)))
    monkeypatch.setattr(timezone, "now", lambda: moment)
    out = StringIO()
    call_command("seed_demo", "--staff", "100", stdout=out)
    phase = check_phase_and_states(today)
    assert (
        phase
        == {
            dt.date(2026, 10, 12): Phase.AGREEMENT,
            dt.date(2027, 3, 12): Phase.EVALUATION,
            dt.date(2027, 3, 26): Phase.REVIEW,
        }[today]
    )
    check_dates_in_order(today)
    check_roles_have_work(today)
