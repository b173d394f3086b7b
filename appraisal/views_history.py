"""The change history of one form (ประวัติการแก้ไข): every level, score, weight and competency
change with who, when, old, new and why, read from the one audit trail."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from appraisal.selectors import form_history as history_rows
from appraisal.views_common import get_form
from common.models import DataAccess


@login_required
@require_GET
def form_history(request, pk):
    # Every save and revision with its figures: for the appraisee only once released.
    form = get_form(request, pk, perm="appraisal.view_final", access=DataAccess.HISTORY)
    return render(
        request, "appraisal/history.html", {"form": form, "rows": history_rows(form=form)}
    )
