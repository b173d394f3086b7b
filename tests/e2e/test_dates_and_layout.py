"""In the browser (issue 14, items 1, 4 and 9): the Thai calendar beside a B.E. date field,
the scoring page's summary above its confirm button on a phone, and the rounds list within
1366 px."""

from __future__ import annotations

import datetime as dt

import pytest

from appraisal.services.round_phases import round_advance
from common import thai
from tests.appraisal.conftest import agree, form_of, open_round
from tests.e2e.test_journeys import fresh, url

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def test_the_round_deadline_is_chosen_in_a_thai_calendar_with_the_keyboard(org, login_as):
    rnd = open_round(org)
    hr = login_as("hr")
    hr.goto(url("appraisal:round_settings", rnd.pk))
    field = hr.locator("input[name=agreement_deadline]")
    assert field.get_attribute("type") == "text"
    assert field.get_attribute("placeholder").startswith("วว/ดด/ปปปป")
    field.fill("")
    button = hr.locator(".be-date-group:has(input[name=agreement_deadline]) button")
    button.click()
    panel = hr.locator(".be-cal")
    assert panel.is_visible()
    today = dt.date.today()
    months = panel.locator("select[data-part=month] option").all_inner_texts()
    assert months[0] == "มกราคม" and months[11] == "ธันวาคม"
    assert str(today.year + 543) in panel.locator("select[data-part=year]").input_value() or (
        str(today.year + 543) in panel.locator("select[data-part=year] option:checked").inner_text()
    )
    # The focus is on today: one day on with the arrow key, one month on with Page Down.
    hr.keyboard.press("ArrowRight")
    hr.keyboard.press("PageDown")
    hr.keyboard.press("Enter")
    day = today + dt.timedelta(days=1)
    month = day.month % 12 + 1
    year = day.year + (1 if day.month == 12 else 0)
    import calendar

    expected = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    assert field.input_value() == thai.format_date_input(expected)
    assert not panel.count() or not panel.is_visible()
    # Escape closes the calendar and gives the focus back to its button.
    button.click()
    hr.keyboard.press("Escape")
    assert hr.locator(".be-cal").count() == 0
    assert hr.evaluate("document.activeElement.getAttribute('aria-haspopup')") == "dialog"


def test_a_gregorian_year_is_refused_in_thai_naming_the_field(org, login_as):
    rnd = open_round(org)
    hr = login_as("hr")
    hr.goto(url("appraisal:round_settings", rnd.pk))
    hr.fill("input[name=agreement_deadline]", "31/10/2026")
    hr.click("#save-settings")
    hr.wait_for_load_state()
    body = hr.inner_text("body")
    assert "กำหนดส่งข้อตกลง: ปี 2026 เป็นปีคริสต์ศักราช" in body
    assert hr.locator("input[name=agreement_deadline]").input_value() == "31/10/2026"


def test_on_a_phone_the_score_summary_is_above_the_confirm_button(org, login_as):
    rnd = open_round(org)
    form = agree(form_of(rnd, org.s1), org.s1.user, org.grp1_head.user)
    round_advance(actor=org.hr, rnd=rnd)
    round_advance(actor=org.hr, rnd=rnd)
    form = fresh(form)
    evaluator = login_as("grp1_head")
    for size in (PHONE, WIDE):
        evaluator.set_viewport_size(size)
        evaluator.goto(url("appraisal:score", form.pk))
        assert evaluator.evaluate("document.documentElement.scrollWidth") <= size["width"]
        summary = evaluator.locator("#score-summary").bounding_box()
        confirm = evaluator.locator("button[value=finish]").bounding_box()
        assert summary["y"] + summary["height"] <= confirm["y"], size
        # A blank page shows no total and no band.
        assert evaluator.locator("[data-total]").inner_text() == "-"
        assert evaluator.locator("[data-band]").inner_text() == "-"


def test_the_rounds_list_fits_1366_px(org, login_as):
    open_round(org)
    hr = login_as("hr")
    hr.set_viewport_size(WIDE)
    hr.goto(url("appraisal:rounds"))
    scroller = hr.locator("#rounds").locator("xpath=..")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert hr.get_by_role("link", name="การกระจายผล").first.is_visible()
