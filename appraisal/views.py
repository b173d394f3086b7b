"""The home page: what each role has to do next in the current round."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from appraisal import selectors as appraisal_selectors
from appraisal.models import Phase, State
from common import thai
from orgchart import selectors


@login_required
def home(request):
    roles = selectors.roles_of(request.user)
    person = roles.person
    today = timezone.localdate()
    my_forms = appraisal_selectors.my_forms(person)
    team = appraisal_selectors.team_forms(person) if person else []
    team_states = Counter(f.state for f in team)
    reviews = appraisal_selectors.review_forms(person) if person else []
    rounds = (
        list(
            appraisal_selectors.rounds_visible_to(request.user).order_by("-fiscal_year", "-number")[
                :6
            ]
        )
        if roles.is_hr or roles.is_admin
        else []
    )
    my_form = my_forms[0] if my_forms else None
    work = _team_work(team)
    context = {
        "today": today,
        "my_agreement_pending": my_form is not None
        and my_form.state in appraisal_selectors.AGREEMENT_PENDING,
        "my_agreement_overdue": my_form is not None
        and appraisal_selectors.agreement_overdue(my_form, today),
        "team_deadlines": _team_deadlines(team, today),
        "current_round": thai.round_of(today),
        "person": person,
        "my_form": my_form,
        "evaluator": my_forms[0].evaluator
        if my_forms
        else (selectors.evaluator_of(person) if person else None),
        "team": team,
        "team_states": [(State(s).label, n) for s in State.values if (n := team_states.get(s))],
        "to_approve": team_states.get(State.SUBMITTED, 0),
        # Agreed forms wait for scores only once their round has reached the evaluation phase;
        # before that they are followed up (check-ins, coaching).
        "to_score": sum(w["score"] for w in work),
        "team_work": work,
        "reviews": reviews,
        "review_rounds": _review_rounds(reviews),
        "rounds": rounds,
        # A committee member (often not HR) reaches the distribution of the rounds they sit on.
        "committee_rounds": list(appraisal_selectors.committee_rounds(request.user)),
        "hr_scopes": roles.hr_scopes,
        "is_admin": roles.is_admin,
    }
    return render(request, "appraisal/home.html", context)


def _team_url(rnd, state: str = "") -> str:
    url = f"{reverse('appraisal:team')}?round={rnd.pk}"
    return f"{url}&state={state}" if state else url


def _team_work(team) -> list[dict]:
    """Per live round of the team, newest first: agreements to approve, forms to score (agreed,
    in a round that has reached the evaluation phase) and agreed forms still followed up (the
    round before its evaluation phase), each with the My team link that lists them."""
    rounds: dict[int, dict] = {}
    for f in team:
        rnd = f.round
        if rnd.phase in (Phase.SETUP, Phase.CLOSED):
            continue
        row = rounds.setdefault(
            rnd.pk, {"round": rnd, "approve": 0, "score": 0, "follow": 0, "url": _team_url(rnd)}
        )
        if f.state == State.SUBMITTED:
            row["approve"] += 1
        elif f.state == State.AGREED:
            row["score" if rnd.phase_at_least(Phase.EVALUATION) else "follow"] += 1
    for row in rounds.values():
        row["approve_url"] = _team_url(row["round"], State.SUBMITTED)
        row["score_url"] = _team_url(row["round"], State.AGREED)
    return [r for r in rounds.values() if r["approve"] or r["score"] or r["follow"]]


def _review_rounds(reviews) -> list[dict]:
    """The forms waiting for the user's opinion, per round, with the My team page that lists
    them (the page shows one round at a time)."""
    rounds: dict[int, dict] = {}
    for f in reviews:
        row = rounds.setdefault(f.round.pk, {"round": f.round, "n": 0, "url": _team_url(f.round)})
        row["n"] += 1
    return list(rounds.values())


def _team_deadlines(team, today) -> list[dict]:
    """Per live round of the team: its deadlines and how many forms are late for each (the
    same rule as HR's console and My team: appraisal.selectors.agreement_overdue)."""
    rounds: dict[int, dict] = {}
    for f in team:
        rnd = f.round
        if rnd.phase in (Phase.SETUP, Phase.CLOSED):
            continue
        row = rounds.setdefault(rnd.pk, {"round": rnd, "agreements": 0, "scoring": 0})
        row["agreements"] += appraisal_selectors.agreement_overdue(f, today)
        row["scoring"] += appraisal_selectors.scoring_overdue(f, today)
    return [
        r
        for r in rounds.values()
        if r["round"].agreement_deadline or r["round"].evaluation_deadline
    ]
