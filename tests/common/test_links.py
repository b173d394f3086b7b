"""common.links: URLs for many ids from one reverse, and the list of links built of them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.links import id_url, link_items


def test_id_url_equals_reverse():
    for name in ("orgchart:unit", "orgchart:person", "kpi:detail"):
        url = id_url(name)
        for pk in (1, 7, 42, 123456, 2_000_000_000):
            assert url(pk) == reverse(name, args=[pk])


def test_id_url_refuses_a_view_without_one_id():
    with pytest.raises(Exception):  # noqa: B017, PT011 - NoReverseMatch, or ValueError
        id_url("orgchart:tree")


def test_link_items_escape_the_text():
    html = link_items("orgchart:unit", [(3, "กอง <ก> & ข"), (4, 'กลุ่ม "ค"')])
    assert html == (
        f'<li><a href="{reverse("orgchart:unit", args=[3])}">กอง &lt;ก&gt; &amp; ข</a></li>'
        f'<li><a href="{reverse("orgchart:unit", args=[4])}">กลุ่ม &quot;ค&quot;</a></li>'
    )
    assert link_items("orgchart:unit", []) == ""
