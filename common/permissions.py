"""The one permission check of the house: `rules` predicates, with no superuser bypass.

`user.has_perm` lets a superuser through every check, whatever the rule says; here the rule
decides alone, so an administrator passes exactly the rules that name `is_administrator` (and
never signs or scores as somebody else). Views, services and commands call `can`/`require`.
"""

import rules
from django.core.exceptions import PermissionDenied


@rules.predicate
def is_administrator(user) -> bool:
    """The administrator (a Django superuser): named in every rule an administrator passes."""
    return bool(getattr(user, "is_superuser", False))


def can(actor, perm: str, obj=None) -> bool:
    return rules.has_perm(perm, actor, obj)


def require(actor, perm: str, obj=None) -> None:
    """PermissionDenied (403) unless `actor` may `perm` (on `obj`)."""
    if not can(actor, perm, obj):
        raise PermissionDenied(perm)
