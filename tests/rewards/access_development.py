"""URL × role rows for the rewards pages: development (merged into tests/test_url_access.py).

Same world and roles as tests/appraisal/access_hr.py. The development needs page and its
workbook follow rewards.view_analysis: HR of the department (hr; hr_other sees its own part),
the screening committee and administrators; staff, evaluators and higher supervisors of the
department get 403, the other department 404. The evaluator's mark of a carried IDP row
(appraisal:idp_followup) is a POST from the scoring page: only o.f1's evaluator gets through.
"""

from tests.appraisal.access_team import F1, f1
from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def rnd(o):
    return {"pk": o.round.pk}


ANALYSIS = row(FORBIDDEN, outsider=NOT_FOUND, hr=OK, hr_other=OK, admin=OK)

ACCESS: dict = {
    "rewards:development": ("get", rnd, ANALYSIS),
    "rewards:development_xlsx": ("get", rnd, ANALYSIS),
    "appraisal:idp_followup": ("get", f1, row(NOT_ALLOWED)),
}
EXTRA: list = [
    ("rewards:development", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]
POSTS: list = [
    # Empty: the evaluator is sent back to the scoring page with a message.
    ("appraisal:idp_followup", f1, row(FORBIDDEN, **F1, evaluator=REDIRECT)),
]
