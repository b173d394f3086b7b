"""What every appraisal page shares: fetch a form or round through the user's scope (404
outside it), then check the rule (403). Checks use the rule set itself (can), so an
administrator reads everything but never signs or scores as somebody else."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from appraisal import selectors
from common.errors import DomainError
from common.models import DataAccess, record_access
from common.permissions import can
from common.views import get_scoped_or_404
from orgchart.selectors import roles_of


def get_form(
    request, pk, perm: str = "appraisal.view_form", *, access: DataAccess | None = DataAccess.FORM
):
    """The form if the user may `perm` it; a page read (GET) of someone else's form is written
    to the access log as `access` (PDPA), the appraisee's own reads are not."""
    try:
        form = selectors.form_for(request.user, pk)
    except (ValueError, TypeError):
        form = None
    if form is None:  # outside the user's scope as much as absent: 404, ids cannot be probed
        raise Http404
    if not can(request.user, perm, form):
        raise PermissionDenied(perm)
    if access is not None and request.method == "GET":
        note_access(request, form, access)
    return form


def note_access(request, form, what: DataAccess) -> None:
    me = roles_of(request.user).person
    if me is None or me.pk != form.person_id:
        record_access(
            request,
            what=what,
            subject_type="person",
            subject_id=form.person_id,
            subject_name=form.person.full_name,
            obj=form,
        )


def get_round(request, pk, perm: str = "appraisal.view_round"):
    rnd = get_scoped_or_404(selectors.rounds_visible_to(request.user), pk=pk)
    if not can(request.user, perm, rnd):
        raise PermissionDenied(perm)
    return rnd


def form_error(django_form, exc: DomainError) -> None:
    """Show a service's Thai message on its field when the form has it, else at the top."""
    field = exc.field if exc.field in django_form.fields else None
    django_form.add_error(field, exc.message)
