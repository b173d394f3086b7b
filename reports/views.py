"""Report pages and downloads. Each fetches through a scoped selector (404 outside the user's
scope), checks the rule (403), then hands over to reports.documents or reports.services."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from appraisal.views_common import get_form, get_round
from common.errors import DomainError
from common.models import DataAccess, record_access
from common.permissions import can, require
from common.views import get_scoped_or_404
from kpi import selectors as kpi_selectors
from orgchart.selectors import roles_of, units_visible_to
from reports import book, cache, documents, selectors, services, sheets
from reports.models import JobStatus, ReportJob

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, filename: str, content_type: str = PDF, *, attachment=False):
    response = FileResponse(
        io.BytesIO(data), as_attachment=attachment, filename=filename, content_type=content_type
    )
    # Scores are personal: never kept by a shared cache or the browser's history.
    response["Cache-Control"] = "private, no-store"
    return response


def _round_and_unit(request, pk: int, unit_pk: int):
    """The round (view_round) and a unit of its department inside the user's HR scope."""
    rnd = get_round(request, pk, "appraisal.view_round")
    unit = get_scoped_or_404(selectors.report_units(request.user, rnd), pk=unit_pk)
    return rnd, unit


def _note_unit_report(request, rnd, unit) -> None:
    """A unit's report holds every person's result: its download goes to the access log."""
    record_access(
        request,
        what=DataAccess.UNIT_REPORT,
        subject_type="unit",
        subject_id=unit.pk,
        subject_name=f"{unit.name} ({rnd.code})",
        obj=rnd,
    )


# --- pages ---------------------------------------------------------------------------------------


@login_required
@require_GET
def index(request):
    roles = roles_of(request.user)
    if not (roles.is_admin or roles.is_hr):
        raise PermissionDenied
    rounds = selectors.report_rounds(request.user).order_by(
        "department__name", "-fiscal_year", "-number"
    )
    return render(request, "reports/index.html", {"rounds": rounds})


@login_required
@require_GET
def round_reports(request, pk: int):
    rnd = get_round(request, pk, "appraisal.view_round")
    units = selectors.report_units(request.user, rnd)
    if request.GET.get("unit"):
        unit = get_scoped_or_404(units, pk=request.GET["unit"])
    else:
        unit = selectors.default_report_unit(request.user, rnd)
        if unit is None:
            raise Http404
    jobs = selectors.jobs_visible_to(request.user).filter(round=rnd)[:10]
    return render(
        request,
        "reports/round.html",
        {
            "round": rnd,
            "unit": unit,
            "ancestors": unit.get_ancestors().filter(pk__in=units),
            "children": units.filter(parent=unit, is_active=True).order_by("code"),
            "people": book.unit_form_count(rnd, unit),
            "jobs": jobs,
        },
    )


# --- individual forms ----------------------------------------------------------------------------


@login_required
@require_GET
def form_pdf(request, pk: int, kind: str):
    """A person's form, for whoever may see the score (the appraisee once it is released).

    Before that the appraisee (and anyone else who may read the form but not its score) prints
    the agreement: the achievement form with its KPIs, weights, criteria and signatures, and
    every level, result and total left blank."""
    form = get_form(request, pk, access=DataAccess.FORM_PDF)
    printed = documents.form_for_print(form.pk)
    sheet = sheets.form_sheet(printed)
    if not can(request.user, "appraisal.view_score", form):
        if kind != "achievement":
            raise PermissionDenied("appraisal.view_score")
        sheet = sheets.without_scores(sheet)
    elif not can(request.user, "appraisal.view_final", form):
        # Informed, not yet released: the evaluator's result without the reviews (DOMAIN §5).
        sheet = sheets.without_revisions(sheet)
    # The same content-keyed cache as the unit books: a form prints again only when it changed.
    data, _rendered = cache.form_pdf(printed, sheet, kind)
    name = f"{documents.FORM_TITLES[kind]}-{form.person.full_name}-{form.round.code}.pdf"
    return _download(data, name)


# --- unit reports (HR) ---------------------------------------------------------------------------


@login_required
@require_GET
def unit_report(request, pk: int, unit_pk: int):
    rnd, unit = _round_and_unit(request, pk, unit_pk)
    _note_unit_report(request, rnd, unit)
    if book.unit_form_count(rnd, unit) > services.sync_report_limit():
        # A large unit's report is built by the worker, with the book's progress page.
        job = services.job_start(actor=request.user, rnd=rnd, unit=unit, with_people=False)
        return redirect("reports:job", pk=job.pk)
    return _download(
        documents.unit_report_pdf(rnd, unit, viewer=roles_of(request.user).person),
        f"รายงานผลการประเมิน-{unit.code}-{rnd.code}.pdf",
    )


@login_required
@require_GET
def unit_xlsx(request, pk: int, unit_pk: int):
    rnd, unit = _round_and_unit(request, pk, unit_pk)
    _note_unit_report(request, rnd, unit)
    return _download(
        documents.unit_report_xlsx(rnd, unit, viewer=roles_of(request.user).person),
        f"ผลการประเมิน-{unit.code}-{rnd.code}.xlsx",
        XLSX,
        attachment=True,
    )


@login_required
@require_GET
def announcement(request, pk: int, unit_pk: int):
    rnd, unit = _round_and_unit(request, pk, unit_pk)
    return _download(
        documents.announcement_pdf(rnd, unit), f"ประกาศรายชื่อดีเด่นดีมาก-{unit.code}-{rnd.code}.pdf"
    )


# --- KPI documents -------------------------------------------------------------------------------


@login_required
@require_GET
def unit_kpis(request, pk: int):
    unit = get_scoped_or_404(units_visible_to(request.user), pk=pk)
    require(request.user, "kpi.view_unit_kpis", unit)
    year = kpi_selectors.parse_fiscal_year(request.GET.get("year"))
    return _download(documents.unit_kpis_pdf(unit, year), f"ตัวชี้วัด-{unit.code}-{year}.pdf")


@login_required
@require_GET
def kpi_sheet(request, pk: int):
    kpi = get_scoped_or_404(
        kpi_selectors.kpis_visible_to(request.user).select_related(
            "unit", "parent", "supervisor", "collector"
        ),
        pk=pk,
    )
    require(request.user, "kpi.view_kpi", kpi)
    return _download(documents.kpi_sheet_pdf(kpi), f"ตัวชี้วัด-{kpi.code or kpi.pk}.pdf")


# --- background jobs -----------------------------------------------------------------------------


def _job(request, pk: int):
    job = get_scoped_or_404(selectors.jobs_visible_to(request.user), pk=pk)
    require(request.user, "appraisal.view_round", job.round)
    if job.status == JobStatus.RUNNING and services.fail_stale_jobs(
        ReportJob.objects.filter(pk=job.pk)
    ):
        job.refresh_from_db()
    return job


@login_required
@require_POST
def job_create(request, pk: int, unit_pk: int):
    rnd, unit = _round_and_unit(request, pk, unit_pk)
    job = services.job_start(
        actor=request.user,
        rnd=rnd,
        unit=unit,
        scored_only=request.POST.get("scored_only") == "1",
        attachments=request.POST.get("attachments") == "1",
    )
    return redirect("reports:job", pk=job.pk)


@login_required
@require_GET
def job_detail(request, pk: int):
    return render(request, "reports/job.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_progress(request, pk: int):
    """The progress fragment htmx polls every second; it stops polling once the job ends."""
    return render(request, "reports/_job_progress.html", {"job": _job(request, pk)})


@login_required
@require_GET
def job_download(request, pk: int):
    job = _job(request, pk)
    if job.owner_id != request.user.pk:
        # A book is built for the one who asked, leaving out their own unreleased form; anyone
        # else builds their own (the per-person PDFs are cached, so it is quick).
        raise PermissionDenied("reports.download_job")
    if job.status != JobStatus.DONE:
        raise Http404
    try:  # the shared private storage: whichever server or worker built it
        handle = cache.storage().open(job.file_path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    _note_unit_report(request, job.round, job.unit)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"รายงานผลการประเมิน-{job.unit.code}-{job.round.code}.pdf",
        content_type=PDF,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def job_retry(request, pk: int):
    job = _job(request, pk)
    try:
        services.job_retry(actor=request.user, job=job)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("reports:job", pk=job.pk)
