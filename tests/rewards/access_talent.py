"""URL × role rows for the rewards pages: talent (merged into tests/test_url_access.py).

Same world and roles as tests/appraisal/access_hr.py: round 2570-1 of the test organisation.
The talent grid and the alignment page show scores before release: HR of the department (each
in their own scope, so HR of div2 too), the round's committee and administrators
(rewards.view_analysis); other people of the department are refused (403), people of another
department cannot tell the round exists (404). The committee member and the no-leak checks are
in tests/rewards/test_talent_pages.py and test_alignment_pages.py.
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def _round(o):
    return {"pk": o.round.pk}


ANALYSIS_READERS = row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK)

ACCESS: dict = {
    "rewards:talent": ("get", _round, ANALYSIS_READERS),
    "rewards:alignment": ("get", _round, ANALYSIS_READERS),
}
EXTRA: list = [
    ("rewards:talent", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("rewards:alignment", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]
# Read-only pages: a POST is not allowed to anyone signed in.
POSTS: list = [
    ("rewards:talent", _round, row(NOT_ALLOWED)),
    ("rewards:alignment", _round, row(NOT_ALLOWED)),
]
