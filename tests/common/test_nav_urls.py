"""The navigation bar's links are reversed once per script prefix (pms_site.context_processors
.nav_urls) and are the URLs {% url %} gave."""

from __future__ import annotations

import pytest
from django.test import RequestFactory
from django.urls import reverse, set_script_prefix

from pms_site import context_processors

pytestmark = pytest.mark.django_db


def test_nav_urls_are_the_reversed_urls():
    urls = context_processors.nav_urls(RequestFactory().get("/"))["nav_urls"]
    assert urls == {n.replace(":", "_"): reverse(n) for n in context_processors.NAV_URLS}
    assert urls["appraisal_my"] == reverse("appraisal:my")


def test_nav_urls_follow_the_script_prefix():
    try:
        set_script_prefix("/epms/")
        urls = context_processors.nav_urls(RequestFactory().get("/"))["nav_urls"]
        assert urls["home"] == "/epms/" and urls["kpi_index"].startswith("/epms/")
    finally:
        set_script_prefix("/")
    assert context_processors.nav_urls(RequestFactory().get("/"))["nav_urls"]["home"] == "/"


def test_every_nav_link_is_on_the_pages_of_those_who_have_it(client, org):
    from tests.appraisal.conftest import open_round

    open_round(org)  # the head has forms to score: ทีมของฉัน
    pages = ""
    for user in (org.admin, org.grp1_head.user):  # HR and admin links; own and team links
        client.force_login(user)
        response = client.get(reverse("home"))
        assert response.status_code == 200
        pages += response.content.decode()
    for name in context_processors.NAV_URLS:
        url = reverse(name)
        assert f'href="{url}"' in pages or f'action="{url}"' in pages, name
