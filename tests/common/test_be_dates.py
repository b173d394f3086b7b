"""Dates typed in the Buddhist Era (issue 14, item 4): common/thai.py parse/format and the one
form field every date input uses (common/forms.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st

from common import thai
from common.forms import BeDateField

# Every day a form can be given: the B.E. years 2400-2800.
DAYS = st.dates(min_value=dt.date(1857, 1, 1), max_value=dt.date(2257, 12, 31))
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@given(DAYS)
def test_a_date_shown_reads_back_as_the_same_date(day):
    text = thai.format_date_input(day)
    assert text == f"{day.day:02d}/{day.month:02d}/{day.year + 543}"
    assert thai.parse_date_input(text) == day


@given(DAYS, st.sampled_from(["/", "-", ".", " / "]), st.booleans(), st.booleans())
def test_any_way_an_office_types_it_reads_the_same(day, sep, thai_digits, padded):
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
    text = sep.join([d, m, str(day.year + 543)])
    if thai_digits:
        text = text.translate(THAI)
    assert thai.parse_date_input(text) == day


@given(DAYS, st.booleans(), st.booleans())
def test_thai_month_names_read_the_same(day, short, with_era):
    names = thai.MONTHS_SHORT if short else thai.MONTHS_LONG
    era = "พ.ศ. " if with_era else ""
    text = f"{day.day} {names[day.month - 1]} {era}{day.year + 543}"
    assert thai.parse_date_input(text) == day
    # ...and as the pages show a date (format_date_long) too.
    assert thai.parse_date_input(thai.format_date_long(day)) == day


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2399, 12, 31)))
def test_a_common_era_year_is_refused_not_read_543_years_early(day):
    with pytest.raises(thai.DateInputError) as refused:
        thai.parse_date_input(f"{day.day}/{day.month}/{day.year}")
    assert refused.value.code == "not_be" and refused.value.year == day.year


@given(st.text(max_size=30))
def test_any_text_is_a_date_none_or_a_refusal(text):
    try:
        result = thai.parse_date_input(text)
    except thai.DateInputError as exc:
        assert exc.code in {"invalid", "not_be", "no_such_day"}
    else:
        assert result is None or isinstance(result, dt.date)


@pytest.mark.parametrize(
    ("text", "code"),
    [("31/2/2570", "no_such_day"), ("29/2/2569", "no_such_day"), ("15/13/2570", "no_such_day"),
     ("15/1/70", "not_be"), ("15/1/9999", "invalid"), ("2570-01-15", "invalid"),
     ("15 มกรา 2570", "invalid"), ("พรุ่งนี้", "invalid")],
)  # fmt: skip
def test_what_is_not_a_b_e_date_is_refused(text, code):
    with pytest.raises(thai.DateInputError) as refused:
        thai.parse_date_input(text)
    assert refused.value.code == code


def test_blank_is_no_date():
    assert thai.parse_date_input("  ") is None


class DeadlineForm(forms.Form):
    deadline = BeDateField(label="กำหนดส่งข้อตกลง")


def test_the_field_names_itself_in_thai_when_the_year_is_gregorian():
    form = DeadlineForm({"deadline": "15/01/2027"})
    assert not form.is_valid()
    [message] = form.errors["deadline"]
    assert message.startswith("กำหนดส่งข้อตกลง: ปี 2027 เป็นปีคริสต์ศักราช")
    assert "2570" in message  # the B.E. year meant, as an example
    assert "15/01/2027" in form.as_p()  # what was typed stays in the field


def test_the_field_names_itself_for_a_wrong_or_missing_date():
    assert DeadlineForm({"deadline": "abc"}).errors["deadline"] == [
        "กำหนดส่งข้อตกลง: กรุณากรอกวันที่ให้ถูกต้อง ในรูป วว/ดด/ปปปป (พ.ศ.) เช่น 15/01/2570"
    ]
    assert DeadlineForm({"deadline": "31/4/2570"}).errors["deadline"] == [
        "กำหนดส่งข้อตกลง: ไม่มีวันที่นี้ในปฏิทิน"
    ]
    assert DeadlineForm({"deadline": ""}).errors["deadline"] == ["กรุณาระบุกำหนดส่งข้อตกลง"]


def test_the_field_shows_initial_values_in_b_e_as_a_text_input_with_the_format():
    form = DeadlineForm(initial={"deadline": dt.date(2027, 1, 15)})
    html = str(form["deadline"])
    assert 'type="text"' in html and 'value="15/01/2570"' in html
    assert 'placeholder="วว/ดด/ปปปป เช่น 15/01/2570"' in html and "data-be-date" in html
    assert 'type="date"' not in html
    assert DeadlineForm({"deadline": "๑๕ ม.ค. ๒๕๗๐"}).is_valid()
    ok = DeadlineForm({"deadline": "15/1/2570"})
    assert ok.is_valid() and ok.cleaned_data["deadline"] == dt.date(2027, 1, 15)


def test_no_form_of_the_project_uses_the_browsers_gregorian_date_input():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for app in ("common", "orgchart", "kpi", "appraisal", "rewards", "reports", "templates"):
        for path in (root / app).rglob("*"):
            if path.suffix not in {".py", ".html"} or "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for bad in ("forms.DateField(", "forms.DateInput(", '"type": "date"', 'type="date"'):
                if bad in text:
                    found.append((str(path.relative_to(root)), bad))
    assert found == []
