"""The performance agreement (ข้อตกลง, DOMAIN §4): the appraisee's KPI rows with weights and
five-level criteria, pulling the KPIs cascaded to them, submitting, the evaluator's return or
approval (one or many), and reopening an approved agreement for change.

Where weights are validated: `agreement_items_check` (each row) and, for the whole form,
`appraisal.scoring.achievement` (the arithmetic refuses weights that do not total 100).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from appraisal import scoring
from appraisal.models import (
    CRITERIA_FIELDS,
    AgreementVersion,
    AppraisalForm,
    FormEvent,
    FormKpi,
    ItemKind,
    State,
)
from appraisal.selectors import cascaded_kpis, kpi_rows
from appraisal.services import _notices
from appraisal.services._forms import (
    actor_name,
    field_changes,
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
from orgchart.selectors import roles_of

KPI_SOFT_MIN, KPI_SOFT_MAX = 3, 10
KPI_MAX = 30


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


def agreement_items_check(items: Sequence[ItemInput], *, for_submit: bool) -> None:
    """The agreement's KPI rows as the rules want them: names, kinds, weights (each 0–100 with
    two decimals; together exactly 100 on submission) and, on submission, all five criteria."""
    for i, it in enumerate(items, start=1):
        prefix = _("ตัวชี้วัดที่ %(i)s") % {"i": i}
        refuse_nul(it.name, it.target, *list(it.criteria), field=f"items-{i - 1}-name")
        if is_blank(it.name):
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
        if for_submit and any(is_blank(c) for c in it.criteria):
            raise DomainError(
                f"{prefix}: " + _("กรุณากรอกเกณฑ์การประเมินให้ครบทั้ง 5 ระดับก่อนส่ง"),
                field=f"items-{i - 1}-criteria_1",
            )
    if for_submit:
        if not items:
            raise DomainError(_("ต้องมีตัวชี้วัดอย่างน้อย 1 ตัวก่อนส่งข้อตกลง"), field="items")
        total = scoring.weight_total(str(it.weight) for it in items)
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
    form = lock_form(form, expected_version)
    require(actor, "appraisal.edit_agreement", form)
    if not form.agreement_editable:
        raise DomainError(_("ข้อตกลงนี้ส่งหรืออนุมัติแล้ว หากต้องการแก้ไขให้ขอแก้ไขข้อตกลงก่อน"), code="state")
    if len(items) > KPI_MAX:
        raise DomainError(_("ตัวชี้วัดมากเกินไป (ไม่เกิน 30 ตัว)"), field="items")
    agreement_items_check(items, for_submit=False)
    _check_kpi_links(form, items)
    existing = {r.pk: r for r in kpi_rows(form)}  # form.kpis.all(), its SQL compiled once
    keep = set()
    changes: dict = {}
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
            **{f: (c or "").strip() for f, c in zip(CRITERIA_FIELDS, it.criteria, strict=True)},
        }
        if row.pk is None or any(getattr(row, k) != v for k, v in values.items()):
            shown = {k: v for k, v in values.items() if k not in ("order", "kpi_id")}
            before = {k: getattr(row, k) for k in shown} if row.pk else {}
            diff = field_changes(before, shown)
            if diff:
                changes.setdefault("kpis", {})[values["name"]] = diff
            for k, v in values.items():
                setattr(row, k, v)
            row._history_user = actor
            row.save()
        keep.add(row.pk)
    for pk, row in existing.items():
        if pk not in keep:
            changes.setdefault("kpis", {})[row.name] = {"removed": [True, None]}
            row._history_user = actor
            row.delete()
    old = form.state
    if form.state == State.NOT_STARTED:
        take_transition(actor, form, "start")
    save_form(form, actor)
    if old == State.NOT_STARTED:
        record_event(form, actor, FormEvent.START, old)
    if changes:
        record_event(form, actor, FormEvent.AGREEMENT_SAVE, "", "", changes)
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
    form = lock_form(form, expected_version)
    require(actor, "appraisal.edit_agreement", form)
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
        for k in cascaded_kpis(form=form)
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
    form = lock_form(form, expected_version)
    agreement_items_check(_as_inputs(form.kpis.all()), for_submit=True)
    old = take_transition(actor, form, "submit")
    person = roles_of(actor).person
    form.appraisee_signed_at = timezone.now()
    form.appraisee_signed_name = actor_name(person, actor)
    save_form(form, actor)
    record_event(form, actor, FormEvent.SUBMIT, old)
    _notices.submitted(form)
    return form


@transaction.atomic
def agreement_return(
    *, actor, form: AppraisalForm, expected_version: int, comment: str
) -> AppraisalForm:
    comment = required_text(comment, _("สิ่งที่ต้องแก้ไข"))
    form = lock_form(form, expected_version)
    old = take_transition(actor, form, "return_agreement")
    form.appraisee_signed_at = None
    form.appraisee_signed_name = ""
    save_form(form, actor, "return")
    record_event(form, actor, FormEvent.RETURN, old, comment)
    _notices.returned(form, comment)
    return form


@transaction.atomic
def agreement_approve(
    *, actor, form: AppraisalForm, expected_version: int | None, comment: str = ""
) -> AppraisalForm:
    form = lock_form(form, expected_version)
    old = take_transition(actor, form, "approve")
    person = roles_of(actor).person
    now = timezone.now()
    form.evaluator_signed_at = now
    form.evaluator_signed_name = actor_name(person, actor)
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
    save_form(form, actor, "approve")
    record_event(form, actor, FormEvent.APPROVE, old, (comment or "").strip())
    _notices.approved(form)
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
    reason = required_text(reason, _("เหตุผลที่ขอแก้ไขข้อตกลง"))
    form = lock_form(form, expected_version)
    old = take_transition(actor, form, "revise")
    form.appraisee_signed_at = None
    form.appraisee_signed_name = ""
    form.evaluator_signed_at = None
    form.evaluator_signed_name = ""
    save_form(form, actor, "revise")
    record_event(form, actor, FormEvent.REVISE, old, reason)
    return form
