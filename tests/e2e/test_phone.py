"""At 390 px (a phone) the pages fit the screen: wide tables scroll inside their card, filters
never widen the page, and a person's name breaks only between its words."""

from __future__ import annotations

import pytest

from tests.e2e.test_journeys import scored_form, url

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_my_team_and_the_forms_list_fit_a_phone(org, login_as):
    rnd, form = scored_form(org)
    evaluator = login_as("grp1_head")
    evaluator.set_viewport_size(PHONE)
    evaluator.goto(url("appraisal:team") + f"?round={rnd.pk}")
    assert page_width(evaluator) <= PHONE["width"]
    # Each word of the name on one line: the no-break spans are as wide as their word.
    spans = evaluator.locator("#team-table td a .text-nowrap")
    assert spans.count() >= 2
    heights = {round(spans.nth(i).bounding_box()["height"]) for i in range(spans.count())}
    assert max(heights) < 40  # one line of text, never a word broken over two
    hr = login_as("hr")
    hr.set_viewport_size(PHONE)
    for name in ("appraisal:rounds", "appraisal:round_forms"):
        hr.goto(url(name, *([rnd.pk] if name == "appraisal:round_forms" else [])))
        assert page_width(hr) <= PHONE["width"], name
