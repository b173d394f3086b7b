"""What every appraisal write shares: locking the round or form row and comparing its version,
taking a state transition under its permission, saving with history, and writing the form's
timeline. Private to appraisal.services: the views never call these.
"""

from __future__ import annotations

from collections import Counter

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from appraisal import counts
from appraisal.models import AppraisalForm, AppraisalRound, FormEvent
from common.compiled import CompiledLookup
from common.errors import ConflictError, DomainError
from common.inputs import refuse_nul, required_text  # noqa: F401 (used by the services)
from common.models import audit, plain
from orgchart.models import Person
from orgchart.selectors import roles_of


def level_input(value, field: str, low: int = 0) -> int | None:
    """A level typed on a page (blank for none), as an int from `low` to 5."""
    if value in (None, ""):
        return None
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("ระดับต้องเป็นจำนวนเต็ม %(a)s–5") % {"a": low}, field=field) from None
    if not low <= n <= 5:
        raise DomainError(_("ระดับต้องเป็นจำนวนเต็ม %(a)s–5") % {"a": low}, field=field)
    return n


def actor_name(person: Person | None, user=None) -> str:
    """The name a signature or timeline line shows for the acting user."""
    if person is not None:
        return person.full_name
    return getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "")


def lock_round(rnd: AppraisalRound, expected_version: int | None) -> AppraisalRound:
    """The round row, locked for this transaction; ConflictError if it changed meanwhile."""
    locked = (
        AppraisalRound.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=rnd.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("มีผู้อื่นแก้ไขการตั้งค่ารอบนี้ไปก่อนแล้ว กรุณาโหลดหน้าใหม่แล้วแก้ไขอีกครั้ง"),
            code="conflict",
        )
    return locked


def bump_round(rnd: AppraisalRound, actor) -> None:
    rnd.version += 1
    rnd._history_user = actor
    rnd.save()


# The row and its round, locked; compiled once (common.compiled), as every save reads it.
_LOCKED = CompiledLookup(
    lambda pk: (
        AppraisalForm.objects.select_for_update(of=("self",))
        .select_related("round")
        .filter(pk=pk)
        .order_by()
    ),
    "pk",
)


def lock_form(form: AppraisalForm, expected_version: int | None) -> AppraisalForm:
    """The form row, locked for this transaction; ConflictError if somebody saved it since the
    page was read, DomainError once the round is closed."""
    # The row and its round only: joining the six other tables cost about 12 ms of planning on
    # PostgreSQL; the people and units the caller already holds are taken over when their ids
    # did not change, any other is read when first used.
    found = _LOCKED(pk=form.pk)
    if not found:
        raise AppraisalForm.DoesNotExist
    locked = found[0]
    _take_over_related(locked, form)
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError(
            _("มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว (ฉบับที่ %(v)s) กรุณาโหลดหน้าใหม่ ตรวจสอบข้อมูลล่าสุด แล้วบันทึกอีกครั้ง")
            % {"v": locked.version},
            code="conflict",
        )
    if locked.round.is_closed:
        raise DomainError(_("รอบการประเมินปิดแล้ว แก้ไขข้อมูลไม่ได้"), code="closed")
    return locked


def _take_over_related(locked: AppraisalForm, form: AppraisalForm) -> None:
    for name in ("person", "unit", "evaluator", "higher", "higher2"):
        field = AppraisalForm._meta.get_field(name)
        pk = getattr(locked, field.attname)
        if pk is not None and pk == getattr(form, field.attname) and field.is_cached(form):
            field.set_cached_value(locked, field.get_cached_value(form))
    department = AppraisalRound._meta.get_field("department")
    if (
        form.round_id == locked.round_id
        and AppraisalForm._meta.get_field("round").is_cached(form)
        and department.is_cached(form.round)
        and form.round.department_id == locked.round.department_id
    ):
        department.set_cached_value(locked.round, department.get_cached_value(form.round))


def take_transition(actor, form: AppraisalForm, name: str) -> str:
    """Run one state transition of the form after checking the permission it names; returns
    the old state. DomainError when the state does not allow it, PermissionDenied when the
    actor may not."""
    bound = getattr(form, name)
    if not has_transition_perm(bound, actor):
        if bound._django_fsm.get_transition(form.state) is None:
            raise DomainError(
                _("ทำรายการนี้ไม่ได้เมื่อแบบประเมินอยู่ในสถานะ “%(s)s”") % {"s": form.get_state_display()},
                code="state",
            )
        raise PermissionDenied(name)
    old = form.state
    bound()
    return old


def save_form(
    form: AppraisalForm, actor, reason: str = "", *, count_into: Counter | None = None
) -> None:
    """Save the form with a new version and a history row that names the actor and reason,
    and move its count in the round's per-unit counts when its state, band, unit or staff
    group changed (in this transaction; into `count_into` instead, for a caller that saves
    many forms and applies their counts at once)."""
    old_key = counts.stored_key(form)
    form.version += 1
    form._history_user = actor
    if reason:
        form._change_reason = reason[:100]
    form.save()
    new_key = counts.form_key(form)
    deltas = counts.change(old_key, new_key)
    if count_into is not None:
        count_into.update(deltas)
    else:
        counts.apply(form.round_id, deltas)
    form._counted_key = new_key


def field_changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields whose value changed, as the audit trail keeps them."""
    return {k: [plain(before.get(k)), plain(v)] for k, v in after.items() if before.get(k) != v}


def record_event(
    form: AppraisalForm,
    actor,
    kind: FormEvent,
    from_state: str = "",
    comment: str = "",
    changes: dict | None = None,
):
    """One event of the form in the audit trail, in the same transaction as the change: who,
    the state it moved from and to, what changed (old and new) and why. The form's timeline
    and history read these (appraisal.selectors.form_timeline, form_history)."""
    person = roles_of(actor).person if actor is not None else None
    changes = dict(changes or {})
    if from_state:
        changes["state"] = [from_state, form.state]
    return audit(
        actor=actor,
        kind=kind,
        obj=form,
        summary=form.person.full_name if form.person_id else "",
        changes=changes,
        reason=comment or "",
        actor_name=actor_name(person, actor),
    )
