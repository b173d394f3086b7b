"""The appraisee's and the evaluator chain's monitoring pages during the round: check-ins with
progress per KPI, the work and behaviour journal with evidence files, and the evidence download.

Thin: fetch the form through the user's scope (404) and check the rule (403) with
views_common.get_form, call one service, show its Thai message on the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from appraisal import selectors
from appraisal.forms_staff import (
    CheckInForm,
    JournalForm,
)
from appraisal.models import (
    CheckInProgress,
    JournalEntry,
)
from appraisal.services.monitoring import checkin_record, journal_add
from appraisal.views_common import form_error, get_form, note_access
from common.errors import DomainError
from common.models import DataAccess
from common.permissions import can
from common.views import get_scoped_or_404

# --- monitoring -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request, pk: int):
    """A progress check-in: date, summary, and per KPI the result, milestone and comment."""
    form = get_form(request, pk, "appraisal.record_checkin")
    items = list(form.kpis.all())
    page = CheckInForm(request.POST if request.method == "POST" else None, items=items)
    if request.method == "POST" and page.is_valid():
        cd = page.cleaned_data
        try:
            checkin_record(
                actor=request.user,
                form=form,
                on=cd["on"],
                comment=cd.get("comment") or "",
                progress=page.progress(),
            )
        except DomainError as exc:
            form_error(page, exc)
        else:
            messages.success(request, _("บันทึกความก้าวหน้าแล้ว"))
            return redirect(reverse("appraisal:form", args=[form.pk]) + "#checkins")
    checkins = form.checkins.select_related("author").prefetch_related(
        Prefetch("progress", queryset=CheckInProgress.objects.select_related("item"))
    )
    return render(
        request,
        "appraisal/staff/checkin.html",
        {"form": form, "page": page, "items": items, "checkins": list(checkins[:5])},
    )


@login_required
@require_http_methods(["GET", "POST"])
def journal(request, pk: int):
    """A work or behaviour event with optional evidence (checked by the service)."""
    form = get_form(request, pk, "appraisal.add_journal")
    if request.method == "POST":
        page = JournalForm(request.POST, request.FILES)
        if page.is_valid():
            cd = page.cleaned_data
            try:
                journal_add(
                    actor=request.user,
                    form=form,
                    kind=cd["kind"],
                    on=cd["on"],
                    description=cd["description"],
                    upload=cd.get("evidence") or None,
                )
            except DomainError as exc:
                form_error(page, exc)
            else:
                messages.success(request, _("บันทึกเหตุการณ์แล้ว"))
                return redirect(reverse("appraisal:form", args=[form.pk]) + "#journal")
    else:
        page = JournalForm()
    return render(
        request,
        "appraisal/staff/journal.html",
        {
            "form": form,
            "page": page,
            "entries": list(form.journal.select_related("author")[:10]),
            "can_evidence": can(request.user, "appraisal.view_evidence", form),
        },
    )


@login_required
@require_GET
def evidence(request, pk: int):
    """Download a journal entry's evidence: private, never cached, never sniffed."""
    entry = get_scoped_or_404(
        JournalEntry.objects.select_related("form__round", "form__unit").filter(
            form__in=selectors.forms_visible_to(request.user)
        ),
        pk=pk,
    )
    if not can(request.user, "appraisal.view_evidence", entry.form):
        raise PermissionDenied("appraisal.view_evidence")
    if not entry.evidence:
        raise Http404
    note_access(request, entry.form, DataAccess.EVIDENCE)
    try:
        handle = entry.evidence.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=entry.evidence_name or "evidence",
        content_type=entry.evidence_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
