"""The appraisee's pages: my appraisal, the whole form, the agreement, check-ins, the journal
and its evidence, self-assessment and acknowledgement.

Thin: fetch the form through the user's scope (404 outside it), check the rule (403), call a
service and show its Thai message on the field it names. Every score on these pages is shown
only when can(user, "appraisal.view_score", form) says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appraisal import scoring, selectors
from appraisal.forms_staff import (
    AgreementFormSet,
    SelfAssessForm,
    VersionForm,
    agreement_blank_rows,
    agreement_initial,
)
from appraisal.models import (
    PROGRESS_STATES,
    AppraisalForm,
    CheckInProgress,
    FormEvent,
    ItemKind,
    State,
    band_label,
)
from appraisal.selectors import form_timeline, last_milestones
from appraisal.services import agreements
from appraisal.services.agreements import (
    agreement_pull_cascaded,
    agreement_save,
    agreement_warnings,
)
from appraisal.services.evaluation import self_assessment_save
from appraisal.services.review import form_acknowledge
from appraisal.views_common import form_error, get_form
from common.compiled import CompiledLookup
from common.errors import ConflictError, DomainError
from common.inputs import parse_id
from common.models import AuditEvent
from common.permissions import can
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of

AFTER_SCORING = PROGRESS_STATES[PROGRESS_STATES.index(State.SCORED) :]


# --- small helpers ---------------------------------------------------------------------------


def _shown(value) -> Decimal | None:
    return None if value is None else scoring.round2(value)


def _posted_version(request) -> int:
    version = parse_id(request.POST.get("version", ""))
    if version is None:
        raise DomainError(_("ข้อมูลที่ส่งมาไม่ครบ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"), code="conflict")
    return version


def _return_comment(form: AppraisalForm, events: list[AuditEvent]) -> str:
    if form.state != State.RETURNED:
        return ""
    returns = [e for e in events if e.kind == FormEvent.RETURN]
    return returns[-1].comment if returns else ""


def timeline(form: AppraisalForm, events: list[AuditEvent]) -> list[dict]:
    """Steps from ยังไม่เริ่ม to ประกาศผลแล้ว with the current one marked and the date each
    step was reached (a returned agreement counts as the drafting step)."""
    current = State.DRAFT if form.state == State.RETURNED else form.state
    steps = [s for s in PROGRESS_STATES if s != State.HIGHER_REVIEWED or form.needs_second_review]
    if current not in steps:
        steps = list(PROGRESS_STATES)
    reached = {State.NOT_STARTED: form.round.opened_at}
    for e in events:
        if e.kind in (FormEvent.ACKNOWLEDGE, FormEvent.REFUSAL):
            reached[State.ACKNOWLEDGED] = e.at
        if e.from_state and e.to_state and e.to_state != e.from_state:
            reached[State.DRAFT if e.to_state == State.RETURNED else e.to_state] = e.at
    here = steps.index(current)
    return [
        {
            "state": s,
            "label": State(s).label,
            "done": i < here,
            "current": i == here,
            "at": reached.get(s) if i <= here else None,
        }
        for i, s in enumerate(steps)
    ]


def next_step(user, form: AppraisalForm, events: list[AuditEvent]) -> dict:
    """The one thing the appraisee should do now (or what they are waiting for)."""
    pk = form.pk
    state = form.state
    view = {"url": reverse("appraisal:form", args=[pk]), "button": _("ดูแบบประเมิน")}
    if state in (State.NOT_STARTED, State.DRAFT) and can(user, "appraisal.edit_agreement", form):
        return {
            "title": _("จัดทำข้อตกลงการปฏิบัติราชการ"),
            "text": _("กำหนดตัวชี้วัด น้ำหนัก (รวม 100) และเกณฑ์การประเมิน 5 ระดับ แล้วส่งให้ผู้ประเมินอนุมัติ"),
            "url": reverse("appraisal:agreement", args=[pk]),
            "button": _("จัดทำข้อตกลง") if state == State.NOT_STARTED else _("แก้ไขและส่งข้อตกลง"),
            "icon": "pencil-square",
        }
    if state == State.RETURNED and can(user, "appraisal.edit_agreement", form):
        return {
            "title": _("ผู้ประเมินส่งข้อตกลงกลับให้แก้ไข"),
            "text": _("แก้ไขตามความเห็นของผู้ประเมิน แล้วส่งข้อตกลงอีกครั้ง"),
            "comment": _return_comment(form, events),
            "url": reverse("appraisal:agreement", args=[pk]),
            "button": _("แก้ไขข้อตกลง"),
            "icon": "arrow-return-left",
            "style": "warning",
        }
    if state == State.SUBMITTED:
        return {
            "title": _("รอผู้ประเมินอนุมัติข้อตกลง"),
            "text": _("ส่งข้อตกลงให้ %(name)s แล้ว ไม่ต้องดำเนินการใดจนกว่าผู้ประเมินจะอนุมัติหรือส่งกลับ")
            % {"name": form.evaluator.full_name if form.evaluator else _("ผู้ประเมิน")},
            "icon": "hourglass-split",
            "style": "info",
            **view,
        }
    if state == State.AGREED and can(user, "appraisal.self_assess", form):
        return {
            "title": _("ประเมินตนเอง (ไม่บังคับ)"),
            "text": _("ถึงช่วงประเมินผลแล้ว ท่านประเมินตนเองก่อนผู้ประเมินให้คะแนนได้"),
            "url": reverse("appraisal:self_assess", args=[pk]),
            "button": _("ประเมินตนเอง"),
            "icon": "person-check",
            "secondary": [
                (reverse("appraisal:checkin", args=[pk]), _("บันทึกความก้าวหน้า")),
                (reverse("appraisal:journal", args=[pk]), _("บันทึกเหตุการณ์/หลักฐาน")),
            ],
        }
    if state == State.AGREED and can(user, "appraisal.record_checkin", form):
        return {
            "title": _("ติดตามความก้าวหน้าตามข้อตกลง"),
            "text": _("บันทึกผลการดำเนินงานและระดับที่บรรลุของแต่ละตัวชี้วัดเป็นระยะ พร้อมหลักฐาน"),
            "url": reverse("appraisal:checkin", args=[pk]),
            "button": _("บันทึกความก้าวหน้า"),
            "icon": "graph-up-arrow",
            "secondary": [(reverse("appraisal:journal", args=[pk]), _("บันทึกเหตุการณ์/หลักฐาน"))],
        }
    if state == State.SCORED and form.is_informed and can(user, "appraisal.acknowledge_form", form):
        return {
            "title": _("รับทราบผลการประเมิน"),
            "text": _("ผู้ประเมินแจ้งผลการประเมินแล้ว ตรวจดูผลในแบบประเมินแล้วลงนามรับทราบ"),
            "url": reverse("appraisal:acknowledge", args=[pk]),
            "button": _("รับทราบผลการประเมิน"),
            "post": True,
            "version": form.version,
            "icon": "pen",
        }
    if state == State.SCORED and not form.is_informed:
        return {
            "title": _("รอผู้ประเมินแจ้งผล"),
            "text": _("ผู้ประเมินประเมินผลแล้ว ผลจะแสดงให้ท่านเห็นเมื่อผู้ประเมินแจ้งผลการประเมินให้ท่านทราบ"),
            "icon": "hourglass-split",
            "style": "info",
            **view,
        }
    if state in (State.ACKNOWLEDGED, State.HIGHER_REVIEWED, State.REVIEWED):
        return {
            "title": _("รอการทบทวนและประกาศผล"),
            "text": _("ผลการประเมินอยู่ระหว่างผู้บังคับบัญชาเหนือขึ้นไปและคณะกรรมการพิจารณา")
            if state != State.REVIEWED
            else _("ทบทวนผลแล้ว รอฝ่ายบริหารงานบุคคลประกาศผล"),
            "icon": "hourglass-split",
            "style": "info",
            **view,
        }
    if state == State.RELEASED:
        return {
            "title": _("ประกาศผลการประเมินแล้ว"),
            "text": _("ดูคะแนนและระดับผลการประเมินของท่าน"),
            "url": reverse("appraisal:form", args=[pk]),
            "button": _("ดูผลการประเมิน"),
            "icon": "award",
            "style": "success",
        }
    return {"title": form.get_state_display(), "text": "", "icon": "info-circle", **view}


def _score(form: AppraisalForm, *, final: bool = True) -> dict:
    """Figures for display, rounded once (scoring.round2). Callers check view_score first, and
    pass final=False unless the user may see the reviews and the final result (view_final)."""
    score = {
        "score_kpi": _shown(form.score_kpi),
        "achievement": _shown(form.achievement_points),
        "competency": _shown(form.competency_points),
        "other": _shown(form.other_points),
        "total": _shown(form.total),
        "band": band_label(form.band),
        "revised": False,
        # Exact mode: the components shown may not add up to the total shown (footnote).
        "adds_up": form.total is None
        or scoring.adds_up(
            (form.achievement_points, form.competency_points, form.other_points), form.total
        ),
    }
    if final:
        score.update(
            final_total=_shown(form.final_total),
            final_band=band_label(form.final_band),
            higher_total=_shown(form.higher_total),
            higher2_total=_shown(form.higher2_total),
            revised=form.final_total is not None and form.final_total != form.total,
        )
    return score


def _actions(user, form: AppraisalForm, has_kpis: bool) -> list[dict]:
    """Buttons for what this user may do with the form now."""
    pk, state = form.pk, form.state
    out = []

    def add(url, label, icon, style="outline-primary"):
        if url:
            out.append({"url": url, "label": label, "icon": icon, "style": style})

    if can(user, "appraisal.edit_agreement", form) and form.agreement_editable:
        add(reverse("appraisal:agreement", args=[pk]), _("แก้ไขข้อตกลง"), "pencil-square", "primary")
    if can(user, "appraisal.approve_agreement", form) and state == State.SUBMITTED:
        add(
            reverse("appraisal:agreement_review", args=[pk]),
            _("พิจารณาข้อตกลง"),
            "check2-square",
            "primary",
        )
    before_scoring = state not in AFTER_SCORING
    if can(user, "appraisal.record_checkin", form) and has_kpis and before_scoring:
        add(reverse("appraisal:checkin", args=[pk]), _("บันทึกความก้าวหน้า"), "graph-up-arrow")
    if can(user, "appraisal.add_journal", form):
        add(reverse("appraisal:journal", args=[pk]), _("บันทึกเหตุการณ์"), "journal-plus")
    if can(user, "appraisal.add_coaching", form):
        add(reverse("appraisal:coaching", args=[pk]), _("บันทึกการให้คำปรึกษา"), "chat-left-text")
    if can(user, "appraisal.self_assess", form) and state == State.AGREED:
        add(reverse("appraisal:self_assess", args=[pk]), _("ประเมินตนเอง"), "person-check")
    if can(user, "appraisal.score_form", form) and state in (State.AGREED, State.SCORED):
        add(reverse("appraisal:score", args=[pk]), _("ประเมินผล"), "clipboard-check", "primary")
    if can(user, "appraisal.inform_form", form) and state == State.SCORED and not form.informed_on:
        add(reverse("appraisal:inform", args=[pk]), _("แจ้งผลการประเมิน"), "megaphone", "primary")
    if can(user, "appraisal.record_refusal", form) and state == State.SCORED:
        add(reverse("appraisal:refusal", args=[pk]), _("บันทึกการไม่ลงนามรับทราบ"), "person-x")
    if (can(user, "appraisal.higher_review", form) and state == State.ACKNOWLEDGED) or (
        can(user, "appraisal.higher2_review", form) and state == State.HIGHER_REVIEWED
    ):
        add(
            reverse("appraisal:review", args=[pk]),
            _("ให้ความเห็นต่อผลการประเมิน"),
            "chat-square-quote",
            "primary",
        )
    return out


@dataclass
class _KpiOptions:
    choices: list[tuple[int, str]]  # what a row may link to
    unit_kpis: int  # the unit's organisation/unit KPIs: as many blank rows on a new agreement
    cascaded: list  # personal KPIs cascaded to the appraisee and not yet in the form


def _kpi_choices(cond: Q):
    from kpi.models import Kpi

    return (
        Kpi.objects.filter(cond)
        .order_by("tier", "code", "pk")
        .only("pk", "code", "name", "tier", "unit_id", "person_id", "fiscal_year", "weight")
    )


def _kpis_of(unit_id, person_id, year) -> Q:
    """The unit's KPIs and the person's own in the year."""
    from kpi.models import KpiTier

    return (
        (Q(unit_id=unit_id) & ~Q(tier=KpiTier.PERSON)) | Q(tier=KpiTier.PERSON, person_id=person_id)
    ) & Q(fiscal_year=year)


# On every agreement page and save.
_KPI_CHOICES = CompiledLookup(
    lambda unit_id, person_id, year: _kpi_choices(_kpis_of(unit_id, person_id, year)),
    "unit_id",
    "person_id",
    "year",
)


def _kpi_options(form: AppraisalForm, rows) -> _KpiOptions:
    """What the agreement page offers: the unit KPIs of the appraisee's unit and their own
    personal KPIs in the round's fiscal year (and whatever the rows already link to, so a saved
    link never fails validation; read again with those when one is outside the set)."""
    from kpi.models import KpiTier

    year = form.round.fiscal_year
    linked = {r.kpi_id for r in rows if r.kpi_id}
    kpis = _KPI_CHOICES(unit_id=form.unit_id, person_id=form.person_id, year=year)
    if linked - {k.pk for k in kpis}:
        # A row links a KPI of another unit or year: the whole set again, in the database's order.
        cond = _kpis_of(form.unit_id, form.person_id, year) | Q(pk__in=linked)
        kpis = list(_kpi_choices(cond))
    personal = _("บุคคล")
    mine = [
        k
        for k in kpis
        if k.tier == KpiTier.PERSON and k.person_id == form.person_id and k.fiscal_year == year
    ]
    return _KpiOptions(
        choices=[
            (
                k.pk,
                (f"[{personal}] " if k.tier == KpiTier.PERSON else "")
                + f"{k.code} {k.name}".strip()[:120],
            )
            for k in kpis
        ],
        unit_kpis=sum(
            1
            for k in kpis
            if k.unit_id == form.unit_id and k.fiscal_year == year and k.tier != KpiTier.PERSON
        ),
        # As selectors.cascaded_kpis, in its order (code, id).
        cascaded=sorted((k for k in mine if k.pk not in linked), key=lambda k: (k.code, k.pk)),
    )


def _formset_error(formset, kept, exc: DomainError, page_errors: list[str]) -> None:
    """Put a service error naming `items-<i>-<field>` on that row's field; else at the top."""
    m = re.fullmatch(r"items-(\d+)-(\w+)", exc.field or "")
    if m and int(m[1]) < len(kept) and m[2] in kept[int(m[1])].fields:
        kept[int(m[1])].add_error(m[2], exc.message)
    else:
        page_errors.append(exc.message)


# --- pages -----------------------------------------------------------------------------------


@login_required
@require_GET
def my(request):
    """การประเมินของฉัน: this round's form, where it stands, what to do next, past rounds."""
    user = request.user
    person = roles_of(user).person
    if person is None:
        return render(request, "appraisal/staff/my.html", {"person": None})
    forms = selectors.my_forms(person)
    department = OrgUnit.objects.filter(tree_id=person.unit.tree_id, parent__isnull=True).first()
    rnd = selectors.current_round_of(department) if department else None
    current = next((f for f in forms if rnd is not None and f.round_id == rnd.pk), None)
    context = {"person": person, "round": rnd, "form": current}
    if current is not None:
        events = form_timeline(form=current, show_score=False)
        context.update(
            steps=timeline(current, events),
            step=next_step(user, current, events),
            kpi_count=current.kpis.count(),
            form_url=reverse("appraisal:form", args=[current.pk]),
        )
    context["past"] = [
        {
            "form": f,
            "band": band_label(f.final_band)
            if f.is_released and can(user, "appraisal.view_final", f)
            else "",
        }
        for f in forms
        if f is not current
    ]
    return render(request, "appraisal/staff/my.html", context)


@login_required
@require_GET
def form_detail(request, pk: int):
    """The whole form for anyone who may read it; scores only for those who may see them."""
    form = get_form(request, pk)
    user = request.user
    kpis = selectors.kpi_rows(form)
    show_score = can(user, "appraisal.view_score", form)
    show_final = show_score and can(user, "appraisal.view_final", form)
    events = form_timeline(form=form, show_score=show_final)
    versions = list(form.agreement_versions.all())
    _describe_versions(versions)
    context = {
        "form": form,
        "kpis": kpis,
        "weight_total": scoring.weight_total(r.weight for r in kpis),
        "competencies": list(form.competencies.all()),
        "events": events,
        "steps": timeline(form, events),
        "return_comment": _return_comment(form, events),
        "versions": versions,
        "checkins": list(
            form.checkins.select_related("author").prefetch_related(
                Prefetch("progress", queryset=CheckInProgress.objects.select_related("item"))
            )
        ),
        "journal": list(form.journal.select_related("author")),
        "coaching": list(form.coaching.select_related("author")),
        # The IDP and the comments carry the evaluator's rating: shown with the score only.
        "idp": list(form.idp.all()) if show_score else [],
        # The previous round's IDP carried into this form: the rows are the plan the appraisee
        # was informed of; the evaluator's mark of each is part of this evaluation (view_score).
        "followups": list(form.idp_followups.all()),
        "show_score": show_score,
        "show_final": show_final,
        "score": _score(form, final=show_final) if show_score else None,
        "can_evidence": can(user, "appraisal.view_evidence", form),
        "actions": _actions(user, form, bool(kpis)),
        "can_revise": can(user, "appraisal.revise_agreement", form) and form.state == State.AGREED,
        "can_acknowledge": can(user, "appraisal.acknowledge_form", form)
        and form.state == State.SCORED
        and form.is_informed,
        # The history carries every figure: for whoever may see the final result.
        "history_url": reverse("appraisal:form_history", args=[form.pk])
        if can(user, "appraisal.view_final", form)
        else "",
    }
    return render(request, "appraisal/staff/form.html", context)


def _describe_versions(versions) -> None:
    from kpi.models import Kpi

    ids = {it.get("kpi_id") for v in versions for it in v.items if it.get("kpi_id")}
    names = dict(Kpi.objects.filter(pk__in=ids).values_list("pk", "name")) if ids else {}
    kinds = dict(ItemKind.choices)
    for v in versions:
        v.rows = [
            {
                **it,
                "kind_label": kinds.get(it.get("kind"), it.get("kind")),
                "kpi_name": names.get(it.get("kpi_id"), ""),
            }
            for it in v.items
        ]
        v.weight_total = scoring.weight_total(str(it.get("weight", 0)) for it in v.items)


# Said when an agreement already sent or approved is asked to change.
NOT_EDITABLE = gettext_noop("ข้อตกลงนี้ส่งหรืออนุมัติแล้ว หากต้องการแก้ไขให้ขอแก้ไขข้อตกลงก่อน")


@login_required
@require_http_methods(["GET", "POST"])
def agreement(request, pk: int):
    """Edit the agreement's KPI rows (a formset, blank rows as many as the unit's KPIs or
    three, more added in the page); read-only once sent."""
    form = get_form(request, pk, "appraisal.edit_agreement")
    rows = selectors.kpi_rows(form)
    editable = form.agreement_editable
    options = _kpi_options(form, rows) if editable else _KpiOptions([], 0, [])
    choices = options.choices
    page_errors: list[str] = []
    conflict = ""
    if request.method == "POST":
        if not editable:
            messages.error(request, _(NOT_EDITABLE))
            return redirect("appraisal:agreement", pk=form.pk)
        version_form = VersionForm(request.POST)
        formset = AgreementFormSet(
            request.POST, prefix="items", form_kwargs={"kpi_choices": choices}
        )
        if not version_form.is_valid():
            page_errors.append(_("ข้อมูลที่ส่งมาไม่ครบ กรุณาโหลดหน้าใหม่แล้วลองอีกครั้ง"))
        elif formset.is_valid():
            kept = formset.kept_forms()
            try:
                agreement_save(
                    actor=request.user,
                    form=form,
                    expected_version=version_form.cleaned_data["version"],
                    items=[f.item() for f in kept],
                )
            except ConflictError as exc:
                conflict = exc.message
            except DomainError as exc:
                _formset_error(formset, kept, exc, page_errors)
            else:
                messages.success(request, _("บันทึกข้อตกลงแล้ว"))
                return redirect("appraisal:agreement", pk=form.pk)
    else:
        version_form = VersionForm(initial={"version": form.version})
        formset = AgreementFormSet(
            initial=agreement_initial(rows),
            prefix="items",
            form_kwargs={"kpi_choices": choices},
            extra=agreement_blank_rows(saved=len(rows), unit_kpis=options.unit_kpis),
        )
    events = form_timeline(form=form, show_score=False)
    context = {
        "form": form,
        "rows": rows,
        "editable": editable,
        "version_form": version_form,
        "formset": formset,
        "page_errors": page_errors,
        "conflict": conflict,
        "weight_total": scoring.weight_total(r.weight for r in rows),
        "warnings": agreement_warnings(rows),
        "cascaded": options.cascaded,
        "return_comment": _return_comment(form, events),
        "can_revise": can(request.user, "appraisal.revise_agreement", form)
        and form.state == State.AGREED,
    }
    return render(request, "appraisal/staff/agreement.html", context)


@login_required
@require_GET
def agreement_row(request, pk: int):
    """A blank KPI row of the agreement's formset (its __prefix__ numbered by the page), asked
    for by the page's "add a KPI" button: drawn in every page view, it was a fifth of the
    agreement page's time, for a button most people never press (the page starts with blank
    rows). Only while the agreement may be edited."""
    form = get_form(request, pk, "appraisal.edit_agreement")
    if not form.agreement_editable:
        return HttpResponse(
            _(NOT_EDITABLE),
            status=409,
            content_type="text/plain; charset=utf-8",
        )
    options = _kpi_options(form, selectors.kpi_rows(form))
    formset = AgreementFormSet(prefix="items", form_kwargs={"kpi_choices": options.choices})
    return render(request, "appraisal/staff/_agreement_row_blank.html", {"f": formset.empty_form})


@login_required
@require_POST
def agreement_pull(request, pk: int):
    """Add the KPIs cascaded to the appraisee (kpi app) as agreement rows."""
    form = get_form(request, pk, "appraisal.edit_agreement")
    try:
        n = agreement_pull_cascaded(
            actor=request.user, form=form, expected_version=_posted_version(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if n:
            messages.success(request, _("ดึงตัวชี้วัดที่ถ่ายทอดมาแล้ว %(n)s ตัว") % {"n": n})
        else:
            messages.info(request, _("ไม่มีตัวชี้วัดที่ถ่ายทอดมาใหม่"))
    return redirect("appraisal:agreement", pk=form.pk)


@login_required
@require_POST
def agreement_submit(request, pk: int):
    """Send the saved agreement to the evaluator; saves nothing itself."""
    form = get_form(request, pk, "appraisal.submit_agreement")
    try:
        agreements.agreement_submit(
            actor=request.user, form=form, expected_version=_posted_version(request)
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("appraisal:agreement", pk=form.pk)
    messages.success(request, _("ส่งข้อตกลงให้ผู้ประเมินพิจารณาแล้ว"))
    return redirect("appraisal:form", pk=form.pk)


@login_required
@require_POST
def agreement_revise(request, pk: int):
    """Reopen an approved agreement for change (appraisee or evaluator), with a reason."""
    form = get_form(request, pk, "appraisal.revise_agreement")
    back = (
        "appraisal:agreement"
        if can(request.user, "appraisal.edit_agreement", form)
        else "appraisal:form"
    )
    try:
        agreements.agreement_revise(
            actor=request.user,
            form=form,
            expected_version=_posted_version(request),
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back, pk=form.pk)
    messages.success(request, _("เปิดข้อตกลงให้แก้ไขแล้ว เมื่อแก้ไขเสร็จต้องส่งให้ผู้ประเมินอนุมัติอีกครั้ง"))
    return redirect(back, pk=form.pk)


# --- evaluation -------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def self_assess(request, pk: int):
    """The appraisee's optional self-assessment, while the agreement stands in evaluation."""
    form = get_form(request, pk, "appraisal.self_assess")
    items = list(form.kpis.all())
    comps = list(form.competencies.all())
    editable = form.state == State.AGREED
    if request.method == "POST":
        if not editable:
            messages.error(request, _("ประเมินตนเองได้หลังข้อตกลงอนุมัติและก่อนผู้ประเมินยืนยันผล"))
            return redirect("appraisal:form", pk=form.pk)
        page = SelfAssessForm(request.POST, items=items, competencies=comps)
        if page.is_valid():
            try:
                self_assessment_save(
                    actor=request.user,
                    form=form,
                    expected_version=page.cleaned_data["version"],
                    kpis=page.kpis(),
                    competencies=page.competency_levels(),
                    comment=page.cleaned_data.get("comment") or "",
                )
            except ConflictError as exc:
                page.add_error(None, exc.message)
            except DomainError as exc:
                form_error(page, exc)
            else:
                messages.success(request, _("บันทึกการประเมินตนเองแล้ว"))
                return redirect("appraisal:form", pk=form.pk)
    else:
        page = SelfAssessForm(
            initial={"version": form.version, "comment": form.self_assessment},
            items=items,
            competencies=comps,
        )
    if not editable:
        for field in page.fields.values():
            field.disabled = True
    last = last_milestones(form=form)
    for it in items:
        it.last_milestone = last.get(it.pk)
    return render(
        request,
        "appraisal/staff/self_assess.html",
        {"form": form, "page": page, "editable": editable},
    )


@login_required
@require_POST
def acknowledge(request, pk: int):
    """รับทราบผลการประเมิน (ส่วนที่ ๔) by the appraisee, against the version they read."""
    form = get_form(request, pk, "appraisal.acknowledge_form")
    try:
        form_acknowledge(actor=request.user, form=form, expected_version=_posted_version(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("ลงนามรับทราบผลการประเมินแล้ว"))
    return redirect("appraisal:form", pk=form.pk)
