"""Many links to one view, one per id, written in Python: a department's unit page lists a few
hundred sub-units, and `{% url %}` in a template loop reversed the URL once per link."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from common.form_renderer import esc

_MARKER = 2_147_483_647  # an id no row is given, to cut the reversed URL around


def id_url(name: str) -> Callable[[int], str]:
    """`lambda pk: reverse(name, args=[pk])`, reversed once."""
    head, sep, tail = reverse(name, args=[_MARKER]).partition(str(_MARKER))
    if not sep or str(_MARKER) in tail:
        raise ValueError(f"{name}: the id must appear once in its URL")
    return lambda pk: f"{head}{int(pk)}{tail}"


def link_items(name: str, rows: Iterable[tuple[int, str]]) -> SafeString:
    """`<li><a href="(the view's URL for pk)">text</a></li>` for each (pk, text), escaped."""
    url = id_url(name)
    return mark_safe(  # noqa: S308 - the text is escaped and the URL is built of an int
        "".join(f'<li><a href="{url(pk)}">{esc(text)}</a></li>' for pk, text in rows)
    )
