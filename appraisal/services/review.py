"""After the evaluation (DOMAIN §5, parts 4 and 5): the appraisee's acknowledgement or the
recorded refusal with a witness, the higher supervisors' reviews, a form's release, and HR's
change of a form's evaluator chain.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import AppraisalForm, FormEvent, State
from appraisal.selectors import form_result
from appraisal.services import _notices
from appraisal.services._forms import (
    lock_form,
    record_event,
    refuse_nul,
    required_text,
    save_form,
    take_transition,
)
from appraisal.services.evaluation import stored
from common.errors import DomainError
from common.inputs import is_blank
from common.models import plain
from common.permissions import require
from common.templatetags.thai import be_date
from orgchart.models import Person


def _informed_date(form: AppraisalForm, informed_on: dt.date | None) -> dt.date:
    """The date the evaluator informed the appraisee: given, not in the future, and not before
    the scoring was confirmed (it is the evaluator's date in part 4)."""
    if informed_on is None:
        raise DomainError(_("กรุณาระบุวันที่แจ้งผลการประเมิน"), field="informed_on")
    if informed_on > timezone.localdate():
        raise DomainError(_("วันที่แจ้งผลต้องไม่เป็นวันในอนาคต"), field="informed_on")
    if form.scored_at is not None and informed_on < timezone.localdate(form.scored_at):
        raise DomainError(
            _("วันที่แจ้งผลต้องไม่ก่อนวันที่ยืนยันผลการประเมิน (%(d)s)")
            % {"d": be_date(timezone.localdate(form.scored_at))},
            field="informed_on",
        )
    return informed_on


@transaction.atomic
def form_inform(
    *, actor, form: AppraisalForm, expected_version: int, informed_on: dt.date
) -> AppraisalForm:
    """The evaluator has informed the appraisee of the result one to one (แจ้งผลเป็นรายบุคคล):
    from then on the appraisee sees it and may acknowledge it (DOMAIN §5, part 4)."""
    form = lock_form(form, expected_version)
    require(actor, "appraisal.inform_form", form)
    if form.state != State.SCORED:
        raise DomainError(_("แจ้งผลได้เมื่อผู้ประเมินยืนยันผลการประเมินแล้วเท่านั้น"), code="state")
    if form.informed_on is not None:
        raise DomainError(_("แจ้งผลการประเมินแล้ว"), code="state")
    form.informed_on = _informed_date(form, informed_on)
    save_form(form, actor, "inform")
    record_event(form, actor, FormEvent.INFORM, "", "", {"informed_on": [None, plain(informed_on)]})
    _notices.informed(form)
    return form


@transaction.atomic
def form_acknowledge(*, actor, form: AppraisalForm, expected_version: int) -> AppraisalForm:
    form = lock_form(form, expected_version)
    if form.state == State.SCORED and not form.is_informed:
        # Nobody signs for a result they cannot see (DOMAIN §5).
        require(actor, "appraisal.acknowledge_form", form)
        raise DomainError(_("ผู้ประเมินยังไม่ได้แจ้งผลการประเมิน จึงยังลงนามรับทราบไม่ได้"), code="state")
    old = take_transition(actor, form, "acknowledge")
    form.acknowledged_at = timezone.now()
    form.refused = False
    save_form(form, actor, "acknowledge")
    record_event(form, actor, FormEvent.ACKNOWLEDGE, old)
    _notices.waiting_review(form)
    return form


@transaction.atomic
def form_refusal_record(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    informed_on: dt.date,
    witness_name: str,
    witness_position: str,
    witness_on: dt.date,
) -> AppraisalForm:
    """The appraisee would not sign: the evaluator records when they were told and a witness."""
    if informed_on is None:
        raise DomainError(_("กรุณาระบุวันที่แจ้งผลการประเมิน"), field="informed_on")
    _informed_date(form, informed_on)
    refuse_nul(witness_name, witness_position, field="witness_name")
    if is_blank(witness_name):
        raise DomainError(_("กรุณาระบุชื่อพยาน"), field="witness_name")
    if is_blank(witness_position):
        raise DomainError(_("กรุณาระบุตำแหน่งพยาน"), field="witness_position")
    if witness_on is None:
        raise DomainError(_("กรุณาระบุวันที่พยานลงนาม"), field="witness_on")
    today = timezone.localdate()
    if informed_on > today or witness_on > today:
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="informed_on")
    if witness_on < informed_on:
        raise DomainError(_("วันที่พยานลงนามต้องไม่ก่อนวันที่แจ้งผล"), field="witness_on")
    form = lock_form(form, expected_version)
    old = take_transition(actor, form, "record_refusal")
    form.refused = True
    form.informed_on = informed_on
    form.witness_name = witness_name.strip()[:320]
    form.witness_position = witness_position.strip()[:255]
    form.witness_on = witness_on
    save_form(form, actor, "refusal")
    record_event(
        form, actor, FormEvent.REFUSAL, old, f"{form.witness_name} ({form.witness_position})"
    )
    _notices.informed(form, refused=True)
    _notices.waiting_review(form)
    return form


def _revised(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        d = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(_("คะแนนที่เห็นควรต้องเป็นตัวเลข 0–100"), field="revised_total") from None
    if not d.is_finite() or not 0 <= d <= 100:
        raise DomainError(_("คะแนนที่เห็นควรต้องเป็นตัวเลข 0–100"), field="revised_total")
    return d.quantize(Decimal("0.01"))


def _review(actor, form, expected_version, agrees, opinion, revised_total, which: str):
    revised = _revised(revised_total)
    opinion = (opinion or "").strip()
    refuse_nul(opinion, field="opinion")
    if agrees is None:
        raise DomainError(_("กรุณาเลือกว่าเห็นด้วยหรือมีความเห็นต่าง"), field="agrees")
    if not agrees and is_blank(opinion):
        raise DomainError(_("กรุณาระบุความเห็นที่แตกต่าง"), field="opinion")
    if agrees and revised is not None:
        raise DomainError(_("หากเห็นด้วยกับผลการประเมิน ไม่ต้องระบุคะแนนใหม่"), field="revised_total")
    form = lock_form(form, expected_version)
    name = "higher_review" if which == "higher" else "higher2_review"
    before = getattr(form, f"{which}_total")
    old = take_transition(actor, form, name)
    setattr(form, f"{which}_agrees", bool(agrees))
    setattr(form, f"{which}_opinion", opinion)
    setattr(form, f"{which}_total", revised)
    setattr(form, f"{which}_at", timezone.now())
    # Both opinions are kept; the final figure is the one result's (the last revision wins).
    result = form_result(form=form)
    final_before = form.final_total
    form.final_total = stored(result.final_total)
    form.final_band = result.final_band
    save_form(form, actor, (opinion or "agree")[:100])
    # The timeline is read by the appraisee before release: no figures in it.
    kind = FormEvent.HIGHER_REVIEW if which == "higher" else FormEvent.HIGHER2_REVIEW
    changes = {"agrees": [None, bool(agrees)]}
    if before != revised:
        changes[f"{which}_total"] = [plain(before), plain(revised)]
    if final_before != form.final_total:
        changes["final_total"] = [plain(final_before), plain(form.final_total)]
    record_event(form, actor, kind, old, opinion, changes)
    _notices.waiting_review(form)
    return form


@transaction.atomic
def form_review_higher(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    agrees: bool | None,
    opinion: str = "",
    revised_total: Decimal | str | None = None,
) -> AppraisalForm:
    """The higher supervisor (ส่วนที่ ๕) agrees, or records a different opinion and may give a
    revised total."""
    return _review(actor, form, expected_version, agrees, opinion, revised_total, "higher")


@transaction.atomic
def form_review_higher2(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    agrees: bool | None,
    opinion: str = "",
    revised_total: Decimal | str | None = None,
) -> AppraisalForm:
    """The level above the higher supervisor, in rounds that ask for a second review."""
    return _review(actor, form, expected_version, agrees, opinion, revised_total, "higher2")


@transaction.atomic
def form_release(*, actor, form: AppraisalForm) -> AppraisalForm:
    form = lock_form(form, None)
    old = take_transition(actor, form, "release")
    form.released_at = timezone.now()
    save_form(form, actor, "release")
    record_event(form, actor, FormEvent.RELEASE, old)
    _notices.released([form])
    return form


@transaction.atomic
def form_set_evaluator(
    *, actor, form: AppraisalForm, evaluator: Person | None, higher: Person | None, reason: str
) -> AppraisalForm:
    """HR changes this round's evaluator chain of one person (DOMAIN §3), with a reason."""
    reason = required_text(reason, _("เหตุผลที่เปลี่ยนผู้ประเมิน"))
    form = lock_form(form, None)
    require(actor, "appraisal.set_form_evaluator", form)
    if form.state not in (
        State.NOT_STARTED,
        State.DRAFT,
        State.RETURNED,
        State.SUBMITTED,
        State.AGREED,
    ):
        raise DomainError(_("เปลี่ยนผู้ประเมินได้ก่อนการประเมินผลเสร็จเท่านั้น"), code="state")
    for p, field in ((evaluator, "evaluator"), (higher, "higher")):
        if p is not None and p.pk == form.person_id:
            raise DomainError(_("ผู้รับการประเมินเป็นผู้ประเมินตนเองไม่ได้"), field=field)
        if p is not None and p.unit.tree_id != form.unit.tree_id:
            raise DomainError(_("ผู้ประเมินต้องอยู่ในส่วนราชการเดียวกัน"), field=field)
    if evaluator is not None and higher is not None and evaluator.pk == higher.pk:
        raise DomainError(_("ผู้ประเมินและผู้บังคับบัญชาเหนือขึ้นไปต้องเป็นคนละคน"), field="higher")
    changes = {
        "evaluator": [form.evaluator_id, getattr(evaluator, "pk", None)],
        "higher": [form.higher_id, getattr(higher, "pk", None)],
    }
    # The evaluator, the higher supervisor and the level above are three people (DOMAIN §8):
    # when the level above is now the evaluator or the higher supervisor, that level is
    # skipped, never given to the same person twice.
    if form.higher2_id is not None and form.higher2_id in (
        getattr(evaluator, "pk", None),
        getattr(higher, "pk", None),
    ):
        changes["higher2"] = [form.higher2_id, None]
        form.higher2 = None
    old_evaluator = form.evaluator_id
    form.evaluator = evaluator
    form.higher = higher
    save_form(form, actor, reason)
    record_event(form, actor, FormEvent.SET_EVALUATOR, "", reason, changes)
    if form.state == State.SUBMITTED and evaluator is not None and evaluator.pk != old_evaluator:
        # The agreement waits for the new evaluator now: they have not heard of it.
        _notices.submitted(form)
    return form
