"""HR's round pages: rounds and their creation, settings, the progress console with the phase
actions, reminders and release, the forms of a round, the band distribution for the screening
committee, and the change of one form's evaluator chain."""

from __future__ import annotations

import smtplib
from decimal import ROUND_HALF_UP, Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import scoring, selectors, services, services_round
from appraisal.forms_hr import (
    CommitteeAddForm,
    CompetencyAddForm,
    FormEvaluatorForm,
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
    Phase,
    StaffGroup,
    State,
)
from appraisal.services import can
from appraisal.views_common import form_error, get_form, get_round
from common import thai
from common.errors import DomainError
from orgchart.models import OrgUnit, Position
from orgchart.selectors import _subtree_q, roles_of, unit_search

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
# services.overdue_agreements' states, as the console folds them (RETURNED counts as DRAFT).
NOT_YET_AGREED = (State.NOT_STARTED, State.DRAFT, State.SUBMITTED)
# A unit whose share of a band differs from the department's by this many points is marked.
NOTABLE_GAP = Decimal(10)


# --- small helpers ---------------------------------------------------------------------------


def form_url(form: AppraisalForm) -> str:
    """The form page, built elsewhere; '' while it does not exist yet."""
    try:
        return reverse("appraisal:form", kwargs={"pk": form.pk})
    except NoReverseMatch:
        return ""


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _percent(part: int, whole: int) -> Decimal:
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


def scope_of(user, rnd: AppraisalRound) -> list[OrgUnit]:
    """The part of the round the user works on: the whole department for an administrator or
    its HR, else their HR scopes inside it."""
    roles = roles_of(user)
    if roles.is_admin or can(user, "appraisal.manage_round", rnd):
        return [rnd.department]
    mine = list({s.pk: s for s in roles.hr_scopes if s.tree_id == rnd.department.tree_id}.values())
    # A scope inside another one adds nothing and would count its forms twice in the console.
    return [
        s
        for s in mine
        if not any(o.pk != s.pk and s.is_descendant_of(o, include_self=True) for o in mine)
    ]


def _covered(scope: list[OrgUnit], unit: OrgUnit) -> bool:
    return any(unit.is_descendant_of(s, include_self=True) for s in scope)


def _unit_filter(request, rnd, scope):
    """The unit the page is narrowed to (None: the whole scope), from ?unit= or a search ?q=
    by code or name; and the search's candidates when it matched several."""
    q = (request.GET.get("q") or "").strip()
    if q:
        matches = [
            u
            for u in unit_search(user=request.user, query=q, limit=50)
            if u.tree_id == rnd.department.tree_id and _covered(scope, u)
        ]
        exact = [u for u in matches if u.code == q]
        if len(exact) == 1 or len(matches) == 1:
            return (exact or matches)[0], [], q
        return None, matches, q
    pk = _int(request.GET.get("unit"))
    if pk is None:
        return None, [], ""
    unit = OrgUnit.objects.filter(_subtree_q(scope), pk=pk).first()
    if unit is None:
        raise Http404
    return unit, [], ""


def _unit_choices(scope: list[OrgUnit], unit: OrgUnit | None) -> list[OrgUnit]:
    """Units offered in the filter: the scope, one level below it, and around the chosen one."""
    parents = [s.pk for s in scope]
    if unit is not None:
        parents.append(unit.pk)
        if unit.parent_id:
            parents.append(unit.parent_id)
    cond = Q(pk__in=parents) | Q(parent_id__in=parents)
    units = list(OrgUnit.objects.filter(cond).filter(_subtree_q(scope)).order_by("tree_id", "lft"))
    top = min((u.level for u in units), default=0)
    for u in units:
        u.indent = "· " * (u.level - top)
    return units


def _querystring(request, **changes) -> str:
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def _round_context(request, rnd: AppraisalRound, tab: str) -> dict:
    user = request.user
    return {
        "rnd": rnd,
        "tab": tab,
        "phases": [(p, Phase(p).label) for p in PHASE_ORDER],
        "phase_index": PHASE_ORDER.index(rnd.phase),
        "can_manage": can(user, "appraisal.manage_round", rnd),
        "can_view": can(user, "appraisal.view_round", rnd),
        "can_distribution": can(user, "appraisal.view_distribution", rnd),
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
                rnd = services.round_create(
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
            _rows, totals = selectors.progress_by_unit(rnd, scope_of(user, rnd))
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
    member_form = CommitteeAddForm(post if action == "member_add" else None)
    if post is not None:
        version = _int(post.get("version"))
        target = {"save": form, "competency_add": comp_form, "member_add": member_form}.get(action)
        try:
            if action == "save" and form.is_valid():
                services.round_update(actor=user, rnd=rnd, **form.service_kwargs())
                messages.success(request, _("บันทึกการตั้งค่ารอบแล้ว"))
                return redirect("appraisal:round_settings", pk=rnd.pk)
            if action == "competency_add" and comp_form.is_valid():
                comp = services_round.round_competency_add(
                    actor=user, rnd=rnd, expected_version=version, **comp_form.cleaned_data
                )
                messages.success(request, _("เพิ่มสมรรถนะ “%(n)s” แล้ว") % {"n": comp.name})
                return _back_to_settings(rnd, "competencies")
            if action == "competency_remove":
                services_round.round_competency_remove(
                    actor=user,
                    rnd=rnd,
                    expected_version=version,
                    competency_id=_int(post.get("competency")),
                )
                messages.success(request, _("ลบสมรรถนะแล้ว"))
                return _back_to_settings(rnd, "competencies")
            if action == "member_add" and member_form.is_valid():
                person = services_round.round_committee_add(
                    actor=user,
                    rnd=rnd,
                    expected_version=version,
                    staff_code=member_form.cleaned_data["staff_code"],
                )
                messages.success(
                    request, _("เพิ่ม %(n)s เป็นกรรมการกลั่นกรองแล้ว") % {"n": person.full_name}
                )
                return _back_to_settings(rnd, "committee")
            if action == "member_remove":
                services_round.round_committee_remove(
                    actor=user, rnd=rnd, expected_version=version, user_id=_int(post.get("user"))
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
            **_round_context(request, rnd, "settings"),
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


def _rollup(rows, focus: list[OrgUnit], children: dict[int, list[OrgUnit]]):
    """Per-unit counts summed to one row for each focus unit's own people and one for each of
    its children's subtrees, so a department of thousands of units reads one level at a time."""
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


@login_required
@require_GET
def round_console(request, pk: int):
    """ติดตามความก้าวหน้า: forms per unit and state, the phase actions, reminders and release."""
    rnd = get_round(request, pk)
    user = request.user
    scope = scope_of(user, rnd)
    unit, matches, q = _unit_filter(request, rnd, scope)
    state = request.GET.get("state", "")
    if state not in PROGRESS_STATES:
        state = ""
    focus = [unit] if unit is not None else scope
    rows, totals = selectors.progress_by_unit(rnd, focus, state=state)
    children = {
        f.pk: list(OrgUnit.objects.filter(parent=f).order_by("tree_id", "lft")) for f in focus
    }
    table = _rollup(rows, focus, children)
    forms_url = reverse("appraisal:round_forms", args=[rnd.pk])
    for r in table:
        u = r["unit"]
        base = f"unit={u.pk}" + ("&exact=1" if r["own"] else "")
        r["cells"] = [
            {"count": c, "url": f"{forms_url}?{base}&state={s}"}
            for s, c in zip(PROGRESS_STATES, r["counts"], strict=True)
        ]
        r["total"] = sum(r["counts"])
        r["segments"] = _segments(r["counts"])
        r["percent"] = progress_percent(r["counts"])
        r["drill"] = not r["own"]
    base = f"unit={unit.pk}" if unit is not None else ""
    total_cells = [
        {"count": c, "url": f"{forms_url}?{base}&state={s}".replace("?&", "?")}
        for s, c in zip(PROGRESS_STATES, totals, strict=True)
    ]
    _all_rows, scope_totals = selectors.progress_by_unit(rnd, scope)
    missing = (
        AppraisalForm.objects.filter(round=rnd, evaluator__isnull=True)
        .filter(_subtree_q(scope, prefix="unit__"))
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
    return render(
        request,
        "appraisal/hr/console.html",
        {
            **_round_context(request, rnd, "console"),
            "heads": [(s, PROGRESS_LABELS[s], State(s).label) for s in PROGRESS_STATES],
            "legend": [(PROGRESS_LABELS[s], PROGRESS_COLOURS[s]) for s in PROGRESS_STATES],
            "table": table,
            "totals": total_cells,
            "total": sum(totals),
            "total_segments": _segments(totals),
            "total_percent": progress_percent(totals),
            "scope": scope,
            "unit": unit,
            "matches": matches,
            "q": q,
            "state": state,
            "state_choices": [(s, PROGRESS_LABELS[s]) for s in PROGRESS_STATES],
            "unit_choices": _unit_choices(scope, unit),
            "scope_total": sum(scope_totals),
            "overdue": sum(scope_totals[PROGRESS_STATES.index(s)] for s in NOT_YET_AGREED)
            if live
            else 0,
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
@require_POST
def round_phase(request, pk: int):
    """Open, advance, close or reopen (with a reason) the round."""
    rnd = get_round(request, pk)
    user = request.user
    if not can(user, "appraisal.manage_round", rnd):
        raise PermissionDenied("appraisal.manage_round")
    action = request.POST.get("action", "")
    version = _int(request.POST.get("version"))
    try:
        if action == "open":
            count = services.round_open(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("เปิดรอบแล้ว สร้างแบบประเมิน %(n)s ฉบับ") % {"n": f"{count:,}"})
        elif action == "advance":
            phase = services.round_advance(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("เข้าสู่ขั้นตอน “%(p)s” แล้ว") % {"p": Phase(phase).label})
        elif action == "close":
            services.round_close(actor=user, rnd=rnd, expected_version=version)
            messages.success(request, _("ปิดรอบแล้ว ข้อมูลของรอบนี้แก้ไขไม่ได้จนกว่าจะเปิดรอบใหม่"))
        elif action == "reopen":
            services.round_reopen(actor=user, rnd=rnd, reason=request.POST.get("reason", ""))
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
        sent = services.send_reminders(actor=request.user, rnd=rnd)
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
        count = services.round_release(actor=request.user, rnd=rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if count:
            messages.success(request, _("ประกาศผลแล้ว %(n)s ราย") % {"n": f"{count:,}"})
        else:
            messages.info(request, _("ไม่มีแบบประเมินที่ทบทวนแล้วรอประกาศผล"))
    return redirect("appraisal:round_console", pk=rnd.pk)


# --- the forms of a round --------------------------------------------------------------------


@login_required
@require_GET
def round_forms(request, pk: int):
    rnd = get_round(request, pk)
    user = request.user
    scope = scope_of(user, rnd)
    unit, matches, q_unit = _unit_filter(request, rnd, scope)
    exact = unit is not None and request.GET.get("exact") == "1"
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    who = (request.GET.get("who") or "").strip()
    qs = AppraisalForm.objects.filter(round=rnd).filter(
        _subtree_q([unit] if unit is not None else scope, prefix="unit__")
    )
    if exact:
        qs = qs.filter(unit=unit)
    if state == State.DRAFT:
        qs = qs.filter(state__in=[State.DRAFT, State.RETURNED])  # as the console counts them
    elif state:
        qs = qs.filter(state=state)
    if who:
        qs = qs.filter(
            Q(person__staff_code=who)
            | Q(person__first_name__icontains=who)
            | Q(person__last_name__icontains=who)
        )
    qs = qs.select_related("person", "unit", "evaluator").order_by(
        "unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk"
    )
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    can_fix = rnd.phase not in (Phase.SETUP, Phase.CLOSED)
    for f in page:
        f.url = form_url(f)
        f.shown_total = scoring.round2(f.final_total) if f.final_total is not None else None
        f.band_label = BAND_LABELS.get(f.final_band, "")
        f.fixable = can_fix and f.state in (
            State.NOT_STARTED,
            State.DRAFT,
            State.RETURNED,
            State.SUBMITTED,
            State.AGREED,
        )
    return render(
        request,
        "appraisal/hr/forms.html",
        {
            **_round_context(request, rnd, "forms"),
            "page": page,
            "unit": unit,
            "exact": exact,
            "matches": matches,
            "q": q_unit,
            "who": who,
            "state": state,
            "state_choices": State.choices,
            "unit_choices": _unit_choices(scope, unit),
            "pages_qs": _querystring(request, page=None),
        },
    )


# --- distribution ----------------------------------------------------------------------------


def _band_row(dist: dict, reference: dict | None = None) -> list[dict]:
    total = dist["total"]
    cells = []
    for b in BANDS:
        n = dist["overall"].get(b, 0)
        pct = _percent(n, total)
        cell = {
            "band": b,
            "label": BAND_LABELS[b],
            "colour": BAND_COLOURS[b],
            "count": n,
            "percent": pct,
        }
        if reference is not None:
            gap = pct - _percent(reference["overall"].get(b, 0), reference["total"])
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
    roles = roles_of(user)
    scope = None
    if not (
        roles.is_admin
        or can(user, "appraisal.manage_round", rnd)
        or rnd.committee.filter(pk=user.pk).exists()
    ):
        scope = [s for s in roles.hr_scopes if s.tree_id == rnd.department.tree_id]
    dept = selectors.distribution(rnd, scope)
    pk_unit = _int(request.GET.get("unit"))
    focus = rnd.department
    if pk_unit is not None:
        focus = OrgUnit.objects.filter(_subtree_q([rnd.department]), pk=pk_unit).first()
        if focus is None:
            raise Http404
    unit_rows = [
        {"unit": child, "total": d["total"], "cells": _band_row(d, dept) if d["total"] else []}
        for child, d in selectors.distribution_by_child(rnd, focus, scope)
    ]
    groups = []
    for g in StaffGroup:
        counts = dept["per_group"].get(g.value)
        if counts:
            d = {"overall": counts, "total": sum(counts.values())}
            groups.append({"label": g.label, "total": d["total"], "cells": _band_row(d, dept)})
    names = list(
        AppraisalForm.objects.filter(
            round=rnd,
            state__in=selectors.SCORED_STATES,
            final_band__in=[scoring.OUTSTANDING, scoring.VERY_GOOD],
        )
        .filter(_subtree_q(scope, prefix="unit__") if scope is not None else Q())
        .select_related("person", "unit")
        .order_by("-final_total", "person__first_name", "person__last_name")
    )
    for f in names:
        f.url = form_url(f) if can(user, "appraisal.view_form", f) else ""
        f.shown_total = scoring.round2(f.final_total)
        f.band_label = BAND_LABELS[f.final_band]
    return render(
        request,
        "appraisal/hr/distribution.html",
        {
            **_round_context(request, rnd, "distribution"),
            "bands": [(b, BAND_LABELS[b]) for b in BANDS],
            "dept": {"total": dept["total"], "cells": _band_row(dept)},
            "focus": focus,
            "unit_rows": unit_rows,
            "groups": groups,
            "names": names,
            "notable_gap": NOTABLE_GAP,
        },
    )


# --- one form's evaluator --------------------------------------------------------------------

FIELD_OF = {"evaluator": "evaluator_code", "higher": "higher_code"}


@login_required
@require_http_methods(["GET", "POST"])
def form_evaluator(request, pk: int):
    """HR changes this round's evaluator and higher supervisor of one form, with a reason."""
    form = get_form(request, pk, "appraisal.set_form_evaluator")
    if request.method == "POST":
        django_form = FormEvaluatorForm(request.POST, form=form)
    else:
        django_form = FormEvaluatorForm(form=form)
        django_form.initial["next"] = request.GET.get("next", "")
    if request.method == "POST" and django_form.is_valid():
        data = django_form.cleaned_data
        try:
            services.form_set_evaluator(
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
