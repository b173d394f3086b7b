"""Role flags and links for the navigation bar. Here, above the apps, because it reads several
of them."""

import functools

from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from appraisal.selectors import evaluates_anyone
from notices.selectors import unread_count
from orgchart.selectors import roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    r = roles_of(user)
    person = r.person
    return {
        "my_roles": r,
        "my_person": person,
        # Evaluated only when a template asks (the navigation bar): one query per page.
        "my_is_evaluator": SimpleLazyObject(
            lambda: bool(person is not None and evaluates_anyone(person=person))
        ),
        # The menu's unread badge: one query, asked once per request however often shown.
        "my_unread_notices": SimpleLazyObject(lambda: _unread(request)),
    }


def _unread(request) -> int:
    if not hasattr(request, "notices_unread"):
        request.notices_unread = unread_count(user=request.user)
    return request.notices_unread


# The views base.html links to. Their URLs do not change while the process runs (the app has no
# URL per language), so they are reversed once per script prefix rather than by {% url %} on
# every page: fourteen reverses were a fifth of the time of the page around the content.
NAV_URLS = (
    "home",
    "orgchart:tree",
    "orgchart:import",
    "kpi:index",
    "appraisal:my",
    "appraisal:team",
    "appraisal:rounds",
    "reports:index",
    "notices:list",
    "admin:index",
    "manual",
    "set_language",
    "logout",
)


@functools.cache
def _nav_urls(prefix: str) -> dict[str, str]:
    return {name.replace(":", "_"): reverse(name) for name in NAV_URLS}


def nav_urls(request):
    """{{ nav_urls.home }}, {{ nav_urls.appraisal_my }}, …: NAV_URLS reversed, ":" as "_"."""
    return {"nav_urls": _nav_urls(get_script_prefix())}
