"""Pages of a narrow search over a large table, read by id.

A search that matches a few thousand rows of a department's quarter of a million (a surname)
was paged as `COUNT(*)` and `ORDER BY … LIMIT 50`; with the LIMIT, PostgreSQL walks the sort
order (the unit tree) and filters every row on the way, which costs as much as the table's
size, not the matches'. Reading the matching ids in order without a LIMIT lets it take the
search's own indexes (the trigram indexes on the names) and sort what they found: one query
gives the count and every page's ids, and the page's rows are then read by id.

Left to itself, PostgreSQL may still join the matches to the whole round's forms by hashing:
on the 300,000-staff demo it read the 254,550 forms of the department's round to keep the
2,604 of one surname (65 ms), where looking up each match's form by its index takes 13 ms.
Which of the two it picks turns on its estimates of the name search and moved from one seed
of the same data to the next; `from_matches` makes the id query take the look-ups every time.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.core.paginator import Page, Paginator
from django.db import connections, transaction
from django.db.models import QuerySet

# Above this many matches the search is not narrow: the ordinary COUNT and LIMIT are kept.
NARROW = 5000

# For one query on PostgreSQL: join by looking each row up through an index (a nested loop),
# not by hashing or merging whole tables, and in one process (gathering workers costs more
# than a few thousand look-ups).
_LOOKUPS_ONLY = {
    "enable_hashjoin": "off",
    "enable_mergejoin": "off",
    "max_parallel_workers_per_gather": "0",
}


@contextmanager
def from_matches(using: str):
    """Inside: the queries on `using` join from the rows their search found, one index look-up
    each (PostgreSQL; elsewhere nothing changes). The settings are local to the transaction (or
    savepoint) the block opens: an error inside rolls them back with it, and a block that
    ends well inside a transaction of the caller's puts them back as they were."""
    conn = connections[using]
    if conn.vendor != "postgresql":
        yield
        return
    names = list(_LOOKUPS_ONLY)
    outer = conn.in_atomic_block
    with transaction.atomic(using=using), conn.cursor() as cur:
        cur.execute(
            "SELECT "
            + ", ".join(f"current_setting('{n}'), set_config('{n}', %s, true)" for n in names),
            [_LOOKUPS_ONLY[n] for n in names],
        )
        before = cur.fetchone()[0::2]
        yield
        if outer:
            cur.execute(
                "SELECT " + ", ".join(f"set_config('{n}', %s, true)" for n in names), list(before)
            )


def page_by_ids(qs: QuerySet, per_page: int, number) -> Page | None:
    """The page `number` of `qs` (ordered) if it has at most NARROW rows, read by id; None when
    it has more (the caller pages it as usual)."""
    with from_matches(qs.db):
        ids = list(qs.values_list("pk", flat=True)[: NARROW + 1])
    if len(ids) > NARROW:
        return None
    page = Paginator(ids, per_page).get_page(number)
    rows = {row.pk: row for row in qs.order_by().filter(pk__in=list(page.object_list))}
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page
