"""Deadlines on the home page and My team, with เลยกำหนด on agreements not approved once the
round's deadline has passed; the same rule as HR's console and the reminders, so the figures
agree."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from appraisal.models import AppraisalRound
from appraisal.selectors import overdue_agreements
from tests.appraisal.conftest import appraisal_world


@pytest.fixture
def world(org):
    return appraisal_world(org) or org


def _deadlines(o, *, agreement, evaluation=None):
    AppraisalRound.objects.filter(pk=o.round.pk).update(
        agreement_deadline=agreement, evaluation_deadline=evaluation
    )


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_late_agreements_are_marked_and_the_counts_agree_with_hr(client, world):
    o = world
    today = timezone.localdate()
    _deadlines(o, agreement=today - dt.timedelta(days=1), evaluation=today + dt.timedelta(days=30))
    late = overdue_agreements(rnd=o.round)
    console = _page(client, o.hr, reverse("appraisal:round_console", kwargs={"pk": o.round.pk}))
    assert re.search(r'id="overdue-count">(\d+)<', console).group(1) == str(late.count())
    assert 'id="overdue-late"' in console

    # grp1_head's team: s2 submitted (late), s1 agreed (on time).
    team = _page(client, o.grp1_head.user, reverse("appraisal:team"))
    mine = late.filter(evaluator=o.grp1_head).count()
    assert mine == 1
    assert f"เลยกำหนด {mine} ราย" in team
    assert team.count("overdue-mark") == mine
    home = _page(client, o.grp1_head.user, reverse("home"))
    assert f"เลยกำหนด {mine} ราย" in home

    # s2's own home page: the deadline and the mark; s1 (agreed) has neither.
    assert "เลยกำหนด" in _page(client, o.s2.user, reverse("home"))
    assert 'id="my-deadline"' not in _page(client, o.s1.user, reverse("home"))


def test_nothing_is_late_before_the_deadline(client, world):
    o = world
    today = timezone.localdate()
    _deadlines(o, agreement=today, evaluation=today + dt.timedelta(days=30))
    team = _page(client, o.grp1_head.user, reverse("appraisal:team"))
    assert "กำหนดส่งข้อตกลง" in team and "เลยกำหนด" not in team
    assert "เลยกำหนด" not in _page(client, o.s2.user, reverse("home"))
    console = _page(client, o.hr, reverse("appraisal:round_console", kwargs={"pk": o.round.pk}))
    assert 'id="overdue-late"' not in console


def test_an_evaluation_not_done_by_its_deadline_is_marked(client, world):
    o = world
    today = timezone.localdate()
    _deadlines(o, agreement=today, evaluation=today - dt.timedelta(days=1))
    team = _page(client, o.grp1_head.user, reverse("appraisal:team"))
    # s1 agreed, s2 submitted: neither scored.
    assert "ยังไม่ได้ประเมิน เลยกำหนด 2 ราย" in team
    assert team.count("overdue-mark") == 2
