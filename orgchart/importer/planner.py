"""One planning run of an org import: the entry points, and the state the steps of a run share.

`plan_import` reads a file and plans it; `build_plan` plans an already-read table (the import
service calls it again under the tree lock). A run checks every row on its own
(`orgchart.importer.rows`), then plans the units (`orgchart.importer.units`), then the positions
and people (`orgchart.importer.people`). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from orgchart import grades
from orgchart.importer.people import plan_positions_and_people
from orgchart.importer.plan import ImportPlan, RowError, UnitAction
from orgchart.importer.queries import chunks
from orgchart.importer.reading import Table, read_table
from orgchart.importer.rows import UnitSpec, check_row
from orgchart.importer.units import plan_units
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of


def plan_import(
    data: bytes, *, filename: str = "", scheme: str | None = None, user=None
) -> ImportPlan:
    """Read and check a file against the database. `user` None means the system (no scope)."""
    table, errors, notes = read_table(data, filename=filename)
    if table is None:
        return ImportPlan(filename=filename, scheme=scheme or None, errors=errors, warnings=notes)
    plan = build_plan(table, scheme=scheme, user=user, filename=filename)
    plan.warnings = notes + plan.warnings
    # Cell errors (formulas, huge cells) are kept with the rest so the user sees them all at once.
    plan.errors = sorted(errors + plan.errors, key=lambda e: (e.row or 0, e.column, e.message))
    return plan


def build_plan(
    table: Table, *, scheme: str | None = None, user=None, filename: str = ""
) -> ImportPlan:
    """The plan for an already-read table; the import service calls this again under the lock."""
    return Planner(table, scheme=scheme or None, user=user, filename=filename).run()


class Planner:
    """The state of one run: the table, the user's scope, what the rows say about each unit,
    the units read from the database and where each unit ends up. The steps read and fill it."""

    def __init__(self, table: Table, *, scheme: str | None, user, filename: str):
        self.table = table
        self.scheme = scheme
        self.user = user
        self.plan = ImportPlan(filename=filename, scheme=scheme, table=table)
        self.unlimited = user is None or bool(getattr(user, "is_superuser", False))
        self.roles = None
        if not self.unlimited:
            # roles_of caches per request; the scope must be read now (the service re-plans
            # under the tree lock), not when the request began.
            try:
                del user._pms_roles
            except AttributeError:
                pass
            self.roles = roles_of(user)
        # Filled by the row checks.
        self.specs: dict[str, UnitSpec] = {}
        self.position_rows: list[tuple[int, str, dict]] = []  # row, unit code, fields
        self.person_rows: list[tuple[int, str, dict]] = []
        # Filled by the unit planning.
        self.existing: dict[str, OrgUnit] = {}
        self.roots_by_tree: dict[int, OrgUnit] = {}
        self.final_parent: dict[str, str | None] = {}
        self.root_of: dict[str, str] = {}
        self.new_codes: set[str] = set()
        self.unit_actions: dict[str, UnitAction] = {}

    def run(self) -> ImportPlan:
        if self.scheme is not None and self.scheme not in grades.SCHEMES:
            self.error(
                None, "", _("ไม่รู้จักระบบรหัสระดับ '%(s)s' (ใช้ ocsc หรือ dpis)") % {"s": self.scheme}
            )
            return self.plan
        for number, values in self.table.rows:
            check_row(self, number, values)
        plan_units(self)
        plan_positions_and_people(self)
        self.plan.errors.sort(key=lambda e: (e.row or 0, e.column, e.message))
        return self.plan

    def error(self, row: int | None, key: str, message: str) -> None:
        self.plan.errors.append(RowError(row, self.table.label(key) if key else "", message))

    def is_bad(self, number: int, key: str) -> bool:
        """True when the reading already reported this cell (a formula, a date, too long)."""
        return (number, key) in self.table.bad_cells

    def covers(self, unit: OrgUnit) -> bool:
        """Whether the user may change this unit: always for the system and administrators."""
        return self.unlimited or self.roles.hr_covers(unit)

    def load_units(self, codes: Iterable[str]) -> None:
        """Read into `existing` the units with these codes not read yet."""
        wanted = [c for c in set(codes) if c not in self.existing]
        for chunk in chunks(wanted):
            for unit in OrgUnit.objects.filter(code__in=chunk).select_related("parent", "ministry"):
                self.existing[unit.code] = unit
