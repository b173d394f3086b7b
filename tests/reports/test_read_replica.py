"""The read replica (common.db): HR's heavy pages read a real streaming replica of the test
PostgreSQL, a person's own write sends their next pages to the primary, and while the replica
lags (replay paused) the heavy pages show its older data to everyone who has not just written.

The replica is started by the test (tests/reports/replica_server.py) and always stopped. Data
written inside a test transaction never reaches a replica: these tests commit (transaction=True).
"""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from common import db as replica_db
from tests.orgchart.test_edit_pages import edit_data
from tests.reports.replica_server import (
    COPIED,
    ReplicaUnavailable,
    StreamingReplica,
    pg_bindir,
    wait_until,
)


def test_every_heavy_page_named_for_the_replica_is_a_url_name():
    for name in django_settings.REPLICA_VIEWS:
        for kwargs in ({}, {"pk": 1}, {"pk": 1, "unit_pk": 1}):
            try:
                reverse(name, kwargs=kwargs)
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"{name} is not a URL name")


@pytest.mark.django_db
def test_without_a_replica_nothing_changes(client, released, settings):
    """No DATABASE_REPLICA_URL: one database, no cookie after a write, every page as before."""
    settings.READ_REPLICA = False
    assert not replica_db.replica_configured()
    o = released
    client.force_login(o.hr)
    url = reverse("orgchart:unit_edit", kwargs={"pk": o.div1.pk})
    response = client.post(url, edit_data(o.div1, name="กองแผนงานและงบประมาณ"))
    assert response.status_code == 302 and replica_db.COOKIE not in response.cookies
    page = client.get(reverse("appraisal:distribution", args=[o.round.pk]))
    assert page.status_code == 200 and "กองแผนงานและงบประมาณ" in page.content.decode()


@pytest.fixture
def replica(transactional_db, settings):
    """A streaming replica of the test database's cluster, as the `replica` database alias."""
    if connection.vendor != "postgresql":
        pytest.skip("the read replica needs PostgreSQL (set DATABASE_URL)")
    with connection.cursor() as cursor:
        cursor.execute("show server_version_num")
        bindir = pg_bindir(int(cursor.fetchone()[0]))
        if bindir is None:
            pytest.skip("pg_basebackup and pg_ctl not found (/usr/lib/postgresql/*/bin)")
        values = {}
        for name in COPIED:
            cursor.execute(f"show {name}")
            values[name] = cursor.fetchone()[0]
    primary = connection.settings_dict
    server = StreamingReplica(
        bindir=bindir,
        host=primary["HOST"],
        port=primary["PORT"],
        user=primary["USER"],
        settings=values,
    )
    saved = getattr(connections._connections, "replica", None)
    try:
        try:
            server.start()
        except ReplicaUnavailable as exc:
            pytest.skip(str(exc))
        alias = {**primary, "HOST": "127.0.0.1", "PORT": server.port, "CONN_MAX_AGE": 0}
        alias["TEST"] = {**primary.get("TEST", {}), "MIRROR": None}
        settings.READ_REPLICA = True
        # The connection is handed to the handler directly: an alias added to settings.DATABASES
        # during a test is refused by the test case's database check.
        connections["replica"] = load_backend(alias["ENGINE"]).DatabaseWrapper(alias, "replica")
        wait_until(
            _accepts_connections,
            timeout=20,
            what="the replica to accept connections",
            why=_last_error,
        )
        yield server
    finally:
        if hasattr(connections._connections, "replica"):
            connections["replica"].close()
            del connections["replica"]
        if saved is not None:
            connections["replica"] = saved
        server.stop()


_last_error: list = []


def _accepts_connections() -> bool:
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute("select pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True
        return True
    except Exception as exc:  # noqa: BLE001 - still starting up
        _last_error[:] = [exc]
        connections["replica"].close()
        return False


def _caught_up() -> None:
    """Waits until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("select pg_current_wal_lsn()::text")
        lsn = cursor.fetchone()[0]

    def replayed():
        with connections["replica"].cursor() as cursor:
            cursor.execute("select pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
            return cursor.fetchone()[0]

    wait_until(replayed, what=f"the replica to replay up to {lsn}")


def _replay(pause: bool) -> None:
    with connections["replica"].cursor() as cursor:
        cursor.execute("select pg_wal_replay_pause()" if pause else "select pg_wal_replay_resume()")


def _fetch(client, url):
    """The page, with the number of queries each database answered for it."""
    with (
        CaptureQueriesContext(connection) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(primary), len(replica)


@pytest.mark.postgres
@pytest.mark.solo
@pytest.mark.django_db(transaction=True)
def test_heavy_pages_read_the_replica_and_a_persons_own_write_reads_the_primary(released, replica):
    o = released
    _caught_up()
    hr = Client()
    hr.force_login(o.hr)
    other = Client()  # a second HR session that writes nothing
    other.force_login(o.hr)
    distribution = reverse("appraisal:distribution", args=[o.round.pk])

    # A heavy page: the session and the account from the primary, the page's queries from the
    # replica; an ordinary page reads the primary only.
    page, on_primary, on_replica = _fetch(hr, distribution)
    assert "กองแผนงาน" in page
    assert on_replica > 5 and on_primary <= 3, (on_primary, on_replica)
    for url in (
        reverse("reports:round", args=[o.round.pk]),
        reverse("rewards:talent", args=[o.round.pk]),
        reverse("rewards:development", args=[o.round.pk]),
    ):
        assert _fetch(hr, url)[2] > 0, url
    # An export: its figures from the replica, the access-log row it records on the primary
    # (a GET that writes sets no cookie).
    xlsx = reverse("reports:unit_xlsx", kwargs={"pk": o.round.pk, "unit_pk": o.dept.pk})
    with (
        CaptureQueriesContext(connection) as primary,
        CaptureQueriesContext(connections["replica"]) as on_replica,
    ):
        response = hr.get(xlsx)
        body = b"".join(response.streaming_content)
    assert response.status_code == 200 and body[:2] == b"PK" and len(on_replica) > 0
    assert any(q["sql"].startswith("INSERT") for q in primary.captured_queries)
    assert not any(q["sql"].startswith("INSERT") for q in on_replica.captured_queries)
    assert replica_db.COOKIE not in response.cookies
    _, on_primary, on_replica = _fetch(hr, reverse("appraisal:round_console", args=[o.round.pk]))
    assert on_replica == 0 and on_primary > 0

    # The replica stops replaying (it lags); HR renames a unit: their own write.
    _replay(pause=True)
    try:
        edit = reverse("orgchart:unit_edit", kwargs={"pk": o.div1.pk})
        response = hr.post(edit, edit_data(o.div1, name="กองแผนงานและงบประมาณ"))
        assert response.status_code == 302
        cookie = response.cookies[replica_db.COOKIE]
        assert cookie["max-age"] == django_settings.REPLICA_STICKY_SECONDS and cookie["httponly"]

        # The writer's next pages read the primary and show the new name ...
        page, on_primary, on_replica = _fetch(hr, distribution)
        assert "กองแผนงานและงบประมาณ" in page and on_replica == 0
        # ... while anyone who has not just written reads the lagging replica: the old name.
        page, on_primary, on_replica = _fetch(other, distribution)
        assert "กองแผนงานและงบประมาณ" not in page and "กองแผนงาน" in page and on_replica > 0
        # A GET writes no cookie, even one that records who read what.
        assert replica_db.COOKIE not in other.get(distribution).cookies
    finally:
        _replay(pause=False)

    # Replay resumes: the replica has the new name too, and once the writer's cookie has
    # expired (here: removed) their heavy pages read the replica again.
    _caught_up()
    assert "กองแผนงานและงบประมาณ" in _fetch(other, distribution)[0]
    del hr.cookies[replica_db.COOKIE]
    page, _, on_replica = _fetch(hr, distribution)
    assert "กองแผนงานและงบประมาณ" in page and on_replica > 0


@pytest.mark.postgres
@pytest.mark.solo
@pytest.mark.django_db(transaction=True)
def test_a_replica_that_cannot_be_reached_sends_the_heavy_pages_to_the_primary(released, replica):
    o = released
    hr = Client()
    hr.force_login(o.hr)
    connections["replica"].close()
    replica.stop()
    replica_db._down_until = 0.0
    try:
        with CaptureQueriesContext(connection) as primary:
            response = hr.get(reverse("appraisal:distribution", args=[o.round.pk]))
        assert response.status_code == 200 and "กองแผนงาน" in response.content.decode()
        assert len(primary) > 5 and replica_db._down_until > 0  # not tried again for a while
    finally:
        replica_db._down_until = 0.0
