"""The talent grid and the alignment page cost the same number of queries for a few forms and
units as for many (more child units than a page holds), for HR, HR of a subtree and a committee
member, and what they read back does not grow with the forms."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import AppraisalForm, FormCompetency, FormKpi, State
from appraisal.selectors import form_result
from appraisal.services.evaluation import store_result
from appraisal.services.rounds import round_committee_add
from kpi.models import KpiResult, KpiTier
from orgchart import services as org_services
from tests.appraisal.conftest import open_round
from tests.factories import make_person
from tests.kpi.conftest import make_kpi


def score(forms, level):
    """Rows and scores set directly, the result stored as scoring stores it: the pages read
    them, the services are tested elsewhere."""
    FormKpi.objects.bulk_create(
        FormKpi(form=f, name=f"งาน {i}", weight=Decimal(50), level=(level + i) % 6)
        for f in forms
        for i in range(2)
    )
    FormCompetency.objects.filter(form__in=forms).update(actual=F("expected"))
    for f in AppraisalForm.objects.filter(pk__in=[f.pk for f in forms]):
        store_result(f, form_result(form=f))
        f.save(update_fields=STORED)
    AppraisalForm.objects.filter(pk__in=[f.pk for f in forms]).update(state=State.SCORED)


STORED = ["score_kpi", "achievement_points", "competency_points", "other_points", "total"]
STORED += ["band", "final_total", "final_band"]


def unit_kpis(units, rnd):
    for u in units:
        kpi = make_kpi(u, tier=KpiTier.UNIT, code=f"U{u.pk}", weight=Decimal(100))
        for days, level in ((5, 2), (20, 4)):
            KpiResult.objects.create(
                kpi=kpi, period_end=rnd.start + dt.timedelta(days=days), level=level
            )


def test_both_pages_cost_the_same_queries_for_few_and_many(client, org):
    extra = []
    # More child units of the department than a page of the alignment table holds.
    for i in range(53):
        unit = org_services.unit_create(
            code=f"DEPT-9{i:02d}", name=f"กองทดสอบ {i}", parent=org.dept
        )
        extra.append(unit)
        make_person(unit, f"9{i:02d}", f"คนที่{i}")
    rnd = open_round(org)
    round_committee_add(actor=org.hr, rnd=rnd, expected_version=None, staff_code=org.s2.staff_code)
    forms = AppraisalForm.objects.filter(round=rnd)
    talent, alignment = (reverse(f"rewards:{p}", args=[rnd.pk]) for p in ("talent", "alignment"))
    pages = [talent, alignment, alignment + "?page=2", alignment + f"?unit={org.div1.pk}"]
    viewers = [("hr", org.hr), ("hr_div2", org.hr_div2), ("committee", org.s2.user)]

    def pages_of(who):
        return pages[:3] if who == "hr_div2" else pages  # div1 is outside their scope

    def count(user, page, **params):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page, params if page == talent else {})
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context

    # Few: s1 and s4 scored, one unit KPI each in grp1 and div2.
    score(list(forms.filter(person__in=[org.s1, org.s4])), 3)
    unit_kpis([org.grp1, org.div2], rnd)
    few = {(w, p): count(u, p, box="mid-high") for w, u in viewers for p in pages_of(w)}
    # Many: every form scored, a KPI in every new unit.
    score(list(forms.exclude(person__in=[org.s1, org.s4])), 3)
    unit_kpis(extra, rnd)
    many = {(w, p): count(u, p, box="mid-high") for w, u in viewers for p in pages_of(w)}
    hr_grid = many[("hr", pages[0])][1]["grid"]
    assert few[("hr", pages[0])][1]["grid"].total == 2 and hr_grid.total == forms.count()
    # The department and its child units: div1 and div2, then the new ones over two pages.
    assert many[("hr", pages[1])][1]["page"].paginator.count == 2 + len(extra)
    assert len(many[("hr", pages[1])][1]["rows"]) == 50
    assert len(many[("hr", pages[2])][1]["rows"]) == 5
    assert many[("hr", pages[1])][1]["focus_row"].n == forms.count()
    assert len(many[("hr", pages[0])][1]["names"]) > len(few[("hr", pages[0])][1]["names"])
    for key in few:
        assert few[key][0] == many[key][0], (key, few[key][0], many[key][0])


def test_the_alignment_reads_back_no_more_rows_than_its_child_units_have_bins(client, org):
    """The individual scores are added up by the database: the rows it sends back are at most
    one per child unit and bin of 0.5, however many forms are scored."""
    rnd = open_round(org)
    forms = list(AppraisalForm.objects.filter(round=rnd))
    score(forms, 3)
    client.force_login(org.hr)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("rewards:alignment", args=[rnd.pk]))
    grouped = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert grouped and not any('"appraisal_formkpi"."level"' in q.split("FROM")[0] for q in grouped)
    assert response.context["focus_row"].n == len(forms)
