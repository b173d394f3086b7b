"""Role flags for the navigation bar. Here, above the apps, because it reads several of them."""

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
