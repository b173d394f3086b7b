"""Reads for KPI pages, scoped and in a fixed number of queries whatever the size."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from common import thai
from common.inputs import parse_id
from kpi import quality
from kpi.models import CascadeMethod, Kpi, KpiAssignment, KpiTier, OsRole, Source
from kpi.services import MatrixColumn
from orgchart.models import OrgUnit, Person
from orgchart.selectors import roles_of

_SOURCE_KIND = {
    Source.SPECIAL: quality.KpiSource.SPECIAL,
    Source.JOB_DESCRIPTION: quality.KpiSource.DUTY,
}


def current_fiscal_year() -> int:
    return thai.fiscal_year_of(timezone.localdate())


def parse_fiscal_year(value) -> int:
    year = parse_id(value)
    return year if year is not None and 2500 <= year <= 2700 else current_fiscal_year()


def kpis_visible_to(user) -> QuerySet[Kpi]:
    roles = roles_of(user)
    qs = Kpi.objects.all()
    if roles.is_admin:
        return qs
    return qs.filter(unit__tree_id__in=roles.tree_ids)


def unit_kpis(*, unit: OrgUnit, fiscal_year: int) -> list[Kpi]:
    """The organisation/unit KPIs a unit owns in a year, with their O/S cells."""
    return list(
        Kpi.objects.filter(
            unit=unit, fiscal_year=fiscal_year, tier__in=[KpiTier.ORGANISATION, KpiTier.UNIT]
        )
        .select_related("supervisor", "collector", "parent")
        .prefetch_related(
            Prefetch("assignments", queryset=KpiAssignment.objects.select_related("unit", "person"))
        )
        .order_by("code", "pk")
    )


def facts_of(kpi: Kpi) -> quality.KpiFacts:
    return quality.KpiFacts(
        ref=f"{kpi.code} {kpi.name}".strip(),
        weight=kpi.weight,
        name=f"{kpi.code} {kpi.name}".strip(),
        direction=kpi.direction,
        source=_SOURCE_KIND.get(kpi.source, quality.KpiSource.PLAN),
        linked_unit_kpi=str(kpi.parent_id) if kpi.parent_id else None,
        level3_target=kpi.threshold_3,
        last_year_result=kpi.baseline_3,
    )


# --- OS matrix -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledColumn(MatrixColumn):
    label: str = ""
    sublabel: str = ""


@dataclass
class OsMatrix:
    unit: OrgUnit
    fiscal_year: int
    kpis: list[Kpi]
    columns: list[LabelledColumn]
    cells: dict[tuple[int, str], str]
    by_people: bool
    warnings: list[quality.QualityWarning] = field(default_factory=list)

    def rows(self):
        for kpi in self.kpis:
            yield kpi, [(col, self.cells.get((kpi.pk, col.key), "")) for col in self.columns]


def os_matrix_rows_matching(matrix: OsMatrix, text: str) -> list[Kpi]:
    """The matrix's KPIs whose code or name holds `text`, or that have an O or S cell in a
    column (sub-unit or person) whose name, short name or code holds it; all when it is blank.
    The whole matrix is read once (its warnings are over every row): no further query."""
    text = (text or "").strip().casefold()
    if not text:
        return list(matrix.kpis)
    hit = {c.key for c in matrix.columns if text in f"{c.label} {c.sublabel}".casefold()}
    return [
        k
        for k in matrix.kpis
        if text in f"{k.code} {k.name}".casefold()
        or any(matrix.cells.get((k.pk, key)) for key in hit)
    ]


def os_matrix(*, unit: OrgUnit, fiscal_year: int) -> OsMatrix:
    """Unit KPIs against sub-units; for a unit without sub-units, against its people."""
    kpis = unit_kpis(unit=unit, fiscal_year=fiscal_year)
    children = list(OrgUnit.objects.filter(parent=unit, is_active=True).order_by("code"))
    if children:
        columns = [
            LabelledColumn(key=f"u{c.pk}", unit=c, label=c.short_name or c.name, sublabel=c.code)
            for c in children
        ]
    else:
        people = (
            Person.objects.filter(unit=unit, is_active=True)
            .select_related("position")
            .order_by("position__number", "pk")
        )
        columns = [
            LabelledColumn(
                key=f"p{p.pk}",
                person=p,
                label=p.full_name,
                sublabel=p.position.title if p.position_id else "",
            )
            for p in people
        ]
    cells = {}
    for kpi in kpis:
        for a in kpi.assignments.all():
            key = f"u{a.unit_id}" if a.unit_id else f"p{a.person_id}"
            cells[(kpi.pk, key)] = a.role
    matrix = OsMatrix(unit, fiscal_year, kpis, columns, cells, by_people=not children)
    matrix.warnings = quality.check_os_matrix(
        quality.OsRow(
            kpi_ref=f"{k.code} {k.name}".strip(),
            owners=[key for (kid, key), r in cells.items() if kid == k.pk and r == OsRole.OWNER],
            supporters=[
                key for (kid, key), r in cells.items() if kid == k.pk and r == OsRole.SUPPORTER
            ],
        )
        for k in kpis
    )
    return matrix


# --- cascade tree ------------------------------------------------------------------------------------


@dataclass
class CascadeNode:
    kpi: Kpi
    owners: list = field(default_factory=list)
    supporters: list = field(default_factory=list)
    children: list[CascadeNode] = field(default_factory=list)
    warnings: list[quality.QualityWarning] = field(default_factory=list)
    depth: int = 0

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


IN_CHUNK = 2000


def cascade_forest(*, unit: OrgUnit, fiscal_year: int) -> list[CascadeNode]:
    """The unit's KPIs and everything cascaded from them, one cascade step at a time.

    One query per cascade step (and per 2,000 KPIs of a step), plus one for the O/S cells:
    the cost follows the depth of the cascade, never the size of the department.
    """
    base = Kpi.objects.select_related("unit", "person").order_by("code", "pk")
    roots = list(base.filter(unit=unit, fiscal_year=fiscal_year).exclude(tier=KpiTier.PERSON))
    kpis = list(roots)
    frontier = [k.pk for k in roots]
    while frontier:
        found = []
        for i in range(0, len(frontier), IN_CHUNK):
            found += list(base.filter(parent_id__in=frontier[i : i + IN_CHUNK]))
        kpis += found
        frontier = [k.pk for k in found]
    nodes = {k.pk: CascadeNode(kpi=k) for k in kpis}
    ids = list(nodes)
    for i in range(0, max(len(ids), 1), IN_CHUNK):
        for a in KpiAssignment.objects.filter(kpi_id__in=ids[i : i + IN_CHUNK]).select_related(
            "unit", "person"
        ):
            who = a.unit or a.person
            node = nodes[a.kpi_id]
            (node.owners if a.role == OsRole.OWNER else node.supporters).append(who)
    for k in kpis:
        if k.parent_id in nodes:
            nodes[k.parent_id].children.append(nodes[k.pk])
    forest = [nodes[k.pk] for k in roots]
    for root in forest:
        _annotate(root, 0)
    return forest


def _annotate(node: CascadeNode, depth: int) -> None:
    node.depth = depth
    kpi = node.kpi
    node.warnings = quality.check_kpi(facts_of(kpi), individual=kpi.tier == KpiTier.PERSON)
    if kpi.tier != KpiTier.PERSON and not node.owners:
        node.warnings += quality.check_os_matrix(
            [quality.OsRow(kpi_ref=f"{kpi.code} {kpi.name}".strip())]
        )
    split = [
        c.kpi.threshold_3
        for c in node.children
        if c.kpi.cascade_method == CascadeMethod.SPLIT and c.kpi.threshold_3 is not None
    ]
    if split and kpi.threshold_3 is not None:
        node.warnings += quality.check_split_targets(
            [
                quality.SplitFacts(
                    f"{kpi.code} {kpi.name}".strip(), kpi.threshold_3, split, kpi.direction
                )
            ]
        )
    for child in node.children:
        _annotate(child, depth + 1)


def unit_warnings(
    *, unit: OrgUnit, fiscal_year: int, kpis: list[Kpi] | None = None
) -> list[quality.QualityWarning]:
    """The warnings panel of a unit: its KPI set, OS matrix, targets, splits, unlinked people KPIs."""
    kpis = unit_kpis(unit=unit, fiscal_year=fiscal_year) if kpis is None else kpis
    found = []
    if kpis:
        found += quality.check_kpi_set(
            [facts_of(k) for k in kpis], subject=unit.name, individual=False
        )
    found += quality.check_os_matrix(
        quality.OsRow(
            kpi_ref=f"{k.code} {k.name}".strip(),
            owners=[
                str(a.unit_id or a.person_id) for a in k.assignments.all() if a.role == OsRole.OWNER
            ],
        )
        for k in kpis
    )
    splits = defaultdict(list)
    for child in Kpi.objects.filter(parent__in=kpis, cascade_method=CascadeMethod.SPLIT).only(
        "parent_id", "threshold_3"
    ):
        if child.threshold_3 is not None:
            splits[child.parent_id].append(child.threshold_3)
    found += quality.check_split_targets(
        quality.SplitFacts(f"{k.code} {k.name}".strip(), k.threshold_3, splits[k.pk], k.direction)
        for k in kpis
        if splits.get(k.pk) and k.threshold_3 is not None
    )
    for person_kpi in Kpi.objects.filter(
        unit=unit, fiscal_year=fiscal_year, tier=KpiTier.PERSON, parent__isnull=True
    ).select_related("person"):
        for w in quality.check_kpi(facts_of(person_kpi), individual=True):
            found.append(
                quality.QualityWarning(
                    w.code, w.severity, f"{person_kpi.person.full_name}: {w.message}", w.subject
                )
            )
    return found
