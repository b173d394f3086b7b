"""HR's result pages of a round: its forms, the band distribution for the screening committee,
the change of one form's evaluator chain, and the round's audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import localize
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from appraisal import export_jobs, exports, scoring, selectors
from appraisal.exports import xlsx_response
from appraisal.forms_hr import (
    FormEvaluatorForm,
)
from appraisal.models import (
    BAND_LABELS,
    AppraisalForm,
    ExportJob,
    ExportKind,
    FormEvent,
    JobStatus,
    Phase,
    RoundEvent,
    StaffGroup,
    State,
)
from appraisal.selectors import round_scope
from appraisal.services.review import form_set_evaluator
from appraisal.views_common import get_form, get_round
from appraisal.views_hr import (  # what the round's HR pages share
    BAND_COLOURS,
    BANDS,
    PER_PAGE,
    export_url,
    filter_context,
    form_url,
    list_filters,
    percent_of,
    querystring,
    round_context,
    unit_choices,
    unit_filter,
)
from common.errors import DomainError
from common.form_renderer import esc
from common.inputs import parse_id, search_text
from common.models import DataAccess, record_access
from common.paging import page_by_ids
from common.permissions import can
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of, subtree_q

# --- the forms of a round --------------------------------------------------------------------

# A unit whose share of a band differs from the department's by this many points is marked.
NOTABLE_GAP = Decimal(10)


def _round_forms_list(request, rnd):
    """The forms of the round in the user's scope under the page's filters (unit with its
    subtree or alone, state, staff group, band, name or staff code): the list and its export
    read the same query."""
    user = request.user
    scope = round_scope(user=user, rnd=rnd)
    unit, matches, q_unit = unit_filter(request, rnd, scope)
    exact = unit is not None and request.GET.get("exact") == "1"
    # HR sees the bands of its scope before release; its own unreleased form shows none and
    # is never matched by a band.
    flt = list_filters(request, bands_ok=True)
    me = roles_of(user).person
    qs = selectors.round_forms(
        rnd=rnd,
        units=[unit] if unit is not None else scope,
        only_unit=unit if exact else None,
        filters=flt,
        viewer=me,
    )
    return (
        qs,
        flt,
        me,
        {"scope": scope, "unit": unit, "exact": exact, "matches": matches, "q": q_unit},
    )


def _shown_to(me, f: AppraisalForm) -> exports.Shown:
    # The officer's own form shows its result only once released (DOMAIN §8).
    return exports.HIDDEN if f.hidden_from(me) else exports.shown_result(f)


@login_required
@require_GET
def round_forms(request, pk: int):
    rnd = get_round(request, pk)
    qs, flt, me, where = _round_forms_list(request, rnd)
    # A name or staff code matches a few forms of many: read their ids in order, then the page.
    page = page_by_ids(qs, PER_PAGE, request.GET.get("page")) if flt.who else None
    if page is None:
        paginator = Paginator(qs, PER_PAGE)
        if not flt.any and not where["exact"]:
            # Every form of the units' subtrees: their per-unit counts, not a count of the forms.
            units = [where["unit"]] if where["unit"] is not None else where["scope"]
            paginator.count = sum(selectors.progress_totals(rnd, units))
        page = paginator.get_page(request.GET.get("page"))
    can_fix = rnd.phase not in (Phase.SETUP, Phase.CLOSED)
    for f in page:
        f.url = form_url(f)
        own = me is not None and f.person_id == me.pk
        shown = _shown_to(me, f)
        f.shown_total = shown.total
        f.band_label = BAND_LABELS.get(shown.band, "")
        f.fixable = (
            (not own)
            and can_fix
            and f.state
            in (
                State.NOT_STARTED,
                State.DRAFT,
                State.RETURNED,
                State.SUBMITTED,
                State.AGREED,
            )
        )
    unit = where["unit"]
    return render(
        request,
        "appraisal/hr/forms.html",
        {
            **round_context(request, rnd, "forms"),
            **where,
            **filter_context(flt, bands_ok=True),
            "page": page,
            "state": flt.state,
            "state_choices": State.choices,
            "unit_choices": unit_choices(where["scope"], unit),
            "pages_qs": querystring(request, page=None),
            "export_url": export_url(request, rnd, unit),
        },
    )


@login_required
@require_GET
def round_forms_xlsx(request, pk: int):
    """The forms of the round as .xlsx: every row the list shows under the same filters (all
    its pages), with the figures the list shows; the download goes to the access log. A list
    longer than one request can write is exported by the worker (ExportJob)."""
    rnd = get_round(request, pk)
    return _export_or_queue(request, rnd, ExportKind.FORMS)


def export_content(request, rnd, kind: str, *, progress) -> tuple[bytes, str]:
    """The worker's ExportJob: the .xlsx of the list (forms of the round, or the distribution's
    names) under the saved filters as its owner may see it, with the rows written so far
    reported to `progress`; (data, file name)."""
    rows, _qs, title, name, _subject = _export_rows(request, rnd, kind)
    return exports.forms_workbook(_counted(rows, progress), title=title), name


def _export_rows(request, rnd, kind: str):
    """(rows, their count, sheet title, file name, access-log subject) of an export."""
    if kind == ExportKind.FORMS:
        qs, _flt, me, where = _round_forms_list(request, rnd)
        unit = where["unit"]
        subject = {
            "subject_type": "unit" if unit is not None else "round",
            "subject_id": unit.pk if unit is not None else rnd.pk,
            "subject_name": f"{unit.name if unit is not None else rnd.department.name} "
            f"({rnd.code})",
        }
        rows = ((f, _shown_to(me, f)) for f in qs.iterator(chunk_size=EXPORT_CHUNK))
        name = exports.filename("แบบประเมิน", unit.code if unit is not None else "", rnd.code)
        return rows, qs, "แบบประเมิน", name, subject
    user = request.user
    scope = round_scope(user=user, rnd=rnd, committee_sees_all=True)
    me = roles_of(user).person
    flt = list_filters(request, bands_ok=True)

    def shown(f):
        full = exports.shown_result(f)
        if can(user, "appraisal.view_score", f):
            return full
        return exports.Shown(total=full.total, band=full.band)

    qs = _names(rnd, scope, me, flt)
    subject = {
        "subject_type": "round",
        "subject_id": rnd.pk,
        "subject_name": f"{rnd.department.name} ({rnd.code})",
    }
    rows = ((f, shown(f)) for f in qs.iterator(chunk_size=EXPORT_CHUNK))
    return rows, qs, "ดีเด่นและดีมาก", exports.filename("รายชื่อดีเด่นดีมาก", rnd.code), subject


EXPORT_CHUNK = 2000  # rows read at a time: a department's list is never held whole


def _counted(rows, progress):
    n = 0
    for row in rows:
        n += 1
        if n % 500 == 0:
            progress(n)
        yield row
    progress(n, True)


def _export_or_queue(request, rnd, kind: str):
    """The export as a download when it fits in a request (EXPORT_MAX_ROWS), else queued for
    the worker: the officer is taken to its progress page."""
    rows, qs, title, name, subject = _export_rows(request, rnd, kind)
    n = qs.count()
    if n > exports.max_rows():
        job = export_jobs.export_job_start(
            owner=request.user,
            rnd=rnd,
            kind=kind,
            query=request.GET.urlencode(),
            total=n,
            access=subject,
        )
        messages.info(
            request,
            _("รายการนี้มี %(n)s ฉบับ ระบบกำลังเตรียมไฟล์ Excel ในเบื้องหลัง ดาวน์โหลดได้จากหน้านี้เมื่อเสร็จ")
            % {"n": f"{n:,}"},
        )
        return HttpResponseRedirect(reverse("appraisal:export_job", args=[job.pk]))
    record_access(request, what=DataAccess.LIST_EXPORT, obj=rnd, **subject)
    return xlsx_response(exports.forms_workbook(rows, title=title), name)


def _own_export(request, pk: int) -> ExportJob:
    """The export job if it is the user's: an export is written for the one who asked, under
    their view of the list; anyone else's id is not found."""
    job = (
        ExportJob.objects.select_related("round__department")
        .filter(pk=parse_id(pk) or 0, owner=request.user)
        .first()
    )
    if job is None:
        raise Http404
    job.stale = job.stalled(export_jobs.STALE_AFTER)
    return job


def _export_back(job: ExportJob) -> str:
    name = "appraisal:distribution" if job.kind == ExportKind.NAMES else "appraisal:round_forms"
    url = reverse(name, args=[job.round_id])
    return f"{url}?{job.query}" if job.query else url


@login_required
@require_GET
def export_job(request, pk: int):
    """An export being written by the worker: its progress, then its download."""
    return _export_page(request, pk, "appraisal/hr/export_job.html")


@login_required
@require_GET
def export_job_progress(request, pk: int):
    """The progress part of the export's page, polled while the worker writes it."""
    return _export_page(request, pk, "appraisal/hr/_export_progress.html")


def _export_page(request, pk: int, template: str):
    job = _own_export(request, pk)
    context = {"job": job, "back": _export_back(job), "keep_hours": export_jobs.keep_hours()}
    return render(request, template, context)


@login_required
@require_GET
def export_download(request, pk: int):
    """The finished file, to its owner only; the access log records the export now."""
    job = _own_export(request, pk)
    perm = "appraisal.view_distribution" if job.kind == ExportKind.NAMES else "appraisal.view_round"
    if not can(request.user, perm, job.round):
        raise PermissionDenied(perm)
    if job.status != JobStatus.DONE or not job.file_path:
        raise Http404
    try:
        handle = export_jobs.storage().open(job.file_path, "rb")
    except FileNotFoundError:
        raise Http404 from None
    record_access(request, what=DataAccess.LIST_EXPORT, obj=job.round, **job.access)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=job.file_name,
        content_type=exports.XLSX,
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- distribution ----------------------------------------------------------------------------


def _band_row(dist: dict, reference: dict | None = None) -> list[dict]:
    total = dist["total"]
    cells = []
    for b in BANDS:
        n = dist["overall"].get(b, 0)
        pct = percent_of(n, total)
        cell = {
            "band": b,
            "label": BAND_LABELS[b],
            "colour": BAND_COLOURS[b],
            "count": n,
            "percent": pct,
        }
        if reference is not None:
            gap = pct - percent_of(reference["overall"].get(b, 0), reference["total"])
            cell["gap"] = gap
            cell["notable"] = total > 0 and abs(gap) >= NOTABLE_GAP
        cells.append(cell)
    return cells


def _distribution_row(r: dict, empty: str) -> str:
    """A unit's row of the distribution (its share of each band and the gap to the
    department's), written here: a department lists a few hundred direct sub-units, and a row
    of the template cost as much as the rest of the page for thirty of them."""
    pk = int(r["unit"].pk)
    cells = (
        "".join(
            f'<td class="text-end text-nowrap{" fw-bold" if c["notable"] else ""}">'
            f'{esc(localize(c["percent"]))}% <span class="small text-muted">'
            f"({'+' if c['gap'] > 0 else ''}{esc(localize(c['gap']))})</span></td>"
            for c in r["cells"]
        )
        or f'<td colspan="{len(BANDS)}" class="text-muted small">{empty}</td>'
    )
    return mark_safe(  # noqa: S308 - every value is escaped or an int
        f'<tr data-unit="{pk}">\n      <td><a href="?unit={pk}">{esc(r["unit"].name)}</a></td>'
        f'<td class="text-end">{int(r["total"])}</td>\n      {cells}\n    </tr>'
    )


@login_required
@require_GET
def distribution(request, pk: int):
    """For the screening committee: bands of the department, of each unit against it, of each
    staff group, and the names rated ดีเด่น and ดีมาก."""
    rnd = get_round(request, pk, "appraisal.view_distribution")
    user = request.user
    # The committee, HR of the whole department and administrators see every unit and name;
    # HR of a subtree sees the figures, unit rows and names of their subtree only (a small
    # unit's row would otherwise reveal one person's band).
    scope = round_scope(user=user, rnd=rnd, committee_sees_all=True)
    # Nobody sees their own unreleased result through another role (DOMAIN §8): the viewer's
    # own form is left out of every figure until it is released.
    me = roles_of(user).person
    dept = selectors.distribution(rnd, scope, viewer=me)
    pk_unit = parse_id(request.GET.get("unit"))
    focus = rnd.department
    if pk_unit is not None:
        focus = OrgUnit.objects.filter(subtree_q([rnd.department]), pk=pk_unit).first()
        if focus is None:
            raise Http404
    unit_rows = [
        {"unit": child, "total": d["total"], "cells": _band_row(d, dept) if d["total"] else []}
        for child, d in selectors.distribution_by_child(rnd, focus, scope, viewer=me)
    ]
    empty = esc(_("ยังไม่มีผลการประเมิน"))
    for r in unit_rows:
        r["html"] = _distribution_row(r, empty)
    groups = []
    for g in StaffGroup:
        counts = dept["per_group"].get(g.value)
        if counts:
            d = {"overall": counts, "total": sum(counts.values())}
            groups.append({"label": g.label, "total": d["total"], "cells": _band_row(d, dept)})
    flt = list_filters(request, bands_ok=True)
    paginator = Paginator(_names(rnd, scope, me, flt), PER_PAGE)
    if not flt.any:
        # Unfiltered, the names are the department's ดีเด่น and ดีมาก: counted already.
        paginator.count = max(0, sum(dept["overall"].get(b, 0) for b in selectors.TOP_BANDS))
    names = paginator.get_page(request.GET.get("page"))
    for f in names:
        f.url = form_url(f) if can(user, "appraisal.view_form", f) else ""
        f.shown_total = scoring.round2(f.final_total)
        f.band_label = BAND_LABELS[f.final_band]
    return render(
        request,
        "appraisal/hr/distribution.html",
        {
            **round_context(request, rnd, "distribution"),
            "bands": [(b, BAND_LABELS[b]) for b in BANDS],
            "dept": {"total": dept["total"], "cells": _band_row(dept)},
            "focus": focus,
            "unit_rows": unit_rows,
            "groups": groups,
            "names": names,
            "page": names,
            "pages_qs": querystring(request, page=None),
            **filter_context(flt, bands_ok=True, bands=selectors.TOP_BANDS),
            "export_url": _distribution_export_url(request, rnd),
            "notable_gap": NOTABLE_GAP,
            "own_left_out": me is not None
            and AppraisalForm.objects.filter(round=rnd, person=me)
            .exclude(state=State.RELEASED)
            .exists(),
        },
    )


def _names(rnd, scope, me, flt):
    """The names rated ดีเด่น or ดีมาก in the scope matching the filters (name or staff code,
    staff group, one of the two bands)."""
    return selectors.top_rated(rnd=rnd, units=scope, viewer=me, filters=flt)


def _distribution_export_url(request, rnd) -> str:
    params = querystring(request, page=None)
    url = reverse("appraisal:distribution_xlsx", args=[rnd.pk])
    return f"{url}?{params}" if params else url


@login_required
@require_GET
def distribution_xlsx(request, pk: int):
    """The distribution's names (ดีเด่น and ดีมาก) as .xlsx under the page's filters; the
    components only to whoever may read the form's score (the committee sees the total and
    the band the page shows)."""
    rnd = get_round(request, pk, "appraisal.view_distribution")
    return _export_or_queue(request, rnd, ExportKind.NAMES)


# --- one form's evaluator --------------------------------------------------------------------

FIELD_OF = {"evaluator": "evaluator_code", "higher": "higher_code"}


@login_required
@require_http_methods(["GET", "POST"])
def form_evaluator(request, pk: int):
    """HR changes this round's evaluator and higher supervisor of one form, with a reason."""
    form = get_form(request, pk, "appraisal.set_form_evaluator")
    if request.method == "POST":
        django_form = FormEvaluatorForm(request.POST, form=form, user=request.user)
    else:
        django_form = FormEvaluatorForm(form=form, user=request.user)
        django_form.initial["next"] = request.GET.get("next", "")
    if request.method == "POST" and django_form.is_valid():
        data = django_form.cleaned_data
        try:
            form_set_evaluator(
                actor=request.user,
                form=form,
                evaluator=data["evaluator_code"],
                higher=data["higher_code"],
                reason=data["reason"],
            )
        except DomainError as exc:
            field = FIELD_OF.get(exc.field, exc.field)
            django_form.add_error(field if field in django_form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("เปลี่ยนผู้ประเมินของ %(n)s ในรอบ %(r)s แล้ว")
                % {"n": form.person.full_name, "r": form.round.code},
            )
            target = data.get("next") or ""
            # Only a path on this site: a bare "328" passes the host check but is no URL.
            if not (
                target.startswith("/")
                and url_has_allowed_host_and_scheme(
                    target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                )
            ):
                target = (
                    f"{reverse('appraisal:round_forms', args=[form.round_id])}"
                    f"?who={form.person.staff_code}"
                )
            return HttpResponseRedirect(target)
    return render(
        request,
        "appraisal/hr/form_evaluator.html",
        {
            "form": form,
            "django_form": django_form,
            "rnd": form.round,
            "url": form_url(form),
        },
    )


# --- the audit trail of the round ------------------------------------------------------------


@login_required
@require_GET
def round_audit(request, pk: int):
    """ประวัติการดำเนินการ: who did what to the round and to the forms in the user's part of it,
    when, with old and new values and the reason (the one audit trail)."""
    rnd = get_round(request, pk, "appraisal.view_round")
    kinds = [*RoundEvent.choices, *FormEvent.choices]
    kind = request.GET.get("kind", "")
    if kind not in {k for k, _label in kinds}:
        kind = ""
    who = search_text(request.GET.get("who"))
    qs = selectors.round_audit(user=request.user, rnd=rnd, kind=kind, who=who)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for e in page:
        e.rows = selectors.change_rows(e.changes)
    # Every level, score and comment of the forms shown: their reading goes to the access log.
    record_access(
        request,
        what=DataAccess.ROUND_AUDIT,
        subject_type="round",
        subject_id=rnd.pk,
        subject_name=f"{rnd.code} {who}".strip(),
        obj=rnd,
    )
    return render(
        request,
        "appraisal/hr/audit.html",
        {
            **round_context(request, rnd, "audit"),
            "page": page,
            "kind": kind,
            "who": who,
            "kinds": kinds,
            "pages_qs": querystring(request, page=None),
        },
    )
