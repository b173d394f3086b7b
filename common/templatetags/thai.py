"""Template filters for Thai dates and digits: the one way templates show them."""

import datetime as dt
import functools
import re

from django import template
from django.utils import timezone
from django.utils.safestring import mark_safe

from common import thai
from common.form_renderer import esc

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


# Thai words made of shorter ones, which the browser's Thai line breaking (a dictionary of
# simple words) splits in a narrow column ("จัดทำข้อ/ตกลง", "คาด/หวัง", "น้ำ/หนัก"): headers
# keep each of them on one line and break only between them (thai_words). Longest first, so
# "ผู้บังคับบัญชา" wins over "บังคับบัญชา".
THAI_COMPOUNDS = sorted(
    {
        "ข้อตกลง", "คาดหวัง", "น้ำหนัก", "ผู้บังคับบัญชา", "รับทราบ", "ตนเอง", "แสดงออก",
        "ก้าวหน้า", "ความก้าวหน้า", "ตัวชี้วัด", "หน่วยงาน", "ผู้ประเมิน", "ผู้รับการประเมิน",
        "ผลสัมฤทธิ์", "พฤติกรรม", "สมรรถนะ", "จัดทำ", "อนุมัติ", "ประเมิน", "ประกาศผล",
        "ทบทวน", "ยังไม่เริ่ม", "แผนงาน", "บุคลากร", "ทรัพยากร", "บุคคล", "ยุทธศาสตร์",
        "เงินเดือน", "ค่าเป้าหมาย", "ผลการดำเนินงาน", "ความเห็น", "เลื่อนเงินเดือน",
        "ชื่อ-สกุล", "คะแนนรวม", "ระดับผล", "ทำข้อตกลง", "สิ่งที่ต้องทำ", "ตำแหน่ง",
        "ผู้จัดเก็บข้อมูล", "ผู้กำกับดูแล", "ผู้ประเมินตนเอง",
    },
    key=len,
    reverse=True,
)  # fmt: skip
_COMPOUND_RE = re.compile("|".join(re.escape(w) for w in THAI_COMPOUNDS))


def _chunks(word: str) -> list[str]:
    """The word cut around each compound it holds; a one-letter rest joins the chunk before."""
    chunks: list[str] = []
    at = 0
    for m in _COMPOUND_RE.finditer(word):
        chunks += [c for c in (word[at : m.start()], m.group()) if c]
        at = m.end()
    if word[at:]:
        chunks.append(word[at:])
    merged: list[str] = []
    for c in chunks:
        if merged and len(c) <= 1:
            merged[-1] += c
        else:
            merged.append(c)
    return merged


@functools.lru_cache(maxsize=2048)
def _thai_words_html(text: str) -> str:
    return " ".join(
        "<wbr>".join(f'<span class="text-nowrap">{esc(c)}</span>' for c in _chunks(w))
        for w in text.split()
    )


@register.filter(is_safe=True)
def thai_words(value):
    """{{ label|thai_words }}: a table header or a short label with each Thai compound word
    (THAI_COMPOUNDS), each run between them and each space-separated word in a no-break span,
    so a narrow column breaks it between those only ("จัดทำ|ข้อตกลง", never "จัดทำข้อ|ตกลง").
    Kept for the last few thousand texts: the same headers come on every page."""
    return mark_safe(_thai_words_html(str(value or "")))  # noqa: S308 - every piece escaped


@register.filter(is_safe=True)
def nowrap_words(value):
    """{{ person.full_name|nowrap_words }}: each word of a name (or a short heading) in a
    no-break span, so the line breaks only between words. Browsers break Thai inside a name
    ("นางสุ/กัญญา") when a column is narrow; `word-break: keep-all` does not stop it for Thai."""
    words = str(value or "").split()
    return mark_safe(  # noqa: S308 - every word escaped
        " ".join(f'<span class="text-nowrap">{esc(w)}</span>' for w in words)
    )
