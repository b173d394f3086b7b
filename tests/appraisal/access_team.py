"""URL × role rows for the appraisal team pages (merged into tests/test_url_access.py).

The world (tests/appraisal/conftest.py: appraisal_world) has round 2570-1 in evaluation, with
o.f1 (s1, agreed), o.f2 (s2, submitted), o.f3 (s3, scored), o.f4 (s4, not started), o.entry.
Roles: staff=s1, other_staff=s2, outsider=o1, evaluator=grp1_head, higher=div1_head,
hr_other=hr_div2, hr, admin.

f1 and f2 are evaluated by grp1_head with div1_head above; f3 is evaluated by div1_head with
the director above. An administrator and HR see the forms (403, not 404) but never act as the
evaluator or the higher supervisor.
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401

# Who may see o.f1 / o.f2 (forms of grp1): s1 or s2 themselves, the chain, HR of the department
# and the administrator; HR of div2 and the other department get 404.
F1 = {"other_staff": NOT_FOUND, "outsider": NOT_FOUND, "hr_other": NOT_FOUND}
F2 = {"staff": NOT_FOUND, "outsider": NOT_FOUND, "hr_other": NOT_FOUND}
# o.f3 (s3 in grp2): only div1_head (its evaluator), HR of the department and the admin see it.
F3 = {
    "staff": NOT_FOUND,
    "other_staff": NOT_FOUND,
    "outsider": NOT_FOUND,
    "evaluator": NOT_FOUND,
    "hr_other": NOT_FOUND,
}


def f1(o):
    return {"pk": o.f1.pk}


def f2(o):
    return {"pk": o.f2.pk}


def f3(o):
    return {"pk": o.f3.pk}


ACCESS: dict = {
    # Everyone logged in has a team page (an empty one is fine).
    "appraisal:team": ("get", lambda o: {}, row(OK)),
    # ทีมของฉัน as .xlsx: only someone who evaluates in a round (the evaluator of s1, the
    # higher supervisor who evaluates that evaluator); nobody else has a team to export.
    "appraisal:team_xlsx": ("get", lambda o: {}, row(NOT_FOUND, evaluator=OK, higher=OK)),
    "appraisal:team_approve": ("get", lambda o: {}, row(NOT_ALLOWED)),
    "appraisal:agreement_review": ("get", f2, row(FORBIDDEN, **F2, evaluator=OK)),
    "appraisal:score": ("get", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    "appraisal:score_preview": ("get", f1, row(NOT_ALLOWED)),
    "appraisal:score_finish": ("get", f1, row(NOT_ALLOWED)),
    "appraisal:score_reopen": ("get", f3, row(NOT_ALLOWED)),
    "appraisal:inform": ("get", f3, row(FORBIDDEN, **F3, higher=OK)),
    "appraisal:refusal": ("get", f3, row(FORBIDDEN, **F3, higher=OK)),
    "appraisal:review": ("get", f1, row(FORBIDDEN, **F1, higher=OK)),
    "appraisal:coaching": ("get", f1, row(FORBIDDEN, **F1, evaluator=OK, higher=OK)),
}

EXTRA: list = [
    # The same pages on other forms: f3 is div1_head's to score, f2 not yet agreed.
    ("appraisal:score", f3, row(FORBIDDEN, **F3, higher=OK)),
    ("appraisal:score", f2, row(FORBIDDEN, **F2, evaluator=OK)),
    ("appraisal:agreement_review", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:refusal", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:inform", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:coaching", f3, row(FORBIDDEN, **F3, higher=OK)),
    ("appraisal:review", f3, row(FORBIDDEN, **F3)),
    ("appraisal:score", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]

# POSTs, empty: the permitted role gets the page back with its errors (200) or a redirect with a
# message; everyone else is refused exactly as for the page itself.
POSTS: list = [
    ("appraisal:team_approve", lambda o: {}, row(REDIRECT)),
    ("appraisal:agreement_review", f2, row(FORBIDDEN, **F2, evaluator=OK)),
    ("appraisal:score", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:score_preview", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:score_finish", f1, row(FORBIDDEN, **F1, evaluator=OK)),
    ("appraisal:score_reopen", f3, row(FORBIDDEN, **F3, higher=REDIRECT)),
    ("appraisal:refusal", f3, row(FORBIDDEN, **F3, higher=OK)),
    ("appraisal:inform", f3, row(FORBIDDEN, **F3, higher=OK)),
    ("appraisal:review", f1, row(FORBIDDEN, **F1, higher=OK)),
    ("appraisal:coaching", f1, row(FORBIDDEN, **F1, evaluator=OK, higher=OK)),
]
