"""Rounds of the test organisation with results, for the results-over-time pages.

Rounds are created and opened through the services; the results are then written straight
onto the forms (the lifecycle to each state is tested in tests/appraisal): these pages only
read state, final total, final band and the release date.

    2568-1 closed:   s1 81.40 very_good, s3 72.00 good, s4 95.00 outstanding, all released
    2568-2 review:   s1 88.50 very_good SCORED (not released; evaluated by div2_acting that
                     round: the chain frozen in the form), s3 65.00 fair reviewed, s4 released
                     58.00 improve
    2569-1 agreement: nothing scored
director sits on the committee of 2568-2 only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from appraisal import counts
from appraisal.models import AppraisalForm, AppraisalRound, Phase, State
from appraisal.services.round_phases import round_open
from appraisal.services.rounds import round_create
from tests.factories import build_org

RELEASED_ON = timezone.make_aware(dt.datetime(2568 - 543, 11, 20, 10, 0))


def open_round(o, year: int, number: int, phase: str) -> AppraisalRound:
    rnd = round_create(actor=o.hr, department=o.dept, fiscal_year=year, number=number)
    round_open(actor=o.hr, rnd=rnd)
    AppraisalRound.objects.filter(pk=rnd.pk).update(phase=phase)
    rnd.refresh_from_db()
    return rnd


def set_result(rnd, person, total: str, band: str, state: str = State.RELEASED, **extra):
    AppraisalForm.objects.filter(round=rnd, person=person).update(
        state=state,
        total=Decimal(total),
        band=band,
        final_total=Decimal(total),
        final_band=band,
        released_at=RELEASED_ON if state == State.RELEASED else None,
        **extra,
    )
    # Set outside the services, which keep the per-unit counts: recount as the command does.
    counts.rebuild(rnd)


def build_trends_world():
    o = build_org()
    o.r1 = open_round(o, 2568, 1, Phase.CLOSED)
    o.r2 = open_round(o, 2568, 2, Phase.REVIEW)
    o.r3 = open_round(o, 2569, 1, Phase.AGREEMENT)
    set_result(o.r1, o.s1, "81.40", "very_good")
    set_result(o.r1, o.s3, "72", "good")
    set_result(o.r1, o.s4, "95", "outstanding")
    set_result(o.r2, o.s1, "88.50", "very_good", State.SCORED, evaluator=o.div2_acting)
    set_result(o.r2, o.s3, "65", "fair", State.REVIEWED)
    set_result(o.r2, o.s4, "58", "improve")
    o.r2.committee.add(o.director.user)
    for name in ("r1", "r2", "r3"):
        getattr(o, name).refresh_from_db()
    return o
