"""Template filters for Thai dates and digits: the one way templates show them."""

import datetime as dt

from django import template
from django.utils import timezone

from common import thai

register = template.Library()


def _local(value):
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


@register.filter
def be_date(value, digits_thai=False):
    """{{ d|be_date }} -> '1 ตุลาคม 2569'; {{ d|be_date:True }} with Thai digits."""
    if not value:
        return ""
    return thai.format_date_long(_local(value), digits_thai=bool(digits_thai))


@register.filter
def be_date_short(value, digits_thai=False):
    """{{ d|be_date_short }} -> '1 ต.ค. 69'."""
    if not value:
        return ""
    return thai.format_date_short(_local(value), digits_thai=bool(digits_thai))


@register.filter
def be_datetime(value, digits_thai=False):
    """{{ dt|be_datetime }} -> '1 ต.ค. 69 14:05' in Asia/Bangkok."""
    if not value:
        return ""
    return thai.format_datetime_short(_local(value), digits_thai=bool(digits_thai))


@register.filter
def digits(value, digits_thai=False):
    """{{ n|digits:use_thai_digits }}: Thai digits when the organisation asks for them."""
    if value is None:
        return ""
    return thai.thai_digits(value) if digits_thai else str(value)


@register.filter(is_safe=True)
def nowrap_words(value):
    """{{ person.full_name|nowrap_words }}: each word of a name (or a short heading) in a
    no-break span, so the line breaks only between words. Browsers break Thai inside a name
    ("นางสุ/กัญญา") when a column is narrow; `word-break: keep-all` does not stop it for Thai."""
    from django.utils.html import conditional_escape, format_html_join

    words = str(value or "").split()
    return format_html_join(
        " ", '<span class="text-nowrap">{}</span>', ((conditional_escape(w),) for w in words)
    )
