"""Pages of a narrow search over a large table, read by id.

A search that matches a few thousand rows of a department's quarter of a million (a surname)
was paged as `COUNT(*)` and `ORDER BY … LIMIT 50`; with the LIMIT, PostgreSQL walks the sort
order (the unit tree) and filters every row on the way, which costs as much as the table's
size, not the matches'. Reading the matching ids in order without a LIMIT lets it take the
search's own indexes (the trigram indexes on the names) and sort what they found: one query
gives the count and every page's ids, and the page's rows are then read by id.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

# Above this many matches the search is not narrow: the ordinary COUNT and LIMIT are kept.
NARROW = 5000


def page_by_ids(qs: QuerySet, per_page: int, number) -> Page | None:
    """The page `number` of `qs` (ordered) if it has at most NARROW rows, read by id; None when
    it has more (the caller pages it as usual)."""
    ids = list(qs.values_list("pk", flat=True)[: NARROW + 1])
    if len(ids) > NARROW:
        return None
    page = Paginator(ids, per_page).get_page(number)
    rows = {row.pk: row for row in qs.order_by().filter(pk__in=list(page.object_list))}
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page
