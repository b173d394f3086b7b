"""URL × role rows for the rewards pages: trends (merged into tests/test_url_access.py).

Same world and roles as tests/appraisal/access_hr.py.
"""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401

ACCESS: dict = {}
EXTRA: list = []
POSTS: list = []
