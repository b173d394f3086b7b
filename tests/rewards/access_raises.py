"""URL × role rows for the rewards pages: raises (merged into tests/test_url_access.py).

Same world and roles as tests/appraisal/access_hr.py. Raises are managed by HR of the whole
department (hr) and administrators only: HR of a subtree (hr_other) and everyone else of the
department get 403, people of another department 404 (rewards.manage_raises).
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def _round(o):
    return {"pk": o.round.pk}


def sheet_of(o):
    """The world's civil servant sheet of round 2570-1, made by its HR (once per case)."""
    from rewards import services
    from rewards.models import RaiseSheet
    from tests.rewards.raise_world import ensure_default_tables

    ensure_default_tables()

    sheet = RaiseSheet.objects.filter(round=o.round, budget_unit=None).first()
    return sheet or services.raise_sheet_create(
        actor=o.hr, rnd=o.round, budget_unit=None, staff_group="civil_servant"
    )


def _sheet(o):
    return {"pk": sheet_of(o).pk}


MANAGERS = row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, admin=OK)
MANAGERS_POST = row(FORBIDDEN, outsider=NOT_FOUND, hr=REDIRECT, admin=REDIRECT)

ACCESS: dict = {
    "rewards:raises": ("get", _round, MANAGERS),
    "rewards:raise_tables": ("get", _round, MANAGERS),
    "rewards:raise_sheet": ("get", _sheet, MANAGERS),
    "reports:raise_list_pdf": ("get", _sheet, MANAGERS),
    "reports:raise_list_xlsx": ("get", _sheet, MANAGERS),
}

EXTRA: list = [
    ("rewards:raise_sheet", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("reports:raise_list_pdf", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("rewards:raises", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]

POSTS: list = [
    # An empty POST is refused with a message (unknown staff group / table / action).
    ("rewards:raises", _round, MANAGERS_POST),
    ("rewards:raise_tables", _round, MANAGERS_POST),
    ("rewards:raise_sheet", _sheet, MANAGERS_POST),
]
