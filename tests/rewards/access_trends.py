"""URL × role rows for the rewards pages: trends (merged into tests/test_url_access.py).

Same world and roles as tests/appraisal/access_hr.py: round 2570-1 in evaluation, f1 (s1,
agreed, evaluated by grp1_head, higher div1_head), f3 (s3, scored 86.00, evaluated by
div1_head), f4 (s4 in div2).
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401

# A person's rounds: the person, the chain frozen in their form, HR whose scope covers it and
# administrators; nobody else learns that the forms exist (404).
S1_READERS = row(NOT_FOUND, staff=OK, evaluator=OK, higher=OK, hr=OK, admin=OK)
# s3's form (scored, not released): div1_head evaluates it; s1 and grp1_head are outside it.
S3_READERS = row(NOT_FOUND, higher=OK, hr=OK, admin=OK)
# The analysis of a round: HR anywhere in the department, its committee and administrators;
# other people of the department are refused (403), another department's cannot tell (404).
ANALYSTS = row(FORBIDDEN, outsider=NOT_FOUND, hr_other=OK, hr=OK, admin=OK)

ACCESS: dict = {
    "rewards:person_trend": ("get", lambda o: {"pk": o.s1.pk}, S1_READERS),
    "rewards:unit_trend": ("get", lambda o: {"pk": o.round.pk}, ANALYSTS),
    "reports:person_trend_pdf": ("get", lambda o: {"pk": o.s1.pk}, S1_READERS),
}

EXTRA: list = [
    ("rewards:person_trend", lambda o: {"pk": o.s3.pk}, S3_READERS),
    ("reports:person_trend_pdf", lambda o: {"pk": o.s3.pk}, S3_READERS),
    # s4 in กองการเจ้าหน้าที่: HR of that division reads it too.
    (
        "rewards:person_trend",
        lambda o: {"pk": o.s4.pk},
        row(NOT_FOUND, hr_other=OK, hr=OK, admin=OK),
    ),
    # o1 of the other department has no form: their own (empty) page, 404 for everyone else,
    # the administrator included (no form of theirs to show).
    ("rewards:person_trend", lambda o: {"pk": o.o1.pk}, row(NOT_FOUND, outsider=OK)),
    ("rewards:person_trend", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("reports:person_trend_pdf", lambda o: {"pk": 999999}, row(NOT_FOUND)),
]
POSTS: list = [
    ("rewards:person_trend", lambda o: {"pk": o.s1.pk}, row(NOT_ALLOWED)),
    ("rewards:unit_trend", lambda o: {"pk": o.round.pk}, row(NOT_ALLOWED)),
]
