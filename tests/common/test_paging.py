"""common.paging: a narrow search's id query joins from its matches (one index look-up each) on
PostgreSQL, and leaves the connection's planner settings as it found them."""

from __future__ import annotations

import pytest
from django.db import connection

from common.paging import _LOOKUPS_ONLY, from_matches

pytestmark = pytest.mark.django_db


def _settings() -> dict[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(f"current_setting('{name}')" for name in _LOOKUPS_ONLY))
        return dict(zip(_LOOKUPS_ONLY, cur.fetchone(), strict=True))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings of PostgreSQL")
def test_inside_the_block_joins_are_look_ups_and_after_it_the_settings_are_back():
    # pytest-django's transaction is the caller's: the block must put the settings back.
    before = _settings()
    assert before["enable_hashjoin"] == "on"
    with from_matches("default"):
        assert _settings() == _LOOKUPS_ONLY
    assert _settings() == before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner settings of PostgreSQL")
def test_an_error_inside_the_block_leaves_the_settings_as_they_were():
    before = _settings()
    with pytest.raises(ZeroDivisionError), from_matches("default"):
        1 / 0  # noqa: B018
    assert _settings() == before


@pytest.mark.skipif(connection.vendor == "postgresql", reason="only PostgreSQL is told how to join")
def test_elsewhere_the_block_changes_nothing(django_assert_num_queries):
    with django_assert_num_queries(0), from_matches("default"):
        pass
