"""Hostile POSTs to every form of every page: never a 500, and the database either unchanged or
still consistent. The forms are read from the pages themselves (every <form method=post>), so
a new form is fuzzed without touching this file. Each example is rolled back.

Cases per test: `CASES` (12) examples (hypothesis max_examples), counted in the run summary."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from appraisal.services.review import form_acknowledge
from appraisal.services.round_phases import round_advance
from tests.appraisal.conftest import appraisal_world
from tests.factories import informed
from tests.kpi.conftest import make_kpi
from tests.robustness.conftest import (
    TALLY,
    changed_tables,
    consistency_problems,
    fingerprint,
    fuzzed_data,
    post_forms,
    rolled_back,
)

CASES = int(os.environ.get("FUZZ_CASES", "12"))
FUZZ = settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking: a failure prints its draws
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Pages that answer a POST with a page of their own but may legitimately write (none known).
WRITES_ON_200: set[str] = set()


def _upload(draw):
    kind = draw(st.sampled_from(["pdf", "fake", "empty", "big", "csv", "cp874", "utf16"]))
    data = {
        "pdf": b"%PDF-1.4 evidence",
        "fake": b"MZ\x90\x00 not a pdf",
        "empty": b"",
        "big": b"%PDF-1.4" + b"\x00" * (11 * 1024 * 1024),
        "csv": "รหัสหน่วยงาน,ชื่อหน่วยงาน\nX,=1+1\n".encode(),
        "cp874": "รหัสหน่วยงาน,ชื่อหน่วยงาน\nX,ก\n".encode("cp874"),
        "utf16": "รหัสหน่วยงาน,ชื่อหน่วยงาน\nX,ก\n".encode("utf-16"),
    }[kind]
    name = draw(st.sampled_from(["หลักฐาน.pdf", "a.exe", "org.csv", "org.xlsx", "", "../../x.pdf"]))
    return SimpleUploadedFile(name or "noname", data)


def fuzz_pages(name: str, who_and_urls, data):
    """Draw a page and one of its forms, post hostile data, check the answer and the rows."""
    client = Client(raise_request_exception=False)
    user, url = data.draw(st.sampled_from(who_and_urls))
    client.force_login(user)
    cache = fuzz_pages.cache
    if (user.pk, url) not in cache:
        page = client.get(url)
        assert page.status_code == 200, (url, page.status_code)
        cache[(user.pk, url)] = post_forms(page.content.decode(), url)
    forms = cache[(user.pk, url)]
    assert forms, f"{url} has no POST form"
    form = data.draw(st.sampled_from(forms))
    post = fuzzed_data(data.draw, form)
    for field in form["files"]:
        if data.draw(st.booleans()):
            post[field] = _upload(data.draw)
    htmx = data.draw(st.booleans())
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with rolled_back():
        before = fingerprint()
        response = client.post(form["action"], post, **headers)
        assert response.status_code < 500, (form["action"], sorted(post))
        problems = consistency_problems()
        assert not problems, (form["action"], problems)
        if response.status_code != 302 and form["action"] not in WRITES_ON_200:
            changed = changed_tables(before, fingerprint())
            assert not changed, (form["action"], response.status_code, changed)
    TALLY[f"fuzz:pages:{name}"] += 1


fuzz_pages.cache = {}


@pytest.fixture(autouse=True)
def _fresh_cache():
    fuzz_pages.cache = {}


def u(name, **kwargs):
    return reverse(name, kwargs=kwargs)


@pytest.fixture
def world(org):
    return appraisal_world(org)


@pytest.fixture
def review_world(world):
    """f3 acknowledged and the round in review: the higher supervisor's page has its form."""
    o = world
    o.f3 = informed(o.f3)
    o.f3 = form_acknowledge(actor=o.s3.user, form=o.f3, expected_version=o.f3.version)
    round_advance(actor=o.hr, rnd=o.round)
    return o


@pytest.fixture
def staff_world(world):
    """f3 informed: its appraisee's form page has the acknowledgement form."""
    world.f3 = informed(world.f3)
    return world


@FUZZ
@given(data=st.data())
def test_staff_pages_survive_hostile_posts(staff_world, data):
    o = staff_world
    pages = [
        (o.s1.user, u("appraisal:form", pk=o.f1.pk)),
        (o.s1.user, u("appraisal:agreement", pk=o.f1.pk)),
        (o.s1.user, u("appraisal:checkin", pk=o.f1.pk)),
        (o.s1.user, u("appraisal:journal", pk=o.f1.pk)),
        (o.s1.user, u("appraisal:self_assess", pk=o.f1.pk)),
        (o.s4.user, u("appraisal:agreement", pk=o.f4.pk)),
        (o.s3.user, u("appraisal:form", pk=o.f3.pk)),
    ]
    fuzz_pages("staff", pages, data)


@FUZZ
@given(data=st.data())
def test_team_pages_survive_hostile_posts(world, data):
    o = world
    pages = [
        (o.grp1_head.user, u("appraisal:team")),
        (o.grp1_head.user, u("appraisal:agreement_review", pk=o.f2.pk)),
        (o.grp1_head.user, u("appraisal:score", pk=o.f1.pk)),
        (o.grp1_head.user, u("appraisal:coaching", pk=o.f1.pk)),
        (o.div1_head.user, u("appraisal:score", pk=o.f3.pk)),
        (o.div1_head.user, u("appraisal:refusal", pk=o.f3.pk)),
    ]
    fuzz_pages("team", pages, data)


@FUZZ
@given(data=st.data())
def test_notices_page_survives_hostile_posts(world, data):
    o = world
    # s1 has the notice of f1's approval; grp1_head those of f2's and f1's submissions.
    pages = [(o.s1.user, u("notices:list")), (o.grp1_head.user, u("notices:list"))]
    fuzz_pages("notices", pages, data)


@FUZZ
@given(data=st.data())
def test_higher_review_page_survives_hostile_posts(review_world, data):
    o = review_world
    fuzz_pages("review", [(o.director.user, u("appraisal:review", pk=o.f3.pk))], data)


@FUZZ
@given(data=st.data())
def test_hr_pages_survive_hostile_posts(world, data):
    o = world
    pages = [
        (o.hr, u("appraisal:rounds")),
        (o.hr, u("appraisal:round_console", pk=o.round.pk)),
        (o.hr, u("appraisal:round_settings", pk=o.round.pk)),
        (o.hr, u("appraisal:form_evaluator", pk=o.f4.pk)),
        (o.hr, u("reports:round", pk=o.round.pk)),
    ]
    fuzz_pages("hr", pages, data)


@pytest.fixture
def kpi_world(org):
    from decimal import Decimal

    o = org
    o.pct = make_kpi(o.div1, code="1", weight=Decimal("60"))
    o.count = make_kpi(
        o.div1,
        code="2",
        name="จำนวนหน่วยบริการ",
        unit_of_measure="แห่ง",
        weight=Decimal("40"),
        baseline_1=Decimal("80"),
        baseline_2=Decimal("90"),
        baseline_3=Decimal("110"),
    )
    return o


@FUZZ
@given(data=st.data())
def test_kpi_pages_survive_hostile_posts(kpi_world, data):
    o = kpi_world
    head = o.div1_head.user
    pages = [
        (head, u("kpi:create", pk=o.div1.pk) + "?year=2570"),
        (head, u("kpi:edit", pk=o.pct.pk)),
        (head, u("kpi:os_matrix", pk=o.div1.pk) + "?year=2570"),
        (head, u("kpi:cascade", pk=o.pct.pk)),
        (head, u("kpi:cascade", pk=o.count.pk)),
        (head, u("kpi:delegates", pk=o.div1.pk)),
        (head, u("kpi:detail", pk=o.pct.pk)),
    ]
    fuzz_pages("kpi", pages, data)


@FUZZ
@given(data=st.data())
def test_orgchart_pages_survive_hostile_posts(org, data):
    o = org
    pages = [
        (o.hr, u("orgchart:unit_edit", pk=o.div1.pk)),
        (o.hr, u("orgchart:unit_edit", pk=o.dept.pk)),
        (o.hr, u("orgchart:person_evaluator", pk=o.s1.pk)),
        (o.hr, u("orgchart:import")),
        (o.admin, u("orgchart:import")),
    ]
    fuzz_pages("orgchart", pages, data)
