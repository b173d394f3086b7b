"""What appraisal does when the org chart below it tells of a change (orgchart.signals)."""

from __future__ import annotations

from django.dispatch import receiver

from appraisal import counts
from orgchart.models import OrgUnit
from orgchart.signals import units_moved


@receiver(units_moved, sender=OrgUnit, dispatch_uid="appraisal-counts-after-move")
def recount_after_move(sender, units, **kwargs) -> None:
    """A moved unit changes the ancestors its forms count in: recount, in the move's
    transaction, every round that has forms in the moved subtrees (moves are rare; a round of
    a department recounts in one grouped query)."""
    for rnd in counts.rounds_with_forms_in(units):
        counts.rebuild(rnd)
