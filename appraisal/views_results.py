"""HR's result pages of a round: its forms, the band distribution for the screening committee,
the change of one form's evaluator chain, and the round's audit trail."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from appraisal import exports, scoring, selectors
from appraisal.exports import xlsx_response
from appraisal.forms_hr import (
    FormEvaluatorForm,
)
from appraisal.models import (
    BAND_LABELS,
    AppraisalForm,
    FormEvent,
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


def _too_many_to_export(request, qs, back: str):
    """A redirect back to the list with the reason when the export would hold more rows than
    one request can write (settings.EXPORT_MAX_ROWS); None when it may go ahead. A whole
    department of 254,550 forms took 108 s and 3.2 GB of memory to write, past the request
    timeout: the officer narrows the list (a unit, a state, a band) and exports it in parts."""
    limit = exports.max_rows()
    n = qs.count()
    if n <= limit:
        return None
    messages.error(
        request,
        _(
            "รายการนี้มี %(n)s ฉบับ มากกว่าที่ส่งออกเป็น Excel ได้ในครั้งเดียว (%(max)s ฉบับ) "
            "กรุณาเลือกหน่วยงานหรือเงื่อนไขให้แคบลง แล้วส่งออกทีละส่วน"
        )
        % {"n": f"{n:,}", "max": f"{limit:,}"},
    )
    params = request.GET.urlencode()
    return HttpResponseRedirect(f"{back}?{params}" if params else back)


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
    its pages), with the figures the list shows; the download goes to the access log."""
    rnd = get_round(request, pk)
    qs, flt, me, where = _round_forms_list(request, rnd)
    too_many = _too_many_to_export(request, qs, reverse("appraisal:round_forms", args=[rnd.pk]))
    if too_many is not None:
        return too_many
    unit = where["unit"]
    record_access(
        request,
        what=DataAccess.LIST_EXPORT,
        subject_type="unit" if unit is not None else "round",
        subject_id=unit.pk if unit is not None else rnd.pk,
        subject_name=f"{unit.name if unit is not None else rnd.department.name} ({rnd.code})",
        obj=rnd,
    )
    data = exports.forms_workbook(((f, _shown_to(me, f)) for f in qs), title="แบบประเมิน")
    name = exports.filename("แบบประเมิน", unit.code if unit is not None else "", rnd.code)
    return xlsx_response(data, name)


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
    user = request.user
    scope = round_scope(user=user, rnd=rnd, committee_sees_all=True)
    me = roles_of(user).person
    flt = list_filters(request, bands_ok=True)
    too_many = _too_many_to_export(
        request,
        _names(rnd, scope, me, flt),
        reverse("appraisal:distribution", args=[rnd.pk]),
    )
    if too_many is not None:
        return too_many
    record_access(
        request,
        what=DataAccess.LIST_EXPORT,
        subject_type="round",
        subject_id=rnd.pk,
        subject_name=f"{rnd.department.name} ({rnd.code})",
        obj=rnd,
    )

    def shown(f):
        full = exports.shown_result(f)
        if can(user, "appraisal.view_score", f):
            return full
        return exports.Shown(total=full.total, band=full.band)

    rows = ((f, shown(f)) for f in _names(rnd, scope, me, flt))
    data = exports.forms_workbook(rows, title="ดีเด่นและดีมาก")
    return xlsx_response(data, exports.filename("รายชื่อดีเด่นดีมาก", rnd.code))


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
