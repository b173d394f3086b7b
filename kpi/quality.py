"""KPI quality warnings as plain data (DOMAIN §4, seed 001 slides 56–63), built from plain facts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from enum import StrEnum

from kpi.cascade import check_split
from kpi.criteria import Direction, as_direction, better, error, fmt_number, to_decimal

__all__ = [
    "DEFAULT_MAX_KPIS",
    "DEFAULT_MIN_KPIS",
    "OWNER_MISSING",
    "OWNER_MULTIPLE",
    "SPLIT_BELOW_PARENT",
    "TARGET_EASIER_THAN_LAST_YEAR",
    "TOO_FEW_KPIS",
    "TOO_MANY_KPIS",
    "UNLINKED_KPI",
    "WEIGHTS_NOT_100",
    "KpiFacts",
    "KpiSource",
    "OsRow",
    "QualityWarning",
    "Severity",
    "SplitFacts",
    "check_kpi",
    "check_kpi_set",
    "check_os_matrix",
    "check_split_targets",
]

# A soft range: the slides warn against "too many" KPIs without a number; 3–10 is the
# common practice, and the organisation can change it.
DEFAULT_MIN_KPIS = 3
DEFAULT_MAX_KPIS = 10

UNLINKED_KPI = "unlinked_kpi"
TARGET_EASIER_THAN_LAST_YEAR = "target_easier_than_last_year"
WEIGHTS_NOT_100 = "weights_not_100"
TOO_FEW_KPIS = "too_few_kpis"
TOO_MANY_KPIS = "too_many_kpis"
OWNER_MISSING = "owner_missing"
OWNER_MULTIPLE = "owner_multiple"
SPLIT_BELOW_PARENT = "split_below_parent"


class Severity(StrEnum):
    """ERROR: the rule of DOMAIN is broken; WARNING: worth a second look; INFO: a hint."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class KpiSource(StrEnum):
    """The three kinds of KPI rows of an agreement (DOMAIN §5)."""

    PLAN = "plan"  # ตามแผนปฏิบัติราชการ
    DUTY = "duty"  # ตามหน้าที่ความรับผิดชอบหลัก
    SPECIAL = (
        "special"  # ตามที่ได้รับมอบหมายพิเศษ (the same code as ItemKind.SPECIAL and Source.SPECIAL)
    )


@dataclass(frozen=True)
class QualityWarning:
    """One finding: a stable ``code`` for the program, a Thai ``message`` for people."""

    code: str
    severity: Severity
    message: str
    subject: str


@dataclass(frozen=True)
class KpiFacts:
    """What the checks need to know about one KPI; ``weight`` None means not set yet."""

    ref: str
    weight: object = None
    name: str = ""
    direction: object = Direction.HIGHER_IS_BETTER
    source: KpiSource = KpiSource.PLAN
    linked_unit_kpi: str | None = None
    level3_target: object = None
    last_year_result: object = None

    @property
    def label(self) -> str:
        return self.name or self.ref


@dataclass(frozen=True)
class OsRow:
    """One KPI row of an OS matrix: its owners (O) and supporters (S)."""

    kpi_ref: str
    owners: Sequence[str] = ()
    supporters: Sequence[str] = ()


@dataclass(frozen=True)
class SplitFacts:
    """A parent KPI's numeric target and the targets split from it to the children."""

    parent_ref: str
    parent_target: object
    child_targets: Sequence[object]
    direction: object = Direction.HIGHER_IS_BETTER


def check_kpi(kpi: KpiFacts, *, individual: bool = True) -> list[QualityWarning]:
    """Warnings about a single KPI: its link to a unit KPI and whether its target is easy."""
    found: list[QualityWarning] = []
    if individual and not kpi.linked_unit_kpi:
        # Slide 61: an individual KPI that feeds no unit KPI does not move the unit. Rows
        # from the action plan must come from a unit KPI; duty and special-assignment rows
        # may legitimately stand alone, so for them it is only a hint.
        try:
            source = KpiSource(kpi.source)
        except ValueError:
            raise error(
                f"unknown KPI source {kpi.source!r}", f"ไม่รู้จักที่มาของตัวชี้วัด {kpi.source!r}"
            ) from None
        severity = Severity.WARNING if source is KpiSource.PLAN else Severity.INFO
        found.append(
            QualityWarning(
                UNLINKED_KPI,
                severity,
                f"ตัวชี้วัด {kpi.label} ไม่ได้เชื่อมโยงกับตัวชี้วัดของหน่วยงาน",
                kpi.ref,
            )
        )
    if kpi.level3_target is not None and kpi.last_year_result is not None:
        way = as_direction(kpi.direction)
        target = to_decimal(kpi.level3_target, "level-3 target")
        last = to_decimal(kpi.last_year_result, "last year's result")
        if better(last, target, way):
            found.append(
                QualityWarning(
                    TARGET_EASIER_THAN_LAST_YEAR,
                    Severity.WARNING,
                    f"ค่าเป้าหมายระดับ 3 ของตัวชี้วัด {kpi.label} ({fmt_number(target)}) "
                    f"ง่ายกว่าผลงานปีที่แล้ว ({fmt_number(last)})",
                    kpi.ref,
                )
            )
    return found


def _count_range(min_kpis: object, max_kpis: object) -> tuple[int, int]:
    for value in (min_kpis, max_kpis):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise error(
                f"KPI count limits must be whole numbers ≥ 0, got {value!r}",
                f"จำนวนตัวชี้วัดต่ำสุด/สูงสุดต้องเป็นจำนวนเต็มไม่ติดลบ (ได้ {value!r})",
            )
    if min_kpis > max_kpis:
        raise error(
            f"minimum KPI count {min_kpis} is above the maximum {max_kpis}",
            f"จำนวนตัวชี้วัดต่ำสุด ({min_kpis}) มากกว่าจำนวนสูงสุด ({max_kpis})",
        )
    return min_kpis, max_kpis


def check_kpi_set(
    kpis: Sequence[KpiFacts],
    *,
    subject: str = "",
    individual: bool = True,
    min_kpis: int = DEFAULT_MIN_KPIS,
    max_kpis: int = DEFAULT_MAX_KPIS,
) -> list[QualityWarning]:
    """Warnings about one person's (or unit's) KPIs: each KPI, the weights and the count."""
    low, high = _count_range(min_kpis, max_kpis)
    found: list[QualityWarning] = []
    for kpi in kpis:
        found.extend(check_kpi(kpi, individual=individual))

    weights = []
    for kpi in kpis:
        if kpi.weight is None:
            continue
        w = to_decimal(kpi.weight, "KPI weight")
        if w < 0:
            raise error(
                f"weight of KPI {kpi.ref} must not be negative, got {w}",
                f"น้ำหนักของตัวชี้วัด {kpi.label} ต้องไม่ติดลบ (ได้ {w})",
            )
        weights.append(w)
    with localcontext(prec=28):
        summed = sum(weights, Decimal(0))
    if summed != 100:
        found.append(
            QualityWarning(
                WEIGHTS_NOT_100,
                Severity.ERROR,
                f"น้ำหนักตัวชี้วัดรวมกันได้ {fmt_number(summed)} ต้องเท่ากับ 100",
                subject,
            )
        )

    count = len(kpis)
    if count < low:
        found.append(
            QualityWarning(
                TOO_FEW_KPIS,
                Severity.WARNING,
                f"มีตัวชี้วัด {count} ตัว น้อยกว่าที่แนะนำ ({low}–{high} ตัว)",
                subject,
            )
        )
    elif count > high:
        found.append(
            QualityWarning(
                TOO_MANY_KPIS,
                Severity.WARNING,
                f"มีตัวชี้วัด {count} ตัว มากกว่าที่แนะนำ ({low}–{high} ตัว)",
                subject,
            )
        )
    return found


def check_os_matrix(rows: Iterable[OsRow]) -> list[QualityWarning]:
    """Every KPI of an OS matrix needs exactly one owner (O); supporters (S) are free."""
    found: list[QualityWarning] = []
    for row in rows:
        # The same owner listed twice is one owner, not a conflict.
        owners = list(dict.fromkeys(o for o in row.owners if o))
        if not owners:
            found.append(
                QualityWarning(
                    OWNER_MISSING,
                    Severity.ERROR,
                    f"ตัวชี้วัด {row.kpi_ref} ยังไม่มีผู้รับผิดชอบหลัก (O) ในตาราง OS Matrix",
                    row.kpi_ref,
                )
            )
        elif len(owners) > 1:
            found.append(
                QualityWarning(
                    OWNER_MULTIPLE,
                    Severity.ERROR,
                    f"ตัวชี้วัด {row.kpi_ref} มีผู้รับผิดชอบหลัก (O) {len(owners)} ราย "
                    f"({', '.join(owners)}) ต้องมีเพียงรายเดียว",
                    row.kpi_ref,
                )
            )
    return found


def check_split_targets(splits: Iterable[SplitFacts]) -> list[QualityWarning]:
    """Split targets that together fall short of the parent's (see kpi.cascade.check_split)."""
    found: list[QualityWarning] = []
    for split in splits:
        result = check_split(split.parent_target, split.child_targets, split.direction)
        if not result.ok:
            found.append(
                QualityWarning(
                    SPLIT_BELOW_PARENT,
                    Severity.ERROR,
                    f"ตัวชี้วัด {split.parent_ref}: {result.message}",
                    split.parent_ref,
                )
            )
    return found
