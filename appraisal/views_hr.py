"""HR's round pages: rounds and their creation, settings, the progress console with the phase
actions, reminders and release; and what the round's other HR pages share (views_results.py:
the forms of a round, the distribution, one form's evaluator, the audit trail)."""

from __future__ import annotations

import datetime as dt
import smtplib
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import scoring, selectors
from appraisal.forms_hr import (
    CommitteeAddForm,
    CompetencyAddForm,
    RoundCreateForm,
    RoundSettingsForm,
)
from appraisal.models import (
    BAND_LABELS,
    PHASE_ORDER,
    PROGRESS_STATES,
    AppraisalForm,
    AppraisalRound,
    CompetencyKind,
    JobStatus,
    Phase,
    RoundJobAction,
    StaffGroup,
    State,
)
from appraisal.selectors import round_scope
from appraisal.services import round_jobs, round_phases
from appraisal.services.reminders import reminders_send
from appraisal.services.round_phases import (
    round_advance,
    round_close,
    round_open,
    round_reopen,
)
from appraisal.services.rounds import (
    round_committee_add,
    round_committee_remove,
    round_competency_add,
    round_competency_remove,
    round_create,
    round_update,
)
from appraisal.views_common import form_error, get_round
from common import thai
from common.errors import DomainError
from common.form_renderer import esc
from common.inputs import parse_id, search_text
from common.permissions import can
from orgchart.models import OrgUnit, Position
from orgchart.selectors import UnitRow, child_rows, roles_of, subtree_q, unit_search

PER_PAGE = 50
# Column heads of the console: short, with the state's full label as the tooltip.
PROGRESS_LABELS = {
    State.NOT_STARTED: gettext_lazy("ยังไม่เริ่ม"),
    State.DRAFT: gettext_lazy("จัดทำข้อตกลง"),
    State.SUBMITTED: gettext_lazy("รออนุมัติข้อตกลง"),
    State.AGREED: gettext_lazy("อนุมัติข้อตกลงแล้ว"),
    State.SCORED: gettext_lazy("ประเมินแล้ว"),
    State.ACKNOWLEDGED: gettext_lazy("รับทราบผลแล้ว"),
    State.HIGHER_REVIEWED: gettext_lazy("รอผู้บังคับบัญชาอีกชั้น"),
    State.REVIEWED: gettext_lazy("ทบทวนแล้ว"),
    State.RELEASED: gettext_lazy("ประกาศผลแล้ว"),
}
PROGRESS_COLOURS = {
    State.NOT_STARTED: "#adb5bd",
    State.DRAFT: "#ffc107",
    State.SUBMITTED: "#fd7e14",
    State.AGREED: "#0dcaf0",
    State.SCORED: "#6ea8fe",
    State.ACKNOWLEDGED: "#0d6efd",
    State.HIGHER_REVIEWED: "#6f42c1",
    State.REVIEWED: "#20c997",
    State.RELEASED: "#198754",
}
BANDS = [scoring.OUTSTANDING, scoring.VERY_GOOD, scoring.GOOD, scoring.FAIR, scoring.IMPROVE]
BAND_COLOURS = {
    scoring.OUTSTANDING: "#198754",
    scoring.VERY_GOOD: "#0d6efd",
    scoring.GOOD: "#0dcaf0",
    scoring.FAIR: "#ffc107",
    scoring.IMPROVE: "#dc3545",
}
# overdue_agreements' states (selectors.AGREEMENT_PENDING), as the console folds them
# (RETURNED counts as DRAFT).
NOT_YET_AGREED = tuple(s for s in selectors.AGREEMENT_PENDING if s in PROGRESS_STATES)


# --- small helpers ---------------------------------------------------------------------------


def form_url(form: AppraisalForm) -> str:
    """The form page."""
    return reverse("appraisal:form", kwargs={"pk": form.pk})


def percent_of(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def progress_percent(counts: list[int]) -> int:
    """How far the forms have come, from all not started (0) to all released (100): the mean
    position of each form along PROGRESS_STATES."""
    total = sum(counts)
    if not total:
        return 0
    steps = len(PROGRESS_STATES) - 1
    done = sum(i * c for i, c in enumerate(counts))
    return int((Decimal(done) * 100 / (total * steps)).quantize(Decimal(1), ROUND_HALF_UP))


def _segments(counts: list[int]) -> list[dict]:
    """The stacked bar of one row: a coloured share per state."""
    total = sum(counts)
    return [
        {
            "state": s,
            "label": PROGRESS_LABELS[s],
            "count": c,
            "width": f"{Decimal(c) * 100 / total:.2f}",
            "colour": PROGRESS_COLOURS[s],
        }
        for s, c in zip(PROGRESS_STATES, counts, strict=True)
        if c
    ]


# The console's rows are built here rather than in the template: a row is ten linked counts
# and a bar of up to ten parts, about a hundred template variables, 0.4 ms a row (a page of 50
# rows took 9 ms more than a page of 31).
_ZERO_CELL = mark_safe('<td class="text-end"><span class="text-muted">0</span></td>')
_ZERO_TOTAL = mark_safe('<td class="text-end">0</td>')


def _cells_html(cells: list[dict], zero: str = _ZERO_CELL) -> str:
    """The linked count of each state, as table cells (a zero unlinked)."""
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<td class="text-end"><a href="{esc(c["url"])}">{esc(c["count"])}</a></td>'
            if c["count"]
            else zero
            for c in cells
        )
    )


def _bar_html(segments: list[dict], total: int, *, titled: bool = True) -> str:
    """The stacked bar's parts (inside a .progress-stacked). f-strings of escaped values rather
    than format_html: a page of the console has 50 bars of up to ten parts."""
    out = []
    for s in segments:
        label, count = esc(s["label"]), esc(s["count"])
        title = f' title="{label} {count}"' if titled else ""
        out.append(
            f'<div class="progress" role="progressbar" aria-label="{label}" '
            f'aria-valuenow="{count}" aria-valuemin="0" aria-valuemax="{esc(total)}" '
            f'style="width: {esc(s["width"])}%"{title}>'
            f'<div class="progress-bar" style="background-color: {esc(s["colour"])}"></div></div>'
        )
    return mark_safe("".join(out))  # noqa: S308 - every value is escaped


def covered(scope: list[OrgUnit], unit: OrgUnit) -> bool:
    return any(unit.is_descendant_of(s, include_self=True) for s in scope)


def unit_filter(request, rnd, scope):
    """The unit the page is narrowed to (None: the whole scope), from ?unit= or a search ?q=
    by code or name; and the search's candidates when it matched several."""
    q = search_text(request.GET.get("q"))
    if q:
        matches = [
            u
            for u in unit_search(user=request.user, query=q, limit=50)
            if u.tree_id == rnd.department.tree_id and covered(scope, u)
        ]
        exact = [u for u in matches if u.code == q]
        if len(exact) == 1 or len(matches) == 1:
            return (exact or matches)[0], [], q
        return None, matches, q
    pk = parse_id(request.GET.get("unit"))
    if pk is None:
        return None, [], ""
    unit = OrgUnit.objects.filter(subtree_q(scope), pk=pk).first()
    if unit is None:
        raise Http404
    return unit, [], ""


class UnitChoice(NamedTuple):
    pk: int
    name: str
    indent: str


def unit_choices(scope: list[OrgUnit], unit: OrgUnit | None) -> list[UnitChoice]:
    """Units offered in the filter: the scope, the units just below it, and around the chosen
    one; their id, name and indent only (a department has hundreds of direct sub-units)."""
    parents = [s.pk for s in scope]
    if unit is not None:
        parents.append(unit.pk)
        if unit.parent_id:
            parents.append(unit.parent_id)
    cond = Q(pk__in=parents) | Q(parent_id__in=parents)
    rows = list(
        OrgUnit.objects.filter(cond)
        .filter(subtree_q(scope))
        .order_by("tree_id", "lft")
        .values_list("pk", "name", "depth")
    )
    top = min((depth for _pk, _name, depth in rows), default=0)
    return [UnitChoice(pk, name, "· " * (depth - top)) for pk, name, depth in rows]


def list_filters(request, *, bands_ok: bool, states=None) -> selectors.ListFilters:
    """The filters of a list of forms from the query string, each checked against its choices
    (an unknown value is ignored); the band only where the viewer may see bands."""
    get = request.GET
    state = get.get("state", "")
    if state not in (State.values if states is None else states):
        state = ""
    group = get.get("group", "")
    if group not in StaffGroup.values:
        group = ""
    band = get.get("band", "") if bands_ok else ""
    if band not in BANDS:
        band = ""
    return selectors.ListFilters(
        who=search_text(get.get("who")), group=group, state=state, band=band
    )


def filter_context(flt: selectors.ListFilters, *, bands_ok: bool, bands=None) -> dict:
    """What the filter bar shows: the chosen values and the choices."""
    return {
        "who": flt.who,
        "group": flt.group,
        "band": flt.band,
        "group_choices": StaffGroup.choices,
        "band_choices": [(b, BAND_LABELS[b]) for b in (bands or BANDS)] if bands_ok else [],
    }


def export_url(request, rnd: AppraisalRound, unit: OrgUnit | None) -> str:
    """The round's forms as .xlsx under the page's filters (a unit found by search by its id)."""
    params = querystring(request, page=None, q=None, unit=unit.pk if unit is not None else None)
    url = reverse("appraisal:round_forms_xlsx", args=[rnd.pk])
    return f"{url}?{params}" if params else url


def querystring(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def round_context(request, rnd: AppraisalRound, tab: str) -> dict:
    user = request.user
    return {
        "rnd": rnd,
        "tab": tab,
        "phases": [(p, Phase(p).label) for p in PHASE_ORDER],
        "phase_index": PHASE_ORDER.index(rnd.phase),
        "can_manage": can(user, "appraisal.manage_round", rnd),
        "can_view": can(user, "appraisal.view_round", rnd),
        "can_distribution": can(user, "appraisal.view_distribution", rnd),
        # The pages that use the results (the rewards app, by permission name: it sits above).
        "can_raises": can(user, "rewards.manage_raises", rnd),
        "can_analysis": can(user, "rewards.view_analysis", rnd),
    }


def _manageable_departments(user):
    roles = roles_of(user)
    roots = OrgUnit.objects.filter(parent__isnull=True).order_by("code")
    if not roles.is_admin:
        roots = roots.filter(tree_id__in={s.tree_id for s in roles.hr_scopes})
    ok = [r.pk for r in roots if can(user, "appraisal.manage_round", AppraisalRound(department=r))]
    return OrgUnit.objects.filter(pk__in=ok).order_by("code")


# --- rounds ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def rounds(request):
    """The rounds the user may follow, and for HR of a whole department, a new round."""
    user = request.user
    departments = _manageable_departments(user)
    form = None
    if request.method == "POST":
        if not departments.exists():
            raise PermissionDenied("appraisal.manage_round")
        form = RoundCreateForm(request.POST, departments=departments)
        if form.is_valid():
            data = form.cleaned_data
            try:
                rnd = round_create(
                    actor=user,
                    department=data["department"],
                    fiscal_year=data["fiscal_year"],
                    number=data["number"],
                )
            except DomainError as exc:
                form_error(form, exc)
            else:
                messages.success(
                    request,
                    _("สร้างรอบการประเมิน %(code)s แล้ว กรุณาตรวจสอบการตั้งค่าก่อนเปิดรอบ")
                    % {"code": rnd.code},
                )
                return redirect("appraisal:round_settings", pk=rnd.pk)
    elif departments.exists():
        current = thai.round_of(timezone.localdate())
        form = RoundCreateForm(
            departments=departments,
            initial={
                "department": departments.first(),
                "fiscal_year": current.fiscal_year,
                "number": current.number,
            },
        )
    rows = []
    for rnd in selectors.rounds_visible_to(user).order_by(
        "department__code", "-fiscal_year", "-number"
    ):
        can_view = can(user, "appraisal.view_round", rnd)
        if not (can_view or can(user, "appraisal.view_distribution", rnd)):
            continue
        percent = total = None
        if can_view and rnd.phase != Phase.SETUP:
            totals = selectors.progress_totals(rnd, round_scope(user=user, rnd=rnd))
            percent, total = progress_percent(totals), sum(totals)
        rows.append({"rnd": rnd, "can_view": can_view, "percent": percent, "total": total})
    return render(request, "appraisal/hr/rounds.html", {"rows": rows, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def round_settings(request, pk: int):
    rnd = get_round(request, pk)
    user = request.user
    can_manage = can(user, "appraisal.manage_round", rnd)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("appraisal.manage_round")
    post = request.POST if request.method == "POST" else None
    action = (post or {}).get("action", "save")
    readonly = not can_manage or rnd.is_closed
    lines = (
        Position.objects.filter(department=rnd.department)
        .exclude(line_of_work="")
        .values_list("line_of_work", flat=True)
        .distinct()
        .order_by("line_of_work")
    )
    form = RoundSettingsForm(
        post if action == "save" else None,
        rnd=rnd,
        setting_rows=list(rnd.settings.all()),
        expected_rows=list(rnd.expected_levels.all()),
        readonly=readonly,
    )
    comp_form = CompetencyAddForm(post if action == "competency_add" else None, lines=lines)
    member_form = CommitteeAddForm(post if action == "member_add" else None, user=user, rnd=rnd)
    if post is not None:
        version = parse_id(post.get("version"))
        target = {"save": form, "competency_add": comp_form, "member_add": member_form}.get(action)
        try:
            if action == "save" and form.is_valid():
                round_update(actor=user, rnd=rnd, **form.service_kwargs())
                messages.success(request, _("บันทึกการตั้งค่ารอบแล้ว"))
                return redirect("appraisal:round_settings", pk=rnd.pk)
            if action == "competency_add" and comp_form.is_valid():
                comp = round_competency_add(
                    actor=user, rnd=rnd, expected_version=version, **comp_form.cleaned_data
                )
                messages.success(request, _("เพิ่มสมรรถนะ “%(n)s” แล้ว") % {"n": comp.name})
                return _back_to_settings(rnd, "competencies")
            if action == "competency_remove":
                round_competency_remove(
                    actor=user,
                    rnd=rnd,
                    expected_version=version,
                    competency_id=parse_id(post.get("competency")),
                )
                messages.success(request, _("ลบสมรรถนะแล้ว"))
                return _back_to_settings(rnd, "competencies")
            if action == "member_add" and member_form.is_valid():
                person = round_committee_add(
                    actor=user,
                    rnd=rnd,
                    expected_version=version,
                    staff_code=member_form.cleaned_data["staff_code"].staff_code,
                )
                messages.success(
                    request, _("เพิ่ม %(n)s เป็นกรรมการกลั่นกรองแล้ว") % {"n": person.full_name}
                )
                return _back_to_settings(rnd, "committee")
            if action == "member_remove":
                round_committee_remove(
                    actor=user,
                    rnd=rnd,
                    expected_version=version,
                    user_id=parse_id(post.get("user")),
                )
                messages.success(request, _("นำออกจากคณะกรรมการแล้ว"))
                return _back_to_settings(rnd, "committee")
        except DomainError as exc:
            if target is None:
                messages.error(request, exc.message)
                return redirect("appraisal:round_settings", pk=rnd.pk)
            form_error(target, exc)  # a ConflictError names no field: the top of the form
    competencies = list(rnd.competencies.all())
    members = list(rnd.committee.select_related("person__unit").order_by("first_name", "pk"))
    return render(
        request,
        "appraisal/hr/settings.html",
        {
            **round_context(request, rnd, "settings"),
            "form": form,
            "comp_form": comp_form,
            "member_form": member_form,
            "readonly": readonly,
            "comp_groups": [
                (kind.label, [c for c in competencies if c.kind == kind]) for kind in CompetencyKind
            ],
            "can_edit_competencies": not readonly and rnd.phase == Phase.SETUP,
            "members": members,
            "fixed_top": 90,
            "fixed_bottom": 60,
        },
    )


def _back_to_settings(rnd: AppraisalRound, anchor: str):
    return redirect(f"{reverse('appraisal:round_settings', args=[rnd.pk])}#{anchor}")


# --- the console -----------------------------------------------------------------------------


def _rollup(rows, focus: list[OrgUnit], children: dict[int, list[UnitRow]]):
    """Per-unit counts summed to one row for each focus unit's own people and one for each of
    its children's subtrees, so a department of thousands of units is read a unit and its
    children at a time."""
    n = len(PROGRESS_STATES)
    out = []
    for f in focus:
        own = [0] * n
        kids = children.get(f.pk, [])
        per_kid = {k.pk: [0] * n for k in kids}
        for unit, counts, _total in rows:
            if not unit.is_descendant_of(f, include_self=True):
                continue
            target = own if unit.pk == f.pk else None
            if target is None:
                kid = next((k for k in kids if unit.is_descendant_of(k, include_self=True)), None)
                target = per_kid[kid.pk] if kid else own
            for i, c in enumerate(counts):
                target[i] += c
        out.append({"unit": f, "own": True, "counts": own})
        out.extend({"unit": k, "own": False, "counts": per_kid[k.pk]} for k in kids)
    return [r for r in out if sum(r["counts"])]


def _table_from_counts(rnd, focus: list[OrgUnit], children: dict[int, list[UnitRow]]):
    """_rollup()'s table and the totals, from the per-unit counts of the focus units and their
    children (each a whole subtree): a unit's own forms are its subtree's less its children's.
    One query whatever the number of forms."""
    kids = [k for f in focus for k in children[f.pk]]
    counted = selectors.progress_counts(rnd, [*focus, *kids])
    n = len(PROGRESS_STATES)
    out = []
    totals = [0] * n
    for f in focus:
        whole = counted[f.pk]
        totals = [a + b for a, b in zip(totals, whole, strict=True)]
        own = list(whole)
        rows = []
        for k in children[f.pk]:
            cells = counted[k.pk]
            own = [a - b for a, b in zip(own, cells, strict=True)]
            rows.append({"unit": k, "own": False, "counts": cells})
        out.append({"unit": f, "own": True, "counts": own})
        out.extend(rows)
    return [r for r in out if sum(r["counts"])], totals


def _console_row(r: dict) -> str:
    """A row of the console's table (the unit, its linked counts, total and bar), written here
    like its cells: fifty rows of a dozen template variables each were a third of the page."""
    name = esc(r["unit"].name)
    if r["drill"]:
        title = esc(_("ดูหน่วยงานในสังกัด"))
        unit = f'<a href="{esc(r["drill_url"])}" title="{title}">{name}</a>'
    else:
        unit = f'{name} <span class="small text-muted">({esc(_("เฉพาะบุคลากรในหน่วยงานนี้"))})</span>'
    light = ' class="table-light"' if r["own"] else ""
    return mark_safe(  # noqa: S308 - every value is escaped, the cells and bar were built so
        f'<tr data-unit="{int(r["unit"].pk)}"{light}><td>{unit}</td>{r["cells"]}'
        f'<td class="text-end fw-bold">{int(r["total"])}</td>'
        f'<td><div class="progress-stacked" style="height: .7rem">{r["bar"]}</div>'
        f'<span class="small text-muted">{int(r["percent"])}%</span></td></tr>'
    )


@login_required
@require_GET
def round_console(request, pk: int):
    """ติดตามความก้าวหน้า: forms per unit and state, the phase actions, reminders and release."""
    rnd = get_round(request, pk)
    user = request.user
    scope = round_scope(user=user, rnd=rnd)
    unit, matches, q = unit_filter(request, rnd, scope)
    # HR sees the bands of its scope before release (its own unreleased form left out).
    flt = list_filters(request, bands_ok=True, states=PROGRESS_STATES)
    state = flt.state
    me = roles_of(user).person
    focus = [unit] if unit is not None else scope
    # The children of every focus unit in one query, whatever their number.
    children = child_rows(focus)
    if flt.any:
        # Narrowed by a filter: count the matching forms (fewer than the whole scope's).
        rows, totals = selectors.progress_by_unit(rnd, focus, filters=flt, viewer=me)
        table = _rollup(rows, focus, children)
    else:
        # The whole scope: the subtree counts of the focus units and their children.
        table, totals = _table_from_counts(rnd, focus, children)
    forms_url = reverse("appraisal:round_forms", args=[rnd.pk])
    # The forms list and the export keep the console's filters.
    carried = querystring(request, unit=None, q=None, state=None, page=None, exact=None)
    carried = f"&{carried}" if carried else ""
    page = Paginator(table, PER_PAGE).get_page(request.GET.get("page"))
    for r in page:
        u = r["unit"]
        base = f"unit={u.pk}" + ("&exact=1" if r["own"] else "") + carried
        r["cells"] = _cells_html(
            [
                {"count": c, "url": f"{forms_url}?{base}&state={s}"}
                for s, c in zip(PROGRESS_STATES, r["counts"], strict=True)
            ]
        )
        r["total"] = sum(r["counts"])
        r["bar"] = _bar_html(_segments(r["counts"]), r["total"])
        r["percent"] = progress_percent(r["counts"])
        r["drill"] = not r["own"]
        r["drill_url"] = f"?unit={u.pk}{carried}" + (f"&state={state}" if state else "")
        r["html"] = _console_row(r)
    base = (f"unit={unit.pk}" if unit is not None else "") + carried
    total_cells = [
        {"count": c, "url": f"{forms_url}?{base}&state={s}".replace("?&", "?")}
        for s, c in zip(PROGRESS_STATES, totals, strict=True)
    ]
    scope_totals = (
        totals if focus is scope and not flt.any else selectors.progress_totals(rnd, scope)
    )
    missing = (
        AppraisalForm.objects.filter(round=rnd, evaluator__isnull=True)
        .filter(subtree_q(scope, prefix="unit__"))
        .select_related("person", "unit")
        .order_by("unit__tree_id", "unit__lft", "person__first_name")
    )
    live = rnd.phase not in (Phase.SETUP, Phase.CLOSED)
    index = PHASE_ORDER.index(rnd.phase)
    next_phase = (
        Phase(PHASE_ORDER[index + 1]).label
        if rnd.phase in (Phase.AGREEMENT, Phase.MONITORING, Phase.EVALUATION, Phase.REVIEW)
        else None
    )
    job = round_jobs.latest_job(rnd)
    if job is not None and not job.pending:
        # A finished step is shown for a while after it ends; a failed one until the next.
        recent = job.finished_at and job.finished_at > timezone.now() - JOB_SHOWN_FOR
        if job.status == JobStatus.DONE and not recent:
            job = None
    return render(
        request,
        "appraisal/hr/console.html",
        {
            **round_context(request, rnd, "console"),
            "job": job,
            "job_busy": job is not None and job.pending and not job.stale,
            "heads": [(s, PROGRESS_LABELS[s], State(s).label) for s in PROGRESS_STATES],
            "legend": [(PROGRESS_LABELS[s], PROGRESS_COLOURS[s]) for s in PROGRESS_STATES],
            "table": page,
            "page": page,
            "pages_qs": querystring(request, page=None),
            "export_url": export_url(request, rnd, unit),
            **filter_context(flt, bands_ok=True),
            "totals": _cells_html(total_cells, _ZERO_TOTAL),
            "total": sum(totals),
            "total_bar": _bar_html(_segments(totals), sum(totals), titled=False),
            "total_percent": progress_percent(totals),
            "scope": scope,
            "unit": unit,
            "matches": matches,
            "q": q,
            "state": state,
            "state_choices": [(s, PROGRESS_LABELS[s]) for s in PROGRESS_STATES],
            "unit_choices": unit_choices(scope, unit),
            "scope_total": sum(scope_totals),
            "overdue": sum(scope_totals[PROGRESS_STATES.index(s)] for s in NOT_YET_AGREED)
            if live
            else 0,
            "overdue_late": live and selectors.agreement_deadline_passed(rnd),
            "reviewed": scope_totals[PROGRESS_STATES.index(State.REVIEWED)],
            "can_release": rnd.phase_at_least(Phase.REVIEW) and not rnd.is_closed,
            "can_remind": live,
            "next_phase": next_phase,
            "missing_count": missing.count(),
            "missing": list(missing[:100]),
            "can_fix_chain": live,
            "forms_url": forms_url,
        },
    )


@login_required
@require_GET
def round_job_progress(request, pk: int):
    """The console's panel of the step running in the background, polled while it runs; once
    it has finished the whole console reloads (its counts and actions have changed)."""
    rnd = get_round(request, pk)
    if not round_scope(user=request.user, rnd=rnd):
        raise PermissionDenied("appraisal.view_round")
    job = round_jobs.latest_job(rnd)
    if job is None:
        raise Http404
    response = render(
        request, "appraisal/hr/_round_job.html", {"job": job, "rnd": rnd, "polled": True}
    )
    if not job.pending or job.stale:
        response["HX-Refresh"] = "true"
    return response


# How long the console shows a step that finished in the background.
JOB_SHOWN_FOR = dt.timedelta(minutes=15)


def _queued(request, rnd, action: str, version: int | None = None) -> bool:
    """Queue the step for the worker when the department is large (True), else leave it to
    the request (False)."""
    if not round_jobs.runs_in_background(actor=request.user, rnd=rnd, action=action):
        return False
    job = round_jobs.round_job_start(
        actor=request.user, rnd=rnd, action=action, expected_version=version
    )
    messages.info(
        request,
        _("เริ่ม%(what)s ในเบื้องหลังแล้ว (%(n)s ฉบับ) ความคืบหน้าแสดงอยู่ในหน้านี้ ปิดหน้านี้ได้โดยงานยังดำเนินต่อ")
        % {"what": job.get_action_display(), "n": f"{job.total:,}"},
    )
    return True


@login_required
@require_POST
def round_phase(request, pk: int):
    """Open, advance, close or reopen (with a reason) the round."""
    rnd = get_round(request, pk)
    user = request.user
    if not can(user, "appraisal.manage_round", rnd):
        raise PermissionDenied("appraisal.manage_round")
    action = request.POST.get("action", "")
    version = parse_id(request.POST.get("version"))
    try:
        if action in (RoundJobAction.OPEN, RoundJobAction.ADVANCE) and _queued(
            request, rnd, action, version
        ):
            return redirect("appraisal:round_console", pk=rnd.pk)  # it shows the step's progress
        if action == "open":
            count = round_open(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("เปิดรอบแล้ว สร้างแบบประเมิน %(n)s ฉบับ") % {"n": f"{count:,}"})
        elif action == "advance":
            phase = round_advance(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("เข้าสู่ขั้นตอน “%(p)s” แล้ว") % {"p": Phase(phase).label})
        elif action == "close":
            round_close(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("ปิดรอบแล้ว ข้อมูลของรอบนี้แก้ไขไม่ได้จนกว่าจะเปิดรอบใหม่"))
        elif action == "reopen":
            round_reopen(actor=user, rnd=rnd, reason=request.POST.get("reason", ""))
            messages.success(request, _("เปิดรอบใหม่แล้ว (บันทึกเหตุผลไว้ในประวัติ)"))
        else:
            messages.error(request, _("ไม่รู้จักคำสั่งนี้"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("appraisal:round_console", pk=rnd.pk)


@login_required
@require_POST
def round_remind(request, pk: int):
    """E-mail everyone in the user's scope whose agreement is not yet approved."""
    rnd = get_round(request, pk)
    try:
        if _queued(request, rnd, RoundJobAction.REMIND):
            return redirect("appraisal:round_console", pk=rnd.pk)
        sent = reminders_send(actor=request.user, rnd=rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    except (OSError, smtplib.SMTPException):
        messages.error(request, _("ส่งอีเมลไม่สำเร็จ กรุณาตรวจสอบการตั้งค่าเซิร์ฟเวอร์อีเมล"))
    else:
        if sent:
            messages.success(request, _("ส่งอีเมลแจ้งเตือนแล้ว %(n)s ฉบับ") % {"n": sent})
        else:
            messages.info(request, _("ไม่มีผู้ที่ต้องแจ้งเตือน (หรือไม่มีอีเมล)"))
    return redirect("appraisal:round_console", pk=rnd.pk)


@login_required
@require_POST
def round_release(request, pk: int):
    """ประกาศผล: release every reviewed form in the user's scope."""
    rnd = get_round(request, pk)
    try:
        if _queued(request, rnd, RoundJobAction.RELEASE):
            return redirect("appraisal:round_console", pk=rnd.pk)
        count = round_phases.round_release(actor=request.user, rnd=rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, _("ประกาศผลแล้ว %(n)s ราย") % {"n": f"{count:,}"})
        else:
            messages.info(request, _("ไม่มีแบบประเมินที่ทบทวนแล้วรอประกาศผล"))
    return redirect("appraisal:round_console", pk=rnd.pk)
