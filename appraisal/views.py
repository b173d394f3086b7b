"""Appraisal pages; for now the home page that tells each role what to do next."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from common import thai
from orgchart import selectors


@login_required
def home(request):
    roles = selectors.roles_of(request.user)
    person = roles.person
    today = timezone.localdate()
    context = {
        "today": today,
        "current_round": thai.round_of(today),
        "person": person,
        "evaluator": selectors.evaluator_of(person) if person else None,
        "team": selectors.people_evaluated_by(person) if person else [],
        "hr_scopes": roles.hr_scopes,
        "is_admin": roles.is_admin,
    }
    return render(request, "appraisal/home.html", context)
