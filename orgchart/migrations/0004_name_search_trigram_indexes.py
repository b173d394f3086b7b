"""Trigram indexes for the searches by part of a name (people by first or last name, units by
name or short name), on PostgreSQL only: `icontains` there is UPPER(column) LIKE '%...%', which
without them reads all 300,000 people of a ministry per search. pg_trgm is a trusted extension
(PostgreSQL 13+): a database owner may create it. Where it cannot be created the searches still
work, only slower, and the migration says so rather than failing."""

from django.db import migrations

INDEXES = [
    ("orgchart_person_first_name_trgm", "orgchart_person", "first_name"),
    ("orgchart_person_last_name_trgm", "orgchart_person", "last_name"),
    ("orgchart_orgunit_name_trgm", "orgchart_orgunit", "name"),
    ("orgchart_orgunit_short_name_trgm", "orgchart_orgunit", "short_name"),
]


def create(apps, schema_editor):
    conn = schema_editor.connection
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute("SAVEPOINT trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as exc:  # no right to create it: searches stay correct, only slower
            cursor.execute("ROLLBACK TO SAVEPOINT trgm")
            print(f"\n  pg_trgm not available ({exc}); name searches will not be indexed")
            return
        cursor.execute("RELEASE SAVEPOINT trgm")
        for name, table, column in INDEXES:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
                f"USING gin (upper({column}::text) gin_trgm_ops)"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name, _table, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("orgchart", "0003_position_work_group")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
