"""Role flags and links for the navigation bar. Here, above the apps, because it reads several
of them."""

import functools
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject

from appraisal.selectors import evaluates_anyone_sql
from common.compiled import CompiledLookup
from notices.selectors import unread_notices
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
        # Read only when a template asks (the navigation bar), both in one query per request.
        "my_is_evaluator": SimpleLazyObject(lambda: _nav_facts(request, person)[1]),
        # The menu's unread badge, however often it is shown.
        "my_unread_notices": SimpleLazyObject(lambda: _nav_facts(request, person)[0]),
    }


# The navigation bar's two facts about the signed-in user: their unread notices
# (notices.selectors.unread_notices) and whether they evaluate or review someone in a round
# that is not closed (appraisal.selectors.evaluates_anyone_sql, ทีมของฉัน). Every page shows both: one
# query instead of two, its SQL compiled once (common.compiled). A user without a person
# (person 0) evaluates nobody.
_NAV_FACTS = CompiledLookup(
    lambda user_id, person_id: (
        get_user_model()
        .objects.filter(pk=user_id)
        .annotate(
            unread=Coalesce(
                Subquery(
                    unread_notices(OuterRef("pk"))
                    .order_by()
                    .values("recipient")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
            team=evaluates_anyone_sql(SimpleNamespace(pk=person_id)),
        )
        .only("pk")
    ),
    "user_id",
    "person_id",
)


def _nav_facts(request, person) -> tuple[int, bool]:
    if not hasattr(request, "nav_facts"):
        found = _NAV_FACTS(user_id=request.user.pk, person_id=person.pk if person else 0)
        request.nav_facts = (found[0].unread, found[0].team) if found else (0, False)
    return request.nav_facts


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
