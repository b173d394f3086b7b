"""Following each IDP row into the next round (DOMAIN §7): carrying the rows of the person's
previous form into the new form when a round opens, and the evaluator's mark of each carried
row (done / not done, with a note).

Which rows are carried: those of the person's form in the department's previous round (the
latest earlier round by fiscal year and number that has opened), and only when that form's
result had been made known to the appraisee (AppraisalForm.is_informed: acknowledged, refused
with a witness, or later). An IDP still being written by an evaluator who never informed anyone
is a draft, not a plan the appraisee signed for (DOMAIN §5, part 4), so it is not followed up.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal.models import (
    AppraisalForm,
    AppraisalRound,
    FollowUp,
    FormEvent,
    IdpFollowUp,
    IdpRow,
    Phase,
    State,
)
from appraisal.models.forms import INFORMED_STATES
from appraisal.services._forms import lock_form, record_event, refuse_nul
from common.errors import DomainError
from common.permissions import require

NOTE_MAX = 2000
BATCH = 5000
# The two marks an evaluator gives; PENDING is only the state of a row nobody marked yet.
MARKS = (FollowUp.DONE, FollowUp.NOT_DONE)


def previous_round(rnd: AppraisalRound) -> AppraisalRound | None:
    """The department's latest round before this one (by fiscal year, then number) that has
    opened, or None."""
    return (
        AppraisalRound.objects.filter(department_id=rnd.department_id)
        .filter(
            Q(fiscal_year__lt=rnd.fiscal_year)
            | Q(fiscal_year=rnd.fiscal_year, number__lt=rnd.number)
        )
        .exclude(phase=Phase.SETUP)
        .order_by("-fiscal_year", "-number")
        .first()
    )


def informed_q(prefix: str = "") -> Q:
    """AppraisalForm.is_informed as a filter (on a relation with `prefix`, e.g. "form__")."""
    return Q(**{f"{prefix}state__in": INFORMED_STATES}) | Q(
        **{f"{prefix}state": State.SCORED, f"{prefix}informed_on__isnull": False}
    )


def idp_followups_carry(*, rnd: AppraisalRound, form_of: Mapping[int, int] | None = None) -> int:
    """Copy the IDP rows of each person's informed form in the previous round into their form
    of `rnd` as follow-up rows; returns how many were added. Idempotent: a row already carried
    is skipped. A fixed number of queries whatever the number of forms (the copies are written
    with bulk_create in batches). `form_of`: {person id: form id} of the round's forms when the
    caller has them (opening the round), else they are read."""
    prev = previous_round(rnd)
    if prev is None:
        return 0
    if form_of is None:
        form_of = dict(AppraisalForm.objects.filter(round=rnd).values_list("person_id", "pk"))
    if not form_of:
        return 0
    done = set(
        IdpFollowUp.objects.filter(form__round=rnd).values_list("source_id", flat=True).order_by()
    )
    rows = (
        IdpRow.objects.filter(form__round=prev)
        .filter(informed_q("form__"))
        .order_by("form__person_id", "order", "pk")
        .values_list("pk", "form__person_id", "topic", "method", "period")
    )
    new: list[IdpFollowUp] = []
    person, n = None, 0
    for pk, person_id, topic, method, period in rows.iterator(chunk_size=BATCH):
        # The position among the person's rows: the same on every run, so a row carried later
        # (its form informed after the round opened) takes its own place.
        n = n + 1 if person_id == person else 0
        person = person_id
        target = form_of.get(person_id)
        if target is None or pk in done:
            continue
        new.append(
            IdpFollowUp(
                form_id=target, source_id=pk, order=n, topic=topic, method=method, period=period
            )
        )
    # ignore_conflicts: two runs at once (the command while the round opens) never fail on
    # the (form, source) constraint; each row is carried once.
    IdpFollowUp.objects.bulk_create(new, batch_size=BATCH, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def idp_followup_mark(*, actor, followup: IdpFollowUp, status: str, note: str = "") -> IdpFollowUp:
    """The evaluator marks a carried IDP row done or not done, with an optional note, while
    scoring the form (before the evaluation is confirmed); audited on the form's trail."""
    form = lock_form(AppraisalForm(pk=followup.form_id), None)
    require(actor, "appraisal.mark_idp_followup", form)
    if form.state != State.AGREED:
        raise DomainError(
            _("บันทึกผลการพัฒนาได้ระหว่างการประเมิน ก่อนยืนยันผลการประเมินเท่านั้น"),
            field="status",
            code="state",
        )
    if status not in MARKS:
        raise DomainError(_("กรุณาเลือกผลการพัฒนา: “พัฒนาแล้ว” หรือ “ยังไม่ได้พัฒนา”"), field="status")
    refuse_nul(note, field="note")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(
            _("บันทึกผลการพัฒนายาวเกิน %(n)s ตัวอักษร") % {"n": f"{NOTE_MAX:,}"}, field="note"
        )
    row = IdpFollowUp.objects.select_for_update().filter(pk=followup.pk, form=form).first()
    if row is None:
        raise DomainError(_("ไม่พบรายการแผนพัฒนานี้ในแบบประเมิน อาจถูกลบไปแล้ว"), field="status")
    before = _described(row)
    if (row.status, row.note) == (status, note):
        return row
    row.status, row.note = status, note
    row.marked_by = form.evaluator
    row.marked_at = timezone.now()
    row._history_user = actor
    row.save()
    # The trail's "idp" field (แผนพัฒนารายบุคคล) holds the row as text: topic, mark and note.
    record_event(form, actor, FormEvent.IDP_FOLLOWUP, changes={"idp": [before, _described(row)]})
    return row


def _described(row: IdpFollowUp) -> str:
    text = f"{row.topic}: {FollowUp(row.status).label}"
    return f"{text} ({row.note})" if row.note else text
