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
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import scoring, selectors, services
from appraisal.forms_team import (
    AgreementDecisionForm,
    CoachingForm,
    RefusalForm,
    ReopenForm,
    ReviewForm,
    ScoreForm,
)
from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    CheckInProgress,
    Phase,
    State,
    band_label,
)
from appraisal.views_common import form_error, get_form
from common.errors import ConflictError, DomainError
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
    """The full form page (the staff pages), or "" while it does not exist."""
    try:
        return reverse("appraisal:form", kwargs={"pk": pk})
    except NoReverseMatch:
        return ""


def shown(value) -> str:
    """A score as the page shows it: two decimals, rounded half up (scoring.round2)."""
    return "" if value is None else f"{scoring.round2(value)}"


def summary_of(form: AppraisalForm, result: services.Result) -> dict:
    """The summary panel's figures, rounded for display only."""
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
        "w_ach": shown(form.weight_achievement),
        "w_comp": shown(form.weight_competency),
        "w_other": shown(form.weight_other) if form.weight_other else "",
    }


def stored_summary(form: AppraisalForm) -> dict:
    """The figures saved on the form (after the evaluator's last save and any review)."""
    final = form.final_total if form.final_total is not None else form.total
    return {
        "achievement": shown(form.achievement_points),
        "competency": shown(form.competency_points),
        "other": shown(form.other_points),
        "total": shown(form.total),
        "band": band_label(form.band),
        "final_total": shown(final),
        "final_band": band_label(form.final_band or form.band),
        "w_ach": shown(form.weight_achievement),
        "w_comp": shown(form.weight_competency),
        "w_other": shown(form.weight_other) if form.weight_other else "",
    }


def _rounds_of(person) -> list[AppraisalRound]:
    """Opened rounds in which the person evaluates or reviews someone, newest first."""
    if person is None:
        return []
    mine = AppraisalForm.objects.filter(
        Q(evaluator=person) | Q(higher=person) | Q(higher2=person)
    ).values("round_id")
    return list(
        AppraisalRound.objects.filter(pk__in=mine)
        .exclude(phase=Phase.SETUP)
        .select_related("department")
        .order_by("-fiscal_year", "-number")
    )


def _next_action(user, f: AppraisalForm) -> tuple[str, str]:
    """What the evaluator does next with the form: (label, url); url "" when nothing to open."""
    pk = f.pk
    if f.state == State.SUBMITTED and services.can(user, "appraisal.approve_agreement", f):
        return _("พิจารณาข้อตกลง"), reverse("appraisal:agreement_review", kwargs={"pk": pk})
    if f.state in (State.AGREED, State.SCORED) and services.can(user, "appraisal.score_form", f):
        label = _("ประเมินผล") if f.state == State.AGREED else _("ดูผล/แก้ไขผลการประเมิน")
        return label, reverse("appraisal:score", kwargs={"pk": pk})
    if f.state == State.AGREED and services.can(user, "appraisal.add_coaching", f):
        return _("บันทึกการสอนงาน"), reverse("appraisal:coaching", kwargs={"pk": pk})
    if f.state in (State.NOT_STARTED, State.DRAFT, State.RETURNED):
        return _("รอผู้รับการประเมินจัดทำข้อตกลง"), form_url(pk)
    return _("ดูแบบประเมิน"), form_url(pk)


def _team_row(user, f: AppraisalForm) -> dict:
    label, url = _next_action(user, f)
    may_see = services.can(user, "appraisal.view_score", f)
    total = f.final_total if f.final_total is not None else f.total
    return {
        "form": f,
        "badge": STATE_BADGES.get(f.state, "secondary"),
        "total": shown(total) if may_see else "",
        "band": band_label(f.final_band or f.band) if may_see and total is not None else "",
        "provisional": f.state == State.AGREED,
        "action": label,
        "action_url": url,
        "selectable": f.state == State.SUBMITTED
        and services.can(user, "appraisal.approve_agreement", f),
        "refusal_url": reverse("appraisal:refusal", kwargs={"pk": f.pk})
        if f.state == State.SCORED and services.can(user, "appraisal.record_refusal", f)
        else "",
        "coaching_url": reverse("appraisal:coaching", kwargs={"pk": f.pk})
        if services.can(user, "appraisal.add_coaching", f)
        else "",
        "form_url": form_url(f.pk),
    }


def _team_url(round_pk) -> str:
    url = reverse("appraisal:team")
    return f"{url}?round={round_pk}" if round_pk else url


# --- my team ---------------------------------------------------------------------------------


@login_required
@require_GET
def team(request):
    """ทีมของฉัน: the forms the user evaluates in one round, and those waiting for their opinion
    as higher supervisor. A fixed number of queries whatever the size of the team."""
    person = roles_of(request.user).person
    rounds = _rounds_of(person)
    rnd = None
    wanted = request.GET.get("round", "")
    if wanted:
        rnd = next((r for r in rounds if str(r.pk) == wanted), None)
        if rnd is None:
            raise Http404
    elif rounds:
        rnd = next((r for r in rounds if r.phase != Phase.CLOSED), rounds[0])
    forms = selectors.team_forms(person, rnd) if rnd is not None else []
    reviews = selectors.review_forms(person, rnd) if rnd is not None else []
    counts: dict[str, int] = defaultdict(int)
    for f in forms:
        counts[f.state] += 1
    state = request.GET.get("state", "")
    if state not in State.values:
        state = ""
    shown_forms = [f for f in forms if not state or f.state == state]
    rows = [_team_row(request.user, f) for f in shown_forms]
    return render(
        request,
        "appraisal/team/team.html",
        {
            "rounds": rounds,
            "round": rnd,
            "state": state,
            "states": [(s, label, counts.get(s, 0)) for s, label in State.choices],
            "team_size": len(forms),
            "rows": rows,
            "any_selectable": any(r["selectable"] for r in rows),
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
    back = _team_url(round_pk if round_pk.isdigit() else "")
    ids = {int(v) for v in request.POST.getlist("forms") if v.isdigit()}
    if not ids:
        messages.warning(request, _("กรุณาเลือกข้อตกลงที่จะอนุมัติอย่างน้อย 1 รายการ"))
        return redirect(back)
    forms = list(selectors.forms_visible_to(request.user).filter(pk__in=ids))
    done, problems = services.agreement_approve_many(actor=request.user, forms=forms)
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
                services.agreement_approve(
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
                services.agreement_return(
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
            return redirect(_team_url(form.round_id))
    kpis = list(form.kpis.select_related("kpi"))
    return render(
        request,
        "appraisal/team/agreement.html",
        {
            "form": form,
            "decision": decision,
            "kpis": kpis,
            "weight_total": sum((r.weight for r in kpis), 0),
            "warnings": services.agreement_warnings(kpis),
            "competencies": list(form.competencies.all()),
            "events": list(form.events.filter(action__in=["submit", "return", "approve"])),
            "waiting": form.state == State.SUBMITTED,
            "form_url": form_url(form.pk),
        },
    )


# --- scoring ---------------------------------------------------------------------------------


def _score_parts(form: AppraisalForm):
    kpis = list(form.kpis.select_related("kpi"))
    comps = list(form.competencies.all())
    return kpis, comps


def _score_form(form, kpis, comps, data=None) -> ScoreForm:
    return ScoreForm(
        data,
        appraisal=form,
        kpis=kpis,
        comps=comps,
        idp_rows=list(form.idp.all()),
        editable=form.state == State.AGREED,
    )


def _apply(sf: ScoreForm, form: AppraisalForm, kpis, comps) -> None:
    """Copy what the evaluator typed onto the in-memory rows (never saved here)."""
    for r in kpis:
        r.actual = (sf.value(f"kpi-{r.pk}-actual") or "").strip()
        r.level = sf.value(f"kpi-{r.pk}-level")
    for c in comps:
        c.actual = sf.value(f"comp-{c.pk}-actual")
    if "other_percent" in sf.fields:
        form.other_percent = sf.value("other_percent")


def _progress(kpis) -> dict[int, list[CheckInProgress]]:
    by_item: dict[int, list[CheckInProgress]] = defaultdict(list)
    rows = (
        CheckInProgress.objects.filter(item__in=[r.pk for r in kpis])
        .select_related("checkin")
        .order_by("checkin__on", "checkin__pk")
    )
    for p in rows:
        by_item[p.item_id].append(p)
    return by_item


def _render_score(request, form, sf: ScoreForm, kpis, comps, *, conflict=False):
    """The scoring page; the summary is computed from the rows as the page shows them."""
    if sf.is_bound:
        _apply(sf, form, kpis, comps)
    progress = _progress(kpis)
    suggested = {r.pk: services.suggested_level(r) for r in kpis}
    result = services.compute(form, kpis, comps)
    kpi_rows = [
        {
            "row": r,
            "actual": actual,
            "level": level,
            "reason": reason,
            "suggested": suggested[r.pk],
            "progress": progress.get(r.pk, []),
        }
        for r, actual, level, reason in sf.kpi_rows()
    ]
    return render(
        request,
        "appraisal/team/score.html",
        {
            "form": form,
            "sf": sf,
            "kpi_rows": kpi_rows,
            "comp_rows": sf.comp_rows(),
            "idp_rows": sf.idp_bound_rows(),
            "summary": summary_of(form, result),
            "editable": form.state == State.AGREED,
            "conflict": conflict,
            "reopen": ReopenForm(version=form.version) if form.state == State.SCORED else None,
            "may_refuse": form.state == State.SCORED
            and services.can(request.user, "appraisal.record_refusal", form),
            "form_url": form_url(form.pk),
        },
    )


def _inputs(sf: ScoreForm, kpis, comps):
    data = sf.cleaned_data
    score_inputs = [
        services.ScoreInput(
            id=r.pk,
            actual=data.get(f"kpi-{r.pk}-actual") or "",
            level=data.get(f"kpi-{r.pk}-level"),
            reason=data.get(f"kpi-{r.pk}-reason") or "",
        )
        for r in kpis
    ]
    comp_inputs = [
        services.CompetencyInput(
            id=c.pk,
            actual=data.get(f"comp-{c.pk}-actual"),
            note=data.get(f"comp-{c.pk}-note") or "",
        )
        for c in comps
    ]
    idp = [
        services.IdpInput(
            topic=data.get(f"idp-{i}-topic") or "",
            method=data.get(f"idp-{i}-method") or "",
            period=data.get(f"idp-{i}-period") or "",
            from_competency_id=data.get(f"idp-{i}-comp"),
        )
        for i in range(sf.idp_count)
    ]
    return {
        "kpis": score_inputs,
        "competencies": comp_inputs,
        "other_percent": data.get("other_percent") if "other_percent" in sf.fields else None,
        "comment": data.get("comment") or "",
        "idp": idp,
    }


def _with_proposals(form: AppraisalForm, data, comps) -> tuple[object, int]:
    """The posted page with IDP rows proposed for every competency rated below its expected
    level on the page (not yet saved), after the rows already there."""
    data = data.copy()
    count = ScoreForm.posted_idp_count(data)
    taken = {data.get(f"idp-{i}-comp") for i in range(count)} - {None, ""}
    # idp_proposals reads the competencies through form.competencies.all(): give it the rows
    # as typed on the page instead of the saved ones.
    form._prefetched_objects_cache = {"competencies": comps}
    try:
        proposals = services.idp_proposals(form)
    finally:
        del form._prefetched_objects_cache
    # Fill blank rows first, then add rows at the end.
    blanks = [
        i
        for i in range(count)
        if not any((data.get(f"idp-{i}-{k}") or "").strip() for k in ("topic", "method", "period"))
    ]
    added = 0
    for p in proposals:
        if str(p.from_competency_id) in taken:
            continue
        i = blanks.pop(0) if blanks else count
        if i == count:
            count += 1
        data[f"idp-{i}-topic"] = p.topic
        data[f"idp-{i}-method"] = p.method
        data[f"idp-{i}-period"] = p.period
        data[f"idp-{i}-comp"] = str(p.from_competency_id)
        added += 1
    return data, added


@login_required
@require_http_methods(["GET", "POST"])
def score(request, pk: int):
    """The scoring page: levels, competencies, other component, comment and IDP; "บันทึก"
    saves, "เสนอแผนพัฒนา" fills IDP rows from competency gaps without saving."""
    form = get_form(request, pk, "appraisal.score_form")
    kpis, comps = _score_parts(form)
    if request.method == "GET":
        return _render_score(request, form, _score_form(form, kpis, comps), kpis, comps)
    if request.POST.get("action") == "propose":
        typed = _score_form(form, kpis, comps, request.POST)
        _apply(typed, form, kpis, comps)
        data, added = _with_proposals(form, request.POST, comps)
        sf = _score_form(form, kpis, comps, data)
        if added:
            messages.info(
                request,
                _("เพิ่มข้อเสนอแผนพัฒนา %(n)s รายการ (ยังไม่บันทึก กด “บันทึก” เพื่อเก็บ)") % {"n": added},
            )
        else:
            messages.info(request, _("ไม่มีสมรรถนะที่ต่ำกว่าระดับที่คาดหวังซึ่งยังไม่มีแผนพัฒนา"))
        return _render_score(request, form, sf, kpis, comps)
    sf = _score_form(form, kpis, comps, request.POST)
    conflict = False
    if sf.is_valid():
        try:
            services.score_save(
                actor=request.user,
                form=form,
                expected_version=sf.cleaned_data["version"],
                **_inputs(sf, kpis, comps),
            )
        except ConflictError as exc:
            sf.add_error(None, exc.message)
            conflict = True
        except DomainError as exc:
            form_error(sf, exc)
        else:
            messages.success(request, _("บันทึกผลการประเมินแล้ว"))
            return redirect("appraisal:score", pk=form.pk)
    return _render_score(request, form, sf, kpis, comps, conflict=conflict)


@login_required
@require_POST
def score_preview(request, pk: int):
    """The summary panel computed from the page as typed; saves nothing (htmx partial)."""
    form = get_form(request, pk, "appraisal.score_form")
    kpis, comps = _score_parts(form)
    sf = _score_form(form, kpis, comps, request.POST)
    _apply(sf, form, kpis, comps)
    result = services.compute(form, kpis, comps)
    return render(
        request,
        "appraisal/team/_preview.html",
        {
            "summary": summary_of(form, result),
            "preview": True,
            "suggested": [(r.pk, services.suggested_level(r)) for r in kpis],
        },
    )


@login_required
@require_POST
def score_finish(request, pk: int):
    """ยืนยันผลการประเมิน: save what is on the page and confirm it, all or nothing."""
    form = get_form(request, pk, "appraisal.score_form")
    kpis, comps = _score_parts(form)
    sf = _score_form(form, kpis, comps, request.POST)
    conflict = False
    if sf.is_valid():
        version = sf.cleaned_data["version"]
        try:
            with transaction.atomic():
                if form.state == State.AGREED:
                    services.score_save(
                        actor=request.user,
                        form=form,
                        expected_version=version,
                        **_inputs(sf, kpis, comps),
                    )
                    version += 1
                services.scoring_finish(actor=request.user, form=form, expected_version=version)
        except ConflictError as exc:
            sf.add_error(None, exc.message)
            conflict = True
        except DomainError as exc:
            form_error(sf, exc)
        else:
            messages.success(
                request,
                _("ยืนยันผลการประเมินของ %(name)s แล้ว กรุณาแจ้งผลให้ผู้รับการประเมินรับทราบ")
                % {"name": form.person.full_name},
            )
            return redirect(_team_url(form.round_id))
    return _render_score(request, form, sf, kpis, comps, conflict=conflict)


@login_required
@require_POST
def score_reopen(request, pk: int):
    """แก้ไขผลการประเมิน: a confirmed evaluation back to the evaluator, with a reason."""
    form = get_form(request, pk, "appraisal.score_form")
    rf = ReopenForm(request.POST, version=form.version)
    if not rf.is_valid():
        for error in rf.non_field_errors():
            messages.error(request, error)
        return redirect("appraisal:score", pk=form.pk)
    try:
        services.scoring_reopen(
            actor=request.user,
            form=form,
            expected_version=rf.cleaned_data["version"],
            reason=rf.cleaned_data["comment"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("เปิดให้แก้ไขผลการประเมินแล้ว"))
    return redirect("appraisal:score", pk=form.pk)


# --- acknowledgement, review, coaching -------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def refusal(request, pk: int):
    """The appraisee would not sign: the date they were informed and a witness."""
    form = get_form(request, pk, "appraisal.record_refusal")
    rf = RefusalForm(request.POST or None, version=form.version)
    if request.method == "POST" and rf.is_valid():
        data = rf.cleaned_data
        try:
            services.refusal_record(
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
            return redirect(_team_url(form.round_id))
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
    may_higher = services.can(user, "appraisal.higher_review", form)
    may_higher2 = services.can(user, "appraisal.higher2_review", form)
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
        action = services.higher_review if level == "higher" else services.higher2_review
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
            return redirect(_team_url(form.round_id))
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
            services.coaching_add(
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
