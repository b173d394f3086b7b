"""Bulk writes (common.bulk): COPY on PostgreSQL and bulk_create elsewhere give the same rows,
and the planner's statistics are brought up to date after a load."""

from __future__ import annotations

import pytest
from django.db import connection

from common.bulk import (
    insert_new,
    insert_values,
    insert_values_returning_ids,
    refresh_statistics,
)
from orgchart.models import Ministry


def test_insert_new_gives_saved_objects_with_ids(db):
    objs = insert_new(
        Ministry, [Ministry(code=f"T{i}", name=f"กระทรวงทดสอบ {i}") for i in range(5)]
    )
    assert all(o.pk for o in objs) and len({o.pk for o in objs}) == 5
    stored = dict(Ministry.objects.filter(pk__in=[o.pk for o in objs]).values_list("pk", "name"))
    assert stored == {o.pk: o.name for o in objs}
    assert not any(o._state.adding for o in objs)


def test_insert_values_writes_one_row_per_dict(db):
    before = Ministry.objects.count()
    assert (
        insert_values(
            Ministry, [{"code": "A1", "name": "กระทรวงหนึ่ง"}, {"code": "A2", "name": "กระทรวงสอง"}]
        )
        == 2
    )
    assert insert_values(Ministry, []) == 0
    assert Ministry.objects.count() == before + 2
    assert set(Ministry.objects.values_list("name", flat=True)) >= {"กระทรวงหนึ่ง", "กระทรวงสอง"}


def test_insert_values_returning_ids_gives_each_dicts_row_its_id_in_order(db, monkeypatch):
    from common import bulk

    monkeypatch.setattr(bulk, "COPY_BATCH", 3)  # more than one batch on PostgreSQL
    values = [{"code": f"R{i}", "name": f"กระทรวง {i}"} for i in range(7)]
    ids = insert_values_returning_ids(Ministry, values)
    assert len(ids) == 7 and len(set(ids)) == 7
    stored = dict(Ministry.objects.filter(pk__in=ids).values_list("pk", "code"))
    assert [stored[i] for i in ids] == [v["code"] for v in values]
    assert insert_values_returning_ids(Ministry, []) == []


@pytest.mark.postgres
def test_refresh_statistics_of_some_models_analyses_only_their_tables(db):
    from orgchart.models import OrgUnit

    refresh_statistics(Ministry)
    with connection.cursor() as c:
        c.execute(
            "SELECT r.relname FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
            " WHERE l.pid = pg_backend_pid() AND r.relname IN (%s, %s)",
            [Ministry._meta.db_table, OrgUnit._meta.db_table],
        )
        locked = {row[0] for row in c.fetchall()}
    assert locked == {Ministry._meta.db_table}


@pytest.mark.postgres
def test_refresh_statistics_tells_the_planner_how_many_rows_a_table_has(db):
    insert_values(Ministry, [{"code": f"S{i}", "name": f"กระทรวง {i}"} for i in range(2000)])
    table = Ministry._meta.db_table

    def reltuples() -> float:
        with connection.cursor() as c:
            c.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
            return c.fetchone()[0]

    refresh_statistics()
    assert reltuples() >= 2000


@pytest.mark.postgres
def test_refresh_statistics_leaves_the_servers_shared_catalogs_alone(db):
    """Two databases of one server refreshing at once must not wait on each other: no lock on a
    shared catalog (pg_authid, pg_database) is held to the end of the transaction."""
    refresh_statistics()
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'relation'"
            " AND database = 0"
        )
        shared = c.fetchone()[0]
        c.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class r ON r.oid = l.relation"
            " WHERE l.pid = pg_backend_pid() AND r.relname = %s",
            [Ministry._meta.db_table],
        )
        ours = c.fetchone()[0]
    assert shared == 0
    assert ours >= 1  # the project's tables were analysed in this transaction
