"""The round's tabs lead to the pages that use its results, each only for who may open it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.appraisal.conftest import appraisal_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def o(org):
    return appraisal_world(org)


def console(client, o, user) -> str:
    client.force_login(user)
    response = client.get(reverse("appraisal:round_console", kwargs={"pk": o.round.pk}))
    assert response.status_code == 200
    return response.content.decode()


def links(o) -> dict[str, str]:
    pk = {"pk": o.round.pk}
    return {
        name: reverse(f"rewards:{name}", kwargs=pk)
        for name in ("talent", "development", "unit_trend", "raises")
    }


def test_hr_of_the_department_reaches_every_results_page(client, o):
    page = console(client, o, o.hr)
    assert 'id="results-menu"' in page and "นำผลไปใช้" in page
    for url in links(o).values():
        assert f'href="{url}"' in page


def test_hr_of_a_subtree_reaches_the_analysis_but_not_the_raises(client, o):
    page = console(client, o, o.hr_div2)
    found = {name for name, url in links(o).items() if f'href="{url}"' in page}
    assert found == {"talent", "development", "unit_trend"}
    # And the page behind the missing link refuses them too.
    assert client.get(links(o)["raises"]).status_code == 403


def test_the_menu_marks_the_page_it_is_on(client, o):
    client.force_login(o.hr)
    page = client.get(links(o)["development"]).content.decode()
    menu = page[page.index('id="results-menu"') :]
    assert 'dropdown-toggle active"' in menu[:400] or "dropdown-toggle active " in menu[:400]
    assert f'class="dropdown-item active" href="{links(o)["development"]}"' in menu
