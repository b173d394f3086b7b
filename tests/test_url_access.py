"""Every URL against every role, generated from the URL configuration.

A URL added without a row in ACCESS fails test_every_url_has_an_access_rule, so no page can
ship without its refusals being tested.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.appraisal import access_hr, access_staff, access_team  # noqa: E402
from tests.common import access_help  # noqa: E402
from tests.conftest import shared_copy
from tests.notices import access_notices  # noqa: E402
from tests.orgchart import access_people  # noqa: E402
from tests.reports import access_reports  # noqa: E402
from tests.rewards import (  # noqa: E402
    access_development,
    access_raises,
    access_talent,
    access_trends,
)
from tests.url_roles import (  # noqa: E402, F401
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    ROLES,
    login_as,
    row,
)

# url name -> (method, kwargs from the org, expected status per role)
ACCESS = {
    "home": ("get", lambda o: {}, row(OK)),
    "login": ("get", lambda o: {}, {**row(REDIRECT), "anonymous": OK}),
    "logout": ("get", lambda o: {}, {**row(NOT_ALLOWED), "anonymous": NOT_ALLOWED}),
    "set_language": ("post", lambda o: {}, {**row(REDIRECT), "anonymous": REDIRECT}),
    # Password reset by e-mail: open to everyone (a signed-in user may reset theirs too).
    "password_reset": ("get", lambda o: {}, {**row(OK), "anonymous": OK}),
    "password_reset_done": ("get", lambda o: {}, {**row(OK), "anonymous": OK}),
    "password_reset_confirm": (
        "get",
        lambda o: {"uidb64": "MQ", "token": "x-y"},
        {**row(OK), "anonymous": OK},
    ),
    "password_reset_complete": ("get", lambda o: {}, {**row(OK), "anonymous": OK}),
    # The load balancer's probe: no sign-in, the same short answer for everyone.
    "health": ("get", lambda o: {}, {**row(OK), "anonymous": OK}),
    "orgchart:tree": ("get", lambda o: {}, row(OK)),
    "orgchart:unit": ("get", lambda o: {"pk": o.grp1.pk}, row(OK, outsider=NOT_FOUND)),
    "orgchart:children": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "orgchart:person": (
        "get",
        lambda o: {"pk": o.s1.pk},
        row(OK, other_staff=NOT_FOUND, outsider=NOT_FOUND, hr_other=NOT_FOUND),
    ),
    "orgchart:import": ("get", lambda o: {}, row(FORBIDDEN, hr=OK, hr_other=OK, admin=OK)),
    "orgchart:unit_edit": (
        "get",
        lambda o: {"pk": o.grp1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, admin=OK),
    ),
    "orgchart:person_evaluator": (
        "get",
        lambda o: {"pk": o.s1.pk},
        row(
            FORBIDDEN,
            other_staff=NOT_FOUND,
            outsider=NOT_FOUND,
            hr_other=NOT_FOUND,
            hr=OK,
            admin=OK,
        ),
    ),
    "orgchart:import_preview": (
        "get",
        lambda o: {},
        row(FORBIDDEN, hr=REDIRECT, hr_other=REDIRECT, admin=REDIRECT),
    ),
    "orgchart:import_confirm": (
        "get",
        lambda o: {},
        row(FORBIDDEN, hr=NOT_ALLOWED, hr_other=NOT_ALLOWED, admin=NOT_ALLOWED),
    ),
    "orgchart:import_cancel": (
        "get",
        lambda o: {},
        row(FORBIDDEN, hr=NOT_ALLOWED, hr_other=NOT_ALLOWED, admin=NOT_ALLOWED),
    ),
    "orgchart:import_result": (
        "get",
        lambda o: {},
        row(FORBIDDEN, hr=REDIRECT, hr_other=REDIRECT, admin=REDIRECT),
    ),
    "kpi:index": ("get", lambda o: {}, row(REDIRECT)),
    "kpi:unit": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:os_matrix": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:cascade_tree": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:create": (
        "get",
        lambda o: {"pk": o.div1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    "kpi:detail": ("get", lambda o: {"pk": o.kpi.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:edit": (
        "get",
        lambda o: {"pk": o.kpi.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    "kpi:cascade": (
        "get",
        lambda o: {"pk": o.kpi.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    "kpi:targets": ("get", lambda o: {"pk": o.kpi.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:delegates": ("get", lambda o: {"pk": o.div1.pk}, row(OK, outsider=NOT_FOUND)),
    "kpi:record_result": (
        "post",
        lambda o: {"pk": o.kpi.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=REDIRECT, hr=REDIRECT, admin=REDIRECT),
    ),
    # The change history shows scores: the chain, HR and administrators, not the appraisee
    # before release.
    "appraisal:form_history": (
        "get",
        lambda o: {"pk": o.f1.pk},
        row(
            FORBIDDEN,
            other_staff=NOT_FOUND,
            outsider=NOT_FOUND,
            hr_other=NOT_FOUND,
            evaluator=OK,
            higher=OK,
            hr=OK,
            admin=OK,
        ),
    ),
}

# Extra cases for the same URLs: another object, so that ids cannot be guessed across scopes.
EXTRA = [
    ("orgchart:unit", lambda o: {"pk": o.other.pk}, row(NOT_FOUND, outsider=OK, admin=OK)),
    ("orgchart:person", lambda o: {"pk": o.o1.pk}, row(NOT_FOUND, outsider=OK, admin=OK)),
    ("orgchart:person", lambda o: {"pk": o.s4.pk}, row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK)),
    (
        "orgchart:person",
        lambda o: {"pk": o.grp1_head.pk},
        # s1 and s2 are evaluated by grp1_head: they may see who evaluates them.
        row(NOT_FOUND, staff=OK, other_staff=OK, evaluator=OK, higher=OK, hr=OK, admin=OK),
    ),
    ("orgchart:person", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("orgchart:unit", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    (
        "orgchart:unit_edit",
        lambda o: {"pk": o.div2.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    (
        "orgchart:unit_edit",
        lambda o: {"pk": o.other.pk},
        row(NOT_FOUND, outsider=FORBIDDEN, admin=OK),
    ),
    (
        "orgchart:person_evaluator",
        lambda o: {"pk": o.s4.pk},
        row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    ("kpi:unit", lambda o: {"pk": o.other.pk}, row(NOT_FOUND, outsider=OK, admin=OK)),
    (
        "kpi:create",
        lambda o: {"pk": o.div2.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    ("kpi:detail", lambda o: {"pk": o.other_kpi.pk}, row(NOT_FOUND, outsider=OK, admin=OK)),
]
# POSTs to pages whose GET any reader may open: only editors may write.
POSTS = [
    (
        "orgchart:import_confirm",
        lambda o: {},
        row(FORBIDDEN, hr=REDIRECT, hr_other=REDIRECT, admin=REDIRECT),
    ),
    (
        "orgchart:import_cancel",
        lambda o: {},
        row(FORBIDDEN, hr=REDIRECT, hr_other=REDIRECT, admin=REDIRECT),
    ),
    ("orgchart:import", lambda o: {}, row(FORBIDDEN, hr=OK, hr_other=OK, admin=OK)),
    (
        "kpi:delegates",
        lambda o: {"pk": o.div1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=REDIRECT, hr=REDIRECT, admin=REDIRECT),
    ),
    (
        "kpi:os_matrix",
        lambda o: {"pk": o.div1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    ("kpi:targets", lambda o: {"pk": o.kpi.pk}, row(OK, outsider=NOT_FOUND)),
    (
        "kpi:edit",
        lambda o: {"pk": o.kpi.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    (
        "kpi:cascade",
        lambda o: {"pk": o.kpi.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, higher=OK, hr=OK, admin=OK),
    ),
    (
        "orgchart:unit_edit",
        lambda o: {"pk": o.grp1.pk},
        row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, admin=OK),
    ),
    (
        "orgchart:person_evaluator",
        lambda o: {"pk": o.s1.pk},
        row(
            FORBIDDEN,
            other_staff=NOT_FOUND,
            outsider=NOT_FOUND,
            hr_other=NOT_FOUND,
            hr=OK,
            admin=OK,
        ),
    ),
]


# The appraisal pages keep their rows beside their tests (same world, same roles).
for _part in (
    access_staff,
    access_team,
    access_hr,
    access_reports,
    access_raises,
    access_talent,
    access_development,
    access_trends,
    access_notices,
    access_people,
    access_help,
):
    ACCESS.update(_part.ACCESS)
    EXTRA.extend(_part.EXTRA)
    POSTS.extend(_part.POSTS)


def url_names(patterns=None, prefix=""):
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if p.namespace == "admin":
                continue  # Django's admin: is_staff only, covered by test_admin_is_for_staff_only
            yield from url_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and p.name:
            yield prefix + p.name


def test_every_url_has_an_access_rule():
    missing = sorted(set(url_names()) - set(ACCESS))
    assert missing == [], f"URLs without a row in ACCESS: {missing}"


CASES = (
    [(name, ACCESS[name][0], ACCESS[name][1], ACCESS[name][2]) for name in ACCESS]
    + [(name, ACCESS[name][0], kw, exp) for name, kw, exp in EXTRA]
    + [(name, "post", kw, exp) for name, kw, exp in POSTS]
)


@pytest.fixture
def world(url_world_rows, db, settings):
    """The table's organisation (tests/conftest.py: build_url_world): built once for the
    consecutive cases that use it, here and in tests/security; each case runs in its own
    savepoint, so what it writes is gone for the next."""
    return shared_copy(url_world_rows, settings)


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}#{i}" for i, c in enumerate(CASES)],
)
def test_each_role_gets_exactly_its_access(world, name, method, kwargs, expected):
    """Every role in turn, each request rolled back so a permitted POST cannot change the
    world the next role sees (the world is shared by the cases, not built per role or case)."""
    org = world
    url = reverse(name, kwargs=kwargs(org))
    wrong = []
    for role in ROLES:
        client = Client()
        login_as(client, org, role)
        with transaction.atomic():
            response = getattr(client, method)(url)
            transaction.set_rollback(True)
        want = expected[role]
        if want == LOGIN:
            if not (response.status_code == 302 and reverse("login") in response["Location"]):
                wrong.append((role, response.status_code, "login redirect"))
        elif response.status_code != want:
            wrong.append((role, response.status_code, want))
    assert wrong == [], (url, wrong)


def test_admin_is_for_staff_only(client, org):
    assert client.get("/admin/").status_code == 302
    client.force_login(org.s1.user)
    assert client.get("/admin/").status_code == 302  # redirected to the admin login
    client.force_login(org.admin)
    assert client.get("/admin/").status_code == 200


def test_salary_is_shown_to_self_and_hr_but_not_to_the_evaluator(client, org):
    url = reverse("orgchart:person", kwargs={"pk": org.s1.pk})
    for user, visible in [
        (org.s1.user, True),
        (org.hr, True),
        (org.grp1_head.user, False),
        (org.div1_head.user, False),
    ]:
        client.force_login(user)
        body = client.get(url).content.decode()
        assert ('id="salary"' in body) is visible, user
        assert ("25,000" in body) is visible, user


def test_search_does_not_reveal_units_of_other_departments(client, org):
    client.force_login(org.s1.user)
    body = client.get(reverse("orgchart:tree"), {"q": "กรม"}).content.decode()
    assert "กรมทดสอบ" in body
    assert "กรมอื่น" not in body
