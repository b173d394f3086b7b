"""The main pages of each demo role, as `make bench-scale` times them and the two-size query
budget test (tests/test_page_budgets.py) counts them: every role's home and working pages, in
demo-hr's department of a seeded demo (`seed_demo`)."""

from __future__ import annotations

USERS = {"staff": "demo-staff", "supervisor": "demo-supervisor", "hr": "demo-hr"}


def main_pages() -> list[tuple[str, str, str]]:
    """(role, page, url) of every role's main pages, in demo-hr's department."""
    from django.db.models import Count
    from django.urls import reverse

    from appraisal.models import AppraisalForm, AppraisalRound, Phase, State
    from appraisal.selectors import current_round_of
    from kpi.models import Kpi
    from orgchart.models import HrScope, Person

    r = reverse
    dept = HrScope.objects.select_related("unit").get(user__username="demo-hr").unit
    staff = Person.objects.select_related("unit").get(user__username="demo-staff")
    sup = Person.objects.select_related("unit").get(user__username="demo-supervisor")
    current = current_round_of(dept)
    earlier = (
        AppraisalRound.objects.filter(department=dept)
        .exclude(pk=current.pk)
        .exclude(phase=Phase.SETUP)
        .order_by("-fiscal_year", "-number")
        .first()
    ) or current
    mine = AppraisalForm.objects.get(round=current, person=staff)
    team = AppraisalForm.objects.filter(evaluator=sup)
    # The scoring page of a form that can be scored now (an earlier round's straggler), else
    # one of the current round's agreed forms (its page then says when scoring opens).
    scoring = [Phase.EVALUATION, Phase.REVIEW]
    to_score = (
        team.filter(state__in=[State.AGREED, State.SCORED], round__phase__in=scoring)
        .order_by("-round__fiscal_year", "-round__number", "pk")
        .first()
    )
    if to_score is None:
        # Scoring cannot be timed where no round is in it: the form page stands in for it.
        to_score = team.order_by("-round__fiscal_year", "-round__number", "pk").first()
        score_page = (
            "supervisor",
            "form page (no round in scoring)",
            r("appraisal:form", args=[to_score.pk]),
        )
    else:
        score_page = ("supervisor", "scoring page", r("appraisal:score", args=[to_score.pk]))
    kpi = (
        Kpi.objects.filter(unit=sup.unit).order_by("pk").first()
        or Kpi.objects.order_by("pk").first()
    )
    surname = (
        AppraisalForm.objects.filter(round=current)
        .values("person__last_name")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["person__last_name"]
    )
    return [
        ("staff", "home", r("home")),
        ("staff", "My appraisal", r("appraisal:my")),
        ("staff", "form page", r("appraisal:form", args=[mine.pk])),
        ("staff", "agreement", r("appraisal:agreement", args=[mine.pk])),
        ("supervisor", "home", r("home")),
        ("supervisor", "My team", r("appraisal:team")),
        ("supervisor", "agreement review", r("appraisal:agreement_review", args=[to_score.pk])),
        score_page,
        ("supervisor", "KPIs of the unit", r("kpi:unit", args=[sup.unit_id])),
        ("supervisor", "KPI detail", r("kpi:detail", args=[kpi.pk])),
        ("supervisor", "OS matrix (unit)", r("kpi:os_matrix", args=[sup.unit_id])),
        ("hr", "home", r("home")),
        ("hr", "org tree", r("orgchart:tree")),
        ("hr", "org search (a surname)", r("orgchart:tree") + f"?q={surname}"),
        ("hr", "unit page (department)", r("orgchart:unit", args=[dept.pk])),
        ("hr", "OS matrix (department)", r("kpi:os_matrix", args=[dept.pk])),
        ("hr", "rounds list", r("appraisal:rounds")),
        ("hr", "round console", r("appraisal:round_console", args=[current.pk])),
        ("hr", "forms list", r("appraisal:round_forms", args=[current.pk])),
        (
            "hr",
            "forms list search",
            r("appraisal:round_forms", args=[current.pk]) + f"?who={surname}",
        ),
        ("hr", "distribution", r("appraisal:distribution", args=[earlier.pk])),
        ("hr", "talent grid", r("rewards:talent", args=[earlier.pk])),
        ("hr", "alignment", r("rewards:alignment", args=[earlier.pk])),
        ("hr", "raise page", r("rewards:raises", args=[earlier.pk])),
        ("hr", "reports of a round", r("reports:round", args=[earlier.pk])),
    ]
