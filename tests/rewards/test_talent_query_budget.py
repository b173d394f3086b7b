"""The talent grid and the alignment page cost the same number of queries for a few forms and
units as for many, for HR, HR of a subtree and a committee member."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal.models import AppraisalForm, FormCompetency, FormKpi, State
from appraisal.services.rounds import round_committee_add
from kpi.models import KpiResult, KpiTier
from orgchart import services as org_services
from tests.appraisal.conftest import open_round
from tests.factories import make_person
from tests.kpi.conftest import make_kpi


def score(forms, level):
    """Rows and scores set directly: the pages read them, the services are tested elsewhere."""
    FormKpi.objects.bulk_create(
        FormKpi(form=f, name=f"งาน {i}", weight=Decimal(50), level=(level + i) % 6)
        for f in forms
        for i in range(2)
    )
    FormCompetency.objects.filter(form__in=forms).update(actual=F("expected"))
    AppraisalForm.objects.filter(pk__in=[f.pk for f in forms]).update(state=State.SCORED)


def unit_kpis(units, rnd):
    for u in units:
        kpi = make_kpi(u, tier=KpiTier.UNIT, code=f"U{u.pk}", weight=Decimal(100))
        for days, level in ((5, 2), (20, 4)):
            KpiResult.objects.create(
                kpi=kpi, period_end=rnd.start + dt.timedelta(days=days), level=level
            )


def test_both_pages_cost_the_same_queries_for_few_and_many(client, org):
    extra = []
    for i in range(8):
        unit = org_services.unit_create(
            code=f"DEPT-9{i:02d}", name=f"กองทดสอบ {i}", parent=org.dept
        )
        extra.append(unit)
        for j in range(3):
            make_person(unit, f"9{i:02d}{j}", f"คนที่{i}{j}")
    rnd = open_round(org)
    round_committee_add(actor=org.hr, rnd=rnd, expected_version=None, staff_code=org.s2.staff_code)
    forms = AppraisalForm.objects.filter(round=rnd)
    pages = [reverse("rewards:talent", args=[rnd.pk]), reverse("rewards:alignment", args=[rnd.pk])]
    viewers = [("hr", org.hr), ("hr_div2", org.hr_div2), ("committee", org.s2.user)]

    def count(user, page, **params):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page, params)
        assert response.status_code == 200
        return len(ctx.captured_queries), response.context

    # Few: s1 and s4 scored, one unit KPI each in grp1 and div2.
    score(list(forms.filter(person__in=[org.s1, org.s4])), 3)
    unit_kpis([org.grp1, org.div2], rnd)
    few = {(who, p): count(user, p, box="mid-high") for who, user in viewers for p in pages}
    # Many: every form scored, a KPI in every new unit.
    score(list(forms.exclude(person__in=[org.s1, org.s4])), 3)
    unit_kpis(extra, rnd)
    many = {(who, p): count(user, p, box="mid-high") for who, user in viewers for p in pages}
    hr_grid = many[("hr", pages[0])][1]["grid"]
    assert few[("hr", pages[0])][1]["grid"].total == 2 and hr_grid.total == forms.count()
    # Every unit holding scored people of its own or a unit KPI: the five of the test
    # organisation (the director in the department, div1_head in div1) and the new ones.
    assert len(many[("hr", pages[1])][1]["rows"]) == 5 + len(extra)
    assert len(few[("hr", pages[1])][1]["rows"]) == 2
    assert len(many[("hr", pages[0])][1]["names"]) > len(few[("hr", pages[0])][1]["names"])
    for key in few:
        assert few[key][0] == many[key][0], (key, few[key][0], many[key][0])
