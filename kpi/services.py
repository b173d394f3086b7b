"""Every write to KPIs: create, edit, OS matrix, cascade, results. Atomic and audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models, transaction
from django.utils import timezone

from common.errors import ConflictError, DomainError, thai_message
from common.inputs import is_blank
from common.models import audit, plain
from kpi import cascade as cascade_rules
from kpi import criteria
from kpi.models import (
    KPI_TEMPLATE_FIELDS,
    CascadeMethod,
    Kpi,
    KpiAssignment,
    KpiEvent,
    KpiResult,
    KpiTier,
    Measurement,
    OsRole,
    Source,
)
from orgchart.models import OrgUnit, Person

# The form's fields (the KPI template, in its order) plus the people picked by staff code.
EDITABLE_FIELDS = set(KPI_TEMPLATE_FIELDS) | {"supervisor", "collector"}
# What a direct cascade copies: the same KPI with the same targets.
COPIED_FIELDS = EDITABLE_FIELDS - {
    "code",
    "weight",
    "supervisor",
    "supervisor_phone",
    "collector",
    "collector_phone",
    "source",
}
THRESHOLD_FIELDS = ["threshold_1", "threshold_2", "threshold_3", "threshold_4", "threshold_5"]


def _check_values(fields: Mapping) -> None:
    """Refuse values no page can send but a caller can: non-finite numbers and NUL characters
    (PostgreSQL refuses NUL in text; a NaN cannot be compared or scored)."""
    for key, value in fields.items():
        if isinstance(value, Decimal) and not value.is_finite():
            raise DomainError("ต้องเป็นตัวเลขที่มีค่าจำกัด", field=key)
        if isinstance(value, str) and "\x00" in value:
            raise DomainError("ข้อความมีอักขระที่ไม่อนุญาต", field=key)
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            try:
                model_field = Kpi._meta.get_field(key)
            except Exception:  # noqa: BLE001 - not a model field: nothing to bound
                continue
            if isinstance(model_field, models.DecimalField):
                whole = model_field.max_digits - model_field.decimal_places
                if abs(Decimal(value)) >= Decimal(10) ** whole:
                    raise DomainError(f"{model_field.verbose_name}: ตัวเลขมีค่ามากเกินไป", field=key)
    if "weight" in fields and fields["weight"] is not None:
        try:
            weight = Decimal(str(fields["weight"]))
        except (InvalidOperation, ValueError):
            raise DomainError("น้ำหนักต้องเป็นตัวเลข", field="weight") from None
        if not weight.is_finite() or not Decimal(0) < weight <= Decimal(100):
            raise DomainError("น้ำหนักต้องมากกว่า 0 และไม่เกิน 100", field="weight")
        # The column keeps two decimals: 0.004 would be stored as 0.00, which is no weight.
        if weight != weight.quantize(Decimal("0.01")):
            raise DomainError("น้ำหนักมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง", field="weight")


def check_criteria(kpi: Kpi) -> None:
    """Refuse criteria that cannot score: the thresholds the measurement type needs, in order."""
    values = [getattr(kpi, f) for f in THRESHOLD_FIELDS]
    way = kpi.direction
    try:
        if kpi.measurement == Measurement.QUANTITATIVE:
            given = [v for v in values if v is not None]
            if given and len(given) != 5:
                raise DomainError("ตัวชี้วัดเชิงปริมาณต้องกำหนดเกณฑ์ให้ครบทั้ง 5 ระดับ", field="threshold_1")
            if given:
                criteria.validate_thresholds(values, way)
        elif kpi.measurement == Measurement.HYBRID:
            k = kpi.hybrid_steps
            if not k:
                raise DomainError(
                    "ตัวชี้วัดแบบผสมต้องระบุจำนวนระดับที่วัดด้วยขั้นตอน (1–4)", field="hybrid_steps"
                )
            numeric = values[k:]
            if any(v is None for v in numeric):
                raise DomainError(
                    f"ตัวชี้วัดแบบผสมต้องกำหนดเกณฑ์ตัวเลขของระดับ {k + 1}–5", field=f"threshold_{k + 1}"
                )
            criteria.validate_thresholds(numeric, way, count=5 - k)
        elif kpi.measurement == Measurement.SUCCESS_FAILURE:
            if any(v is not None for i, v in enumerate(values) if i != 2):
                raise DomainError(
                    "ตัวชี้วัดแบบสำเร็จ/ไม่สำเร็จมีเกณฑ์เดียว (ค่าเป้าหมายระดับ 3) ได้ 0 หรือ 5 คะแนนเท่านั้น",
                    field="threshold_1",
                )
    except ValueError as exc:
        raise DomainError(thai_message(exc), field="threshold_1") from None
    if kpi.measurement != Measurement.HYBRID and kpi.hybrid_steps is not None:
        kpi.hybrid_steps = None


def level_of(
    kpi: Kpi,
    *,
    actual: Decimal | None = None,
    steps_done: int | None = None,
    success: bool | None = None,
) -> int:
    """The level 0–5 that a result earns under the KPI's criteria (DomainError if it cannot)."""
    try:
        if kpi.measurement == Measurement.QUANTITATIVE:
            if actual is None:
                raise DomainError("ต้องระบุผลการดำเนินงาน", field="actual")
            if any(t is None for t in kpi.thresholds):
                raise DomainError("ตัวชี้วัดนี้ยังไม่ได้กำหนดเกณฑ์ครบ 5 ระดับ", field="actual")
            return criteria.level_for(
                actual,
                measurement=kpi.measurement,
                direction=kpi.direction,
                thresholds=kpi.thresholds,
            )
        if kpi.measurement == Measurement.MILESTONE:
            if steps_done is None:
                raise DomainError("ต้องระบุจำนวนขั้นตอนที่สำเร็จ", field="steps_done")
            return criteria.level_for(measurement=kpi.measurement, steps_done=steps_done)
        if kpi.measurement == Measurement.HYBRID:
            if steps_done is None:
                raise DomainError("ต้องระบุจำนวนขั้นตอนที่สำเร็จ", field="steps_done")
            return criteria.level_for(
                actual,
                measurement=kpi.measurement,
                direction=kpi.direction,
                thresholds=kpi.thresholds[kpi.hybrid_steps :],
                steps_done=steps_done,
                hybrid_steps=kpi.hybrid_steps,
            )
        if kpi.measurement == Measurement.SUCCESS_FAILURE:
            if success is not None:
                return criteria.level_for(success, measurement=kpi.measurement)
            if actual is None or kpi.threshold_3 is None:
                raise DomainError("ต้องระบุว่าสำเร็จหรือไม่สำเร็จ", field="actual")
            return criteria.level_for(
                actual,
                measurement=kpi.measurement,
                direction=kpi.direction,
                thresholds=[kpi.threshold_3],
            )
        # Qualitative: the level is the evaluator's judgement against the level descriptions.
        if steps_done is None:
            raise DomainError("ต้องเลือกระดับ (0–5) ตามคำอธิบายเกณฑ์", field="steps_done")
        return criteria.level_for(steps_done, measurement=kpi.measurement)
    except (ValueError, TypeError) as exc:
        raise DomainError(
            thai_message(exc) if isinstance(exc, ValueError) else str(exc), field="actual"
        ) from None


def _check_owner_fields(*, tier: str, unit: OrgUnit, person: Person | None) -> None:
    if tier == KpiTier.PERSON and person is None:
        raise DomainError("ตัวชี้วัดระดับบุคคลต้องระบุบุคคล", field="person")
    if tier != KpiTier.PERSON and person is not None:
        raise DomainError("ระบุบุคคลได้เฉพาะตัวชี้วัดระดับบุคคล", field="person")
    if tier == KpiTier.ORGANISATION and unit.parent_id is not None:
        raise DomainError("ตัวชี้วัดระดับองค์กรต้องเป็นของหน่วยงานระดับกรม", field="unit")
    if person is not None and person.unit.tree_id != unit.tree_id:
        raise DomainError("บุคคลต้องอยู่ในส่วนราชการเดียวกับหน่วยงาน", field="person")


def _check_fiscal_year(fiscal_year: int) -> None:
    if not isinstance(fiscal_year, int) or not 2500 <= fiscal_year <= 2700:
        raise DomainError("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2570", field="fiscal_year")


@transaction.atomic
def kpi_create(
    *,
    actor,
    fiscal_year: int,
    tier: str,
    unit: OrgUnit,
    person: Person | None = None,
    parent: Kpi | None = None,
    cascade_method: str = "",
    **fields,
) -> Kpi:
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"kpi_create cannot set {sorted(unknown)}")
    _check_fiscal_year(fiscal_year)
    _check_owner_fields(tier=tier, unit=unit, person=person)
    _check_values(fields)
    if is_blank(fields.get("name")):
        raise DomainError("ต้องระบุชื่อตัวชี้วัด", field="name")
    if parent is not None and parent.fiscal_year != fiscal_year:
        raise DomainError("ตัวชี้วัดระดับบนต้องอยู่ในปีงบประมาณเดียวกัน", field="parent")
    if bool(parent) != bool(cascade_method):
        raise DomainError("ตัวชี้วัดที่ถ่ายทอดมาต้องระบุวิธีถ่ายทอด", field="cascade_method")
    kpi = Kpi(
        fiscal_year=fiscal_year,
        tier=tier,
        unit=unit,
        person=person,
        parent=parent,
        cascade_method=cascade_method,
        updated_by=actor if getattr(actor, "pk", None) else None,
        **fields,
    )
    kpi.name = kpi.name.strip()
    check_criteria(kpi)
    kpi.save()
    audit(
        actor=actor,
        kind=KpiEvent.CREATE,
        obj=kpi,
        summary=kpi.name[:200],
        changes={"unit": unit.code, "tier": tier, "fiscal_year": fiscal_year},
    )
    return kpi


@transaction.atomic
def kpi_update(*, kpi: Kpi, actor, expected_version: int | None = None, **fields) -> Kpi:
    """Edit a KPI; a stale `expected_version` (someone saved first) raises ConflictError."""
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"kpi_update cannot set {sorted(unknown)}")
    current = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if expected_version is not None and current.version != expected_version:
        raise ConflictError(
            "มีผู้อื่นบันทึกตัวชี้วัดนี้ก่อนท่าน กรุณาเปิดหน้าใหม่เพื่อดูข้อมูลล่าสุดแล้วแก้ไขอีกครั้ง",
            code="conflict",
        )
    _check_values(fields)
    if "name" in fields and is_blank(fields["name"]):
        raise DomainError("ต้องระบุชื่อตัวชี้วัด", field="name")
    changes = {}
    for key, value in fields.items():
        old = getattr(current, key)
        if old != value:
            changes[key] = [plain(old), plain(value)]
            setattr(current, key, value)
    if not changes:
        return current
    check_criteria(current)
    current.version += 1
    current.updated_by = actor if getattr(actor, "pk", None) else None
    current.save()
    audit(
        actor=actor, kind=KpiEvent.UPDATE, obj=current, summary=current.name[:200], changes=changes
    )
    return current


# --- OS matrix ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixColumn:
    """A column of the OS matrix: a sub-unit or, for a work group, a person."""

    key: str  # "u<pk>" or "p<pk>"
    unit: OrgUnit | None = None
    person: Person | None = None


@transaction.atomic
def os_matrix_save(
    *,
    unit: OrgUnit,
    fiscal_year: int,
    columns: Iterable[MatrixColumn],
    cells: Mapping[int, Mapping[str, str]],
    actor,
    roles: Mapping[int, Mapping[str, Person | None]] | None = None,
) -> int:
    """Replace the O/S cells of the unit's KPIs; every KPI must end with exactly one owner.

    `cells[kpi_id][column_key]` is "O", "S" or "". `roles[kpi_id]` may set the KPI
    supervisor and data collector. Returns the number of cells written.
    """
    kpis = {
        k.pk: k
        for k in Kpi.objects.select_for_update().filter(
            unit=unit, fiscal_year=fiscal_year, tier__in=[KpiTier.ORGANISATION, KpiTier.UNIT]
        )
    }
    columns = {c.key: c for c in columns}
    problems = []
    for kpi_id, row in cells.items():
        if kpi_id not in kpis:
            raise DomainError("ตารางมีตัวชี้วัดที่ไม่ใช่ของหน่วยงานนี้ กรุณาเปิดหน้าใหม่")
        bad = [
            k
            for k, v in row.items()
            if v and (k not in columns or v not in (OsRole.OWNER, OsRole.SUPPORTER))
        ]
        if bad:
            raise DomainError("ค่าในตารางไม่ถูกต้อง (ใช้ O, S หรือเว้นว่าง) กรุณาเปิดหน้าใหม่")
        owners = [k for k, v in row.items() if v == OsRole.OWNER]
        if len(owners) != 1:
            kpi = kpis[kpi_id]
            problems.append(
                f"“{kpi.code} {kpi.name}” ต้องมีผู้รับผิดชอบหลัก (O) หนึ่งราย (ขณะนี้ {len(owners)} ราย)"
            )
    if problems:
        raise DomainError("; ".join(problems), field="cells")
    written = 0
    KpiAssignment.objects.filter(kpi_id__in=list(cells)).delete()
    new = []
    for kpi_id, row in cells.items():
        for key, role in row.items():
            if not role:
                continue
            col = columns[key]
            new.append(KpiAssignment(kpi_id=kpi_id, role=role, unit=col.unit, person=col.person))
    KpiAssignment.objects.bulk_create(new)
    written = len(new)
    for kpi_id, people in (roles or {}).items():
        if kpi_id not in kpis:
            continue
        kpi = kpis[kpi_id]
        for field in ("supervisor", "collector"):
            if field in people:
                setattr(kpi, field, people[field])
        kpi.save(update_fields=["supervisor", "collector"])
    audit(
        actor=actor,
        kind=KpiEvent.OS_MATRIX,
        obj=unit,
        object_type="kpi.osmatrix",
        summary=f"{unit.code} {fiscal_year}: {written} cells",
        changes={"fiscal_year": fiscal_year},
    )
    return written


# --- cascade --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CascadeChild:
    """A child of a cascade: a unit or a person, with a split share or a partial KPI name."""

    unit: OrgUnit | None = None
    person: Person | None = None
    target: Decimal | None = None  # split: this child's level-3 target
    name: str = ""  # partial: the child KPI's own name
    weight: Decimal | None = None


@transaction.atomic
def kpi_cascade(*, parent: Kpi, method: str, children: list[CascadeChild], actor) -> list[Kpi]:
    """Cascade a unit KPI to units or people: direct copies, split shares, partial new KPIs."""
    parent = Kpi.objects.select_for_update().select_related("unit").get(pk=parent.pk)
    if parent.tier == KpiTier.PERSON:
        raise DomainError("ตัวชี้วัดระดับบุคคลถ่ายทอดต่อไม่ได้")
    if method not in CascadeMethod.values:
        raise DomainError("วิธีถ่ายทอดไม่ถูกต้อง", field="method")
    if not children:
        raise DomainError("ต้องเลือกหน่วยงานหรือบุคคลที่รับการถ่ายทอดอย่างน้อยหนึ่งราย", field="children")
    seen = set()
    for child in children:
        key = (
            ("p", child.person.pk) if child.person else ("u", child.unit.pk if child.unit else None)
        )
        if key[1] is None:
            raise DomainError("ต้องระบุหน่วยงานหรือบุคคลที่รับการถ่ายทอด", field="children")
        if key in seen:
            raise DomainError("เลือกผู้รับการถ่ายทอดซ้ำกัน", field="children")
        seen.add(key)
        target_unit = child.person.unit if child.person else child.unit
        if target_unit.tree_id != parent.unit.tree_id or not (
            parent.unit.lft <= target_unit.lft and target_unit.rght <= parent.unit.rght
        ):
            raise DomainError(
                f"“{child.person or child.unit}” ไม่ได้อยู่ในสังกัดของ {parent.unit.name}",
                field="children",
            )
    if method == CascadeMethod.SPLIT:
        if parent.measurement != Measurement.QUANTITATIVE or parent.threshold_3 is None:
            raise DomainError("แบ่งค่าเป้าหมายได้เฉพาะตัวชี้วัดเชิงปริมาณที่มีค่าเป้าหมายระดับ 3", field="method")
        shares = [c.target for c in children]
        if any(s is None for s in shares):
            raise DomainError("ต้องระบุค่าเป้าหมายที่แบ่งให้ทุกราย", field="children")
        existing = [
            k.threshold_3 for k in parent.children.filter(cascade_method=CascadeMethod.SPLIT)
        ]
        try:
            check = cascade_rules.check_split(
                parent.threshold_3, [*existing, *shares], parent.direction
            )
        except (ValueError, TypeError) as exc:
            raise DomainError(
                thai_message(exc) if isinstance(exc, ValueError) else str(exc), field="children"
            ) from None
        if not check.ok:
            raise DomainError(check.message, field="children")
    if method == CascadeMethod.PARTIAL and any(is_blank(c.name) for c in children):
        raise DomainError("การแบ่งเฉพาะด้านต้องตั้งชื่อตัวชี้วัดของแต่ละราย", field="children")

    created = []
    for child in children:
        tier = KpiTier.PERSON if child.person else KpiTier.UNIT
        unit = child.person.unit if child.person else child.unit
        base = {f: getattr(parent, f) for f in COPIED_FIELDS}
        if method == CascadeMethod.SPLIT:
            scaled = cascade_rules.split_thresholds(
                [getattr(parent, f) for f in THRESHOLD_FIELDS], child.target
            )
            base.update(
                {f: v for f, v in zip(THRESHOLD_FIELDS, scaled, strict=True) if v is not None}
            )
            # The parent's history is not the child's: the unit records its own baseline.
            base.update(baseline_1=None, baseline_2=None, baseline_3=None)
        elif method == CascadeMethod.PARTIAL:
            base = {
                "name": child.name.strip(),
                "unit_of_measure": parent.unit_of_measure,
                "direction": parent.direction,
                "frequency": parent.frequency,
                "measurement": parent.measurement,
                "stage": parent.stage,
                "timing": parent.timing,
            }
        base["weight"] = child.weight
        base["source"] = Source.CASCADE
        kpi = kpi_create(
            actor=actor,
            fiscal_year=parent.fiscal_year,
            tier=tier,
            unit=unit,
            person=child.person,
            parent=parent,
            cascade_method=method,
            **base,
        )
        created.append(kpi)
    audit(
        actor=actor,
        kind=KpiEvent.CASCADE,
        obj=parent,
        summary=f"{method} → {len(created)}",
        changes={"children": [k.pk for k in created]},
    )
    return created


# --- results ----------------------------------------------------------------------------------------


@transaction.atomic
def kpi_result_record(
    *,
    kpi: Kpi,
    actor,
    period_end,
    actual: Decimal | None = None,
    steps_done: int | None = None,
    success: bool | None = None,
    evidence: str = "",
) -> KpiResult:
    kpi = Kpi.objects.select_for_update().get(pk=kpi.pk)
    if period_end is None:
        raise DomainError("ต้องระบุวันที่ของข้อมูล", field="period_end")
    if period_end > timezone.localdate():
        raise DomainError("วันที่ของข้อมูลต้องไม่เป็นวันในอนาคต", field="period_end")
    level = level_of(kpi, actual=actual, steps_done=steps_done, success=success)
    result = KpiResult.objects.create(
        kpi=kpi,
        period_end=period_end,
        actual=actual,
        steps_done=steps_done
        if kpi.measurement in (Measurement.MILESTONE, Measurement.HYBRID, Measurement.QUALITATIVE)
        else None,
        level=level,
        evidence=(evidence or "").strip(),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit(
        actor=actor,
        kind=KpiEvent.RESULT,
        obj=kpi,
        summary=f"{period_end}: {actual} → ระดับ {level}",
        changes={"actual": plain(actual), "steps_done": steps_done, "level": level},
    )
    return result


@transaction.atomic
def kpi_delegate_set(*, unit: OrgUnit, person: Person, active: bool, actor) -> None:
    """Let a member of the unit edit its KPIs (or withdraw it)."""
    from kpi.models import KpiDelegate

    if active:
        if person.unit.tree_id != unit.tree_id:
            raise DomainError("ผู้ได้รับมอบหมายต้องอยู่ในส่วนราชการเดียวกัน", field="staff_code")
        _obj, created = KpiDelegate.objects.get_or_create(unit=unit, person=person)
        if created:
            audit(actor=actor, kind=KpiEvent.DELEGATE_ADD, obj=unit, summary=person.staff_code)
    else:
        deleted, _n = KpiDelegate.objects.filter(unit=unit, person=person).delete()
        if deleted:
            audit(actor=actor, kind=KpiEvent.DELEGATE_REMOVE, obj=unit, summary=person.staff_code)
