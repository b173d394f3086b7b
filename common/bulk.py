"""Inserting many new rows at once (a round's forms and their competency rows at its opening):
PostgreSQL's COPY, with the primary keys drawn from the table's sequence beforehand, so the
caller gets the saved objects with their ids as bulk_create gives them; bulk_create itself on
other databases.

COPY skips Django's per-value SQL compilation, which is most of bulk_create's time for a few
hundred thousand rows of a wide table. Like bulk_create it sends no signals and writes no
history rows; auto_now and auto_now_add fields are filled as bulk_create fills them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import DEFAULT_DB_ALIAS, connections, models, router

COPY_BATCH = 20_000  # ids drawn and rows streamed per round trip


def _columns(model: type[models.Model]):
    meta = model._meta
    fields = [f for f in meta.concrete_fields if f is not meta.pk]
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    # Values psycopg cannot adapt as they are (JSON) go through the field's own preparation.
    prepared = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    return fields, stamped, prepared


def _copy(conn, model, fields, rows: Iterable[list], *, with_ids: bool) -> list[int]:
    """COPY the rows (values in `fields` order) in batches; their new ids when asked."""
    meta = model._meta
    quote = conn.ops.quote_name
    names = ([meta.pk] if with_ids else []) + fields
    copy_sql = (
        f"COPY {quote(meta.db_table)} ({', '.join(quote(f.column) for f in names)}) FROM STDIN"
    )
    rows = list(rows)
    ids: list[int] = []
    with conn.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor: COPY is not in the DB-API
        for start in range(0, len(rows), COPY_BATCH):
            batch = rows[start : start + COPY_BATCH]
            new_ids = []
            if with_ids:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [meta.db_table, meta.pk.column, len(batch)],
                )
                new_ids = [r[0] for r in cursor.fetchall()]
            with cursor.copy(copy_sql) as copy:
                if with_ids:
                    for new_id, row in zip(new_ids, batch, strict=True):
                        copy.write_row([new_id, *row])
                else:
                    for row in batch:
                        copy.write_row(row)
            ids.extend(new_ids)
    return ids


def insert_new(model: type[models.Model], objs: Sequence[models.Model]) -> list[models.Model]:
    """Save new objects (no primary key yet) and return them with their ids set."""
    objs = list(objs)
    if not objs:
        return objs
    alias = router.db_for_write(model)
    conn = connections[alias]
    if conn.vendor != "postgresql":
        return model.objects.using(alias).bulk_create(objs, batch_size=2000)
    fields, stamped, prepared = _columns(model)
    rows = []
    for obj in objs:
        for f in stamped:
            f.pre_save(obj, add=True)
        row = [getattr(obj, f.attname) for f in fields]
        for i in prepared:
            row[i] = fields[i].get_db_prep_save(row[i], conn)
        rows.append(row)
    ids = _copy(conn, model, fields, rows, with_ids=True)
    pk = model._meta.pk.attname
    for obj, new_id in zip(objs, ids, strict=True):
        setattr(obj, pk, new_id)
        obj._state.adding = False
        obj._state.db = alias
    return objs


def _insert_values(model: type[models.Model], values: list[dict], *, with_ids: bool) -> list:
    """One row per dict of field values (by attname), every other field at its default; the
    new ids in order when asked (None for each where a bulk insert cannot return them)."""
    if not values:
        return []
    alias = router.db_for_write(model)
    conn = connections[alias]
    if conn.vendor != "postgresql":
        objs = model.objects.using(alias).bulk_create([model(**v) for v in values], batch_size=2000)
        return [o.pk for o in objs]
    fields, stamped, prepared = _columns(model)
    template = model()
    for f in stamped:
        f.pre_save(template, add=True)
    base = [getattr(template, f.attname) for f in fields]
    index = {f.attname: i for i, f in enumerate(fields)}
    rows = []
    for v in values:
        row = base.copy()
        for name, value in v.items():
            row[index[name]] = value
        for i in prepared:
            row[i] = fields[i].get_db_prep_save(row[i], conn)
        rows.append(row)
    return _copy(conn, model, fields, rows, with_ids=with_ids)


def insert_values(model: type[models.Model], values: Iterable[dict]) -> int:
    """Insert one row per dict of field values (by attname, e.g. form_id), every other field at
    its default, without building a model object per row; returns the number of rows."""
    values = list(values)
    _insert_values(model, values, with_ids=False)
    return len(values)


def insert_values_returning_ids(model: type[models.Model], values: Iterable[dict]) -> list[int]:
    """insert_values, returning the new rows' ids in the order of `values` (None for each on a
    database that cannot return them from a bulk insert: SQLite older than 3.35)."""
    return _insert_values(model, list(values), with_ids=True)


def refresh_statistics(*models: type[models.Model]) -> None:
    """Bring the planner's statistics up to date after loading many rows: PostgreSQL's ANALYZE
    of the database, or of the tables of `models` (nothing on other databases). Inside a
    transaction it counts the rows the transaction itself has written, so that the queries
    that follow in it are planned for them. Autovacuum would analyse the tables later, on
    its own schedule, or not at all where it is switched off; until then the planner takes a
    table of a few hundred thousand rows for an empty one and plans the next queries by guesses
    (the agreement page's KPI choices read 10,700 rows by the fiscal-year index for 4, 10 ms
    instead of 0.5 ms, on a freshly seeded database of 20,000 staff).

    Only the tables of the installed models: a bare ANALYZE also analyses the cluster's shared
    catalogs (pg_authid, pg_database), whose lock it holds to the end of the transaction, so
    that two databases of one server loading at once (two test workers) waited on each other
    for minutes."""
    conn = connections[DEFAULT_DB_ALIAS]  # the primary: a standby takes its statistics from it
    if conn.vendor == "postgresql":
        if models:
            tables = sorted({m._meta.db_table for m in models})
        else:
            tables = sorted(conn.introspection.django_table_names(only_existing=True))
        if tables:
            with conn.cursor() as cursor:
                cursor.execute("ANALYZE " + ", ".join(map(conn.ops.quote_name, tables)))
