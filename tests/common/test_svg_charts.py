"""The SVG charts: well-formed XML, every text escaped, every value where the scale puts it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from common.svg_charts import (
    EMPTY_TEXT,
    WIDTH,
    Band,
    Bar,
    Point,
    band_shares_chart,
    totals_chart,
)

NS = "{http://www.w3.org/2000/svg}"
BANDS = [
    Band("ดีเด่น", "#198754"),
    Band("ดีมาก", "#0d6efd"),
    Band("ดี", "#0dcaf0"),
    Band("พอใช้", "#ffc107"),
    Band("ต้องปรับปรุง", "#dc3545"),
]
THRESHOLDS = [(90, "ดีเด่น"), (80, "ดีมาก"), (70, "ดี"), (60, "พอใช้")]
EVIL = '<script>alert("x")</script> & "q" \'a\''


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("viewBox").startswith(f"0 0 {WIDTH} ")
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in root.iter(f"{NS}text")]


def values_y(root):
    """The y of each dot, by the figure written above it."""
    return [float(c.get("cy")) for c in root.iter(f"{NS}circle")]


def height_of(root) -> float:
    return float(root.get("viewBox").split()[3])


# --- totals ---------------------------------------------------------------------------------


def test_totals_are_placed_on_the_0_to_100_scale():
    root = parse(
        totals_chart(
            [Point("2568-1", Decimal("100")), Point("2568-2", Decimal("0")), Point("2569-1", 50)],
            thresholds=THRESHOLDS,
        )
    )
    top, bottom, middle = values_y(root)
    assert top < middle < bottom
    assert middle == pytest.approx((top + bottom) / 2)
    # The 60 threshold lies 60% of the way up from 0 to 100.
    lines = [e for e in root.iter(f"{NS}line") if e.get("class") == "threshold"]
    assert len(lines) == 4
    y60 = float(lines[3].get("y1"))
    assert y60 == pytest.approx(bottom - 0.6 * (bottom - top), abs=0.1)
    # Every dot inside the drawing.
    for c in root.iter(f"{NS}circle"):
        assert 0 <= float(c.get("cx")) <= WIDTH and 0 <= float(c.get("cy")) <= height_of(root)


def test_totals_outside_the_scale_are_drawn_at_its_ends():
    root = parse(totals_chart([Point("a", Decimal("130")), Point("b", Decimal("-5"))]))
    top, bottom = values_y(root)
    ref = parse(totals_chart([Point("a", Decimal("100")), Point("b", Decimal("0"))]))
    assert (top, bottom) == tuple(values_y(ref))


def test_totals_show_two_decimals_the_rounds_in_order_and_break_at_a_missing_figure():
    svg = totals_chart(
        [
            Point("2567-1", Decimal("81.4"), "ดีมาก"),
            Point("2567-2", None),
            Point("2568-1", Decimal("90.005"), "ดีเด่น"),
            Point("2568-2", Decimal("75"), "ดี"),
        ]
    )
    root = parse(svg)
    all_text = texts(root)
    assert ["2567-1", "2567-2", "2568-1", "2568-2"] == [
        "".join(e.itertext()) for e in root.iter(f"{NS}text") if e.get("class") == "x-label"
    ]
    assert "81.40" in all_text and "90.01" in all_text and "75.00" in all_text
    assert len(list(root.iter(f"{NS}circle"))) == 3
    # One line, from 2568-1 to 2568-2 only (2567-1 stands alone).
    lines = list(root.iter(f"{NS}polyline"))
    assert len(lines) == 1 and len(lines[0].get("points").split()) == 2
    tips = ["".join(t.itertext()) for t in root.iter(f"{NS}title")]
    assert "2567-1: 81.40 ดีมาก" in tips


def test_totals_escape_every_text():
    svg = totals_chart([Point(EVIL, Decimal(70), EVIL)], thresholds=[(60, EVIL)], title=EVIL)
    root = parse(svg)
    assert "<script" not in svg
    assert EVIL in texts(root)
    assert root.get("aria-label") == EVIL
    assert not list(root.iter(f"{NS}script"))


def test_totals_with_no_figure_say_so():
    for points in ([], [Point("2569-1", None)]):
        root = parse(totals_chart(points, empty_text="ยังไม่ประกาศผล"))
        assert texts(root) == ["ยังไม่ประกาศผล"]
    assert EMPTY_TEXT in totals_chart([])


def test_many_rounds_slant_their_labels_and_stay_inside():
    points = [Point(f"25{60 + i // 2}-{i % 2 + 1}", Decimal(60 + i)) for i in range(20)]
    root = parse(totals_chart(points))
    labels = [e for e in root.iter(f"{NS}text") if e.get("class") == "x-label"]
    assert len(labels) == 20 and all(e.get("transform") for e in labels)
    xs = [float(c.get("cx")) for c in root.iter(f"{NS}circle")]
    assert xs == sorted(xs) and 0 < xs[0] and xs[-1] < WIDTH


# --- band shares ---------------------------------------------------------------------------------


def parts(root):
    return [e for e in root.iter(f"{NS}rect") if e.get("class") == "part"]


def test_band_shares_fill_each_bar_in_proportion():
    root = parse(
        band_shares_chart(
            [
                Bar("กองแผนงาน", [1, 2, 1, 0, 0], group="2569-1"),
                Bar("ส่วนราชการ", [2, 4, 3, 1, 0], group="2569-1"),
                Bar("กองแผนงาน", [0, 0, 0, 0, 0], group="2569-2"),
            ],
            bands=BANDS,
        )
    )
    rects = parts(root)
    first = rects[:3]
    widths = [float(r.get("width")) for r in first]
    assert widths[1] == pytest.approx(2 * widths[0], abs=0.2)
    assert widths[0] == pytest.approx(widths[2], abs=0.2)
    # The parts of a bar meet and end at the same right edge for every bar.
    assert float(first[0].get("x")) + widths[0] == pytest.approx(float(first[1].get("x")), abs=0.1)
    end = lambda r: float(r.get("x")) + float(r.get("width"))  # noqa: E731
    assert end(first[-1]) == pytest.approx(end(rects[-1]), abs=0.1)
    assert all(0 <= float(r.get("x")) and end(r) <= WIDTH for r in rects)
    all_text = texts(root)
    assert "50%" in all_text and "25%" in all_text and "40%" in all_text
    assert "ยังไม่มีผล" in all_text
    # Group names once per group, legend in band order.
    assert [t for t in all_text if t.startswith("2569")] == ["2569-1", "2569-2"]
    tips = ["".join(t.itertext()) for t in root.iter(f"{NS}title")]
    assert "2569-1 กองแผนงาน · ดีมาก 2 (50%)" in tips


def test_band_shares_escape_every_text_and_colour():
    svg = band_shares_chart(
        [Bar(EVIL, [1], group=EVIL)],
        bands=[Band(EVIL, 'red" onload="alert(1)')],
        title=EVIL,
    )
    root = parse(svg)
    assert "<script" not in svg and "onload" not in svg
    assert EVIL in texts(root)
    assert parts(root)[0].get("fill") == "#6c757d"


def test_band_shares_with_no_result_say_so():
    for bars in ([], [Bar("กอง", [0, 0, 0, 0, 0], group="2569-1")]):
        root = parse(band_shares_chart(bars, bands=BANDS))
        assert texts(root) == [EMPTY_TEXT]


def test_band_shares_refuse_counts_that_do_not_match_the_bands():
    with pytest.raises(ValueError):
        band_shares_chart([Bar("กอง", [1, 2])], bands=BANDS)
    with pytest.raises(ValueError):
        band_shares_chart([Bar("กอง", [1, -1, 0, 0, 0])], bands=BANDS)


def test_long_labels_are_shortened_with_the_full_name_kept():
    name = "กลุ่มงานยุทธศาสตร์และแผนงานด้านการพัฒนาระบบบริหาร"
    root = parse(band_shares_chart([Bar(name, [1, 0, 0, 0, 0], group="2569-1")], bands=BANDS))
    label = next(e for e in root.iter(f"{NS}text") if e.get("class") == "bar-label")
    assert "".join(label.itertext()).startswith(name)  # the <title> inside holds it whole
    assert re.search("…$", "".join(label.itertext()))
