"""URL × role rows for the person picker's suggestions and the import template (merged into tests/test_url_access.py).

orgchart:people_suggest needs the unit whose department the picker names people in (?unit=);
the table's URLs carry no query, so every signed-in role gets 404 there. What each role is
offered with a unit is tested in tests/orgchart/test_person_picker.py.
"""

from tests.url_roles import FORBIDDEN, NOT_ALLOWED, NOT_FOUND, OK, row

ACCESS: dict = {
    "orgchart:people_suggest": ("get", lambda o: {}, row(NOT_FOUND)),
    # The import template of the user's own scope: those who may import (HR, administrators).
    "orgchart:import_template": (
        "get",
        lambda o: {},
        row(FORBIDDEN, hr=OK, hr_other=OK, admin=OK),
    ),
}
EXTRA: list = []
POSTS: list = [
    ("orgchart:people_suggest", lambda o: {}, row(NOT_ALLOWED)),
    ("orgchart:import_template", lambda o: {}, row(NOT_ALLOWED)),
]
