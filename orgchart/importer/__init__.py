"""Reads an org import file (CSV or xlsx) and works out what it would change, without writing.

The file is one table. Each row names a unit (รหัสหน่วยงาน) and may define that unit, a position
in it and a person in it. `plan_import` returns an `ImportPlan`: every error (Thai, with the row
number as Excel shows it and the column), and the creates and updates that
`orgchart.import_service.org_import` would make. The column list is in docs/import.md.

The modules, in the order a file goes through them:

- `reading`: the file into a `Table` (xlsx or CSV, encodings, size limits, zip bombs, header);
- `columns`: the columns, and how one cell's text becomes a value;
- `rows`: the import's row checks, what each row must satisfy on its own;
- `planner`: `plan_import` and `build_plan`, and the state one planning run shares;
- `units`: planning the units (parents, moves, cycles, HR scope, ministries);
- `people`: planning the positions and people (numbers, holders, accounts, heads);
- `plan`: the result, `ImportPlan` and its actions, and `RowError`;
- `apply`: writing a checked plan (for `orgchart.import_service` only);
- `queries`: reading the database in chunks.
"""

from orgchart.importer.columns import (
    ACTING,
    COLUMN_BY_KEY,
    COLUMNS,
    HEAD,
    Column,
    column_for_header,
    parse_probation,
    parse_salary,
)
from orgchart.importer.plan import (
    CREATE,
    KEEP,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    MinistryAction,
    PersonAction,
    PositionAction,
    RowError,
    UnitAction,
    UserAction,
)
from orgchart.importer.planner import build_plan, plan_import
from orgchart.importer.reading import Table, read_table

__all__ = [
    "ACTING",
    "COLUMNS",
    "COLUMN_BY_KEY",
    "CREATE",
    "HEAD",
    "KEEP",
    "UNCHANGED",
    "UPDATE",
    "Column",
    "ImportPlan",
    "MinistryAction",
    "PersonAction",
    "PositionAction",
    "RowError",
    "Table",
    "UnitAction",
    "UserAction",
    "build_plan",
    "column_for_header",
    "parse_probation",
    "parse_salary",
    "plan_import",
    "read_table",
]
