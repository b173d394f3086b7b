"""URL × role rows for the notices pages (merged into tests/test_url_access.py).

Same world as tests/appraisal/access_staff.py: f1 of s1 was approved by grp1_head, so s1 has a
notice of that approval. A notice is its recipient's alone: anybody else, the administrator
included, cannot tell that it exists (404).
"""

from notices.models import Notice
from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401


def s1_notice(o) -> dict:
    return {"pk": Notice.objects.filter(recipient=o.s1.user).order_by("pk").first().pk}


ONLY_S1 = row(NOT_FOUND, staff=REDIRECT)

ACCESS: dict = {
    "notices:list": ("get", lambda o: {}, row(OK)),
    "notices:open": ("get", s1_notice, row(NOT_ALLOWED)),
    "notices:read": ("get", s1_notice, row(NOT_ALLOWED)),
    "notices:read_all": ("get", lambda o: {}, row(NOT_ALLOWED)),
    "notices:preferences": ("get", lambda o: {}, row(NOT_ALLOWED)),
}

EXTRA: list = [
    ("notices:open", lambda o: {"pk": 999999}, row(NOT_ALLOWED)),
]
POSTS: list = [
    ("notices:open", s1_notice, ONLY_S1),
    ("notices:read", s1_notice, ONLY_S1),
    ("notices:open", lambda o: {"pk": 999999}, row(NOT_FOUND)),
    ("notices:read_all", lambda o: {}, row(REDIRECT)),
    ("notices:preferences", lambda o: {}, row(REDIRECT)),
]
