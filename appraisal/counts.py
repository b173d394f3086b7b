"""The per-unit form counts of a round (UnitFormCount, issue 15): kept up to date by every form
write, in the same transaction, and rebuilt from the forms when needed.

A form with key (unit, state, final band, staff group) counts once in the row of that key for
its unit and for each ancestor of its unit, so the total of a unit's whole subtree is its own
rows: a department page reads the rows of its root or its few scope units whatever the number
of forms. A change of a form's key moves one count from the old key's rows to the new key's
(a few ancestor rows), with an upsert that adds the delta under row locks taken in key order,
so concurrent writers neither lose an update nor deadlock on each other.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from functools import cache

from django.db import connection, transaction
from django.db.models import Count

from appraisal.models import AppraisalForm, AppraisalRound, UnitFormCount
from common.bulk import insert_values
from orgchart.models import OrgUnit
from orgchart.selectors import subtree_q

# What a form is counted by, in this order.
KEY_FIELDS = AppraisalForm.COUNTED_FIELDS
# Above this many units, the chains are read from the units' whole trees.
_FEW_UNITS = 50


def form_key(form: AppraisalForm) -> tuple:
    return tuple(getattr(form, f) for f in KEY_FIELDS)


@cache
def _new_form_defaults() -> dict:
    new = AppraisalForm()
    return {f: getattr(new, f) for f in KEY_FIELDS}


def new_form_key(values: Mapping) -> tuple:
    """The key of a form about to be written from these field values (as common.bulk's
    insert_values takes them): a field not given has a new form's default."""
    defaults = _new_form_defaults()
    return tuple(values.get(f, defaults[f]) for f in KEY_FIELDS)


def stored_key(form: AppraisalForm) -> tuple | None:
    """The key the counts hold for this form: as it was read from the database (remembered by
    AppraisalForm.from_db), else read now; None for a form not saved yet."""
    key = getattr(form, "_counted_key", None)
    if key is not None or form.pk is None:
        return key
    return AppraisalForm.objects.filter(pk=form.pk).values_list(*KEY_FIELDS).first()


def change(old: tuple | None, new: tuple | None) -> Counter:
    """The deltas that move one form from key `old` to key `new`."""
    deltas: Counter = Counter()
    if old != new:
        if old is not None:
            deltas[old] -= 1
        if new is not None:
            deltas[new] += 1
    return deltas


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _chain_cte(starts_sql: str) -> str:
    """The recursive CTE `chain (start, id, parent_id)`: each unit of `starts_sql` (a list of
    ids or a subquery) with itself and its ancestors, up the parent links, a primary-key
    look-up per level. The nested-set test (an ancestor's lft and rght enclose the unit's)
    made PostgreSQL read the unit's whole tree: 3 ms for every form saved in a department of
    16,000 units. UNION, not UNION ALL: a cycle in the parent links (which the tree never
    has) would end."""
    table = _table(OrgUnit)
    return (
        f"chain (start, id, parent_id) AS ("
        f" SELECT id, id, parent_id FROM {table} WHERE id IN ({starts_sql})"
        f" UNION"
        f" SELECT chain.start, u.id, u.parent_id FROM {table} u"
        f" JOIN chain ON u.id = chain.parent_id)"
    )


def _chains(unit_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each unit's id with its ancestors' ids."""
    unit_ids = set(unit_ids)
    if len(unit_ids) <= _FEW_UNITS:
        marks = ", ".join(["%s"] * len(unit_ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH RECURSIVE {_chain_cte(marks)} SELECT start, id FROM chain",
                sorted(unit_ids),
            )
            rows = cursor.fetchall()
        chains: dict[int, list[int]] = {}
        for start, unit in rows:
            chains.setdefault(start, []).append(unit)
        return chains
    trees = OrgUnit.objects.filter(pk__in=unit_ids).values("tree_id")
    parent = dict(OrgUnit.objects.filter(tree_id__in=trees).values_list("pk", "parent_id"))
    chains = {}
    for u in unit_ids:
        chain, at = [], u
        while at is not None and at in parent:
            chain.append(at)
            at = parent[at]
        chains[u] = chain
    return chains


def _expand(deltas: Mapping[tuple, int]) -> dict[tuple, int]:
    """Per-form-unit deltas spread to the rows of each unit's ancestors."""
    chains = _chains(k[0] for k in deltas)
    rows: Counter = Counter()
    for (unit_id, *rest), d in deltas.items():
        for a in chains.get(unit_id, [unit_id]):
            rows[(a, *rest)] += d
    return {k: d for k, d in rows.items() if d}


def _upsert(round_id: int, select_sql: str, params: list) -> None:
    """INSERT the rows `select_sql` gives ((unit, state, band, group, n) in key order) into
    the round's counts, adding n to a row that exists: one statement, which locks each row it
    adds to as it reaches it, in key order (the one order every writer takes them in)."""
    table = _table(UnitFormCount)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (round_id, unit_id, state, final_band, staff_group, n)"
            f" SELECT %s, unit_id, state, final_band, staff_group, n FROM ({select_sql}) AS rows"
            # (WHERE: SQLite's parser needs it before ON CONFLICT in an INSERT ... SELECT.)
            f" WHERE true ORDER BY unit_id, state, final_band, staff_group"
            f" ON CONFLICT (round_id, unit_id, state, final_band, staff_group)"
            f" DO UPDATE SET n = {table}.n + excluded.n",
            [round_id, *params],
        )


def apply(round_id: int, deltas: Mapping[tuple, int]) -> None:
    """Add the per-form-unit deltas {(unit, state, band, group): ±n} to the round's counts of
    the units and their ancestors. Call inside the transaction that changes the forms.

    For a few units (a form saved alone: its unit's chain of about six rows, two keys each) it
    is one statement that reads the chains up the parent links and adds the deltas; a form
    save used to take four to six (the chains, the rows locked, the missing ones created and
    locked, an UPDATE per distinct delta). For many units (a release of a whole department)
    the chains are read from the trees and the rows added in chunks, all in key order."""
    deltas = {k: d for k, d in deltas.items() if d}
    if not deltas:
        return
    values = sorted(deltas.items())
    if len({k[0] for k in deltas}) <= _FEW_UNITS:
        marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(values))
        params = [v for (key, d) in values for v in (*key, d)]
        # Inside the FROM of the INSERT's SELECT: a CTE there works on both databases.
        select_sql = (
            f"WITH RECURSIVE delta (unit_id, state, final_band, staff_group, d) AS"
            f" (VALUES {marks}),"
            f" {_chain_cte('SELECT unit_id FROM delta')}"
            f" SELECT chain.id AS unit_id, delta.state AS state,"
            f" delta.final_band AS final_band, delta.staff_group AS staff_group,"
            f" SUM(delta.d) AS n"
            f" FROM delta JOIN chain ON chain.start = delta.unit_id"
            f" GROUP BY chain.id, delta.state, delta.final_band, delta.staff_group"
            f" HAVING SUM(delta.d) <> 0"
        )
        _upsert(round_id, select_sql, params)  # one statement: no savepoint of its own
        return
    rows = sorted(_expand(deltas).items())
    chunk = max(1, (connection.features.max_query_params or 30000) // 5 - 1)
    with transaction.atomic(savepoint=False):  # the chunks stand or fall with the caller
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            marks = ", ".join(["(%s, %s, %s, %s, %s)"] * len(part))
            select_sql = (
                f"WITH part (unit_id, state, final_band, staff_group, n) AS (VALUES {marks})"
                f" SELECT unit_id, state, final_band, staff_group, n FROM part"
            )
            _upsert(round_id, select_sql, [v for (key, n) in part for v in (*key, n)])


def grouped_forms(rnd: AppraisalRound) -> Counter:
    """{(unit, state, band, group): forms} of the round, counted by the database."""
    qs = AppraisalForm.objects.filter(round=rnd).values(*KEY_FIELDS).order_by()
    return Counter({tuple(r[f] for f in KEY_FIELDS): r["n"] for r in qs.annotate(n=Count("id"))})


def expected(rnd: AppraisalRound) -> dict[tuple, int]:
    """What the counts of the round should hold, recounted from its forms."""
    return _expand(grouped_forms(rnd))


def stored(rnd: AppraisalRound) -> dict[tuple, int]:
    """What the counts of the round hold (rows at zero left out)."""
    return {
        (u, s, b, g): n
        for u, s, b, g, n in UnitFormCount.objects.filter(round=rnd)
        .exclude(n=0)
        .values_list("unit_id", "state", "final_band", "staff_group", "n")
    }


@transaction.atomic
def rebuild(rnd: AppraisalRound, grouped: Mapping[tuple, int] | None = None) -> int:
    """Replace the round's counts with a recount of its forms (or of `grouped`, the forms the
    caller has just created in this transaction). Returns the number of rows written. Without
    `grouped`, the round's forms are locked first, so that no write changes them meanwhile."""
    if grouped is None:
        # Writers lock their form before its counts: locking the forms first, as they do, makes
        # them wait for the rebuild (or the rebuild wait for them) without a deadlock.
        list(AppraisalForm.objects.select_for_update().filter(round=rnd).values_list("pk"))
        grouped = grouped_forms(rnd)
    UnitFormCount.objects.filter(round=rnd).delete()
    rows = _expand(grouped)
    # COPY on PostgreSQL: a department of 16,000 units has about 50,000 rows.
    insert_values(
        UnitFormCount,
        (
            {
                "round_id": rnd.pk,
                "unit_id": u,
                "state": s,
                "final_band": b,
                "staff_group": g,
                "n": n,
            }
            for (u, s, b, g), n in sorted(rows.items())
        ),
    )
    return len(rows)


def rounds_with_forms_in(units: Iterable[OrgUnit]) -> list[AppraisalRound]:
    """The rounds that have forms in the subtrees of these units."""
    units = list(units)
    if not units:
        return []
    forms = AppraisalForm.objects.filter(subtree_q(units, prefix="unit__"))
    return list(AppraisalRound.objects.filter(pk__in=forms.values("round_id")).order_by("pk"))
