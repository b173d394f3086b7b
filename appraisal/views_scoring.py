"""The evaluator's scoring page: levels, competencies, the other component, comment and IDP with a live preview of the total; confirming the evaluation and reopening it.

Thin: fetch the form through the user's scope (404) and check the rule (403) with
views_common.get_form, call one service, show its Thai message on the field it names."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from appraisal.forms_team import (
    ReopenForm,
    ScoreForm,
)
from appraisal.models import (
    AppraisalForm,
    FollowUp,
    FormCompetency,
    IdpFollowUp,
    IdpRow,
    State,
)
from appraisal.selectors import (
    SUGGESTION_SOURCES,
    checkin_progress,
    form_result,
    form_rows,
    kpi_rows,
    last_milestones,
    milestones_of,
    suggestion,
)
from appraisal.services.evaluation import (
    CompetencyInput,
    IdpInput,
    ScoreInput,
    idp_proposals,
    score_save,
    scoring_reopen,
    scoring_save_and_finish,
)
from appraisal.services.followups import idp_followup_mark
from appraisal.views_common import form_error, get_form
from appraisal.views_team import form_url, summary_of, team_url
from common.errors import ConflictError, DomainError
from common.inputs import parse_id
from common.permissions import can

# --- scoring ---------------------------------------------------------------------------------

# The evaluator's two marks of an IDP row carried from the previous round.
FOLLOWUP_MARKS = [
    (FollowUp.DONE, FollowUp.DONE.label),
    (FollowUp.NOT_DONE, FollowUp.NOT_DONE.label),
]


def _score_parts(form: AppraisalForm):
    return kpi_rows(form), form_rows(form, FormCompetency)


def _score_form(form, kpis, comps, data=None) -> ScoreForm:
    return ScoreForm(
        data,
        appraisal=form,
        kpis=kpis,
        comps=comps,
        idp_rows=form_rows(form, IdpRow),
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


def _suggestions(kpis, milestones) -> list[dict]:
    """Each row's suggested level and where it comes from (the actual result typed, the last
    milestone, the self level), as the page and the preview's swaps show them."""
    rows = []
    for r in kpis:
        level, source = suggestion(row=r, milestones=milestones)
        rows.append(
            {"pk": r.pk, "level": level, "source": source, "label": SUGGESTION_SOURCES.get(source)}
        )
    return rows


def _any_level(kpis, comps) -> bool:
    """Whether the page gives any level yet: a blank page shows no points and no band."""
    return any(r.level not in (None, "") for r in kpis) or any(
        c.actual not in (None, "") for c in comps
    )


def _render_score(request, form, sf: ScoreForm, kpis, comps, *, conflict=False):
    """The scoring page; the summary is computed from the rows as the page shows them."""
    if sf.is_bound:
        _apply(sf, form, kpis, comps)
    progress = checkin_progress(form=form)
    milestones = milestones_of(progress)  # what last_milestones reads, from the rows above
    suggested = {s["pk"]: s for s in _suggestions(kpis, milestones)}
    result = form_result(form=form, kpis=kpis, competencies=comps)
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
            "summary": summary_of(form, result, chosen=_any_level(kpis, comps)),
            "editable": form.state == State.AGREED,
            "conflict": conflict,
            "reopen": ReopenForm(version=form.version) if form.state == State.SCORED else None,
            "may_refuse": form.state == State.SCORED
            and can(request.user, "appraisal.record_refusal", form),
            "form_url": form_url(form.pk),
            "followups": form_rows(form, IdpFollowUp),
            "marks": FOLLOWUP_MARKS,
        },
    )


def _inputs(sf: ScoreForm, kpis, comps):
    data = sf.cleaned_data
    score_inputs = [
        ScoreInput(
            id=r.pk,
            actual=data.get(f"kpi-{r.pk}-actual") or "",
            level=data.get(f"kpi-{r.pk}-level"),
            reason=data.get(f"kpi-{r.pk}-reason") or "",
        )
        for r in kpis
    ]
    comp_inputs = [
        CompetencyInput(
            id=c.pk,
            actual=data.get(f"comp-{c.pk}-actual"),
            note=data.get(f"comp-{c.pk}-note") or "",
        )
        for c in comps
    ]
    idp = [
        IdpInput(
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
    proposals = idp_proposals(form=form, competencies=comps)
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
            score_save(
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
    result = form_result(form=form, kpis=kpis, competencies=comps)
    milestones = last_milestones(form=form)
    return render(
        request,
        "appraisal/team/_preview.html",
        {
            "summary": summary_of(form, result, chosen=_any_level(kpis, comps)),
            "preview": True,
            "suggested": _suggestions(kpis, milestones),
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
            scoring_save_and_finish(
                actor=request.user,
                form=form,
                expected_version=version,
                **_inputs(sf, kpis, comps),
            )
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
            return redirect(team_url(form.round_id))
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
        scoring_reopen(
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


# --- the previous round's IDP, followed up ---------------------------------------------------


@login_required
@require_POST
def idp_followup(request, pk: int):
    """บันทึกผลการพัฒนา: the evaluator marks one IDP row carried from the previous round done
    or not done, with a note. From the scoring page through htmx (the row comes back, so what
    is typed in the scores stays), or a plain post that returns to the scoring page."""
    form = get_form(request, pk, "appraisal.mark_idp_followup")
    htmx = request.headers.get("HX-Request") == "true"
    fid = parse_id(request.POST.get("followup"))
    row = form.idp_followups.filter(pk=fid).first() if fid is not None else None
    if row is None:
        message = _("ไม่พบรายการแผนพัฒนานี้ในแบบประเมิน กรุณาโหลดหน้าใหม่")
        if htmx:
            return HttpResponse(
                format_html('<div class="alert alert-danger py-1 small">{}</div>', message)
            )
        messages.error(request, message)
        return redirect("appraisal:score", pk=form.pk)
    status, note = request.POST.get("status", ""), request.POST.get("note", "")
    error = None
    try:
        row = idp_followup_mark(actor=request.user, followup=row, status=status, note=note)
    except DomainError as exc:
        error = exc
    if not htmx:
        if error is not None:
            messages.error(request, f"{row.topic}: {error.message}")
        else:
            messages.success(request, _("บันทึกผลการพัฒนา “%(t)s” แล้ว") % {"t": row.topic})
        return redirect("appraisal:score", pk=form.pk)
    form.refresh_from_db(fields=["state"])
    if error is not None:
        # What was typed stays in the row, with the message on it.
        row.status = status if status in FollowUp.values else row.status
        row.note = note
    return render(
        request,
        "appraisal/team/_followup.html",
        {
            "form": form,
            "f": row,
            "marks": FOLLOWUP_MARKS,
            "editable": form.state == State.AGREED,
            "error": error,
            "saved": error is None,
        },
    )
