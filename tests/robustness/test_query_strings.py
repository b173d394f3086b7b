"""Every page of the URL × role table, opened with hostile query strings: NUL (which
PostgreSQL refuses to store or compare), digits that `str.isdigit()` takes and `int()` does
not, a 5,000-digit id, and markup. The answer is the page, a Thai 400 or a 404: never a 500.

Fixed draws, the same on every run and on both databases (the probe found these on
PostgreSQL, where random draws had never put NUL into a query string)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests import test_url_access
from tests.test_url_access import CASES
from tests.url_roles import login_as

world = test_url_access.world  # the table's organisation, built once
pytestmark = pytest.mark.django_db

PARAMS = ("q", "who", "unit", "round", "state", "band", "group", "year", "page", "next", "kind")
VALUES = ("\x00", "a\x00b", "²", "①", "๑๒", "9" * 5000, "-1", "<script>x</script>")
GETS = sorted(
    {name: kwargs for name, method, kwargs, _expected in CASES if method == "get"}.items()
)


@pytest.mark.parametrize(("name", "kwargs"), GETS, ids=[name for name, _kw in GETS])
def test_hostile_query_strings_never_give_a_server_error(world, name, kwargs):
    url = reverse(name, kwargs=kwargs(world))
    failures = []
    for role in ("hr", "admin", "evaluator"):
        client = Client(raise_request_exception=False)
        login_as(client, world, role)
        for value in VALUES:
            response = client.get(url, {p: value for p in PARAMS})
            if response.status_code >= 500:
                failures.append((role, repr(value)[:20], response.status_code))
            elif "\x00" in value:
                assert response.status_code in (302, 400, 403, 404), (role, response.status_code)
    assert failures == [], (url, failures)
