"""Every write to rounds and forms. Each runs in one transaction, checks who may do it, locks
the form row and compares its version (so a second save never silently overwrites the first),
keeps history (django-simple-history, with the reason) and writes the form's timeline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mass_mail
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from appraisal import defaults, scoring
from appraisal.models import (
    AgreementVersion,
    AppraisalForm,
    AppraisalRound,
    CheckIn,
    CheckInProgress,
    CoachingNote,
    CompetencyKind,
    CompetencyMethod,
    ExpectedLevel,
    FormCompetency,
    FormEvent,
    FormKpi,
    IdpRow,
    ItemKind,
    JournalEntry,
    Phase,
    RoundCompetency,
    RoundSetting,
    StaffGroup,
    State,
    group_of,
)
from common.errors import ConflictError, DomainError
from common.models import audit, plain
from common.thai import format_date_long
from orgchart import selectors as org
from orgchart.models import OrgUnit, Person
from orgchart.selectors import _subtree_q

KPI_SOFT_MIN, KPI_SOFT_MAX = 3, 10
CRITERIA = ["criteria_1", "criteria_2", "criteria_3", "criteria_4", "criteria_5"]
ITEM_FIELDS = ["kind", "name", "weight", "target", *CRITERIA]
EVIDENCE_MAX_BYTES = getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
# Evidence types: by extension and by the file's first bytes, never by the browser's word.
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        [b"PK\x03\x04"],
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}


def _thai(exc: ValueError) -> str:
    text = str(exc)
    return text.split(" / ", 1)[1] if " / " in text else text


def _no_nul(*texts, field: str) -> None:
    """Django's forms refuse NUL characters; callers of the services must meet the same rule
    (PostgreSQL cannot store them)."""
    if any(isinstance(t, str) and "\x00" in t for t in texts):
        raise DomainError(_("ข้อความมีอักขระที่ไม่อนุญาต"), field=field)


def _name(person: Person | None, user=None) -> str:
    if person is not None:
        return person.full_name
    return getattr(user, "get_full_name", lambda: "")() or getattr(user, "username", "")


# --- rounds ----------------------------------------------------------------------------------


def can(user, perm: str, obj=None) -> bool:
    """The rule itself (see appraisal/rules.py); never user.has_perm, which lets a superuser
    through every rule."""
    return rules.has_perm(perm, user, obj)


def _require(user, perm: str, obj) -> None:
    if not can(user, perm, obj):
        raise PermissionDenied(perm)


def _lock_round(rnd: AppraisalRound, expected_version: int | None) -> AppraisalRound:
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


@transaction.atomic
def round_create(
    *,
    actor,
    department: OrgUnit,
    fiscal_year: int,
    number: int,
    competency_method: str = CompetencyMethod.BAR_SCALE,
    second_review: bool = False,
) -> AppraisalRound:
    """A round in setup with DOMAIN's defaults: weights, bands, competencies, expected levels."""
    if department.parent_id is not None:
        raise DomainError(_("รอบการประเมินกำหนดได้ที่ระดับส่วนราชการเท่านั้น"), field="department")
    if number not in (1, 2):
        raise DomainError(_("รอบที่ต้องเป็น 1 หรือ 2"), field="number")
    if not 2500 <= int(fiscal_year) <= 2700:
        raise DomainError(_("ปีงบประมาณต้องเป็นปี พ.ศ."), field="fiscal_year")
    probe = AppraisalRound(department=department, fiscal_year=fiscal_year, number=number)
    _require(actor, "appraisal.manage_round", probe)
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
        ExpectedLevel(round=rnd, level=level, core=c, managerial=m)
        for level, (c, m) in defaults.EXPECTED_LEVELS.items()
    )
    audit(actor=actor, action="round.create", obj=rnd, summary=f"{department.code} {rnd.code}")
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
    rnd = _lock_round(rnd, expected_version)
    _require(actor, "appraisal.manage_round", rnd)
    if rnd.is_closed:
        raise DomainError(_("รอบการประเมินปิดแล้ว แก้ไขไม่ได้"))
    changes = {}
    allowed = {
        "competency_method",
        "second_review",
        "agreement_deadline",
        "evaluation_deadline",
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
        old = getattr(rnd, key)
        if old != value:
            changes[key] = [plain(old), plain(value)]
            setattr(rnd, key, value)
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
            scoring.validate_bands(
                [
                    (scoring.OUTSTANDING, 90),
                    (scoring.VERY_GOOD, b[0]),
                    (scoring.GOOD, b[1]),
                    (scoring.FAIR, b[2]),
                    (scoring.IMPROVE, 0),
                ]
            )
        except ValueError as exc:
            raise DomainError(f"{label}: {_thai(exc)}", field=f"{group}-very_good_from") from None
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
    for level, (core, managerial) in (expected_levels or {}).items():
        for value, what in ((core, "core"), (managerial, "managerial")):
            if value is None and what == "managerial":
                continue
            if not isinstance(value, int) or not 1 <= value <= 5:
                raise DomainError(
                    _("ระดับที่คาดหวังของ %(l)s ต้องเป็น 1–5") % {"l": level or "-"},
                    field=f"expected-{level}-{what}",
                )
        row, _created = ExpectedLevel.objects.select_for_update().get_or_create(
            round=rnd, level=level, defaults={"core": core, "managerial": managerial}
        )
        if (row.core, row.managerial) != (core, managerial):
            changes[f"expected:{level}"] = [[row.core, row.managerial], [core, managerial]]
            row.core, row.managerial = core, managerial
            row._history_user = actor
            row.save()
    if changes:
        rnd.version += 1
        rnd._history_user = actor
        rnd.save()
        audit(actor=actor, action="round.update", obj=rnd, summary=rnd.code, changes=changes)
    return rnd


def _expected_for(levels: dict[str, ExpectedLevel], level: str) -> tuple[int, int | None]:
    row = levels.get(level or "") or levels.get("")
    if row is None:
        return defaults.EXPECTED_LEVELS.get(level or "", (1, None))
    return row.core, row.managerial


def _freeze_form(rnd, person, evaluator, higher, higher2, setting: RoundSetting) -> AppraisalForm:
    pos = person.position
    return AppraisalForm(
        round=rnd,
        person=person,
        unit_id=person.unit_id,
        position_title=(pos.management_title or pos.title) if pos else "",
        position_number=pos.number if pos else "",
        position_type=pos.position_type if pos else "",
        position_level=pos.level if pos else "",
        staff_group=group_of(person),
        evaluator=evaluator,
        higher=higher,
        higher2=higher2,
        weight_achievement=setting.weight_achievement,
        weight_competency=setting.weight_competency,
        weight_other=setting.weight_other,
        very_good_from=setting.very_good_from,
        good_from=setting.good_from,
        fair_from=setting.fair_from,
        competency_method=rnd.competency_method,
    )


def _competencies_for(form: AppraisalForm, comps, levels, line_of_work: str):
    core, managerial = _expected_for(levels, form.position_level)
    rows = []
    order = 0
    for c in comps:
        if c.kind == CompetencyKind.MANAGERIAL:
            if form.position_type not in defaults.MANAGERIAL_TYPES or managerial is None:
                continue
            expected = managerial
        elif c.kind == CompetencyKind.LINE:
            if c.line_of_work and c.line_of_work != line_of_work:
                continue
            expected = c.expected_level or core
        else:
            expected = core
        rows.append(
            FormCompetency(form=form, order=order, kind=c.kind, name=c.name, expected=expected)
        )
        order += 1
    return rows


def _chains(people: list[Person]) -> dict[int, tuple[Person | None, Person | None, Person | None]]:
    """(evaluator, higher, higher2) of each person, in queries that do not grow with headcount."""
    ev = org.evaluators_for(people)
    firsts = list({e.pk: e for e in ev.values() if e is not None}.values())
    hi = org.evaluators_for(firsts) if firsts else {}
    seconds = list({h.pk: h for h in hi.values() if h is not None}.values())
    hi2 = org.evaluators_for(seconds) if seconds else {}
    result = {}
    for p in people:
        e = ev.get(p.pk)
        h = hi.get(e.pk) if e is not None else None
        h2 = hi2.get(h.pk) if h is not None else None
        if h is not None and h.pk == p.pk:
            h = None
        if h2 is not None and h2.pk in (p.pk, getattr(e, "pk", None)):
            h2 = None
        result[p.pk] = (e, h, h2)
    return result


@transaction.atomic
def round_open(*, actor, rnd: AppraisalRound, expected_version: int | None = None) -> int:
    """Open the round: one form per active person of the department, with the evaluator chain,
    weights, bands, method and expected competency levels frozen into it. Returns the count."""
    rnd = _lock_round(rnd, expected_version)
    if not has_transition_perm(rnd.open, actor):
        if rnd.phase != Phase.SETUP:
            raise DomainError(_("รอบนี้เปิดแล้ว"))
        raise PermissionDenied("appraisal.manage_round")
    settings_by_group = {s.group: s for s in rnd.settings.all()}
    for group, s in settings_by_group.items():
        if not scoring.component_weights_valid(
            s.weight_achievement, s.weight_competency, s.weight_other
        ):
            raise DomainError(
                _("น้ำหนักองค์ประกอบของ %(g)s รวมกันไม่เท่ากับ 100") % {"g": StaffGroup(group).label}
            )
    comps = list(rnd.competencies.all())
    if not any(c.kind == CompetencyKind.CORE for c in comps):
        raise DomainError(_("ต้องมีสมรรถนะหลักอย่างน้อย 1 รายการก่อนเปิดรอบ"))
    levels = {e.level: e for e in rnd.expected_levels.all()}
    dept = rnd.department
    people = list(
        Person.objects.filter(unit__tree_id=dept.tree_id, is_active=True)
        .select_related("position", "unit")
        .order_by("pk")
    )
    chains = _chains(people)
    forms = []
    for p in people:
        setting = settings_by_group.get(group_of(p)) or settings_by_group[StaffGroup.CIVIL_SERVANT]
        forms.append(_freeze_form(rnd, p, *chains[p.pk], setting))
    created = AppraisalForm.objects.bulk_create(forms, batch_size=2000)
    if not connection.features.can_return_rows_from_bulk_insert:  # SQLite older than 3.35
        created = list(AppraisalForm.objects.filter(round=rnd))
    by_person = {p.pk: p for p in people}
    comp_rows = []
    for f in created:
        pos = by_person[f.person_id].position
        comp_rows.extend(_competencies_for(f, comps, levels, pos.line_of_work if pos else ""))
    FormCompetency.objects.bulk_create(comp_rows, batch_size=5000)
    rnd.open()
    rnd.opened_at = timezone.now()
    rnd.version += 1
    rnd._history_user = actor
    rnd.save()
    audit(
        actor=actor,
        action="round.open",
        obj=rnd,
        summary=f"{rnd.code}: {len(created)}",
        changes={"forms": len(created)},
    )
    return len(created)


@transaction.atomic
def round_advance(*, actor, rnd: AppraisalRound, expected_version: int | None = None) -> str:
    rnd = _lock_round(rnd, expected_version)
    if not has_transition_perm(rnd.advance, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("รอบนี้เลื่อนขั้นตอนต่อไม่ได้จากขั้นตอนปัจจุบัน"))
        raise PermissionDenied("appraisal.manage_round")
    old = rnd.phase
    rnd.advance()
    if rnd.phase == Phase.RELEASED:
        _release_reviewed(actor, rnd, None)
    rnd.version += 1
    rnd._history_user = actor
    rnd.save()
    audit(actor=actor, action="round.phase", obj=rnd, changes={"phase": [old, rnd.phase]})
    return rnd.phase


def _release_reviewed(actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None) -> int:
    qs = AppraisalForm.objects.select_for_update(of=("self",)).filter(
        round=rnd, state=State.REVIEWED
    )
    if units is not None:
        qs = qs.filter(_subtree_q(units, prefix="unit__"))
    count = 0
    now = timezone.now()
    for form in qs.select_related("person", "round"):
        old = form.state
        form.state = State.RELEASED
        form.released_at = now
        form.version += 1
        form._history_user = actor
        form.save()
        _event(form, actor, "release", old, "")
        count += 1
    return count


@transaction.atomic
def round_release(*, actor, rnd: AppraisalRound) -> int:
    """Release every reviewed form in the user's HR scope (or all, for the department's HR)."""
    rnd = _lock_round(rnd, None)
    if not rnd.phase_at_least(Phase.REVIEW) or rnd.is_closed:
        raise DomainError(_("ประกาศผลได้เมื่อรอบอยู่ในขั้นตอนทบทวนผลขึ้นไปเท่านั้น"))
    roles = org.roles_of(actor)
    if roles.is_admin or can(actor, "appraisal.manage_round", rnd):
        units = None
    else:
        units = [s for s in roles.hr_scopes if s.tree_id == rnd.department.tree_id]
        if not units:
            raise PermissionDenied("appraisal.release_form")
    count = _release_reviewed(actor, rnd, units)
    audit(actor=actor, action="round.release", obj=rnd, summary=f"{rnd.code}: {count}")
    return count


@transaction.atomic
def round_close(*, actor, rnd: AppraisalRound, expected_version: int | None = None) -> None:
    rnd = _lock_round(rnd, expected_version)
    if not has_transition_perm(rnd.close, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("ปิดรอบได้หลังประกาศผลแล้วเท่านั้น"))
        raise PermissionDenied("appraisal.manage_round")
    rnd.close()
    rnd.closed_at = timezone.now()
    rnd.version += 1
    rnd._history_user = actor
    rnd.save()
    audit(actor=actor, action="round.close", obj=rnd, summary=rnd.code)


@transaction.atomic
def round_reopen(*, actor, rnd: AppraisalRound, reason: str) -> None:
    """Reopen a closed round: an audited HR action that needs a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("กรุณาระบุเหตุผลการเปิดรอบใหม่"), field="reason")
    rnd = _lock_round(rnd, None)
    if not has_transition_perm(rnd.reopen, actor):
        if can(actor, "appraisal.manage_round", rnd):
            raise DomainError(_("รอบนี้ยังไม่ได้ปิด"))
        raise PermissionDenied("appraisal.manage_round")
    rnd.reopen()
    rnd.closed_at = None
    rnd.version += 1
    rnd._history_user = actor
    rnd._change_reason = reason
    rnd.save()
    audit(actor=actor, action="round.reopen", obj=rnd, summary=reason)


# --- forms: plumbing -------------------------------------------------------------------------


def _lock(form: AppraisalForm, expected_version: int | None) -> AppraisalForm:
    locked = (
        AppraisalForm.objects.select_for_update(of=("self",))
        .select_related("round__department", "person", "unit", "evaluator", "higher", "higher2")
        .get(pk=form.pk)
    )
    if expected_version is not None and locked.version != int(expected_version):
        raise ConflictError(
            _("มีผู้อื่นบันทึกแบบประเมินนี้ไปก่อนแล้ว (ฉบับที่ %(v)s) กรุณาโหลดหน้าใหม่ ตรวจสอบข้อมูลล่าสุด แล้วบันทึกอีกครั้ง")
            % {"v": locked.version},
            code="conflict",
        )
    if locked.round.is_closed:
        raise DomainError(_("รอบการประเมินปิดแล้ว แก้ไขข้อมูลไม่ได้"), code="closed")
    return locked


def _check(actor, perm: str, form: AppraisalForm) -> None:
    if not can(actor, perm, form):
        raise PermissionDenied(perm)


def _take(actor, form: AppraisalForm, name: str) -> str:
    """Run one state transition after checking its permission; returns the old state."""
    bound = getattr(form, name)
    if not has_transition_perm(bound, actor):
        perm = bound._django_fsm.get_transition(form.state)
        if perm is None:
            raise DomainError(
                _("ทำรายการนี้ไม่ได้เมื่อแบบประเมินอยู่ในสถานะ “%(s)s”") % {"s": form.get_state_display()},
                code="state",
            )
        raise PermissionDenied(name)
    old = form.state
    bound()
    return old


def _save(form: AppraisalForm, actor, reason: str = "") -> None:
    form.version += 1
    form._history_user = actor
    if reason:
        form._change_reason = reason[:100]
    form.save()


def _event(form, actor, action, from_state, comment="") -> FormEvent:
    person = org.roles_of(actor).person if actor is not None else None
    return FormEvent.objects.create(
        form=form,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_name(person, actor),
        action=action,
        from_state=from_state or "",
        to_state=form.state,
        comment=comment,
    )


# --- agreement -------------------------------------------------------------------------------


@dataclass
class ItemInput:
    """One KPI row as the agreement page sends it (id None for a new row)."""

    name: str
    weight: Decimal
    kind: str = ItemKind.PLAN
    target: str = ""
    criteria: Sequence[str] = ("", "", "", "", "")
    kpi_id: int | None = None
    id: int | None = None


def agreement_warnings(items: Sequence[FormKpi | ItemInput]) -> list[str]:
    """Soft warnings the page shows: the number of KPIs outside 3–10."""
    n = len(items)
    if n and not KPI_SOFT_MIN <= n <= KPI_SOFT_MAX:
        return [
            _("มีตัวชี้วัด %(n)s ตัว โดยทั่วไปควรมี %(a)s–%(b)s ตัว")
            % {"n": n, "a": KPI_SOFT_MIN, "b": KPI_SOFT_MAX}
        ]
    return []


def _check_items(items: Sequence[ItemInput], *, for_submit: bool) -> None:
    for i, it in enumerate(items, start=1):
        prefix = _("ตัวชี้วัดที่ %(i)s") % {"i": i}
        _no_nul(it.name, it.target, *list(it.criteria), field=f"items-{i - 1}-name")
        if not (it.name or "").strip():
            raise DomainError(f"{prefix}: " + _("กรุณากรอกชื่อตัวชี้วัด"), field=f"items-{i - 1}-name")
        if it.kind not in ItemKind.values:
            raise DomainError(f"{prefix}: " + _("ประเภทไม่ถูกต้อง"), field=f"items-{i - 1}-kind")
        try:
            w = Decimal(str(it.weight))
        except (InvalidOperation, ValueError):
            raise DomainError(
                f"{prefix}: " + _("น้ำหนักต้องเป็นตัวเลข"), field=f"items-{i - 1}-weight"
            ) from None
        if not w.is_finite() or w <= 0 or w > 100 or w != w.quantize(Decimal("0.01")):
            raise DomainError(
                f"{prefix}: " + _("น้ำหนักต้องมากกว่า 0 ไม่เกิน 100 และมีทศนิยมไม่เกิน 2 ตำแหน่ง"),
                field=f"items-{i - 1}-weight",
            )
        if len(list(it.criteria)) != 5:
            raise DomainError(
                f"{prefix}: " + _("ต้องมีเกณฑ์ 5 ระดับ"), field=f"items-{i - 1}-criteria_1"
            )
        if for_submit and not all((c or "").strip() for c in it.criteria):
            raise DomainError(
                f"{prefix}: " + _("กรุณากรอกเกณฑ์การประเมินให้ครบทั้ง 5 ระดับก่อนส่ง"),
                field=f"items-{i - 1}-criteria_1",
            )
    if for_submit:
        if not items:
            raise DomainError(_("ต้องมีตัวชี้วัดอย่างน้อย 1 ตัวก่อนส่งข้อตกลง"), field="items")
        total = sum((Decimal(str(it.weight)) for it in items), Decimal(0))
        if total != 100:
            raise DomainError(
                _("น้ำหนักตัวชี้วัดรวมกันต้องเท่ากับ 100 (ขณะนี้ %(t)s)") % {"t": total},
                field="items",
            )


def _as_inputs(rows: Iterable[FormKpi]) -> list[ItemInput]:
    return [
        ItemInput(
            id=r.pk,
            name=r.name,
            weight=r.weight,
            kind=r.kind,
            target=r.target,
            criteria=r.criteria(),
            kpi_id=r.kpi_id,
        )
        for r in rows
    ]


@transaction.atomic
def agreement_save(
    *, actor, form: AppraisalForm, expected_version: int, items: Sequence[ItemInput]
) -> AppraisalForm:
    """Replace the agreement's KPI rows (kept rows keep their id and history). A draft may be
    incomplete; weights must total 100 only on submission."""
    form = _lock(form, expected_version)
    _check(actor, "appraisal.edit_agreement", form)
    if not form.agreement_editable:
        raise DomainError(_("ข้อตกลงนี้ส่งหรืออนุมัติแล้ว หากต้องการแก้ไขให้ขอแก้ไขข้อตกลงก่อน"), code="state")
    if len(items) > 30:
        raise DomainError(_("ตัวชี้วัดมากเกินไป (ไม่เกิน 30 ตัว)"), field="items")
    _check_items(items, for_submit=False)
    _check_kpi_links(form, items)
    existing = {r.pk: r for r in form.kpis.all()}
    keep = set()
    for order, it in enumerate(items):
        row = existing.get(it.id) if it.id else None
        if it.id and row is None:
            raise DomainError(_("ไม่พบตัวชี้วัดที่แก้ไข อาจถูกลบไปแล้ว กรุณาโหลดหน้าใหม่"), code="conflict")
        row = row or FormKpi(form=form)
        values = {
            "order": order,
            "kind": it.kind,
            "name": it.name.strip(),
            "weight": Decimal(str(it.weight)),
            "target": (it.target or "").strip(),
            "kpi_id": it.kpi_id,
            **{f: (c or "").strip() for f, c in zip(CRITERIA, it.criteria, strict=True)},
        }
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            row._history_user = actor
            row.save()
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            row._history_user = actor
            row.delete()
    old = form.state
    if form.state == State.NOT_STARTED:
        _take(actor, form, "start")
    _save(form, actor)
    if old == State.NOT_STARTED:
        _event(form, actor, "start", old)
    return form


def _check_kpi_links(form: AppraisalForm, items: Sequence[ItemInput]) -> None:
    from kpi.models import Kpi

    ids = {it.kpi_id for it in items if it.kpi_id}
    if not ids:
        return
    ok = set(
        Kpi.objects.filter(
            pk__in=ids, fiscal_year=form.round.fiscal_year, unit__tree_id=form.unit.tree_id
        ).values_list("pk", flat=True)
    )
    if ids - ok:
        raise DomainError(_("ตัวชี้วัดของหน่วยงานที่อ้างถึงไม่อยู่ในปีงบประมาณหรือส่วนราชการนี้"), field="items")


def cascaded_kpis(form: AppraisalForm):
    """Personal KPIs cascaded to the appraisee for the round's fiscal year, not yet in the form."""
    from kpi.models import Kpi, KpiLevel

    have = set(form.kpis.exclude(kpi=None).values_list("kpi_id", flat=True))
    return [
        k
        for k in Kpi.objects.filter(
            fiscal_year=form.round.fiscal_year, level=KpiLevel.PERSON, person_id=form.person_id
        ).order_by("code", "pk")
        if k.pk not in have
    ]


def _criteria_texts(kpi) -> list[str]:
    texts = [getattr(kpi, f"criteria_{i}") for i in range(1, 6)]
    thresholds = kpi.thresholds
    unit = f" {kpi.unit_of_measure}" if kpi.unit_of_measure else ""
    return [
        t or (f"{th.normalize():f}{unit}" if th is not None else "")
        for t, th in zip(texts, thresholds, strict=True)
    ]


@transaction.atomic
def agreement_pull_cascaded(*, actor, form: AppraisalForm, expected_version: int) -> int:
    """Add the KPIs cascaded to the appraisee as rows of kind ตามแผนปฏิบัติราชการ."""
    form = _lock(form, expected_version)
    _check(actor, "appraisal.edit_agreement", form)
    if not form.agreement_editable:
        raise DomainError(_("ข้อตกลงนี้ส่งหรืออนุมัติแล้ว"), code="state")
    rows = _as_inputs(form.kpis.all())
    new = [
        ItemInput(
            name=k.name,
            weight=k.weight,
            kind=ItemKind.PLAN,
            target=f"{k.threshold_3.normalize():f} {k.unit_of_measure}".strip()
            if k.threshold_3 is not None
            else "",
            criteria=_criteria_texts(k),
            kpi_id=k.pk,
        )
        for k in cascaded_kpis(form)
    ]
    if not new:
        return 0
    agreement_save(actor=actor, form=form, expected_version=form.version, items=rows + new)
    return len(new)


def _snapshot(form: AppraisalForm) -> list[dict]:
    return [
        {
            "kind": r.kind,
            "name": r.name,
            "weight": str(r.weight),
            "target": r.target,
            "criteria": r.criteria(),
            "kpi_id": r.kpi_id,
        }
        for r in form.kpis.all()
    ]


@transaction.atomic
def agreement_submit(*, actor, form: AppraisalForm, expected_version: int) -> AppraisalForm:
    form = _lock(form, expected_version)
    _check_items(_as_inputs(form.kpis.all()), for_submit=True)
    old = _take(actor, form, "submit")
    person = org.roles_of(actor).person
    form.appraisee_signed_at = timezone.now()
    form.appraisee_signed_name = _name(person, actor)
    _save(form, actor)
    _event(form, actor, "submit", old)
    return form


def _comment_required(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    _no_nul(comment, field="comment")
    if not comment:
        raise DomainError(_("กรุณาระบุ%(w)s") % {"w": what}, field="comment")
    if len(comment) > 4000:
        raise DomainError(_("ข้อความยาวเกิน 4,000 ตัวอักษร"), field="comment")
    return comment


@transaction.atomic
def agreement_return(
    *, actor, form: AppraisalForm, expected_version: int, comment: str
) -> AppraisalForm:
    comment = _comment_required(comment, _("สิ่งที่ต้องแก้ไข"))
    form = _lock(form, expected_version)
    old = _take(actor, form, "return_agreement")
    form.appraisee_signed_at = None
    form.appraisee_signed_name = ""
    _save(form, actor, "return")
    _event(form, actor, "return", old, comment)
    return form


@transaction.atomic
def agreement_approve(
    *, actor, form: AppraisalForm, expected_version: int | None, comment: str = ""
) -> AppraisalForm:
    form = _lock(form, expected_version)
    old = _take(actor, form, "approve")
    person = org.roles_of(actor).person
    now = timezone.now()
    form.evaluator_signed_at = now
    form.evaluator_signed_name = _name(person, actor)
    form.agreement_version += 1
    AgreementVersion.objects.create(
        form=form,
        number=form.agreement_version,
        items=_snapshot(form),
        appraisee_signed_name=form.appraisee_signed_name,
        appraisee_signed_at=form.appraisee_signed_at or now,
        evaluator_signed_name=form.evaluator_signed_name,
        evaluator_signed_at=now,
    )
    _save(form, actor, "approve")
    _event(form, actor, "approve", old, (comment or "").strip())
    return form


def agreement_approve_many(*, actor, forms: Iterable[AppraisalForm]) -> tuple[int, list[str]]:
    """Approve several submitted agreements; each in its own transaction, so one refusal does
    not undo the others. Returns (approved, messages for the ones refused)."""
    done, problems = 0, []
    for form in forms:
        try:
            agreement_approve(actor=actor, form=form, expected_version=None)
            done += 1
        except (DomainError, PermissionDenied) as exc:
            problems.append(f"{form.person.full_name}: {getattr(exc, 'message', _('ไม่มีสิทธิ์'))}")
    return done, problems


@transaction.atomic
def agreement_revise(
    *, actor, form: AppraisalForm, expected_version: int, reason: str
) -> AppraisalForm:
    """Open an approved agreement for change; it must be approved again. The approved version
    stays in AgreementVersion."""
    reason = _comment_required(reason, _("เหตุผลที่ขอแก้ไขข้อตกลง"))
    form = _lock(form, expected_version)
    old = _take(actor, form, "revise")
    form.appraisee_signed_at = None
    form.appraisee_signed_name = ""
    form.evaluator_signed_at = None
    form.evaluator_signed_name = ""
    _save(form, actor, "revise")
    _event(form, actor, "revise", old, reason)
    return form


# --- monitoring ------------------------------------------------------------------------------


@dataclass
class ProgressInput:
    item_id: int
    result: str = ""
    milestone: int | None = None
    comment: str = ""


@transaction.atomic
def checkin_record(
    *, actor, form: AppraisalForm, on: dt.date, comment: str, progress: Sequence[ProgressInput]
) -> CheckIn:
    form = _lock(form, None)
    _check(actor, "appraisal.record_checkin", form)
    if on is None:
        raise DomainError(_("กรุณาระบุวันที่"), field="on")
    if on > timezone.localdate():
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
    _no_nul(comment, *[t for p in progress for t in (p.result, p.comment)], field="comment")
    items = {r.pk: r for r in form.kpis.all()}
    if not items:
        raise DomainError(_("ยังไม่มีตัวชี้วัดในข้อตกลง"), field="progress")
    rows = [
        p
        for p in progress
        if (p.result or "").strip() or p.milestone is not None or (p.comment or "").strip()
    ]
    if not rows and not (comment or "").strip():
        raise DomainError(_("กรุณากรอกความก้าวหน้าอย่างน้อย 1 ตัวชี้วัด หรือสรุปความก้าวหน้า"), field="comment")
    seen = set()
    for p in rows:
        if p.item_id not in items:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field="progress")
        if p.item_id in seen:
            raise DomainError(_("ตัวชี้วัดเดียวกันมีความก้าวหน้าซ้ำกันในการบันทึกครั้งเดียว"), field="progress")
        seen.add(p.item_id)
        if p.milestone is not None and not 0 <= int(p.milestone) <= 5:
            raise DomainError(_("ระดับที่บรรลุต้องอยู่ระหว่าง 0–5"), field=f"milestone-{p.item_id}")
    me = org.roles_of(actor).person
    checkin = CheckIn.objects.create(form=form, on=on, author=me, comment=(comment or "").strip())
    CheckInProgress.objects.bulk_create(
        CheckInProgress(
            checkin=checkin,
            item_id=p.item_id,
            result=(p.result or "").strip()[:500],
            milestone=p.milestone,
            comment=(p.comment or "").strip()[:500],
        )
        for p in rows
    )
    _event(form, actor, "checkin", "", (comment or "").strip())
    return checkin


def check_evidence(upload) -> tuple[str, str]:
    """(extension, content type) of an acceptable evidence file; DomainError in Thai if not."""
    import os

    name = os.path.basename(getattr(upload, "name", "") or "")
    ext = os.path.splitext(name)[1].lower()
    if ext not in EVIDENCE_TYPES:
        raise DomainError(_("ไฟล์หลักฐานต้องเป็น PDF, PNG, JPG, DOCX หรือ XLSX"), field="evidence")
    if upload.size > EVIDENCE_MAX_BYTES:
        raise DomainError(
            _("ไฟล์หลักฐานต้องมีขนาดไม่เกิน %(mb)s MB") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)},
            field="evidence",
        )
    if upload.size == 0:
        raise DomainError(_("ไฟล์หลักฐานว่างเปล่า"), field="evidence")
    content_type, magics = EVIDENCE_TYPES[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise DomainError(_("เนื้อไฟล์ไม่ตรงกับชนิดไฟล์ %(ext)s") % {"ext": ext}, field="evidence")
    return ext, content_type


def journal_add(
    *, actor, form: AppraisalForm, kind: str, on: dt.date, description: str, upload=None
) -> JournalEntry:
    """A work or behaviour event, with an evidence file checked by type, content and size.

    The file is stored under a random name before the row is written; if the row cannot be
    written the file is removed again, so nothing is left half-saved."""
    stored = None
    storage = JournalEntry._meta.get_field("evidence").storage
    try:
        with transaction.atomic():
            form = _lock(form, None)
            _check(actor, "appraisal.add_journal", form)
            from appraisal.models import JournalKind

            if kind not in JournalKind.values:
                raise DomainError(_("กรุณาเลือกประเภทเหตุการณ์"), field="kind")
            if on is None:
                raise DomainError(_("กรุณาระบุวันที่"), field="on")
            if on > timezone.localdate():
                raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
            description = (description or "").strip()
            _no_nul(description, field="description")
            if not description:
                raise DomainError(_("กรุณาบรรยายเหตุการณ์"), field="description")
            me = org.roles_of(actor).person
            entry = JournalEntry(form=form, kind=kind, on=on, description=description, author=me)
            if upload is not None:
                import os

                _ext, content_type = check_evidence(upload)
                entry.evidence_name = os.path.basename(upload.name)[:255]
                entry.evidence_type = content_type
                entry.evidence_size = upload.size
                entry.evidence.save("evidence", upload, save=False)
                stored = entry.evidence.name
            entry.save()
            _event(form, actor, "journal", "", description[:200])
            return entry
    except BaseException:
        if stored:
            storage.delete(stored)
        raise


@transaction.atomic
def coaching_add(*, actor, form: AppraisalForm, on: dt.date, note: str) -> CoachingNote:
    form = _lock(form, None)
    _check(actor, "appraisal.add_coaching", form)
    note = (note or "").strip()
    _no_nul(note, field="note")
    if not note:
        raise DomainError(_("กรุณากรอกบันทึกการให้คำปรึกษา"), field="note")
    if on is None:
        raise DomainError(_("กรุณาระบุวันที่"), field="on")
    if on > timezone.localdate():
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="on")
    me = org.roles_of(actor).person
    entry = CoachingNote.objects.create(form=form, on=on, author=me, note=note)
    _event(form, actor, "coaching", "", "")
    return entry


def overdue_agreements(rnd: AppraisalRound, units: Iterable[OrgUnit] | None = None):
    """Forms whose agreement is not yet approved, with the person and evaluator loaded."""
    qs = AppraisalForm.objects.filter(
        round=rnd, state__in=[State.NOT_STARTED, State.DRAFT, State.RETURNED, State.SUBMITTED]
    ).select_related("person", "evaluator")
    if units is not None:
        qs = qs.filter(_subtree_q(units, prefix="unit__"))
    return qs


def send_reminders(*, actor, rnd: AppraisalRound, units: Iterable[OrgUnit] | None = None) -> int:
    """E-mail everyone whose agreement is overdue (and evaluators with agreements waiting).
    Returns the number of messages sent."""
    if not can(actor, "appraisal.view_round", rnd):
        raise PermissionDenied("appraisal.view_round")
    if rnd.phase in (Phase.SETUP, Phase.CLOSED):
        raise DomainError(_("ส่งการแจ้งเตือนได้เฉพาะรอบที่เปิดอยู่"))
    roles = org.roles_of(actor)
    if units is None and not (roles.is_admin or can(actor, "appraisal.manage_round", rnd)):
        units = [s for s in roles.hr_scopes if s.tree_id == rnd.department.tree_id]
    messages = []
    waiting: dict[int, list[str]] = {}
    evaluators: dict[int, Person] = {}
    deadline = rnd.agreement_deadline
    when = format_date_long(deadline) if deadline else ""
    for f in overdue_agreements(rnd, units):
        if f.state == State.SUBMITTED:
            if f.evaluator and f.evaluator.email:
                waiting.setdefault(f.evaluator_id, []).append(f.person.full_name)
                evaluators[f.evaluator_id] = f.evaluator
            continue
        if f.person.email:
            body = _(
                "เรียน %(name)s\n\nข้อตกลงการปฏิบัติราชการของท่าน รอบ %(round)s ยังไม่ได้ส่งให้ผู้ประเมินอนุมัติ"
            ) % {"name": f.person.full_name, "round": rnd.code}
            if when:
                body += _(" (กำหนดส่ง %(d)s)") % {"d": when}
            body += "\n\n" + _("กรุณาเข้าระบบ e-PMS เพื่อจัดทำและส่งข้อตกลง")
            messages.append(
                (
                    _("แจ้งเตือน: ข้อตกลงการปฏิบัติราชการ รอบ %(r)s") % {"r": rnd.code},
                    body,
                    None,
                    [f.person.email],
                )
            )
    for eid, names in waiting.items():
        e = evaluators[eid]
        body = _("เรียน %(name)s\n\nมีข้อตกลงการปฏิบัติราชการรอการอนุมัติจากท่าน %(n)s ราย:\n") % {
            "name": e.full_name,
            "n": len(names),
        }
        body += "\n".join(f"- {n}" for n in names)
        messages.append(
            (_("แจ้งเตือน: ข้อตกลงรอการอนุมัติ รอบ %(r)s") % {"r": rnd.code}, body, None, [e.email])
        )
    sent = send_mass_mail(messages, fail_silently=False) if messages else 0
    audit(actor=actor, action="round.remind", obj=rnd, summary=f"{rnd.code}: {sent}")
    return sent


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Result:
    """The form's arithmetic, exact; `complete` when every level and rating is entered."""

    score_kpi: Decimal | None
    percent: Decimal | None
    achievement: Decimal | None
    competency: Decimal | None
    other: Decimal | None
    total: Decimal | None
    band: str
    complete: bool
    problems: list[str]


def compute(
    form: AppraisalForm, kpis: Sequence[FormKpi], comps: Sequence[FormCompetency]
) -> Result:
    """The 100-point total of a form from its rows, with missing levels counted as 0 so the
    total moves as the evaluator fills the page; `complete` says whether it is final."""
    problems = []
    complete = True
    ach = pct = score = None
    if kpis:
        levels = []
        for r in kpis:
            if r.level is None:
                complete = False
            levels.append((r.level or 0, r.weight))
        try:
            a = scoring.achievement(levels, form.weight_achievement)
            ach, pct, score = a.points, a.percent, a.score_kpi
        except ValueError as exc:
            problems.append(_thai(exc))
            complete = False
    else:
        problems.append(_("ยังไม่มีตัวชี้วัด"))
        complete = False
    comp = None
    if comps:
        if any(c.actual is None for c in comps):
            complete = False
        try:
            if form.competency_method == CompetencyMethod.RATING:
                rated = [(max(c.actual or 1, 1), c.weight if c.weight else 1) for c in comps]
                comp = scoring.competency_rating(rated, form.weight_competency)
            elif form.competency_method == CompetencyMethod.RATIO:
                comp = scoring.competency_ratio(
                    [(c.actual or 0, c.expected) for c in comps], form.weight_competency
                )
            else:
                comp = scoring.competency_bar_scale(
                    [(c.actual or 0, c.expected) for c in comps], form.weight_competency
                )
        except ValueError as exc:
            problems.append(_thai(exc))
            complete = False
    elif form.weight_competency:
        problems.append(_("ยังไม่มีรายการสมรรถนะ"))
        complete = False
    else:
        comp = Decimal(0)
    other = Decimal(0)
    if form.weight_other:
        if form.other_percent is None:
            complete = False
        other = (form.other_percent or Decimal(0)) * form.weight_other / Decimal(100)
    total = None
    band = ""
    if ach is not None and comp is not None:
        total = scoring.total(ach, comp, other)
        band = scoring.band(total, form.bands())
    return Result(score, pct, ach, comp, other, total, band, complete and not problems, problems)


def suggested_level(row: FormKpi) -> int | None:
    """What the criteria say the row earns: from a linked quantitative KPI and a numeric
    actual result, else the last milestone reached at a check-in, else the self-assessment."""
    from kpi import services as kpi_services

    if row.kpi_id and row.actual:
        try:
            value = Decimal(row.actual.replace(",", "").strip())
        except (InvalidOperation, ValueError):
            value = None
        if value is not None and value.is_finite():
            try:
                return kpi_services.level_of(row.kpi, actual=value)
            except DomainError:
                pass
    last = (
        CheckInProgress.objects.filter(item=row, milestone__isnull=False)
        .order_by("-checkin__on", "-checkin__pk")
        .values_list("milestone", flat=True)
        .first()
    )
    if last is not None:
        return last
    return row.self_level


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


def _level(value, field: str, low: int = 0) -> int | None:
    if value in (None, ""):
        return None
    try:
        n = int(str(value).strip())
    except (TypeError, ValueError):
        raise DomainError(_("ระดับต้องเป็นจำนวนเต็ม %(a)s–5") % {"a": low}, field=field) from None
    if not low <= n <= 5:
        raise DomainError(_("ระดับต้องเป็นจำนวนเต็ม %(a)s–5") % {"a": low}, field=field)
    return n


def _store_result(form: AppraisalForm, result: Result) -> None:
    form.score_kpi = result.score_kpi
    form.achievement_points = result.achievement
    form.competency_points = result.competency
    form.other_points = result.other
    form.total = result.total
    form.band = result.band
    form.final_total = result.total
    form.final_band = result.band


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
) -> Result:
    """The evaluator's entries: actual results and levels (a level other than the suggested one
    needs a reason), competency levels, the other component, comments and the IDP."""
    form = _lock(form, expected_version)
    _check(actor, "appraisal.score_form", form)
    if form.state != State.AGREED:
        raise DomainError(_("ให้คะแนนได้เมื่อข้อตกลงได้รับอนุมัติและยังไม่ได้ยืนยันผลการประเมิน"), code="state")
    rows = {r.pk: r for r in form.kpis.select_related("kpi")}
    rows_actual = {pk: r.actual for pk, r in rows.items()}
    for s in kpis:
        row = rows.get(s.id)
        if row is None:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field=f"kpi-{s.id}-level")
        level = _level(s.level, f"kpi-{s.id}-level")
        _no_nul(s.actual, s.reason, field=f"kpi-{s.id}-reason")
        actual = (s.actual or "").strip()[:500]
        reason = (s.reason or "").strip()
        row.actual = actual
        suggested = suggested_level(row)
        if level is not None and suggested is not None and level != suggested and not reason:
            raise DomainError(
                _("“%(name)s”: ระดับที่ให้ (%(l)s) ต่างจากที่ระบบเสนอ (%(s)s) กรุณาระบุเหตุผล")
                % {"name": row.name, "l": level, "s": suggested},
                field=f"kpi-{s.id}-reason",
            )
        before = (row.level, row.level_reason, row.suggested_level)
        row.level = level
        row.level_reason = reason
        row.suggested_level = suggested
        if before != (level, reason, suggested) or row.actual != rows_actual[s.id]:
            row._history_user = actor
            row._change_reason = (reason or "score")[:100]
            row.save()
    comp_rows = {c.pk: c for c in form.competencies.all()}
    for c in competencies:
        row = comp_rows.get(c.id)
        if row is None:
            raise DomainError(_("สมรรถนะไม่อยู่ในแบบประเมินนี้"), field=f"comp-{c.id}-actual")
        low = 1 if form.competency_method == CompetencyMethod.RATING else 0
        actual = _level(c.actual, f"comp-{c.id}-actual", low)
        note = (c.note or "").strip()
        if (row.actual, row.note) != (actual, note):
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
        form.other_percent = op.quantize(Decimal("0.01"))
    if comment is not None:
        _no_nul(comment, field="comment")
        form.evaluator_comment = comment.strip()
    if idp is not None:
        _idp_replace(form, idp, actor)
    result = compute(form, list(form.kpis.all()), list(form.competencies.all()))
    _store_result(form, result)
    _save(form, actor, "score")
    return result


def _idp_replace(form: AppraisalForm, rows: Sequence[IdpInput], actor) -> None:
    valid_comps = set(form.competencies.values_list("pk", flat=True))
    clean = []
    for i, r in enumerate(rows):
        topic = (r.topic or "").strip()
        if not topic:
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
    form.idp.all().delete()
    for row in clean:
        row._history_user = actor
        row.save()


def idp_proposals(form: AppraisalForm) -> list[IdpInput]:
    """IDP rows for every competency rated below its expected level (DOMAIN §5, ส่วนที่ ๓)."""
    have = set(form.idp.exclude(from_competency=None).values_list("from_competency_id", flat=True))
    return [
        IdpInput(
            topic=c.name,
            method=_("อบรม/สอนงาน/มอบหมายงานเพื่อพัฒนาจากระดับ %(a)s สู่ระดับ %(e)s")
            % {"a": c.actual, "e": c.expected},
            period=_("รอบการประเมินถัดไป"),
            from_competency_id=c.pk,
        )
        for c in form.competencies.all()
        if c.actual is not None and c.actual < c.expected and c.pk not in have
    ]


@transaction.atomic
def self_assess_save(
    *,
    actor,
    form: AppraisalForm,
    expected_version: int,
    kpis: Mapping[int, tuple[int | None, str]],
    competencies: Mapping[int, int | None],
    comment: str = "",
) -> AppraisalForm:
    """The appraisee's optional self-assessment; it never changes the evaluator's figures."""
    form = _lock(form, expected_version)
    _check(actor, "appraisal.self_assess", form)
    if form.state != State.AGREED:
        raise DomainError(_("ประเมินตนเองได้หลังข้อตกลงอนุมัติและก่อนผู้ประเมินยืนยันผล"), code="state")
    rows = {r.pk: r for r in form.kpis.all()}
    for pk, (level, note) in kpis.items():
        if pk not in rows:
            raise DomainError(_("ตัวชี้วัดไม่อยู่ในแบบประเมินนี้"), field=f"kpi-{pk}-self_level")
        row = rows[pk]
        row.self_level = _level(level, f"kpi-{pk}-self_level")
        row.self_note = (note or "").strip()
        row._history_user = actor
        row.save()
    comps = {c.pk: c for c in form.competencies.all()}
    for pk, level in competencies.items():
        if pk not in comps:
            raise DomainError(_("สมรรถนะไม่อยู่ในแบบประเมินนี้"), field=f"comp-{pk}-self_actual")
        comps[pk].self_actual = _level(level, f"comp-{pk}-self_actual")
        comps[pk].save()
    form.self_assessment = (comment or "").strip()
    form.self_assessed_at = timezone.now()
    _save(form, actor, "self")
    _event(form, actor, "self_assess", "")
    return form


@transaction.atomic
def scoring_finish(*, actor, form: AppraisalForm, expected_version: int) -> AppraisalForm:
    """The evaluator confirms the evaluation: every level and competency must be entered."""
    form = _lock(form, expected_version)
    result = compute(form, list(form.kpis.all()), list(form.competencies.all()))
    if not result.complete:
        detail = "; ".join(result.problems) or _("กรุณาให้ระดับทุกตัวชี้วัดและทุกสมรรถนะ")
        raise DomainError(_("ยังประเมินไม่ครบ: %(d)s") % {"d": detail}, field="kpis")
    old = _take(actor, form, "finish_scoring")
    _store_result(form, result)
    form.scored_at = timezone.now()
    _save(form, actor, "finish")
    _event(form, actor, "score", old)
    return form


@transaction.atomic
def scoring_reopen(
    *, actor, form: AppraisalForm, expected_version: int, reason: str
) -> AppraisalForm:
    reason = _comment_required(reason, _("เหตุผลที่แก้ไขผลการประเมิน"))
    form = _lock(form, expected_version)
    old = _take(actor, form, "reopen_scoring")
    form.scored_at = None
    _save(form, actor, reason)
    _event(form, actor, "reopen_scoring", old, reason)
    return form


# --- review and release ----------------------------------------------------------------------


def _after_acknowledgement(form: AppraisalForm) -> None:
    """A form nobody reviews above the evaluator goes straight to 'reviewed'."""
    if form.higher_id is None:
        form.state = State.REVIEWED


@transaction.atomic
def acknowledge(*, actor, form: AppraisalForm, expected_version: int) -> AppraisalForm:
    form = _lock(form, expected_version)
    old = _take(actor, form, "acknowledge")
    form.acknowledged_at = timezone.now()
    form.refused = False
    _after_acknowledgement(form)
    _save(form, actor, "acknowledge")
    _event(form, actor, "acknowledge", old)
    return form


@transaction.atomic
def refusal_record(
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
    _no_nul(witness_name, witness_position, field="witness_name")
    if not (witness_name or "").strip():
        raise DomainError(_("กรุณาระบุชื่อพยาน"), field="witness_name")
    if not (witness_position or "").strip():
        raise DomainError(_("กรุณาระบุตำแหน่งพยาน"), field="witness_position")
    if witness_on is None:
        raise DomainError(_("กรุณาระบุวันที่พยานลงนาม"), field="witness_on")
    today = timezone.localdate()
    if informed_on > today or witness_on > today:
        raise DomainError(_("วันที่ต้องไม่เป็นวันในอนาคต"), field="informed_on")
    if witness_on < informed_on:
        raise DomainError(_("วันที่พยานลงนามต้องไม่ก่อนวันที่แจ้งผล"), field="witness_on")
    form = _lock(form, expected_version)
    old = _take(actor, form, "record_refusal")
    form.refused = True
    form.informed_on = informed_on
    form.witness_name = witness_name.strip()[:320]
    form.witness_position = witness_position.strip()[:255]
    form.witness_on = witness_on
    _after_acknowledgement(form)
    _save(form, actor, "refusal")
    _event(form, actor, "refusal", old, f"{form.witness_name} ({form.witness_position})")
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
    _no_nul(opinion, field="opinion")
    if agrees is None:
        raise DomainError(_("กรุณาเลือกว่าเห็นด้วยหรือมีความเห็นต่าง"), field="agrees")
    if not agrees and not opinion:
        raise DomainError(_("กรุณาระบุความเห็นที่แตกต่าง"), field="opinion")
    if agrees and revised is not None:
        raise DomainError(_("หากเห็นด้วยกับผลการประเมิน ไม่ต้องระบุคะแนนใหม่"), field="revised_total")
    form = _lock(form, expected_version)
    name = "higher_review" if which == "higher" else "higher2_review"
    old = _take(actor, form, name)
    setattr(form, f"{which}_agrees", bool(agrees))
    setattr(form, f"{which}_opinion", opinion)
    setattr(form, f"{which}_total", revised)
    setattr(form, f"{which}_at", timezone.now())
    # Both opinions are kept; the final figure is the last revision, else the evaluator's.
    final = form.total
    for level in ("higher", "higher2"):
        value = getattr(form, f"{level}_total")
        if value is not None:
            final = value
    form.final_total = final
    form.final_band = scoring.band(final, form.bands()) if final is not None else ""
    _save(form, actor, (opinion or "agree")[:100])
    # The timeline is read by the appraisee before release: no figures in it.
    _event(form, actor, name, old, opinion)
    return form


def higher_review(*, actor, form, expected_version, agrees, opinion="", revised_total=None):
    with transaction.atomic():
        return _review(actor, form, expected_version, agrees, opinion, revised_total, "higher")


def higher2_review(*, actor, form, expected_version, agrees, opinion="", revised_total=None):
    with transaction.atomic():
        return _review(actor, form, expected_version, agrees, opinion, revised_total, "higher2")


@transaction.atomic
def form_release(*, actor, form: AppraisalForm) -> AppraisalForm:
    form = _lock(form, None)
    old = _take(actor, form, "release")
    form.released_at = timezone.now()
    _save(form, actor, "release")
    _event(form, actor, "release", old)
    return form


@transaction.atomic
def form_set_evaluator(
    *, actor, form: AppraisalForm, evaluator: Person | None, higher: Person | None, reason: str
) -> AppraisalForm:
    """HR changes this round's evaluator chain of one person (DOMAIN §3), with a reason."""
    reason = _comment_required(reason, _("เหตุผลที่เปลี่ยนผู้ประเมิน"))
    form = _lock(form, None)
    _check(actor, "appraisal.set_form_evaluator", form)
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
    form.evaluator = evaluator
    form.higher = higher
    _save(form, actor, reason)
    _event(form, actor, "set_evaluator", "", reason)
    audit(actor=actor, action="form.set_evaluator", obj=form, summary=reason, changes=changes)
    return form
