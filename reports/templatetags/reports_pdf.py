"""Filters of the PDF templates."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from reports import sheets

register = template.Library()


@register.filter
def num(value):
    """{{ kpi.threshold_3|num }} -> '80' or '82.5': a figure without trailing zeros."""
    return sheets.number(value)


@register.filter
def minus(value, arg):
    """{{ year|minus:3 }}: a year before the fiscal year (baseline columns)."""
    return int(value) - int(arg)


@register.filter
def unbroken(value):
    """{{ person.name|unbroken }}: a name that may wrap between its parts (title and first
    name, surname) but never inside one, where Thai line breaking would cut a surname."""
    if not value:
        return ""
    return mark_safe(
        " ".join(
            f'<span class="nowrap">{conditional_escape(part)}</span>' for part in str(value).split()
        )
    )


# The people view of the OS matrix on a landscape page: what the fixed columns leave for the
# person columns (273 mm of page less number, code, KPI ≥ 60 mm, weight, target, individual KPI).
PEOPLE_WIDTH_MM = 119
PEOPLE_PER_PAGE = 8
MM_PER_CHAR = 1.8  # a bold Thai base letter at the matrix's 8.5 pt, with some room


def _name_width(label: str) -> float:
    longest = max((len(_base(part)) for part in label.split()), default=0)
    return max(12.0, longest * MM_PER_CHAR + 3)


def _base(text: str) -> str:
    return "".join(
        c
        for c in text
        if not ("\u0e31" == c or "\u0e34" <= c <= "\u0e3a" or "\u0e47" <= c <= "\u0e4e")
    )


@register.filter
def people_pages(columns):
    """The matrix's person columns split into pages, each column as wide as the longest part
    of its name (never narrower) and at most PEOPLE_PER_PAGE to a page: [{"columns", "slice",
    "widths"}]."""
    pages, current, used, start = [], [], 0.0, 0
    for i, col in enumerate(columns):
        width = _name_width(col.label)
        if current and (len(current) == PEOPLE_PER_PAGE or used + width > PEOPLE_WIDTH_MM):
            pages.append({"columns": current, "slice": f"{start}:{i}"})
            current, used, start = [], 0.0, i
        current.append((col, round(width, 1)))
        used += width
    if current or not pages:
        pages.append({"columns": current, "slice": f"{start}:{len(columns)}"})
    return pages


@register.filter
def individual_kpis(kpi, page):
    """The personal KPIs cascaded from `kpi` to the people of one page of the matrix."""
    people = {col.person.pk for col, _w in page["columns"] if col.person is not None}
    return [k for k in kpi.children.all() if k.person_id in people]
