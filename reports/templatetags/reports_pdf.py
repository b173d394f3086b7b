"""Filters of the PDF templates."""

from django import template

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
