"""Reading the database in chunks, so that no `IN (...)` list grows with the size of the file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

QUERY_CHUNK = 500


def chunks(items: Iterable, size: int = QUERY_CHUNK) -> Iterator[list]:
    """The items as consecutive lists of at most `size`."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]
