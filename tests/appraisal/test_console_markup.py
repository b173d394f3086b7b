"""The console's cells and bars written with f-strings give the markup format_html gave."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from appraisal import views_hr
from appraisal.views_hr import _ZERO_CELL, _ZERO_TOTAL, _bar_html, _cells_html, _segments


def cells_reference(cells, zero=_ZERO_CELL):
    return "".join(
        format_html('<td class="text-end"><a href="{}">{}</a></td>', c["url"], c["count"])
        if c["count"]
        else zero
        for c in cells
    )


def bar_reference(segments, total, *, titled=True):
    return "".join(
        format_html(
            '<div class="progress" role="progressbar" aria-label="{}" aria-valuenow="{}" '
            'aria-valuemin="0" aria-valuemax="{}" style="width: {}%"{}>'
            '<div class="progress-bar" style="background-color: {}"></div></div>',
            s["label"],
            s["count"],
            total,
            s["width"],
            format_html(' title="{} {}"', s["label"], s["count"]) if titled else "",
            s["colour"],
        )
        for s in segments
    )


def test_cells_as_format_html_gave_them():
    cells = [
        {"count": 0, "url": "/x/?a=1&b=2"},
        {"count": 12, "url": "/appraisal/rounds/1/forms/?unit=5&state=draft"},
        {"count": 3, "url": '/x/?q="<y>"'},
    ]
    for zero in (_ZERO_CELL, _ZERO_TOTAL):
        assert _cells_html(cells, zero) == cells_reference(cells, zero)


def test_bars_as_format_html_gave_them():
    counts = [5, 0, 7, 1, 0, 0, 3, 0, 0, 2][: len(views_hr.PROGRESS_STATES)]
    segments = _segments(counts)
    for titled in (True, False):
        assert _bar_html(segments, sum(counts), titled=titled) == bar_reference(
            segments, sum(counts), titled=titled
        )
    odd = [{**segments[0], "label": gettext_lazy('ร่าง <b> & "x"'), "colour": "#fff"}]
    assert _bar_html(odd, 5) == bar_reference(odd, 5)
    assert "<b>" not in _bar_html(odd, 5)
