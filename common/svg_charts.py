"""Charts as SVG text, drawn on the server: the same drawing in the page and in the PDF.

Pure Python (no Django import). Every piece of text given is escaped here, so the result may
be placed in a page as it is (no script, no event handler, no external reference). The drawing
has a fixed width and a viewBox, so it scales with the page or the printed column; Thai labels
use Sarabun, the font of the site and of the PDF renderer.

- `totals_chart`: a person's totals (0–100) across rounds as dots joined by a line, with the
  band thresholds as dashed lines;
- `band_shares_chart`: the share of each band in each round as stacked horizontal bars
  (100% wide), bars grouped by round, with a legend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape

WIDTH = 640
FONT = "Sarabun, sans-serif"
EMPTY_TEXT = "ยังไม่มีผลการประเมินที่แสดงได้"
NO_RESULT_TEXT = "ยังไม่มีผล"
_HUNDRED = Decimal(100)
_TENTH = Decimal("0.1")


@dataclass(frozen=True)
class Point:
    """One round of a person: its label (the round code) and the total, or None when there is
    no figure to show for it (not scored, or not the viewer's to see)."""

    label: str
    value: Decimal | None = None
    note: str = ""  # the band, shown under the value and in the tooltip


@dataclass(frozen=True)
class Band:
    """One series of the stacked bars: a band's name and its colour (#rrggbb)."""

    label: str
    colour: str


@dataclass(frozen=True)
class Bar:
    """One bar: counts per band (in the order of the bands given), its label, and the group
    it is drawn in (the round code; bars of one group follow each other under its name)."""

    label: str
    counts: Sequence[int]
    group: str = ""


# --- small helpers ------------------------------------------------------------------------------


def _t(text: object) -> str:
    """Text for an element or an attribute, escaped (quotes included)."""
    return escape(str(text), quote=True)


def _n(value: Decimal | int) -> str:
    """A coordinate to one decimal: stable text whatever the arithmetic before it."""
    return str(Decimal(value).quantize(_TENTH, ROUND_HALF_UP))


def _colour(value: str) -> str:
    """A #rgb or #rrggbb colour, else grey: a colour is an attribute, never free text."""
    v = str(value).strip()
    if v.startswith("#") and len(v) in (4, 7) and all(c in "0123456789abcdefABCDEF" for c in v[1:]):
        return v
    return "#6c757d"


def _ink_on(colour: str) -> str:
    """Black or white text, whichever reads better on the colour."""
    c = _colour(colour)[1:]
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return "#000" if (299 * r + 587 * g + 114 * b) / 1000 >= 150 else "#fff"


def _short(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-label="{_t(title)}" font-family="{FONT}" '
        f'font-size="12" class="svg-chart">',
        f"<title>{_t(title)}</title>",
    ]


def _empty(title: str, text: str) -> str:
    height = 80
    return "".join(
        [
            *_open(height, title),
            f'<rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" fill="#f8f9fa" '
            f'stroke="#dee2e6"/>',
            f'<text x="{WIDTH // 2}" y="{height // 2 + 5}" text-anchor="middle" '
            f'fill="#6c757d" font-size="14" class="empty">{_t(text)}</text>',
            "</svg>",
        ]
    )


def _scores(value: object) -> Decimal:
    """A total placed on the 0–100 scale (anything outside is drawn at its end)."""
    v = Decimal(str(value))
    return min(max(v, Decimal(0)), _HUNDRED)


# --- a person's totals across rounds -----------------------------------------------------------

_TOP, _BOTTOM, _LEFT, _RIGHT = 16, 44, 40, 76
_PLOT_H = 200
_TOTALS_H = _TOP + _PLOT_H + _BOTTOM


def _y(value: Decimal) -> Decimal:
    return Decimal(_TOP) + (_HUNDRED - value) * _PLOT_H / _HUNDRED


def totals_chart(
    points: Sequence[Point],
    *,
    thresholds: Sequence[tuple[object, str]] = (),
    title: str = "คะแนนรวมในแต่ละรอบการประเมิน",
    empty_text: str = EMPTY_TEXT,
) -> str:
    """The totals of `points` (oldest first) on a 0–100 scale, one column per round; a round
    without a figure keeps its column and label and breaks the line. `thresholds` are
    (lower bound, band name) pairs drawn as dashed lines with the name at the right end."""
    if not any(p.value is not None for p in points):
        return _empty(title, empty_text)
    plot_w = WIDTH - _LEFT - _RIGHT
    right = WIDTH - _RIGHT
    out = _open(_TOTALS_H, title)
    # The scale: a grid line and its figure every 20 points.
    for tick in range(0, 101, 20):
        y = _n(_y(Decimal(tick)))
        out.append(
            f'<line x1="{_LEFT}" y1="{y}" x2="{right}" y2="{y}" stroke="#e9ecef" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_LEFT - 6}" y="{y}" dy="4" text-anchor="end" fill="#6c757d" '
            f'font-size="11">{tick}</text>'
        )
    for bound, name in thresholds:
        y = _n(_y(_scores(bound)))
        out.append(
            f'<line x1="{_LEFT}" y1="{y}" x2="{right}" y2="{y}" stroke="#adb5bd" '
            f'stroke-width="1" stroke-dasharray="4 3" class="threshold"/>'
        )
        out.append(
            f'<text x="{right + 4}" y="{y}" dy="-2" fill="#495057" font-size="11" '
            f'class="threshold-label">{_t(name)}</text>'
        )
    out.append(
        f'<line x1="{_LEFT}" y1="{_n(_y(Decimal(0)))}" x2="{right}" y2="{_n(_y(Decimal(0)))}" '
        f'stroke="#495057" stroke-width="1"/>'
    )
    n = len(points)
    slot = Decimal(plot_w) / n
    xs = [Decimal(_LEFT) + slot * i + slot / 2 for i in range(n)]
    slanted = n > 10
    base = _TOP + _PLOT_H
    # The line, broken where a round has no figure.
    run: list[str] = []
    runs: list[list[str]] = []
    for x, p in zip(xs, points, strict=True):
        if p.value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f"{_n(x)},{_n(_y(_scores(p.value)))}")
    if run:
        runs.append(run)
    for r in runs:
        if len(r) > 1:
            out.append(
                f'<polyline points="{" ".join(r)}" fill="none" stroke="#0d6efd" stroke-width="2"/>'
            )
    for x, p in zip(xs, points, strict=True):
        label = _t(p.label)
        if slanted:
            out.append(
                f'<text x="{_n(x)}" y="{base + 14}" text-anchor="end" font-size="11" '
                f'transform="rotate(-40 {_n(x)} {base + 14})" class="x-label">{label}</text>'
            )
        else:
            out.append(
                f'<text x="{_n(x)}" y="{base + 18}" text-anchor="middle" font-size="11" '
                f'class="x-label">{label}</text>'
            )
        if p.value is None:
            continue
        value = _scores(p.value)
        shown = f"{Decimal(str(p.value)).quantize(Decimal('0.01'), ROUND_HALF_UP)}"
        y = _y(value)
        tip = f"{p.label}: {shown}" + (f" {p.note}" if p.note else "")
        out.append(
            f'<circle cx="{_n(x)}" cy="{_n(y)}" r="4.5" fill="#0d6efd" stroke="#fff" '
            f'stroke-width="1.5" class="point"><title>{_t(tip)}</title></circle>'
        )
        # The figure above the dot, or below it near the top of the scale.
        above = value < 92
        ty = y - 9 if above else y + 17
        out.append(
            f'<text x="{_n(x)}" y="{_n(ty)}" text-anchor="middle" font-size="11" '
            f'font-weight="bold" fill="#212529" class="value">{_t(shown)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


# --- band shares per round ------------------------------------------------------------------------

_ROW_H = 22
_BAR_H = 16
_GROUP_GAP = 8
_LEGEND_H = 26
_GROUP_X, _LABEL_X, _BAR_X, _BAR_RIGHT = 4, 64, 216, WIDTH - 8


def band_shares_chart(
    bars: Sequence[Bar],
    *,
    bands: Sequence[Band],
    title: str = "สัดส่วนผลการประเมินแต่ละระดับในแต่ละรอบ",
    empty_text: str = EMPTY_TEXT,
    none_text: str = NO_RESULT_TEXT,
) -> str:
    """Each bar split into its bands' shares (100% wide), with the percent written in every
    part wide enough for it; a bar with no result says `none_text`. Bars of the same group
    (consecutive) are drawn under the group's name, with a little space between groups."""
    for b in bars:
        if len(b.counts) != len(bands):
            raise ValueError(f"bar {b.label!r}: {len(b.counts)} counts for {len(bands)} bands")
        if any(c < 0 for c in b.counts):
            raise ValueError(f"bar {b.label!r}: a count below zero")
    if not any(sum(b.counts) for b in bars):
        return _empty(title, empty_text)
    groups = sum(1 for i, b in enumerate(bars) if i == 0 or b.group != bars[i - 1].group)
    height = _LEGEND_H + len(bars) * _ROW_H + (groups - 1) * _GROUP_GAP + 8
    out = _open(height, title)
    # Legend: a swatch and the band's name, left to right.
    x = _BAR_X
    for band in bands:
        out.append(
            f'<rect x="{x}" y="6" width="12" height="12" fill="{_colour(band.colour)}" '
            f'class="legend"/>'
        )
        out.append(f'<text x="{x + 16}" y="16" font-size="11">{_t(band.label)}</text>')
        x += 24 + 8 * len(str(band.label))
    width = Decimal(_BAR_RIGHT - _BAR_X)
    y = _LEGEND_H
    for i, bar in enumerate(bars):
        new_group = i == 0 or bar.group != bars[i - 1].group
        if new_group and i:
            y += _GROUP_GAP
        mid = y + _ROW_H // 2 + 4
        if new_group and bar.group:
            out.append(
                f'<text x="{_GROUP_X}" y="{mid}" font-weight="bold" class="group">'
                f"{_t(_short(bar.group, 10))}</text>"
            )
        out.append(
            f'<text x="{_LABEL_X}" y="{mid}" class="bar-label"><title>{_t(bar.label)}</title>'
            f"{_t(_short(bar.label, 24))}</text>"
        )
        top = y + (_ROW_H - _BAR_H) // 2
        total = sum(bar.counts)
        if not total:
            out.append(
                f'<rect x="{_BAR_X}" y="{top}" width="{width}" height="{_BAR_H}" fill="#f8f9fa" '
                f'stroke="#dee2e6"/>'
            )
            out.append(
                f'<text x="{_BAR_X + 6}" y="{mid}" fill="#6c757d" font-size="11">'
                f"{_t(none_text)}</text>"
            )
        else:
            # Edges from the running sum: the parts meet exactly and end at 100%.
            done = 0
            for band, count in zip(bands, bar.counts, strict=True):
                left = Decimal(_BAR_X) + width * done / total
                done += count
                if not count:
                    continue
                right = Decimal(_BAR_X) + width * done / total
                share = (Decimal(count) * _HUNDRED / total).quantize(Decimal(1), ROUND_HALF_UP)
                colour = _colour(band.colour)
                tip = f"{bar.group} {bar.label} · {band.label} {count} ({share}%)".strip()
                out.append(
                    f'<rect x="{_n(left)}" y="{top}" width="{_n(right - left)}" '
                    f'height="{_BAR_H}" fill="{colour}" class="part"><title>{_t(tip)}</title>'
                    f"</rect>"
                )
                if right - left >= 30:
                    out.append(
                        f'<text x="{_n((left + right) / 2)}" y="{mid - 1}" text-anchor="middle" '
                        f'font-size="10" fill="{_ink_on(colour)}">{share}%</text>'
                    )
        y += _ROW_H
    out.append("</svg>")
    return "".join(out)
