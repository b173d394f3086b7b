"""The evaluator's pages: my team, agreement approval, scoring with a live preview, the record of
a refusal to sign, the higher supervisor's review and coaching notes.

Thin: fetch the form through the user's scope (404) and check the rule (403) with
views_common.get_form, call one service, show its Thai message on the field it names.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import exports, scoring, selectors
from appraisal.forms_team import (
    AgreementDecisionForm,
    CoachingForm,
    InformForm,
    RefusalForm,
    ReviewForm,
)
from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    FormEvent,
    Phase,
    State,
    band_label,
)
from appraisal.selectors import form_events, round_has_forms_of
from appraisal.services.agreements import (
    agreement_approve,
    agreement_approve_many,
    agreement_return,
    agreement_warnings,
)
from appraisal.services.monitoring import coaching_add
from appraisal.services.review import (
    form_inform,
    form_refusal_record,
    form_review_higher,
    form_review_higher2,
)
from appraisal.views_common import form_error, get_form
from appraisal.views_hr import PER_PAGE, filter_context, list_filters, querystring
from common.errors import ConflictError, DomainError
from common.inputs import parse_id, parse_ids
from common.models import DataAccess, record_access
from common.permissions import can
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of

STATE_BADGES = {
    State.NOT_STARTED: "secondary",
    State.DRAFT: "light",
    State.SUBMITTED: "warning",
    State.RETURNED: "danger",
    State.AGREED: "primary",
    State.SCORED: "info",
    State.ACKNOWLEDGED: "info",
    State.HIGHER_REVIEWED: "info",
    State.REVIEWED: "success",
    State.RELEASED: "success",
}


# --- helpers ---------------------------------------------------------------------------------


def form_url(pk: int) -> str:
    """The full form page (the staff pages)."""
    return reverse("appraisal:form", kwargs={"pk": pk})


def shown(value) -> str:
    """A score as the page shows it: two decimals, rounded half up (scoring.round2)."""
    return "" if value is None else f"{scoring.round2(value)}"


def summary_of(form: AppraisalForm, result: scoring.FormResult, *, chosen: bool = True) -> dict:
    """The summary panel's figures, rounded for display only. Before any level is chosen
    (`chosen` False) no points and no band are shown: missing levels count as 0 (a rating as
    1), which would show a blank page as scored."""
    if not chosen:
        return {
            "score_kpi": "", "percent": "", "achievement": "", "competency": "", "other": "",
            "total": "", "band": "", "band_code": "", "complete": False, "blank": True,
            "problems": [], "adds_up": True,
            "w_ach": shown(form.weight_achievement),
            "w_comp": shown(form.weight_competency),
            "w_other": shown(form.weight_other) if form.weight_other else "",
        }  # fmt: skip
    return {
        "score_kpi": shown(result.score_kpi),
        "percent": shown(result.percent),
        "achievement": shown(result.achievement),
        "competency": shown(result.competency),
        "other": shown(result.other),
        "total": shown(result.total),
        "band": band_label(result.band),
        "band_code": result.band,
        "complete": result.complete,
        "problems": result.problems,
        # Exact mode: the components shown may not add up to the total shown (footnote).
        "adds_up": result.adds_up,
        "w_ach": shown(form.weight_achievement),
        "w_comp": shown(form.weight_competency),
        "w_other": shown(form.weight_other) if form.weight_other else "",
    }


def stored_summary(form: AppraisalForm) -> dict:
    """The figures saved on the form (after the evaluator's last save and any review)."""
    return {
        "adds_up": form.total is None
        or scoring.adds_up(
            (form.achievement_points, form.competency_points, form.other_points), form.total
        ),
        "achievement": shown(form.achievement_points),
        "competency": shown(form.competency_points),
        "other": shown(form.other_points),
        "total": shown(form.total),
        "band": band_label(form.band),
        "final_total": shown(form.final_total),
        "final_band": band_label(form.final_band),
        "w_ach": shown(form.weight_achievement),
        "w_comp": shown(form.weight_competency),
        "w_other": shown(form.weight_other) if form.weight_other else "",
    }


def _rounds_of(person) -> list[AppraisalRound]:
    """Opened rounds in which the person evaluates or reviews someone, newest first."""
    if person is None:
        return []
    return list(
        AppraisalRound.objects.filter(round_has_forms_of(person))
        .exclude(phase=Phase.SETUP)
        .select_related("department")
        .order_by("-fiscal_year", "-number")
    )


def _next_action(user, f: AppraisalForm) -> tuple[str, str]:
    """What the evaluator does next with the form: (label, url); url "" when nothing to open."""
    pk = f.pk
    if f.state == State.SUBMITTED and can(user, "appraisal.approve_agreement", f):
        return _("พิจารณาข้อตกลง"), reverse("appraisal:agreement_review", kwargs={"pk": pk})
    if f.state == State.SCORED and f.informed_on is None and can(user, "appraisal.inform_form", f):
        return _("แจ้งผลการประเมิน"), reverse("appraisal:inform", kwargs={"pk": pk})
    if f.state in (State.AGREED, State.SCORED) and can(user, "appraisal.score_form", f):
        label = _("ประเมินผล") if f.state == State.AGREED else _("ดูผล/แก้ไขผลการประเมิน")
        return label, reverse("appraisal:score", kwargs={"pk": pk})
    if f.state == State.AGREED and can(user, "appraisal.add_coaching", f):
        return _("บันทึกการสอนงาน"), reverse("appraisal:coaching", kwargs={"pk": pk})
    if f.state in (State.NOT_STARTED, State.DRAFT, State.RETURNED):
        return _("รอผู้รับการประเมินจัดทำข้อตกลง"), form_url(pk)
    return _("ดูแบบประเมิน"), form_url(pk)


def _team_row(user, f: AppraisalForm) -> dict:
    label, url = _next_action(user, f)
    may_see = can(user, "appraisal.view_score", f)
    total = f.final_total if f.final_total is not None else f.total
    return {
        "form": f,
        "badge": STATE_BADGES.get(f.state, "secondary"),
        "total": shown(total) if may_see else "",
        "band": band_label(f.final_band or f.band) if may_see and total is not None else "",
        "provisional": f.state == State.AGREED,
        "action": label,
        "action_url": url,
        "selectable": f.state == State.SUBMITTED and can(user, "appraisal.approve_agreement", f),
        "refusal_url": reverse("appraisal:refusal", kwargs={"pk": f.pk})
        if f.state == State.SCORED and can(user, "appraisal.record_refusal", f)
        else "",
        "coaching_url": reverse("appraisal:coaching", kwargs={"pk": f.pk})
        if can(user, "appraisal.add_coaching", f)
        else "",
        "form_url": form_url(f.pk),
        "agreement_overdue": selectors.agreement_overdue(f),
        "scoring_overdue": selectors.scoring_overdue(f),
    }


def _team_round(request, person):
    """The rounds the person evaluates in and the one chosen (?round=, else the open one)."""
    rounds = _rounds_of(person)
    rnd = None
    wanted = request.GET.get("round", "")
    if wanted:
        rnd = next((r for r in rounds if str(r.pk) == wanted), None)
        if rnd is None:
            raise Http404
    elif rounds:
        rnd = next((r for r in rounds if r.phase != Phase.CLOSED), rounds[0])
    return rounds, rnd


def _team_list(request, person, rnd) -> dict:
    """The team of the round under the page's filters (state, staff group, band, unit with its
    subtree, name or staff code), and the filter bar's counts and choices: the page and its
    export read the same query. The evaluator sees the scores they gave, so bands filter too
    (the evaluator's band while no review revised it, as the page shows)."""
    if rnd is None:
        base = AppraisalForm.objects.none()
    else:
        base = AppraisalForm.objects.filter(evaluator=person, round=rnd)
    # The counts per state and the team's units (the unit filter's choices) in one query.
    counts: dict[str, int] = defaultdict(int)
    by_pk: dict[int, OrgUnit] = {}
    fields = ("unit_id", "unit__tree_id", "unit__lft", "unit__rght", "unit__name")
    for row in base.values("state", *fields, "unit__short_name").annotate(n=Count("id")).order_by():
        counts[row["state"]] += row["n"]
        by_pk.setdefault(
            row["unit_id"],
            OrgUnit(
                pk=row["unit_id"],
                tree_id=row["unit__tree_id"],
                lft=row["unit__lft"],
                rght=row["unit__rght"],
                name=row["unit__name"],
                short_name=row["unit__short_name"],
            ),
        )
    units = sorted(by_pk.values(), key=lambda u: (u.tree_id, u.lft))
    unit = None
    pk_unit = parse_id(request.GET.get("unit"))
    if pk_unit is not None:
        unit = next((u for u in units if u.pk == pk_unit), None)
    flt = list_filters(request, bands_ok=True)
    forms = selectors.team_list(person, rnd, unit=unit, filters=flt) if rnd is not None else base
    return {
        "forms": forms,
        "state": flt.state,
        "states": [(s, label, counts.get(s, 0)) for s, label in State.choices],
        "team_size": sum(counts.values()),
        "unit": unit,
        "team_units": units,
        "filtered": bool(flt.any or unit),
        **filter_context(flt, bands_ok=True),
    }


def team_url(round_pk) -> str:
    url = reverse("appraisal:team")
    return f"{url}?round={round_pk}" if round_pk else url


def _overdue(states, pending, rnd, deadline_passed) -> int:
    if rnd is None or not deadline_passed(rnd):
        return 0
    return sum(n for s, _label, n in states if s in pending)


# --- my team ---------------------------------------------------------------------------------


@login_required
@require_GET
def team(request):
    """ทีมของฉัน: the forms the user evaluates in one round, and those waiting for their opinion
    as higher supervisor. A fixed number of queries whatever the size of the team."""
    person = roles_of(request.user).person
    rounds, rnd = _team_round(request, person)
    ctx = _team_list(request, person, rnd)
    paginator = Paginator(ctx.pop("forms"), PER_PAGE)
    if not ctx["filtered"]:
        paginator.count = ctx["team_size"]  # known already: no COUNT query
    page = paginator.get_page(request.GET.get("page"))
    rows = [_team_row(request.user, f) for f in page]
    reviews = selectors.review_forms(person, rnd) if rnd is not None else []
    return render(
        request,
        "appraisal/team/team.html",
        {
            **ctx,
            "rounds": rounds,
            "round": rnd,
            "rows": rows,
            "page": page,
            "pages_qs": querystring(request, page=None),
            "export_url": f"{reverse('appraisal:team_xlsx')}?{querystring(request, page=None)}",
            "any_selectable": any(r["selectable"] for r in rows),
            # Over the whole team, whatever the state filter shows.
            # (from the state counts: the same states as selectors.agreement_overdue).
            "agreements_overdue": _overdue(
                ctx["states"], selectors.AGREEMENT_PENDING, rnd, selectors.agreement_deadline_passed
            ),
            "scoring_overdue": _overdue(
                ctx["states"], selectors.SCORING_PENDING, rnd, selectors.scoring_deadline_passed
            ),
            "reviews": [
                {
                    "form": f,
                    "summary": stored_summary(f),
                    "level": _("ผู้บังคับบัญชาเหนือขึ้นไปอีกชั้นหนึ่ง")
                    if f.state == State.HIGHER_REVIEWED
                    else _("ผู้บังคับบัญชาเหนือขึ้นไป"),
                    "url": reverse("appraisal:review", kwargs={"pk": f.pk}),
                }
                for f in reviews
            ],
        },
    )


@login_required
@require_POST
def team_approve(request):
    """Approve the ticked agreements, each on its own; say how many passed and which did not."""
    round_pk = request.POST.get("round", "")
    back = team_url(parse_id(round_pk) or "")
    ids = parse_ids(request.POST.getlist("forms"))
    if not ids:
        messages.warning(request, _("กรุณาเลือกข้อตกลงที่จะอนุมัติอย่างน้อย 1 รายการ"))
        return redirect(back)
    forms = list(selectors.forms_visible_to(request.user).filter(pk__in=ids))
    done, problems = agreement_approve_many(actor=request.user, forms=forms)
    missing = len(ids) - len(forms)
    if missing:
        problems.append(_("ไม่พบแบบประเมิน %(n)s รายการ") % {"n": missing})
    if done:
        messages.success(request, _("อนุมัติข้อตกลงแล้ว %(n)s รายการ") % {"n": done})
    if problems:
        messages.error(
            request,
            _("อนุมัติไม่ได้ %(n)s รายการ: %(list)s")
            % {"n": len(problems), "list": "; ".join(problems)},
        )
    return redirect(back)


@login_required
@require_GET
def team_xlsx(request):
    """ทีมของฉัน as .xlsx: every row the page shows under the same filters (all its pages),
    with the scores the evaluator gave where the page shows them; in the access log."""
    person = roles_of(request.user).person
    _rounds, rnd = _team_round(request, person)
    if rnd is None:
        raise Http404
    forms = _team_list(request, person, rnd)["forms"]
    record_access(
        request,
        what=DataAccess.LIST_EXPORT,
        subject_type="team",
        subject_id=person.pk,
        subject_name=f"{person.full_name} ({rnd.code})",
        obj=rnd,
    )

    def shown(f):
        if can(request.user, "appraisal.view_score", f):
            return exports.shown_result(f, final=False)
        return exports.HIDDEN

    data = exports.forms_workbook(((f, shown(f)) for f in forms), title="ทีมของฉัน")
    return exports.xlsx_response(data, exports.filename("ทีมของฉัน", rnd.code))


# --- agreement -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agreement_review(request, pk: int):
    """The submitted agreement: approve it (comment optional) or return it (comment required)."""
    form = get_form(request, pk, "appraisal.approve_agreement")
    decision = AgreementDecisionForm(request.POST or None, version=form.version)
    if request.method == "POST" and decision.is_valid():
        data = decision.cleaned_data
        try:
            if data["action"] == AgreementDecisionForm.APPROVE:
                agreement_approve(
                    actor=request.user,
                    form=form,
                    expected_version=data["version"],
                    comment=data["comment"],
                )
                messages.success(
                    request,
                    _("อนุมัติข้อตกลงของ %(name)s แล้ว") % {"name": form.person.full_name},
                )
            else:
                agreement_return(
                    actor=request.user,
                    form=form,
                    expected_version=data["version"],
                    comment=data["comment"],
                )
                messages.success(
                    request,
                    _("ส่งข้อตกลงของ %(name)s กลับให้แก้ไขแล้ว") % {"name": form.person.full_name},
                )
        except ConflictError as exc:
            decision.add_error(None, exc.message)
        except DomainError as exc:
            form_error(decision, exc)
        else:
            return redirect(team_url(form.round_id))
    kpis = selectors.kpi_rows(form)
    return render(
        request,
        "appraisal/team/agreement.html",
        {
            "form": form,
            "decision": decision,
            "kpis": kpis,
            "weight_total": scoring.weight_total(r.weight for r in kpis),
            "warnings": agreement_warnings(kpis),
            "competencies": list(form.competencies.all()),
            "events": form_events(
                form=form, kinds=[FormEvent.SUBMIT, FormEvent.RETURN, FormEvent.APPROVE]
            ),
            "waiting": form.state == State.SUBMITTED,
            "form_url": form_url(form.pk),
        },
    )


# --- acknowledgement, review, coaching -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inform(request, pk: int):
    """The evaluator records that they informed the appraisee of the result one to one; from
    then on the appraisee sees it and may sign part 4."""
    form = get_form(request, pk, "appraisal.inform_form")
    page = InformForm(request.POST or None, version=form.version)
    if request.method == "POST" and page.is_valid():
        data = page.cleaned_data
        try:
            form_inform(
                actor=request.user,
                form=form,
                expected_version=data["version"],
                informed_on=data["informed_on"],
            )
        except ConflictError as exc:
            page.add_error(None, exc.message)
        except DomainError as exc:
            form_error(page, exc)
        else:
            messages.success(
                request,
                _("บันทึกการแจ้งผลการประเมินให้ %(name)s ทราบแล้ว") % {"name": form.person.full_name},
            )
            return redirect(team_url(form.round_id))
    return render(
        request,
        "appraisal/team/inform.html",
        {
            "form": form,
            "page": page,
            "summary": stored_summary(form),
            "waiting": form.state == State.SCORED and form.informed_on is None,
            "form_url": form_url(form.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def refusal(request, pk: int):
    """The appraisee would not sign: the date they were informed and a witness."""
    form = get_form(request, pk, "appraisal.record_refusal")
    rf = RefusalForm(request.POST or None, version=form.version)
    if form.informed_on and not request.POST:
        rf.fields["informed_on"].initial = form.informed_on  # the date already recorded
    if request.method == "POST" and rf.is_valid():
        data = rf.cleaned_data
        try:
            form_refusal_record(
                actor=request.user,
                form=form,
                expected_version=data["version"],
                informed_on=data["informed_on"],
                witness_name=data["witness_name"],
                witness_position=data["witness_position"],
                witness_on=data["witness_on"],
            )
        except ConflictError as exc:
            rf.add_error(None, exc.message)
        except DomainError as exc:
            form_error(rf, exc)
        else:
            messages.success(
                request,
                _("บันทึกการไม่ลงนามรับทราบของ %(name)s พร้อมพยานแล้ว") % {"name": form.person.full_name},
            )
            return redirect(team_url(form.round_id))
    return render(
        request,
        "appraisal/team/refusal.html",
        {
            "form": form,
            "rf": rf,
            "summary": stored_summary(form),
            "waiting": form.state == State.SCORED,
            "form_url": form_url(form.pk),
        },
    )


def _review_level(user, form: AppraisalForm) -> str:
    """'higher' or 'higher2': which opinion the user gives on this form."""
    may_higher = can(user, "appraisal.higher_review", form)
    may_higher2 = can(user, "appraisal.higher2_review", form)
    if may_higher2 and (form.state == State.HIGHER_REVIEWED or not may_higher):
        return "higher2"
    if may_higher:
        return "higher"
    raise PermissionDenied("appraisal.higher_review")


@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk: int):
    """The higher supervisor's (or the level above's) opinion: agree, or differ with an
    optional revised total."""
    form = get_form(request, pk, "appraisal.view_score")
    level = _review_level(request.user, form)
    waiting = (level == "higher" and form.state == State.ACKNOWLEDGED) or (
        level == "higher2" and form.state == State.HIGHER_REVIEWED
    )
    rv = ReviewForm(request.POST or None, version=form.version)
    if request.method == "POST" and rv.is_valid():
        data = rv.cleaned_data
        action = form_review_higher if level == "higher" else form_review_higher2
        try:
            action(
                actor=request.user,
                form=form,
                expected_version=data["version"],
                agrees=data["agrees"],
                opinion=data["opinion"],
                revised_total=data["revised_total"],
            )
        except ConflictError as exc:
            rv.add_error(None, exc.message)
        except DomainError as exc:
            form_error(rv, exc)
        else:
            messages.success(
                request,
                _("บันทึกความเห็นต่อผลการประเมินของ %(name)s แล้ว") % {"name": form.person.full_name},
            )
            return redirect(team_url(form.round_id))
    return render(
        request,
        "appraisal/team/review.html",
        {
            "form": form,
            "rv": rv,
            "level": level,
            "waiting": waiting,
            "summary": stored_summary(form),
            "higher_total": shown(form.higher_total),
            "form_url": form_url(form.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching(request, pk: int):
    """Coaching notes of the evaluator chain: the list and a new note."""
    form = get_form(request, pk, "appraisal.add_coaching")
    cf = CoachingForm(request.POST or None)
    if request.method == "POST" and cf.is_valid():
        try:
            coaching_add(
                actor=request.user,
                form=form,
                on=cf.cleaned_data["on"],
                note=cf.cleaned_data["note"],
            )
        except DomainError as exc:
            form_error(cf, exc)
        else:
            messages.success(request, _("บันทึกการให้คำปรึกษาแล้ว"))
            return redirect("appraisal:coaching", pk=form.pk)
    return render(
        request,
        "appraisal/team/coaching.html",
        {
            "form": form,
            "cf": cf,
            "notes": list(form.coaching.select_related("author")),
            "form_url": form_url(form.pk),
        },
    )
