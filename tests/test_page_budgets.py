"""Every role's main pages (the list `make bench-scale` times, demo.pages) cost the same number
of queries in a small and a larger seeded ministry: a page whose queries grow with the staff,
the team or the department would not survive 300,000 people.

Both worlds are seeded by seed_demo in one test, the second after the first is rolled back to a
savepoint, so the test stays within CI's time."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from demo.pages import USERS, main_pages

SMALL, LARGE = 100, 260


def seed_and_count(staff: int) -> dict[str, tuple[int, int]]:
    call_command("seed_demo", "--staff", str(staff), stdout=io.StringIO())
    clients = {}
    for role, username in USERS.items():
        clients[role] = Client()
        clients[role].force_login(get_user_model().objects.get(username=username))
    counts = {}
    for role, page, url in main_pages():
        client = clients[role]
        client.get(url)  # the first request fills per-process caches, as on a live server
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        counts[f"{role}: {page}"] = (response.status_code, len(ctx.captured_queries))
    return counts


@pytest.mark.django_db
def test_main_pages_cost_the_same_queries_at_two_sizes(settings):
    settings.DEBUG = False
    start = transaction.savepoint()
    small = seed_and_count(SMALL)
    transaction.savepoint_rollback(start)
    large = seed_and_count(LARGE)

    assert set(small) == set(large)
    not_ok = {k: v for k, v in {**small, **large}.items() if v[0] != 200}
    assert not not_ok, f"pages that did not answer 200: {not_ok}"
    grew = {k: (small[k][1], large[k][1]) for k in small if small[k][1] != large[k][1]}
    assert not grew, f"queries grew from {SMALL} to {LARGE} staff: {grew}"
