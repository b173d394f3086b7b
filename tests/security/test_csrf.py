"""CSRF on every form, generated from the URL × role table.

- Every POST case of the table, for every role it permits (status 200 or 302), is refused with
  403 without a token by a client that enforces CSRF, and reaches the view (the expected status)
  with one, so the 403 is the CSRF check and not a permission.
- Every URL that answers only POST (its GET is 405 for all roles) and has no POST row is posted
  too, as s1.
- Every HTML page answered with 200 carries a csrfmiddlewaretoken input in each of its
  ``<form method="post">`` (read with the stdlib html.parser).
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string

from tests import test_url_access
from tests.security import request_as
from tests.test_url_access import ACCESS, CASES
from tests.url_roles import NOT_ALLOWED, OK, REDIRECT, ROLES

PERMITTED = (OK, REDIRECT)
# POST rows that every role gets 405 for are GET-only pages: there is no form to protect.
POST_CASES = [c for c in CASES if c[1] == "post" and any(v in PERMITTED for v in c[3].values())]
_POSTED = {c[0] for c in POST_CASES}
# POST-only URLs with no POST row: s1 (logged in) posts them.
POST_ONLY = [
    (name, "post", kw, {**{r: None for r in ROLES}, "staff": REDIRECT})
    for name, (method, kw, expected) in ACCESS.items()
    if method == "get" and all(v == NOT_ALLOWED for v in expected.values()) and name not in _POSTED
]
CSRF_CASES = POST_CASES + POST_ONLY

world = test_url_access.world  # the table's fixture, used by name


def strict_client(token: str | None = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if token:
        client.cookies[settings.CSRF_COOKIE_NAME] = token
    return client


def test_the_post_only_urls_without_a_post_row_are_found():
    # logout is POST-only in Django 5 and has no POST row in the table.
    assert "logout" in {c[0] for c in POST_ONLY}


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    CSRF_CASES,
    ids=[f"{c[0]}#{i}" for i, c in enumerate(CSRF_CASES)],
)
def test_a_post_without_a_csrf_token_is_refused(world, name, method, kwargs, expected):
    roles = [r for r in ROLES if expected[r] in PERMITTED]
    assert roles, name
    wrong = []
    for role in roles:
        refused = request_as(world, role, name, "post", kwargs, client=strict_client())
        if refused.status_code != 403:
            wrong.append((role, "no token", refused.status_code))
        token = get_random_string(32)
        allowed = request_as(
            world,
            role,
            name,
            "post",
            kwargs,
            client=strict_client(token),
            data={"csrfmiddlewaretoken": token},
        )
        if allowed.status_code in (403, NOT_ALLOWED):
            wrong.append((role, "with token", allowed.status_code))
    assert wrong == [], (name, wrong)


class PostForms(HTMLParser):
    """For each <form method="post">: its action and the names of its inputs."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "get").lower() == "post"
            self._open = {"action": attrs.get("action"), "inputs": set()} if post else None
            if post:
                self.forms.append(self._open)
        elif tag == "input" and self._open is not None:
            self._open["inputs"].add(attrs.get("name"))

    def handle_endtag(self, tag):
        if tag == "form":
            self._open = None


def post_forms(html: str) -> list[dict]:
    parser = PostForms()
    parser.feed(html)
    return parser.forms


def test_the_form_parser_sees_a_missing_token():
    html = (
        '<form method="POST" action="/a"><input name="csrfmiddlewaretoken"></form>'
        '<form method="get"><input name="q"></form><form method="post" action="/b"></form>'
    )
    assert [(f["action"], "csrfmiddlewaretoken" in f["inputs"]) for f in post_forms(html)] == [
        ("/a", True),
        ("/b", False),
    ]


PAGE_CASES = [c for c in CASES if any(c[3][r] == OK for r in ROLES)]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    PAGE_CASES,
    ids=[f"{c[0]}-{c[1]}#{i}" for i, c in enumerate(PAGE_CASES)],
)
def test_every_post_form_of_a_page_carries_the_csrf_token(world, name, method, kwargs, expected):
    missing = []
    for role in [r for r in ROLES if expected[r] == OK]:
        response = request_as(world, role, name, method, kwargs)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        for form in post_forms(response.body.decode()):
            if "csrfmiddlewaretoken" not in form["inputs"]:
                missing.append((role, form["action"]))
    assert missing == [], (name, missing)
