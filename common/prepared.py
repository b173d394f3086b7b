"""Prepared statements on PostgreSQL for the compiled look-ups only (common.compiled).

A prepared statement is parsed once per connection, and after a few runs PostgreSQL plans it
once for all values (a generic plan). That suits a look-up by key (the form by its id, its KPI
rows, the person of a user): its best plan is the same whatever the key, and planning was most
of PostgreSQL's CPU per request (3.3 ms of the deadline-day mix, 1.0 ms with the statements
prepared). It does not suit a query whose best plan depends on its values. When psycopg was let
prepare every query run five times on a connection, the forms list searched by a surname got,
from its twelfth run, a generic plan that walked the department's 254,550 forms in tree order
(528 ms instead of 43), and a subtree's range or a name pattern can do the same to any list.
So only the SQL of the compiled look-ups is prepared; every other query is planned for its own
values on every run, as without preparing.
"""

from __future__ import annotations

from django.db.backends.postgresql.base import ServerBindingCursor

# The SQL (with %s placeholders, as Django passes it to the cursor) of the compiled look-ups.
LOOKUPS: set[str] = set()


def lookup_sql(sql: str) -> None:
    """Prepare this SQL on every connection that runs it (common.compiled calls it)."""
    LOOKUPS.add(sql)


class LookupPreparingCursor(ServerBindingCursor):
    """Django's server-binding cursor that prepares the compiled look-ups at once and never
    prepares anything else (an explicit `prepare` argument still wins)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None:
            prepare = isinstance(query, str) and query in LOOKUPS
        return super().execute(query, params, prepare=prepare, binary=binary)


def install(sender, connection, **kwargs) -> None:
    """connection_created: a PostgreSQL connection with server-side binding and preparing on
    (pms_site.settings) makes its cursors with LookupPreparingCursor."""
    if connection.vendor != "postgresql":
        return
    options = connection.settings_dict.get("OPTIONS", {})
    if options.get("server_side_binding") is not True or options.get("prepare_threshold") is None:
        return
    connection.connection.cursor_factory = LookupPreparingCursor
