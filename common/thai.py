"""Thai conventions in one place: B.E. dates, Thai digits, fiscal year and appraisal round.

Pure Python (no Django import) so any layer, and any office checking our figures, can use it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from pythainlp.util import arabic_digit_to_thai_digit, thai_strftime

BE_OFFSET = 543


def be_year(ce_year: int) -> int:
    """Buddhist Era year of a Common Era year."""
    return ce_year + BE_OFFSET


def ce_year(be: int) -> int:
    """Common Era year of a Buddhist Era year."""
    return be - BE_OFFSET


def thai_digits(value: object) -> str:
    """The text with every Arabic digit written as a Thai digit."""
    return arabic_digit_to_thai_digit(str(value)) if str(value) else ""


def _as_datetime(value: dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    return dt.datetime(value.year, value.month, value.day)


def format_date_long(value: dt.date, *, digits_thai: bool = False) -> str:
    """'1 ตุลาคม 2569' (or '๑ ตุลาคม ๒๕๖๙')."""
    return thai_strftime(_as_datetime(value), "%-d %B %Y", thaidigit=digits_thai)


def format_date_short(value: dt.date, *, digits_thai: bool = False) -> str:
    """'1 ต.ค. 69' (or '๑ ต.ค. ๖๙')."""
    return thai_strftime(_as_datetime(value), "%-d %b %y", thaidigit=digits_thai)


def format_datetime_short(value: dt.datetime, *, digits_thai: bool = False) -> str:
    """'1 ต.ค. 69 14:05'."""
    return thai_strftime(value, "%-d %b %y %H:%M", thaidigit=digits_thai)


class Round(NamedTuple):
    """An appraisal round: fiscal year (B.E.), number 1 or 2, first and last day."""

    fiscal_year: int
    number: int
    start: dt.date
    end: dt.date

    @property
    def code(self) -> str:
        """'2570-1', the form used on the command line and in URLs."""
        return f"{self.fiscal_year}-{self.number}"


def fiscal_year_of(value: dt.date) -> int:
    """B.E. fiscal year a date falls in: 1 Oct 2026 starts ปีงบประมาณ 2570."""
    return be_year(value.year + 1 if value.month >= 10 else value.year)


def fiscal_year_dates(fiscal_year: int) -> tuple[dt.date, dt.date]:
    """First and last day of a B.E. fiscal year (1 Oct to 30 Sep)."""
    end_ce = ce_year(fiscal_year)
    return dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 9, 30)


def round_dates(fiscal_year: int, number: int) -> Round:
    """Round 1 runs 1 Oct to 31 Mar, round 2 runs 1 Apr to 30 Sep."""
    end_ce = ce_year(fiscal_year)
    if number == 1:
        return Round(fiscal_year, 1, dt.date(end_ce - 1, 10, 1), dt.date(end_ce, 3, 31))
    if number == 2:
        return Round(fiscal_year, 2, dt.date(end_ce, 4, 1), dt.date(end_ce, 9, 30))
    raise ValueError(f"round number must be 1 or 2, not {number!r}")


def round_of(value: dt.date) -> Round:
    """The appraisal round a date falls in."""
    fy = fiscal_year_of(value)
    return round_dates(fy, 1 if value.month >= 10 or value.month <= 3 else 2)


def parse_round_code(code: str) -> tuple[int, int]:
    """'2570-1' -> (2570, 1); raises ValueError with a message otherwise."""
    try:
        year_text, number_text = code.strip().split("-")
        year, number = int(year_text), int(number_text)
    except ValueError as exc:
        raise ValueError(f"รอบการประเมินต้องอยู่ในรูป ปี-รอบ เช่น 2570-1 (ได้รับ {code!r})") from exc
    if number not in (1, 2) or not 2400 <= year <= 2700:
        raise ValueError(f"รอบการประเมินต้องอยู่ในรูป ปี-รอบ เช่น 2570-1 (ได้รับ {code!r})")
    return year, number


# --- dates typed in forms: วว/ดด/ปปปป in the Buddhist Era ---------------------------------------

MONTHS_LONG = (
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
    "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม",
)  # fmt: skip
MONTHS_SHORT = (
    "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
    "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
)  # fmt: skip
DATE_INPUT_FORMAT = "วว/ดด/ปปปป"
# The B.E. years a form accepts; a year below is read as a Common Era year typed by mistake.
BE_YEAR_MIN, BE_YEAR_MAX = 2400, 2800
_THAI_DIGIT_TABLE = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_MONTH_NUMBER = {
    **{name: i for i, name in enumerate(MONTHS_LONG, start=1)},
    **{name: i for i, name in enumerate(MONTHS_SHORT, start=1)},
    **{name.replace(".", ""): i for i, name in enumerate(MONTHS_SHORT, start=1)},
}
_NUMERIC_DATE = re.compile(r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{1,4})")
_WORDED_DATE = re.compile(r"(\d{1,2})\s*([\u0e00-\u0e7f.]+?)\s*(?:พ\.?\s*ศ\.?\s*)?(\d{1,4})")


class DateInputError(ValueError):
    """Why a typed date was refused: `code` is 'invalid', 'not_be' or 'no_such_day'."""

    def __init__(self, code: str, year: int | None = None):
        super().__init__(code)
        self.code = code
        self.year = year


def format_date_input(value: dt.date) -> str:
    """'15/01/2570': the text a B.E. date field shows and reads back."""
    return f"{value.day:02d}/{value.month:02d}/{be_year(value.year)}"


def parse_date_input(text: str) -> dt.date | None:
    """The date typed as d/m/yyyy B.E. ('15/1/2570', '๑๕/๐๑/๒๕๗๐', '15-1-2570', '15 ม.ค. 2570',
    '15 มกราคม พ.ศ. 2570'); None for a blank text. A year below 2400 ('15/1/2027') is a Common
    Era year typed by mistake: DateInputError('not_be'); 31/2/2570: DateInputError('no_such_day');
    anything else DateInputError('invalid')."""
    text = " ".join((text or "").translate(_THAI_DIGIT_TABLE).split())
    if not text:
        return None
    if match := _NUMERIC_DATE.fullmatch(text):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _WORDED_DATE.fullmatch(text)) and match.group(2) in _MONTH_NUMBER:
        day, month, year = int(match.group(1)), _MONTH_NUMBER[match.group(2)], int(match.group(3))
    else:
        raise DateInputError("invalid")
    if not BE_YEAR_MIN <= year <= BE_YEAR_MAX:
        raise DateInputError("not_be" if year < BE_YEAR_MIN else "invalid", year)
    try:
        return dt.date(ce_year(year), month, day)
    except ValueError:
        raise DateInputError("no_such_day", year) from None
