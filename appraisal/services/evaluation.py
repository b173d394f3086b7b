"""The evaluation (DOMAIN §5): the evaluator's levels, competency ratings, other component,
comments and development plan; the appraisee's optional self-assessment; confirming the
evaluation and reopening it. The figures come from the one result
(appraisal.selectors.form_result → appraisal.scoring.form_result) and are stored as it gives them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.models import (
    STORED_PLACES,
    AppraisalForm,
    CompetencyMethod,
    FormCompetency,
    FormEvent,
    IdpRow,
    State,
)
from appraisal.selectors import (
    SUGGESTION_SOURCES,
    form_result,
    form_rows,
    kpi_rows,
    last_milestones,
    suggestion,
)
from appraisal.services._forms import (
    field_changes,
    level_input,
    lock_form,
    record_event,
    refuse_nul,
    required_text,
    save_form,
    take_transition,
)
from common.errors import DomainError
from common.inputs import is_blank
from common.permissions import require


@dataclass
class ScoreInput:
    id: int
    actual: str = ""
    level: int | None = None
    reason: str = ""


@dataclass
class CompetencyInput:
    id: int
    actual: int | None = None
    note: str = ""


@dataclass
class IdpInput:
    topic: str
    method: str = ""
    period: str = ""
    from_competency_id: int | None = None


def store_result(form: AppraisalForm, result: scoring.FormResult) -> None:
    """Keep the figures of the one result on the form row (lists and reports read them), at
    the row's precision, so that the audit trail compares what is stored."""
    form.score_kpi = stored(result.score_kpi)
    form.achievement_points = stored(result.achievement)
    form.competency_points = stored(result.competency)
    form.other_points = stored(result.other)
    form.total = stored(result.total)
    form.band = result.band
    form.final_total = stored(result.final_total)
    form.final_band = result.final_band


def stored(value: Decimal | None) -> Decimal | None:
    """A figure as the form row keeps it (POINTS: 10 decimal places)."""
    return None if value is None else value.quantize(STORED_PLACES)


@transaction.atomic
def score_save(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    kpis: Sequence[ScoreInput] = (),
    competencies: Sequence[CompetencyInput] = (),
    other_percent: Decimal | str | None = None,
    comment: str | None = None,
    idp: Sequence[IdpInput] | None = None,
) -> scoring.FormResult:
    """The evaluator's entries: actual results and levels (a level other than the suggested one
    needs a reason), competency levels, the other component, comments and the IDP."""
    form = lock_form(form, expected_version)
    require(actor, "appraisal.score_form", form)
    if form.state != State.AGREED:
        raise DomainError(_("ให้คะแนนได้เมื่อข้อตกลงได้รับอนุมัติและยังไม่ได้ยืนยันผลการประเมิน"), code="state")
    rows = {r.pk: r for r in kpi_rows(form)}
    rows_actual = {pk: r.actual for pk, r in rows.items()}
    milestones = last_milestones(form=form)
    changes: dict = {}
    for s in kpis:
        row = rows.get(s.id)
        if row is None:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field=f"kpi-{s.id}-level")
        level = level_input(s.level, f"kpi-{s.id}-level")
        refuse_nul(s.actual, s.reason, field=f"kpi-{s.id}-reason")
        actual = (s.actual or "").strip()[:500]
        reason = (s.reason or "").strip()
        row.actual = actual
        suggested, source = suggestion(row=row, milestones=milestones)
        if level is not None and suggested is not None and level != suggested and not reason:
            raise DomainError(
                _("“%(name)s”: ระดับที่ให้ (%(l)s) ต่างจากที่ระบบเสนอ (%(s)s %(from)s) กรุณาระบุเหตุผล")
                % {
                    "name": row.name,
                    "l": level,
                    "s": suggested,
                    "from": SUGGESTION_SOURCES[source],
                },
                field=f"kpi-{s.id}-reason",
            )
        before = (row.level, row.level_reason, row.suggested_level)
        diff = field_changes(
            {"actual": rows_actual[s.id], "level": row.level, "level_reason": row.level_reason},
            {"actual": actual, "level": level, "level_reason": reason},
        )
        if diff:
            changes.setdefault("kpis", {})[row.name] = diff
        row.level = level
        row.level_reason = reason
        row.suggested_level = suggested
        if before != (level, reason, suggested) or row.actual != rows_actual[s.id]:
            row._history_user = actor
            row._change_reason = (reason or "score")[:100]
            row.save()
    comp_rows = {c.pk: c for c in form_rows(form, FormCompetency)}
    for c in competencies:
        row = comp_rows.get(c.id)
        if row is None:
            raise DomainError(_("สมรรถนะไม่อยู่ในแบบประเมินนี้"), field=f"comp-{c.id}-actual")
        low = 1 if form.competency_method == CompetencyMethod.RATING else 0
        actual = level_input(c.actual, f"comp-{c.id}-actual", low)
        note = (c.note or "").strip()
        if (row.actual, row.note) != (actual, note):
            changes.setdefault("competencies", {})[row.name] = field_changes(
                {"actual": row.actual, "note": row.note}, {"actual": actual, "note": note}
            )
            row.actual, row.note = actual, note
            row._history_user = actor
            row.save()
    if other_percent not in (None, ""):
        try:
            op = Decimal(str(other_percent).strip())
        except (InvalidOperation, ValueError):
            raise DomainError(
                _("คะแนนองค์ประกอบอื่นต้องเป็นตัวเลข 0–100"), field="other_percent"
            ) from None
        if not op.is_finite() or not 0 <= op <= 100:
            raise DomainError(_("คะแนนองค์ประกอบอื่นต้องเป็นตัวเลข 0–100"), field="other_percent")
        op = op.quantize(Decimal("0.01"))
        changes.update(field_changes({"other_percent": form.other_percent}, {"other_percent": op}))
        form.other_percent = op
    if comment is not None:
        refuse_nul(comment, field="comment")
        changes.update(
            field_changes(
                {"evaluator_comment": form.evaluator_comment},
                {"evaluator_comment": comment.strip()},
            )
        )
        form.evaluator_comment = comment.strip()
    if idp is not None:
        _idp_replace(form, idp, actor, changes, set(comp_rows))
    before = {"total": form.total, "band": form.band}
    # From the rows just read under the lock and changed above (the same order as form.kpis).
    result = form_result(form=form, kpis=list(rows.values()), competencies=list(comp_rows.values()))
    store_result(form, result)
    save_form(form, actor, "score")
    if changes:
        changes.update(field_changes(before, {"total": form.total, "band": form.band}))
        record_event(form, actor, FormEvent.SCORE_SAVE, "", "", changes)
    return result


def _idp_replace(
    form: AppraisalForm,
    rows: Sequence[IdpInput],
    actor,
    changes: dict,
    valid_comps: set[int] | None = None,
) -> None:
    """Replace the form's IDP rows with `rows`; nothing is written when they are unchanged."""
    if valid_comps is None:
        valid_comps = set(form.competencies.values_list("pk", flat=True))
    clean = []
    for i, r in enumerate(rows):
        topic = (r.topic or "").strip()
        if is_blank(topic):
            if (r.method or "").strip() or (r.period or "").strip():
                raise DomainError(
                    _("แผนพัฒนาแถวที่ %(i)s: กรุณาระบุเรื่องที่ต้องพัฒนา") % {"i": i + 1},
                    field=f"idp-{i}-topic",
                )
            continue
        if r.from_competency_id and r.from_competency_id not in valid_comps:
            raise DomainError(_("สมรรถนะไม่อยู่ในแบบประเมินนี้"), field=f"idp-{i}-topic")
        clean.append(
            IdpRow(
                form=form,
                order=len(clean),
                topic=topic[:500],
                method=(r.method or "").strip()[:500],
                period=(r.period or "").strip()[:255],
                from_competency_id=r.from_competency_id,
            )
        )
    current = form_rows(form, IdpRow)
    shape = lambda r: (r.topic, r.method, r.period, r.from_competency_id)  # noqa: E731
    if [shape(r) for r in current] == [shape(r) for r in clean]:
        return
    old = [r.topic for r in current]
    new = [r.topic for r in clean]
    if old != new:
        changes["idp"] = [old, new]
    form.idp.all().delete()
    for row in clean:
        row._history_user = actor
        row.save()


def idp_proposals(
    *, form: AppraisalForm, competencies: Sequence[FormCompetency] | None = None
) -> list[IdpInput]:
    """IDP rows proposed for every competency rated below its expected level (DOMAIN §5,
    ส่วนที่ ๓): from the saved ratings, or from `competencies` as typed on the page."""
    have = set(form.idp.exclude(from_competency=None).values_list("from_competency_id", flat=True))
    return [
        IdpInput(
            topic=c.name,
            method=_("อบรม/สอนงาน/มอบหมายงานเพื่อพัฒนาจากระดับ %(a)s สู่ระดับ %(e)s")
            % {"a": c.actual, "e": c.expected},
            period=_("รอบการประเมินถัดไป"),
            from_competency_id=c.pk,
        )
        for c in (form.competencies.all() if competencies is None else competencies)
        if c.actual is not None and c.actual < c.expected and c.pk not in have
    ]


@transaction.atomic
def self_assessment_save(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    kpis: Mapping[int, tuple[int | None, str]],
    competencies: Mapping[int, int | None],
    comment: str = "",
) -> AppraisalForm:
    """The appraisee's optional self-assessment; it never changes the evaluator's figures."""
    form = lock_form(form, expected_version)
    require(actor, "appraisal.self_assess", form)
    if form.state != State.AGREED:
        raise DomainError(_("ประเมินตนเองได้หลังข้อตกลงอนุมัติและก่อนผู้ประเมินยืนยันผล"), code="state")
    rows = {r.pk: r for r in form.kpis.all()}
    changes: dict = {}
    for pk, (level, note) in kpis.items():
        if pk not in rows:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field=f"kpi-{pk}-self_level")
        row = rows[pk]
        new = {
            "self_level": level_input(level, f"kpi-{pk}-self_level"),
            "self_note": (note or "").strip(),
        }
        diff = field_changes({"self_level": row.self_level, "self_note": row.self_note}, new)
        if diff:
            changes.setdefault("kpis", {})[row.name] = diff
        row.self_level, row.self_note = new["self_level"], new["self_note"]
        row._history_user = actor
        row.save()
    comps = {c.pk: c for c in form.competencies.all()}
    for pk, level in competencies.items():
        if pk not in comps:
            raise DomainError(_("สมรรถนะไม่อยู่ในแบบประเมินนี้"), field=f"comp-{pk}-self_actual")
        new = level_input(level, f"comp-{pk}-self_actual")
        if new != comps[pk].self_actual:
            changes.setdefault("competencies", {})[comps[pk].name] = {
                "self_actual": [comps[pk].self_actual, new]
            }
        comps[pk].self_actual = new
        comps[pk].save()
    form.self_assessment = (comment or "").strip()
    form.self_assessed_at = timezone.now()
    save_form(form, actor, "self")
    record_event(form, actor, FormEvent.SELF_ASSESS, "", "", changes)
    return form


@transaction.atomic
def scoring_finish(*, actor, form: AppraisalForm, expected_version: int) -> AppraisalForm:
    """The evaluator confirms the evaluation: every level and competency must be entered."""
    form = lock_form(form, expected_version)
    result = form_result(form=form)
    if not result.complete:
        detail = "; ".join(result.problems) or _("กรุณาให้ระดับทุกตัวชี้วัดและทุกสมรรถนะ")
        raise DomainError(_("ยังประเมินไม่ครบ: %(d)s") % {"d": detail}, field="kpis")
    old = take_transition(actor, form, "finish_scoring")
    before = {"total": form.total, "band": form.band}
    store_result(form, result)
    form.scored_at = timezone.now()
    save_form(form, actor, "finish")
    changes = field_changes(before, {"total": form.total, "band": form.band})
    record_event(form, actor, FormEvent.SCORE, old, "", changes)
    return form


@transaction.atomic
def scoring_save_and_finish(
    *, actor, form: AppraisalForm, expected_version: int, **entries
) -> AppraisalForm:
    """ยืนยันผลการประเมิน from the scoring page: save what is on the page (while the form is
    still being scored) and confirm it, all or nothing. `entries` are score_save's."""
    form = lock_form(form, expected_version)
    if form.state == State.AGREED:
        score_save(actor=actor, form=form, expected_version=expected_version, **entries)
        expected_version += 1
    return scoring_finish(actor=actor, form=form, expected_version=expected_version)


@transaction.atomic
def scoring_reopen(
    *, actor, form: AppraisalForm, expected_version: int, reason: str
) -> AppraisalForm:
    reason = required_text(reason, _("เหตุผลที่แก้ไขผลการประเมิน"))
    form = lock_form(form, expected_version)
    old = take_transition(actor, form, "reopen_scoring")
    form.scored_at = None
    # The appraisee is informed again of whatever the evaluator confirms next.
    form.informed_on = None
    save_form(form, actor, reason)
    record_event(form, actor, FormEvent.REOPEN_SCORING, old, reason)
    return form
