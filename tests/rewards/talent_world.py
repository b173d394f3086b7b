"""A round with scored forms of known figures, unit KPI results and a committee member, for
the talent grid and alignment pages (tests/rewards/test_talent_*.py, test_alignment_*.py).

Round 2570-1 of the test organisation in evaluation; scored through the services:
  s1 (grp1)       levels 5/5/5, competencies as expected   -> 100% / 100%  (high, high)
  s2 (grp1)       levels 2/2/2, competencies as expected   ->  40% / 100%  (low, high)
                  s2 sits on the committee: their own form is left out of what they see
  s3 (grp2)       levels 4/3/5, competencies as expected   ->  82% / 100%  (high, high)
  grp1_head       levels 3/3/3, each competency one level short (K3 expects 3: bar scale
                  2 of 3 points each)                       ->  60% / 66.67% (mid, mid)
  s4 (div2)       levels 4/4/4, competencies as expected   ->  80% / 100%  (high, high)
  s4's form is then released; the others stay scored (unreleased).
Unit KPIs of 2570: grp1 two (weights 60/40, levels 5 then 4: team 4.6) and one without a
result; div2 one with a result at level 1 and one older result at 5 (latest counts: team 1).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from appraisal.models import AppraisalForm, State
from appraisal.services.evaluation import scoring_finish
from appraisal.services.round_phases import round_advance
from appraisal.services.rounds import round_committee_add
from kpi.models import KpiResult, KpiTier
from tests.appraisal.conftest import agree, form_of, open_round, score_example
from tests.factories import build_org
from tests.kpi.conftest import make_kpi

LEVELS = {
    "s1": (5, 5, 5),
    "s2": (2, 2, 2),
    "s3": (4, 3, 5),
    "grp1_head": (3, 3, 3),
    "s4": (4, 4, 4),
}


# People whose competencies are each this many levels below the expected level.
SHORT = {"grp1_head": 1}


def score_people(o, levels=LEVELS, short=SHORT):
    """Agree, then score and finish the forms of the people named in `levels`."""
    forms = {}
    for name in levels:
        person = getattr(o, name)
        f = form_of(o.round, person)
        forms[name] = agree(f, person.user, f.evaluator.user)
    round_advance(actor=o.hr, rnd=o.round)
    round_advance(actor=o.hr, rnd=o.round)
    for name, lv in levels.items():
        f = forms[name]
        f.refresh_from_db()
        gap = short.get(name, 0)
        comps = {c.pk: c.expected - gap for c in f.competencies.all()}
        score_example(f, f.evaluator.user, levels=lv, comp_actual=comps)
        f.refresh_from_db()
        forms[name] = scoring_finish(actor=f.evaluator.user, form=f, expected_version=f.version)
    return forms


def unit_kpi(o, unit, *, weight, results, code):
    kpi = make_kpi(unit, tier=KpiTier.UNIT, code=code, weight=weight)
    start = o.round.start
    for days, level in results:
        KpiResult.objects.create(kpi=kpi, period_end=start + dt.timedelta(days=days), level=level)
    return kpi


def build_talent_world():
    o = build_org()
    o.round = open_round(o)
    o.forms = score_people(o)
    round_committee_add(actor=o.hr, rnd=o.round, expected_version=None, staff_code=o.s2.staff_code)
    # s4's form released (set directly: the review steps are not what these pages test).
    AppraisalForm.objects.filter(pk=o.forms["s4"].pk).update(state=State.RELEASED)
    unit_kpi(o, o.grp1, weight=Decimal(60), results=[(10, 3), (40, 5)], code="G1")
    unit_kpi(o, o.grp1, weight=Decimal(40), results=[(20, 4)], code="G2")
    unit_kpi(o, o.grp1, weight=Decimal(10), results=[], code="G3")
    # A result before the round does not count; the latest within it does.
    unit_kpi(o, o.div2, weight=None, results=[(-5, 5), (5, 5), (30, 1)], code="D1")
    o.round.refresh_from_db()
    for f in o.forms.values():
        f.refresh_from_db()
    return o
