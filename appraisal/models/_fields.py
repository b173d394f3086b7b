"""Field options and the transition permission shared by the appraisal models."""

from decimal import Decimal

# Exact values of computed points: every intermediate of a 100-point form fits in 10 places
# (the repeating /3n of the bar scale is cut far below what round2 can see).
POINTS = {"max_digits": 16, "decimal_places": 10, "null": True, "blank": True}
STORED_PLACES = Decimal(1).scaleb(-POINTS["decimal_places"])
WEIGHT = {"max_digits": 5, "decimal_places": 2}


def transition_perm(name: str):
    """A transition permission checked by the house's one check (common.permissions), which
    has no superuser bypass: an administrator must not sign or score as somebody else."""

    def check(instance, user) -> bool:
        from common.permissions import can

        return can(user, name, instance)

    check.__name__ = name
    return check
