"""Round set-up (DOMAIN §2): creating a department's round with DOMAIN's defaults, its
settings (weights per staff group, middle bands, method, deadlines, expected levels), its
line-of-work competencies and its screening committee. Phase changes are in round_phases.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import defaults, scoring
from appraisal.models import (
    SCORING_RULES,
    AppraisalRound,
    BarLevelZero,
    CompetencyKind,
    CompetencyMethod,
    ExpectedLevel,
    Phase,
    RatioCap,
    RoundCompetency,
    RoundEvent,
    Rounding,
    RoundSetting,
    StaffGroup,
)
from appraisal.services._forms import bump_round, lock_round
from common.errors import DomainError, thai_message
from common.models import audit, plain
from common.permissions import require
from orgchart.models import OrgUnit, Person
from orgchart.selectors import person_by_staff_code


@transaction.atomic
def round_create(
    *,
    actor,
    department: OrgUnit,
    fiscal_year: int,
    number: int,
    competency_method: str = CompetencyMethod.BAR_SCALE,
    second_review: bool = False,
    rounding: str = Rounding.EXACT,
) -> AppraisalRound:
    """A round in setup with DOMAIN's defaults: weights, bands, competencies, expected levels."""
    if department.parent_id is not None:
        raise DomainError(_("รอบการประเมินกำหนดได้ที่ระดับส่วนราชการเท่านั้น"), field="department")
    if number not in (1, 2):
        raise DomainError(_("รอบที่ต้องเป็น 1 หรือ 2"), field="number")
    if not 2500 <= int(fiscal_year) <= 2700:
        raise DomainError(_("ปีงบประมาณต้องเป็นปี พ.ศ."), field="fiscal_year")
    if rounding not in Rounding.values:
        raise DomainError(_("วิธีปัดเศษคะแนนไม่ถูกต้อง"), field="rounding")
    probe = AppraisalRound(department=department, fiscal_year=fiscal_year, number=number)
    require(actor, "appraisal.manage_round", probe)
    if AppraisalRound.objects.filter(
        department=department, fiscal_year=fiscal_year, number=number
    ).exists():
        raise DomainError(
            _("มีรอบการประเมินปีงบประมาณ %(y)s รอบที่ %(n)s แล้ว") % {"y": fiscal_year, "n": number},
            field="number",
        )
    rnd = AppraisalRound.objects.create(
        department=department,
        fiscal_year=fiscal_year,
        number=number,
        competency_method=competency_method,
        second_review=second_review,
        rounding=rounding,
    )
    RoundSetting.objects.bulk_create(
        RoundSetting(
            round=rnd,
            group=group,
            weight_achievement=w[0],
            weight_competency=w[1],
            weight_other=w[2],
        )
        for group, w in defaults.WEIGHTS.items()
    )
    comps = [
        RoundCompetency(round=rnd, kind=CompetencyKind.CORE, name=n, order=i)
        for i, n in enumerate(defaults.CORE)
    ] + [
        RoundCompetency(round=rnd, kind=CompetencyKind.MANAGERIAL, name=n, order=i)
        for i, n in enumerate(defaults.MANAGERIAL)
    ]
    RoundCompetency.objects.bulk_create(comps)
    ExpectedLevel.objects.bulk_create(
        ExpectedLevel(round=rnd, grade=grade, core=c, managerial=m)
        for grade, (c, m) in defaults.EXPECTED_LEVELS.items()
    )
    audit(actor=actor, kind=RoundEvent.CREATE, obj=rnd, summary=f"{department.code} {rnd.code}")
    return rnd


@transaction.atomic
def round_update(
    *,
    actor,
    rnd: AppraisalRound,
    expected_version: int,
    fields: Mapping[str, object] | None = None,
    settings_rows: Mapping[str, Mapping[str, object]] | None = None,
    expected_levels: Mapping[str, tuple[int, int | None]] | None = None,
) -> AppraisalRound:
    """Change the round's settings. Weights must total 100 per group and the middle bands must
    stay between 60 and 90 in order; forms already open keep what was frozen into them."""
    rnd = lock_round(rnd, expected_version)
    require(actor, "appraisal.manage_round", rnd)
    if rnd.is_closed:
        raise DomainError(_("รอบการประเมินปิดแล้ว แก้ไขไม่ได้"))
    changes = {}
    allowed = {
        "competency_method",
        "second_review",
        "agreement_deadline",
        "evaluation_deadline",
        "talent_cut_low",
        "talent_cut_high",
        *SCORING_RULES,
    }
    # The scoring rules are frozen into each form when the round opens, like the method.
    rule_choices = {
        "rounding": Rounding.values,
        "ratio_cap": RatioCap.values,
        "bar_level_zero": BarLevelZero.values,
    }
    for key, value in (fields or {}).items():
        if key not in allowed:
            raise DomainError(_("แก้ไขช่อง %(f)s ไม่ได้") % {"f": key}, field=key)
        if key == "competency_method" and value not in CompetencyMethod.values:
            raise DomainError(_("วิธีประเมินสมรรถนะไม่ถูกต้อง"), field=key)
        if (
            key == "competency_method"
            and value != rnd.competency_method
            and rnd.phase != Phase.SETUP
        ):
            raise DomainError(_("เปลี่ยนวิธีประเมินสมรรถนะได้ก่อนเปิดรอบเท่านั้น"), field="competency_method")
        if key in ("talent_cut_low", "talent_cut_high"):
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError):
                raise DomainError(_("จุดตัดตารางศักยภาพต้องเป็นตัวเลข"), field=key) from None
            if not value.is_finite():
                raise DomainError(_("จุดตัดตารางศักยภาพต้องเป็นตัวเลข"), field=key)
        if key in rule_choices and value not in rule_choices[key]:
            raise DomainError(_("ค่าที่เลือกไม่ถูกต้อง"), field=key)
        if key in rule_choices and value != getattr(rnd, key) and rnd.phase != Phase.SETUP:
            raise DomainError(_("เปลี่ยนวิธีคิดคะแนนได้ก่อนเปิดรอบเท่านั้น"), field=key)
        old = getattr(rnd, key)
        if old != value:
            changes[key] = [plain(old), plain(value)]
            setattr(rnd, key, value)
    # The talent grid's cuts rise within 0–100 (check round_talent_cuts_rise), said in Thai.
    if not 0 <= rnd.talent_cut_low < rnd.talent_cut_high <= 100:
        raise DomainError(
            _("จุดตัดตารางศักยภาพต้องอยู่ระหว่าง 0–100 และจุดตัดกลาง/สูงต้องมากกว่าจุดตัดต่ำ/กลาง"),
            field="talent_cut_high",
        )
    if rnd.agreement_deadline and rnd.evaluation_deadline:
        if rnd.evaluation_deadline < rnd.agreement_deadline:
            raise DomainError(
                _("กำหนดประเมินผลเสร็จต้องไม่ก่อนกำหนดส่งข้อตกลง"), field="evaluation_deadline"
            )
    for group, values in (settings_rows or {}).items():
        if group not in StaffGroup.values:
            raise DomainError(_("ไม่รู้จักกลุ่มบุคลากร %(g)s") % {"g": group}, field="group")
        row = RoundSetting.objects.select_for_update().get(round=rnd, group=group)
        label = StaffGroup(group).label
        try:
            w = [
                Decimal(str(values[k]))
                for k in ("weight_achievement", "weight_competency", "weight_other")
            ]
            b = [Decimal(str(values[k])) for k in ("very_good_from", "good_from", "fair_from")]
        except (KeyError, InvalidOperation, ValueError):
            raise DomainError(_("%(g)s: กรุณากรอกตัวเลขให้ครบ") % {"g": label}, field=group) from None
        if not scoring.component_weights_valid(*w):
            raise DomainError(
                _("%(g)s: น้ำหนักองค์ประกอบต้องไม่ติดลบและรวมกันเท่ากับ 100 (ได้ %(s)s)")
                % {"g": label, "s": sum(w)},
                field=f"{group}-weight_achievement",
            )
        try:
            scoring.validate_bands(scoring.band_table(*b))
        except ValueError as exc:
            raise DomainError(
                f"{label}: {thai_message(exc)}", field=f"{group}-very_good_from"
            ) from None
        new = dict(
            zip(
                [
                    "weight_achievement",
                    "weight_competency",
                    "weight_other",
                    "very_good_from",
                    "good_from",
                    "fair_from",
                ],
                w + b,
                strict=True,
            )
        )
        diff = {k: [str(getattr(row, k)), str(v)] for k, v in new.items() if getattr(row, k) != v}
        if diff:
            for k, v in new.items():
                setattr(row, k, v)
            row._history_user = actor
            row.save()
            changes[f"setting:{group}"] = diff
    for grade, (core, managerial) in (expected_levels or {}).items():
        for value, what in ((core, "core"), (managerial, "managerial")):
            if value is None and what == "managerial":
                continue
            if not isinstance(value, int) or not 1 <= value <= 5:
                raise DomainError(
                    _("ระดับที่คาดหวังของ %(l)s ต้องเป็น 1–5") % {"l": grade or "-"},
                    field=f"expected-{grade}-{what}",
                )
        row, _created = ExpectedLevel.objects.select_for_update().get_or_create(
            round=rnd, grade=grade, defaults={"core": core, "managerial": managerial}
        )
        if (row.core, row.managerial) != (core, managerial):
            changes[f"expected:{grade}"] = [[row.core, row.managerial], [core, managerial]]
            row.core, row.managerial = core, managerial
            row._history_user = actor
            row.save()
    if changes:
        bump_round(rnd, actor)
        audit(actor=actor, kind=RoundEvent.UPDATE, obj=rnd, summary=rnd.code, changes=changes)
    return rnd


NAME_MAX = 255


def _locked_for_change(actor, rnd: AppraisalRound, expected_version: int | None):
    rnd = lock_round(rnd, expected_version)
    require(actor, "appraisal.manage_round", rnd)
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
    bump_round(rnd, actor)
    audit(
        actor=actor,
        kind=RoundEvent.COMPETENCY_ADD,
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
    bump_round(rnd, actor)
    audit(
        actor=actor,
        kind=RoundEvent.COMPETENCY_REMOVE,
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
    if person.user_id is not None and person.user_id == getattr(actor, "pk", None):
        raise DomainError(
            _("แต่งตั้งตนเองเป็นกรรมการกลั่นกรองไม่ได้ ให้ผู้มีสิทธิ์อื่นเป็นผู้แต่งตั้ง"), field="staff_code"
        )
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
    bump_round(rnd, actor)
    audit(
        actor=actor,
        kind=RoundEvent.COMMITTEE_ADD,
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
    bump_round(rnd, actor)
    audit(
        actor=actor,
        kind=RoundEvent.COMMITTEE_REMOVE,
        obj=rnd,
        summary=f"{rnd.code}: {user.get_username()}",
        changes={"user": user_id},
    )
