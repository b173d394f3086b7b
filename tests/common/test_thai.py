import datetime as dt

import pytest
from django.template import Context, Template

from common import thai


@pytest.mark.parametrize(
    ("day", "fiscal_year", "round_no"),
    [
        (dt.date(2026, 9, 30), 2569, 2),
        (dt.date(2026, 10, 1), 2570, 1),
        (dt.date(2027, 3, 31), 2570, 1),
        (dt.date(2027, 4, 1), 2570, 2),
        (dt.date(2024, 2, 29), 2567, 1),
        (dt.date(2024, 12, 31), 2568, 1),
        (dt.date(2025, 1, 1), 2568, 1),
    ],
)
def test_fiscal_year_and_round_at_the_edges(day, fiscal_year, round_no):
    assert thai.fiscal_year_of(day) == fiscal_year
    r = thai.round_of(day)
    assert (r.fiscal_year, r.number) == (fiscal_year, round_no)
    assert r.start <= day <= r.end


def test_round_dates_follow_the_circular():
    r1, r2 = thai.round_dates(2570, 1), thai.round_dates(2570, 2)
    assert (r1.start, r1.end) == (dt.date(2026, 10, 1), dt.date(2027, 3, 31))
    assert (r2.start, r2.end) == (dt.date(2027, 4, 1), dt.date(2027, 9, 30))
    assert r1.code == "2570-1"
    assert thai.fiscal_year_dates(2570) == (dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_round_number_other_than_one_or_two_is_refused():
    with pytest.raises(ValueError):
        thai.round_dates(2570, 3)


def test_long_and_short_buddhist_era_dates():
    d = dt.date(2026, 10, 1)
    assert thai.format_date_long(d) == "1 ตุลาคม 2569"
    assert thai.format_date_short(d) == "1 ต.ค. 69"
    assert thai.format_date_long(d, digits_thai=True) == "๑ ตุลาคม ๒๕๖๙"
    assert thai.format_date_long(dt.date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"


def test_thai_digits_replace_every_arabic_digit():
    assert thai.thai_digits("2570 รอบที่ 1 คะแนน 81.40") == "๒๕๗๐ รอบที่ ๑ คะแนน ๘๑.๔๐"


@pytest.mark.parametrize("code", ["2570", "2570-3", "abc-1", "1999-1", ""])
def test_bad_round_codes_are_refused_with_a_thai_message(code):
    with pytest.raises(ValueError, match="รอบการประเมิน"):
        thai.parse_round_code(code)


def test_round_code_is_parsed():
    assert thai.parse_round_code(" 2570-1 ") == (2570, 1)


def test_template_filters_use_bangkok_time_for_aware_datetimes():
    # 20:00 UTC on 30 Sep is already 1 Oct in Bangkok.
    moment = dt.datetime(2026, 9, 30, 20, 0, tzinfo=dt.UTC)
    out = Template("{{ m|be_date }}|{{ m|be_datetime }}|{{ n|digits:True }}|{{ n|digits }}").render(
        Context({"m": moment, "n": 2570})
    )
    assert out == "1 ตุลาคม 2569|1 ต.ค. 69 03:00|๒๕๗๐|2570"


def test_thai_words_keeps_compound_words_whole_and_breaks_between_them_only():
    from common.templatetags.thai import thai_words

    assert str(thai_words("จัดทำข้อตกลง")) == (
        '<span class="text-nowrap">จัดทำ</span><wbr><span class="text-nowrap">ข้อตกลง</span>'
    )
    assert '<span class="text-nowrap">คาดหวัง</span>' in str(thai_words("ระดับที่คาดหวัง"))
    assert str(thai_words("น้ำหนัก")) == '<span class="text-nowrap">น้ำหนัก</span>'
    # Words apart stay apart; markup is escaped.
    assert str(thai_words("ระดับ 1")).count("text-nowrap") == 2
    assert "&lt;b&gt;" in str(thai_words("<b>"))
    assert str(thai_words("")) == ""


def test_nowrap_words_and_thai_words_escape_and_repeat_alike():
    from django.utils.safestring import SafeString, mark_safe
    from django.utils.translation import gettext_lazy

    from common.templatetags.thai import nowrap_words, thai_words

    assert nowrap_words('นาง <สุ> "กัญญา"') == (
        '<span class="text-nowrap">นาง</span> <span class="text-nowrap">&lt;สุ&gt;</span> '
        '<span class="text-nowrap">&quot;กัญญา&quot;</span>'
    )
    assert isinstance(nowrap_words("ก"), SafeString) and nowrap_words(None) == ""
    # Kept texts come back the same, safe, whatever the type of the text given.
    first = thai_words("ผู้ประเมิน & ตัวชี้วัด")
    assert isinstance(first, SafeString) and "&amp;" in first
    assert thai_words("ผู้ประเมิน & ตัวชี้วัด") == first
    assert thai_words(mark_safe("ผู้ประเมิน & ตัวชี้วัด")) == first
    assert thai_words(gettext_lazy("น้ำหนัก")) == thai_words("น้ำหนัก")
