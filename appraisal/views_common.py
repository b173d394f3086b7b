"""What every appraisal page shares: fetch a form or round through the user's scope (404
outside it), then check the rule (403). Checks use the rule set itself (can), so an
administrator reads everything but never signs or scores as somebody else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from appraisal import selectors
from common.errors import DomainError
from common.permissions import can
from common.views import get_scoped_or_404


def get_form(request, pk, perm: str = "appraisal.view_form"):
    form = get_scoped_or_404(selectors.forms_visible_to(request.user), pk=pk)
    if not can(request.user, perm, form):
        raise PermissionDenied(perm)
    return form


def get_round(request, pk, perm: str = "appraisal.view_round"):
    rnd = get_scoped_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    if not can(request.user, perm, rnd):
        raise PermissionDenied(perm)
    return rnd


def form_error(django_form, exc: DomainError) -> None:
    """Show a service's Thai message on its field when the form has it, else at the top."""
    field = exc.field if exc.field in django_form.fields else None
    django_form.add_error(field, exc.message)
