"""What the user typed or the browser sent, read in one place (ids, search text, required text).

Every id in a query string or a POST is a plain ASCII integer of at most 18 digits, or it is
nothing (``"²"``, ``"①"``, ``"๑๒"``, ``"1_000"`` and 5,000 digits are all nothing). Every text
is checked after the invisible characters are removed, so that ``"\\u200b"`` is a blank reason
and ``"\\u200b=1+1"`` starts with ``=``. NUL never reaches the database (PostgreSQL refuses it);
the middleware below answers such a request with the usual Thai 400 page.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

from common.errors import DomainError

# Zero-width characters, the soft hyphen, the word joiner, the byte-order mark and the
# bidirectional controls: common in Thai text pasted from the web or a PDF, invisible on a page.
INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_ID = re.compile(r"[0-9]{1,18}")
# What a spreadsheet reads as the start of a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def parse_id(value) -> int | None:
    """A database id from a query string or a form: a plain ASCII integer, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if not isinstance(value, str) or not _ID.fullmatch(value.strip()):
        return None
    return int(value.strip())


def parse_ids(values) -> set[int]:
    """Every plain integer id among the values; the rest are left out."""
    return {n for n in (parse_id(v) for v in values) if n is not None}


def visible(text: str) -> str:
    """The text in NFC with the invisible characters removed (not yet stripped)."""
    return INVISIBLE.sub("", unicodedata.normalize("NFC", text or ""))


def has_nul(text) -> bool:
    return isinstance(text, str) and "\x00" in text


def is_blank(text) -> bool:
    """Nothing but spaces and invisible characters (a required text that was not given)."""
    return not visible(text if isinstance(text, str) else "").strip()


def refuse_nul(*texts, field: str) -> None:
    """PostgreSQL cannot store NUL: refuse it with the usual Thai message on the field."""
    if any(has_nul(t) for t in texts):
        raise DomainError(_("ข้อความมีอักขระที่ไม่อนุญาต"), field=field)


def required_text(text: str, what: str, *, field: str = "comment", limit: int = 4000) -> str:
    """A text the user must give (a reason, a comment): stripped, with nothing but invisible
    characters counted as blank; DomainError naming the field if blank, too long or with NUL."""
    refuse_nul(text, field=field)
    text = (text or "").strip()
    if is_blank(text):
        raise DomainError(_("กรุณาระบุ%(w)s") % {"w": what}, field=field)
    if len(text) > limit:
        raise DomainError(_("ข้อความยาวเกิน %(n)s ตัวอักษร") % {"n": f"{limit:,}"}, field=field)
    return text


def search_text(value, *, limit: int = 100) -> str:
    """A search box's text: NUL and invisible characters removed, spaces folded, cut to limit."""
    if not isinstance(value, str):
        return ""
    return " ".join(visible(value.replace("\x00", "")).split())[:limit]


def starts_like_formula(text) -> bool:
    """Whether a spreadsheet would read the text as a formula, looked at once the invisible
    characters are gone (``"\\u200b=HYPERLINK(…)"`` is a formula to the import check too)."""
    return isinstance(text, str) and visible(text).lstrip(" ").startswith(FORMULA_STARTS)
