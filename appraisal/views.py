"""The home page: what each role has to do next in the current round."""

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
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
        "to_score": team_states.get(State.AGREED, 0),
        "reviews": reviews,
        "rounds": rounds,
        # A committee member (often not HR) reaches the distribution of the rounds they sit on.
        "committee_rounds": list(appraisal_selectors.committee_rounds(request.user)),
        "hr_scopes": roles.hr_scopes,
        "is_admin": roles.is_admin,
    }
    return render(request, "appraisal/home.html", context)


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
