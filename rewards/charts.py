"""Server-side SVG charts of the use of a round's results, with no Django import: the same
markup goes into a page and into a PDF (reports renders it), so it uses plain attributes only
(no CSS classes, no script) and escapes every text it prints."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from rewards.analytics import MAX_SCORE

__all__ = ["BIN", "BINS", "alignment_histogram"]

# Colours of the chart (Bootstrap's, as the pages use them).
TEAM_COLOUR = "#dc3545"
PERSON_COLOUR = "#0d6efd"
SPREAD_COLOUR = "#9ec5fe"
AXIS_COLOUR = "#6c757d"

_WIDTH = 360
_LEFT, _RIGHT = 16, 344  # the 0–5 axis
# The histogram's bins: 0–0.5, 0.5–1, …, 4.5–5 (a bin holds its lower end, the last one both).
BIN = Decimal("0.5")
BINS = int(MAX_SCORE / BIN)
_BAR_TOP = 14  # the tallest bar's top
_BAR_HEIGHT = 48


def _x(score: Decimal) -> str:
    x = Decimal(_LEFT) + (Decimal(_RIGHT - _LEFT) * score / MAX_SCORE)
    return str(x.quantize(Decimal("0.1"), ROUND_HALF_UP))


def _number(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01"), ROUND_HALF_UP))


def alignment_histogram(
    *,
    team_score: Decimal | None,
    bins: Sequence[int],
    mean: Decimal | None = None,
    sd: Decimal | None = None,
    label: str = "",
) -> str:
    """One unit on the 0–5 scale: a bar per bin of 0.5 (the number of people whose score falls
    in it, `bins[i]` for i × 0.5 up to below (i + 1) × 0.5, 5 in the last), so that its size
    does not grow with the unit; the band of mean ± population standard deviation behind them
    with a tick at the mean, and the team score as a red line with a diamond. `label` names
    the chart for screen readers. The mean, spread and team score must be 0–5 (analytics
    checked them); a missing team score draws no line."""
    if len(bins) != BINS:
        raise ValueError(f"bins must be {BINS} counts, got {len(bins)}")
    tallest = max(max(bins), 1)
    axis_y = _BAR_TOP + _BAR_HEIGHT + 4
    height = axis_y + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" style="max-width: 100%; height: auto" '
        f'role="img" aria-label="{escape(label)}" '
        'font-family="sans-serif" font-size="10">',
        f"<title>{escape(label)}</title>",
    ]
    if mean is not None and sd is not None:
        low = max(Decimal(0), mean - sd)
        high = min(MAX_SCORE, mean + sd)
        width = Decimal(_x(high)) - Decimal(_x(low))
        parts.append(
            f'<rect x="{_x(low)}" y="{_BAR_TOP - 6}" width="{max(width, Decimal(1))}" '
            f'height="{axis_y - _BAR_TOP + 6}" fill="{SPREAD_COLOUR}" fill-opacity="0.45">'
            f"<title>ค่าเฉลี่ย ± ส่วนเบี่ยงเบนมาตรฐาน: {_number(low)}–{_number(high)}</title></rect>"
        )
    for i, count in enumerate(bins):
        if not count:
            continue
        start = BIN * i
        left, right = Decimal(_x(start)), Decimal(_x(start + BIN))
        bar = max(Decimal(2), Decimal(_BAR_HEIGHT) * count / tallest).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        upper = "5.00" if i == BINS - 1 else f"ต่ำกว่า {_number(start + BIN)}"
        parts.append(
            f'<rect x="{left + 1}" y="{Decimal(axis_y) - bar}" width="{right - left - 2}" '
            f'height="{bar}" fill="{PERSON_COLOUR}" fill-opacity="0.8">'
            f"<title>คะแนนรายบุคคล {_number(start)} ถึง{upper}: {count} คน</title></rect>"
            f'<text x="{(left + right) / 2}" y="{Decimal(axis_y) - bar - 2}" '
            f'text-anchor="middle" fill="{AXIS_COLOUR}" font-size="9">{count}</text>'
        )
    if mean is not None and sd is not None:
        parts.append(
            f'<line x1="{_x(mean)}" y1="{_BAR_TOP - 6}" x2="{_x(mean)}" y2="{axis_y}" '
            f'stroke="{PERSON_COLOUR}" stroke-width="1.5" stroke-dasharray="3 2">'
            f"<title>ค่าเฉลี่ยรายบุคคล {_number(mean)}</title></line>"
        )
    parts.append(
        f'<line x1="{_LEFT}" y1="{axis_y}" x2="{_RIGHT}" y2="{axis_y}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    for level in range(int(MAX_SCORE) + 1):
        x = _x(Decimal(level))
        parts.append(
            f'<line x1="{x}" y1="{axis_y}" x2="{x}" y2="{axis_y + 4}" stroke="{AXIS_COLOUR}"/>'
            f'<text x="{x}" y="{axis_y + 14}" text-anchor="middle" fill="{AXIS_COLOUR}">'
            f"{level}</text>"
        )
    if team_score is not None:
        x = Decimal(_x(team_score))
        top = _BAR_TOP - 10
        parts.append(
            f'<line x1="{x}" y1="{top}" x2="{x}" y2="{axis_y}" stroke="{TEAM_COLOUR}" '
            f'stroke-width="2"><title>คะแนนของหน่วยงาน {_number(team_score)}</title></line>'
            f'<path d="M {x} {top - 1} l 5 5 l -5 5 l -5 -5 z" fill="{TEAM_COLOUR}"/>'
        )
    parts.append("</svg>")
    return "".join(parts)
