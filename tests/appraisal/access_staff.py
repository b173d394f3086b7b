"""URL × role rows for the appraisal staff pages (merged into tests/test_url_access.py).

The world (tests/appraisal/conftest.py: appraisal_world) has round 2570-1 in evaluation, with
o.f1 (s1, agreed), o.f2 (s2, submitted), o.f3 (s3, scored), o.f4 (s4, not started), o.entry.
Roles: staff=s1, other_staff=s2, outsider=o1, evaluator=grp1_head, higher=div1_head,
hr_other=hr_div2, hr, admin.
"""

from tests.url_roles import (  # noqa: F401
    CONFLICT,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    NOT_FOUND,
    OK,
    REDIRECT,
    row,
)


def f1(o):
    return {"pk": o.f1.pk}


def f2(o):
    return {"pk": o.f2.pk}


def f4(o):
    return {"pk": o.f4.pk}


# f1 is s1's: s2, the other department and HR of div2 cannot even see it (404).
HIDDEN_F1 = {"other_staff": NOT_FOUND, "outsider": NOT_FOUND, "hr_other": NOT_FOUND}
# Only the appraisee (f1: s1) acts; the chain, HR and the administrator may read but not act.
APPRAISEE_ONLY = {**HIDDEN_F1, "evaluator": FORBIDDEN, "higher": FORBIDDEN, "hr": FORBIDDEN}

ACCESS: dict = {
    "appraisal:my": ("get", lambda o: {}, row(OK)),
    "appraisal:form": ("get", f1, row(OK, **HIDDEN_F1)),
    # s1's agreement is approved: s1 gets the read-only page.
    "appraisal:agreement": ("get", f1, row(FORBIDDEN, staff=OK, **HIDDEN_F1)),
    # The blank row for "add a KPI": s1's agreement is approved, so no row is given (409).
    "appraisal:agreement_row": ("get", f1, row(FORBIDDEN, staff=CONFLICT, **HIDDEN_F1)),
    "appraisal:agreement_pull": ("post", f1, row(FORBIDDEN, staff=REDIRECT, **HIDDEN_F1)),
    "appraisal:agreement_submit": ("post", f1, row(FORBIDDEN, staff=REDIRECT, **HIDDEN_F1)),
    "appraisal:agreement_revise": (
        "post",
        f1,
        row(FORBIDDEN, staff=REDIRECT, evaluator=REDIRECT, **HIDDEN_F1),
    ),
    "appraisal:checkin": (
        "get",
        f1,
        row(FORBIDDEN, staff=OK, evaluator=OK, higher=OK, **HIDDEN_F1),
    ),
    "appraisal:journal": (
        "get",
        f1,
        row(FORBIDDEN, staff=OK, evaluator=OK, higher=OK, **HIDDEN_F1),
    ),
    "appraisal:evidence": ("get", lambda o: {"pk": o.entry.pk}, row(OK, **HIDDEN_F1)),
    "appraisal:self_assess": ("get", f1, row(FORBIDDEN, staff=OK, **HIDDEN_F1)),
    "appraisal:acknowledge": ("post", f1, row(FORBIDDEN, staff=REDIRECT, **HIDDEN_F1)),
}

EXTRA: list = [
    # s4's form (div2): HR of div2 sees it, nobody of div1 does.
    ("appraisal:form", f4, row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK)),
    # s2's form: s2 and s2's chain see it, s1 does not.
    ("appraisal:form", f2, row(OK, staff=NOT_FOUND, outsider=NOT_FOUND, hr_other=NOT_FOUND)),
    ("appraisal:form", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("appraisal:agreement", f4, row(NOT_FOUND, hr_other=FORBIDDEN, hr=FORBIDDEN, admin=FORBIDDEN)),
    (
        "appraisal:agreement",
        f2,
        row(FORBIDDEN, staff=NOT_FOUND, other_staff=OK, outsider=NOT_FOUND, hr_other=NOT_FOUND),
    ),
    ("appraisal:checkin", f4, row(NOT_FOUND, hr_other=FORBIDDEN, hr=FORBIDDEN, admin=FORBIDDEN)),
    ("appraisal:evidence", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    (
        "appraisal:agreement_row",
        f4,
        row(NOT_FOUND, hr_other=FORBIDDEN, hr=FORBIDDEN, admin=FORBIDDEN),
    ),
    # s2's agreement is submitted: s2 gets no row until it comes back.
    (
        "appraisal:agreement_row",
        f2,
        row(
            FORBIDDEN, staff=NOT_FOUND, other_staff=CONFLICT, outsider=NOT_FOUND, hr_other=NOT_FOUND
        ),
    ),
]
# POSTs to pages that also answer GET: only those who may act reach the form (an empty
# POST re-shows the page with its errors, or redirects with a message when the state forbids).
POSTS: list = [
    ("appraisal:agreement", f1, row(FORBIDDEN, staff=REDIRECT, **HIDDEN_F1)),
    (
        "appraisal:agreement",
        f2,
        row(
            FORBIDDEN, staff=NOT_FOUND, other_staff=REDIRECT, outsider=NOT_FOUND, hr_other=NOT_FOUND
        ),
    ),
    ("appraisal:checkin", f1, row(FORBIDDEN, staff=OK, evaluator=OK, higher=OK, **HIDDEN_F1)),
    ("appraisal:journal", f1, row(FORBIDDEN, staff=OK, evaluator=OK, higher=OK, **HIDDEN_F1)),
    ("appraisal:self_assess", f1, row(FORBIDDEN, staff=OK, **HIDDEN_F1)),
    ("appraisal:form", f1, row(NOT_ALLOWED)),
    ("appraisal:agreement_row", f1, row(NOT_ALLOWED)),
    ("appraisal:my", lambda o: {}, row(NOT_ALLOWED)),
    ("appraisal:evidence", lambda o: {"pk": o.entry.pk}, row(NOT_ALLOWED)),
]
