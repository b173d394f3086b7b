"""Role flags for the navigation bar, from the one permission layer."""

from orgchart.selectors import roles_of


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    r = roles_of(user)
    return {"my_roles": r, "my_person": r.person}
