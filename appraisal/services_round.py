"""Round set-up writes beyond services.round_update: line-of-work competencies and the
screening committee. Same conventions as appraisal/services.py: one transaction, the rule
checked with `can`, the round locked and its version compared, an audit row, Thai errors."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal.models import AppraisalRound, CompetencyKind, Phase, RoundCompetency
from appraisal.services import _lock_round, can
from common.errors import DomainError
from common.models import audit
from orgchart.models import Person
from orgchart.selectors import person_by_staff_code

NAME_MAX = 255


def _locked_for_change(actor, rnd: AppraisalRound, expected_version: int | None):
    rnd = _lock_round(rnd, expected_version)
    if not can(actor, "appraisal.manage_round", rnd):
        raise PermissionDenied("appraisal.manage_round")
    if rnd.is_closed:
        raise DomainError(_("รอบการประเมินปิดแล้ว แก้ไขไม่ได้"))
    return rnd


def _only_in_setup(rnd: AppraisalRound) -> None:
    # Opening copies the competencies into every form; a change afterwards would reach nobody.
    if rnd.phase != Phase.SETUP:
        raise DomainError(
            _("เพิ่มหรือลบสมรรถนะได้ก่อนเปิดรอบเท่านั้น (แบบประเมินที่สร้างแล้วใช้รายการเดิม)"),
            field="name",
        )


def _bump(rnd: AppraisalRound, actor) -> None:
    rnd.version += 1
    rnd._history_user = actor
    rnd.save(update_fields=["version"])


@transaction.atomic
def round_competency_add(
    *,
    actor,
    rnd: AppraisalRound,
    expected_version: int | None,
    name: str,
    line_of_work: str = "",
    expected_level: int | None = None,
) -> RoundCompetency:
    """A line-of-work competency (สมรรถนะประจำสายงาน), for one สายงาน or for all when blank;
    without an expected level it expects the person's core level."""
    rnd = _locked_for_change(actor, rnd, expected_version)
    _only_in_setup(rnd)
    name = (name or "").strip()
    line_of_work = (line_of_work or "").strip()
    if not name:
        raise DomainError(_("กรุณาระบุชื่อสมรรถนะ"), field="name")
    if len(name) > NAME_MAX or len(line_of_work) > NAME_MAX:
        raise DomainError(_("ข้อความยาวเกิน %(n)s ตัวอักษร") % {"n": NAME_MAX}, field="name")
    if expected_level is not None and not (
        isinstance(expected_level, int) and 1 <= expected_level <= 5
    ):
        raise DomainError(_("ระดับที่คาดหวังต้องเป็น 1–5"), field="expected_level")
    if rnd.competencies.filter(name=name).exists():
        raise DomainError(_("มีสมรรถนะชื่อ “%(n)s” ในรอบนี้แล้ว") % {"n": name}, field="name")
    last = (
        rnd.competencies.filter(kind=CompetencyKind.LINE)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    comp = RoundCompetency(
        round=rnd,
        kind=CompetencyKind.LINE,
        name=name,
        order=0 if last is None else last + 1,
        line_of_work=line_of_work,
        expected_level=expected_level,
    )
    comp._history_user = actor
    comp.save()
    _bump(rnd, actor)
    audit(
        actor=actor,
        action="round.competency_add",
        obj=rnd,
        summary=f"{rnd.code}: {name}",
        changes={"name": name, "line_of_work": line_of_work, "expected_level": expected_level},
    )
    return comp


@transaction.atomic
def round_competency_remove(
    *, actor, rnd: AppraisalRound, expected_version: int | None, competency_id: int
) -> None:
    """Remove a line-of-work competency; the core and managerial ones are OCSC's and stay."""
    rnd = _locked_for_change(actor, rnd, expected_version)
    _only_in_setup(rnd)
    comp = rnd.competencies.filter(pk=competency_id).first()
    if comp is None:
        raise DomainError(_("ไม่พบสมรรถนะนี้ในรอบ อาจถูกลบไปแล้ว"), field="name")
    if comp.kind != CompetencyKind.LINE:
        raise DomainError(_("ลบได้เฉพาะสมรรถนะประจำสายงาน"), field="name")
    comp._history_user = actor
    comp.delete()
    _bump(rnd, actor)
    audit(
        actor=actor,
        action="round.competency_remove",
        obj=rnd,
        summary=f"{rnd.code}: {comp.name}",
        changes={"name": comp.name, "line_of_work": comp.line_of_work},
    )


@transaction.atomic
def round_committee_add(
    *, actor, rnd: AppraisalRound, expected_version: int | None, staff_code: str
) -> Person:
    """Seat a person of the department on the screening committee, picked by staff code."""
    rnd = _locked_for_change(actor, rnd, expected_version)
    if not (staff_code or "").strip():
        raise DomainError(_("กรุณาระบุรหัสบุคลากร"), field="staff_code")
    person = person_by_staff_code(staff_code, tree_id=rnd.department.tree_id)
    if person.user_id is None:
        raise DomainError(
            _("%(name)s ยังไม่มีบัญชีผู้ใช้ จึงเป็นกรรมการในระบบไม่ได้") % {"name": person.full_name},
            field="staff_code",
        )
    if rnd.committee.filter(pk=person.user_id).exists():
        raise DomainError(
            _("%(name)s เป็นกรรมการอยู่แล้ว") % {"name": person.full_name}, field="staff_code"
        )
    rnd.committee.add(person.user_id)
    _bump(rnd, actor)
    audit(
        actor=actor,
        action="round.committee_add",
        obj=rnd,
        summary=f"{rnd.code}: {person.staff_code} {person.full_name}",
        changes={"user": person.user_id},
    )
    return person


@transaction.atomic
def round_committee_remove(
    *, actor, rnd: AppraisalRound, expected_version: int | None, user_id: int
) -> None:
    rnd = _locked_for_change(actor, rnd, expected_version)
    user = rnd.committee.filter(pk=user_id).first()
    if user is None:
        raise DomainError(_("ผู้นี้ไม่ได้เป็นกรรมการของรอบนี้"), field="staff_code")
    rnd.committee.remove(user)
    _bump(rnd, actor)
    audit(
        actor=actor,
        action="round.committee_remove",
        obj=rnd,
        summary=f"{rnd.code}: {user.get_username()}",
        changes={"user": user_id},
    )
