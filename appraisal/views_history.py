"""The change history of one form: every level, score and weight change with who, when,
old, new and why (django-simple-history records, read back as diffs)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from appraisal.models import AppraisalForm, FormCompetency, FormKpi
from appraisal.views_common import get_form

FORM_FIELDS = [
    "state",
    "weight_achievement",
    "weight_competency",
    "weight_other",
    "other_percent",
    "total",
    "higher_total",
    "higher2_total",
    "final_total",
    "final_band",
    "evaluator",
    "higher",
]
KPI_FIELDS = ["name", "weight", "level", "actual", "level_reason", "self_level"]
COMP_FIELDS = ["expected", "actual", "weight", "self_actual"]


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _changes(records, model, fields, subject):
    """(when, who, subject, field label, old, new, why) for each changed field of each record."""
    rows = []
    records = list(records)
    by_object: dict[int, list] = {}
    for rec in sorted(records, key=lambda r: (r.history_date, r.history_id)):
        by_object.setdefault(rec.id, []).append(rec)
    for chain in by_object.values():
        prev = None
        for rec in chain:
            label = subject(rec)
            if rec.history_type == "+":
                rows.append((rec, label, "", None, "+", rec.history_change_reason or ""))
            elif rec.history_type == "-":
                rows.append((rec, label, "", None, "-", rec.history_change_reason or ""))
            elif prev is not None:
                for change in rec.diff_against(prev, included_fields=fields).changes:
                    rows.append(
                        (
                            rec,
                            label,
                            _label(model, change.field),
                            change.old,
                            change.new,
                            rec.history_change_reason or "",
                        )
                    )
            prev = rec
    return rows


@login_required
@require_GET
def form_history(request, pk):
    form = get_form(request, pk, perm="appraisal.view_score")
    form_records = AppraisalForm.history.filter(id=form.pk).select_related("history_user")
    kpi_records = FormKpi.history.filter(form_id=form.pk).select_related("history_user")
    comp_records = FormCompetency.history.filter(form_id=form.pk).select_related("history_user")
    rows = (
        _changes(form_records, AppraisalForm, FORM_FIELDS, lambda r: "")
        + _changes(kpi_records, FormKpi, KPI_FIELDS, lambda r: r.name)
        + _changes(comp_records, FormCompetency, COMP_FIELDS, lambda r: r.name)
    )
    rows.sort(key=lambda r: (r[0].history_date, r[0].history_id), reverse=True)
    return render(request, "appraisal/history.html", {"form": form, "rows": rows})
