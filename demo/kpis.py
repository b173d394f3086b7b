"""Demo KPIs: organisation KPIs from real Thai KPI sets, cascaded down every unit with OS matrices.

Bulk inserts tier by tier so that it keeps up with `seed_demo --staff 300000`; the values
it writes obey the same rules the services enforce (thresholds in the KPI's direction, split
shares that reach the parent's target, one owner per KPI). The KPIs and their texts are in
demo/data/kpis.json.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from common.bulk import insert_new, insert_values
from common.thai import fiscal_year_dates
from demo.loader import read_json
from kpi import criteria, targets
from kpi.models import (
    CascadeMethod,
    Kpi,
    KpiAssignment,
    KpiResult,
    KpiTier,
    Measurement,
    OsRole,
    Source,
)
from orgchart.models import OrgUnit, Person

D = Decimal


@dataclass(frozen=True)
class Spec:
    name: str
    unit: str
    target: Decimal
    step: Decimal
    direction: str = criteria.HIGHER_IS_BETTER.value
    splittable: bool = False  # a count that adds up across units
    baseline: tuple = ()
    stage: str = "outcome"
    source_note: str = ""


def _spec(data: dict) -> Spec:
    return Spec(
        **{k: v for k, v in data.items() if k not in ("target", "step", "baseline")},
        target=D(data["target"]),
        step=D(data["step"]),
        baseline=tuple(D(b) for b in data.get("baseline", ())),
    )


_DATA = read_json("kpis.json")
# Organisation KPIs, named and targeted as in real provincial health KPI sets (shared/realdata).
ORG_KPIS = [_spec(s) for s in _DATA["organisation"]]
# KPIs every unit has from its own duties (หน้าที่ความรับผิดชอบหลัก).
DUTY_KPIS = [_spec(s) for s in _DATA["duty"]]
# A partial cascade gives the owner one aspect of the parent KPI, as a KPI of its own.
PARTIAL = _DATA["partial"]
PARTIAL_ASPECTS = list(PARTIAL["aspects"])
MILESTONE = _DATA["milestone"]
MILESTONE_STEPS = list(MILESTONE["steps"])
TEXTS = _DATA["texts"]


def _partial_spec(aspect: str) -> Spec:
    return Spec(
        aspect, PARTIAL["unit"], D(PARTIAL["target"]), D(PARTIAL["step"]), stage=PARTIAL["stage"]
    )


def _thresholds(spec: Spec, target: Decimal | None = None) -> dict:
    step = spec.step
    if target is not None and target != spec.target:
        # A split share keeps the parent's proportions: the step shrinks with the target.
        step = max(D("0.01"), (spec.step * target / spec.target).quantize(D("0.01")))
    values = targets.suggest_thresholds(
        target if target is not None else spec.target, step, spec.direction, minimum=0
    )
    return {f"threshold_{i}": v for i, v in enumerate(values, start=1)}


def _weights(n: int) -> list[Decimal]:
    """n weights that total exactly 100 (whole numbers)."""
    base = 100 // n
    out = [D(base)] * n
    out[0] += 100 - base * n
    return out


def _spec_fields(spec: Spec, target: Decimal | None = None) -> dict:
    baseline = spec.baseline or (None, None, None)
    return {
        "name": spec.name,
        "unit_of_measure": spec.unit,
        "direction": spec.direction,
        "measurement": Measurement.QUANTITATIVE,
        "stage": spec.stage,
        "timing": "lagging" if spec.stage == "outcome" else "leading",
        "baseline_1": baseline[0],
        "baseline_2": baseline[1],
        "baseline_3": baseline[2],
        "data_source": TEXTS["data_source"],
        "collection_method": TEXTS["collection_method"],
        "formula": TEXTS["formula"].format(unit=spec.unit),
        "frequency": "quarterly",
        **_thresholds(spec, target),
    }


def _milestone_fields() -> dict:
    return {
        "name": MILESTONE["name"],
        "unit_of_measure": MILESTONE["unit_of_measure"],
        "measurement": Measurement.MILESTONE,
        "stage": "process",
        "timing": "leading",
        **{f"criteria_{i}": text for i, text in enumerate(MILESTONE_STEPS, start=1)},
        "frequency": "semiannual",
        "data_source": MILESTONE["data_source"],
    }


def seed_kpis(
    *,
    fiscal_year: int,
    seed: int = 1,
    roots: list[OrgUnit] | None = None,
    today: dt.date | None = None,
) -> dict[str, int]:
    """Organisation KPIs for each department root, cascaded to every unit and leaf person."""
    rng = random.Random(seed * 7919 + fiscal_year)
    roots = (
        roots
        if roots is not None
        else list(OrgUnit.objects.filter(parent__isnull=True).order_by("code"))
    )
    tree_ids = [r.tree_id for r in roots]
    units = list(
        OrgUnit.objects.filter(tree_id__in=tree_ids, is_active=True)
        .only("id", "parent_id", "tree_id", "code", "name", "head_id", "acting_head_id")
        .order_by("tree_id", "lft")
    )
    children = defaultdict(list)
    for u in units:
        if u.parent_id:
            children[u.parent_id].append(u)
    leaves = [u.pk for u in units if not children[u.pk]]
    people = defaultdict(list)
    for pid, uid in (
        Person.objects.filter(unit_id__in=leaves, is_active=True)
        .order_by("pk")
        .values_list("id", "unit_id")
    ):
        people[uid].append(pid)

    counts = defaultdict(int)
    specs: dict[int, Spec | None] = {}  # kpi pk -> the spec it came from (None: milestone)

    # The organisation tier first.
    org_rows = []
    for root in roots:
        chosen = rng.sample(ORG_KPIS, 5)
        for i, (spec, weight) in enumerate(
            zip(chosen, [D(25), D(25), D(20), D(15), D(15)], strict=True), start=1
        ):
            org_rows.append(
                (
                    Kpi(
                        fiscal_year=fiscal_year,
                        tier=KpiTier.ORGANISATION,
                        unit=root,
                        code=str(i),
                        weight=weight,
                        source=Source.STRATEGY,
                        **_spec_fields(spec),
                    ),
                    spec,
                )
            )
    insert_new(Kpi, [k for k, _s in org_rows])
    for k, spec in org_rows:
        specs[k.pk] = spec
    counts["organisation"] += len(org_rows)
    frontier: list[tuple[OrgUnit, list[Kpi]]] = []
    by_root = defaultdict(list)
    for k, _s in org_rows:
        by_root[k.unit_id].append(k)
    frontier = [(root, by_root[root.pk]) for root in roots]

    while frontier:
        new_rows: list[tuple[Kpi, Spec | None]] = []
        cells: list[dict] = []  # KpiAssignment rows
        received = defaultdict(list)  # unit pk or ("p", person pk) -> [(Kpi, spec)]
        for unit, kpis in frontier:
            kids = children[unit.pk]
            cols = (
                [("u", c, c.pk) for c in kids]
                if kids
                else [("p", pid, unit.pk) for pid in people[unit.pk]]
            )
            if not cols:
                continue
            offset = rng.randrange(len(cols))
            for i, parent in enumerate(kpis):
                spec = specs.get(parent.pk)
                owner = cols[(offset + i) % len(cols)]
                supporters = [cols[(offset + i + j) % len(cols)] for j in (1, 2) if len(cols) > j]
                for kind, role in [(owner, OsRole.OWNER)] + [
                    (s, OsRole.SUPPORTER) for s in supporters
                ]:
                    # Ids and field values: setting a relation checks the object, 360,000 times.
                    cells.append(
                        {
                            "kpi_id": parent.pk,
                            "role": role,
                            "unit_id": kind[1].pk if kind[0] == "u" else None,
                            "person_id": kind[1] if kind[0] == "p" else None,
                        }
                    )
                if spec is not None and spec.splittable and supporters and parent.threshold_3:
                    share_owner = D(math.ceil(parent.threshold_3 * D("0.6")))
                    share_sup = D(math.ceil(parent.threshold_3 - share_owner))
                    for col, share in ((owner, share_owner), (supporters[0], share_sup)):
                        received[_key(col)].append(
                            (_child(parent, col, CascadeMethod.SPLIT, spec, share), spec)
                        )
                elif spec is None or rng.random() < 0.75:
                    received[_key(owner)].append(
                        (_child(parent, owner, CascadeMethod.DIRECT, spec), spec)
                    )
                else:
                    aspect = rng.choice(PARTIAL_ASPECTS)
                    received[_key(owner)].append(
                        (
                            _child(parent, owner, CascadeMethod.PARTIAL, spec, name=aspect),
                            None if spec is None else _partial_spec(aspect),
                        )
                    )
        # Every sub-unit has KPIs of its own duties, whether or not it owns a cascaded one.
        for unit, _kpis in frontier:
            for child in children[unit.pk]:
                received.setdefault(child.pk, [])
        next_frontier = []
        for key, rows in received.items():
            is_person = isinstance(key, tuple)
            if not is_person:
                # Duty KPIs bring each unit to at least three (the soft range is 3–10).
                names = {kpi.name for kpi, _s in rows}
                fresh = [d for d in DUTY_KPIS if d.name not in names]
                for duty in rng.sample(fresh, min(len(fresh), max(1, 3 - len(rows)))):
                    unit_kpi = Kpi(
                        fiscal_year=fiscal_year,
                        tier=KpiTier.UNIT,
                        unit_id=key,
                        source=Source.JOB_DESCRIPTION,
                        **_spec_fields(duty),
                    )
                    rows.append((unit_kpi, duty))
                if rng.random() < 0.3:
                    rows.append(
                        (
                            Kpi(
                                fiscal_year=fiscal_year,
                                tier=KpiTier.UNIT,
                                unit_id=key,
                                source=Source.STRATEGY,
                                **_milestone_fields(),
                            ),
                            None,
                        )
                    )
            for (kpi, _s), weight in zip(rows, _weights(len(rows)), strict=True):
                kpi.weight = weight
            for n, (kpi, _s) in enumerate(rows, start=1):
                kpi.code = kpi.code or f"{n}"
            new_rows.extend(rows)
        insert_new(Kpi, [k for k, _s in new_rows])
        insert_values(KpiAssignment, cells)
        counts["assignments"] += len(cells)
        unit_lists = defaultdict(list)
        for kpi, spec in new_rows:
            specs[kpi.pk] = spec
            counts[kpi.tier] += 1
            if kpi.tier == KpiTier.UNIT:
                unit_lists[kpi.unit_id].append(kpi)
        by_pk = {u.pk: u for u in units}
        next_frontier = [(by_pk[uid], lst) for uid, lst in unit_lists.items()]
        frontier = next_frontier

    counts["results"] = _results(roots, fiscal_year, today)
    return dict(counts)


def _key(col):
    kind, value, _unit_id = col
    return value.pk if kind == "u" else ("p", value)


def _child(
    parent: Kpi, col, method: str, spec: Spec | None, share: Decimal | None = None, name: str = ""
) -> Kpi:
    kind, value, unit_id = col
    if spec is None:
        fields = _milestone_fields()
    elif method == CascadeMethod.PARTIAL:
        fields = _spec_fields(_partial_spec(name))
    else:
        # Direct copies the parent's own target; split takes the share.
        fields = _spec_fields(spec, share if share is not None else parent.threshold_3)
        if method == CascadeMethod.SPLIT:
            fields.update(baseline_1=None, baseline_2=None, baseline_3=None)
    fields["source"] = Source.CASCADE
    common = {"fiscal_year": parent.fiscal_year, "parent_id": parent.pk, "cascade_method": method}
    if kind == "u":
        return Kpi(tier=KpiTier.UNIT, unit_id=value.pk, **common, **fields)
    return Kpi(tier=KpiTier.PERSON, unit_id=unit_id, person_id=value, **common, **fields)


def _results(roots: list[OrgUnit], fiscal_year: int, today: dt.date | None) -> int:
    """One early result per organisation KPI, dated within the year and not in the future."""
    start, _end = fiscal_year_dates(fiscal_year)
    day = start + dt.timedelta(days=30)
    if today is not None and day > today:
        return 0
    rows = []
    for kpi in Kpi.objects.filter(
        unit__in=roots, fiscal_year=fiscal_year, tier=KpiTier.ORGANISATION
    ):
        if kpi.measurement != Measurement.QUANTITATIVE or kpi.baseline_3 is None:
            continue
        actual = kpi.baseline_3
        level = criteria.level_for(
            actual, measurement=kpi.measurement, direction=kpi.direction, thresholds=kpi.thresholds
        )
        rows.append(
            KpiResult(
                kpi=kpi,
                period_end=day,
                actual=actual,
                level=level,
                evidence=TEXTS["result_evidence"],
            )
        )
    KpiResult.objects.bulk_create(rows)
    return len(rows)
