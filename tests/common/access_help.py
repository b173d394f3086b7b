"""URL × role rows for the user manual (merged into tests/test_url_access.py): every signed-in
user reads every page of it; anonymous visitors are sent to the login page; an unknown page
is a 404."""

from tests.url_roles import FORBIDDEN, LOGIN, NOT_ALLOWED, NOT_FOUND, OK, REDIRECT, row  # noqa: F401

ACCESS: dict = {
    "manual": ("get", lambda o: {}, row(OK)),
    "manual_page": ("get", lambda o: {"slug": "supervisor"}, row(OK)),
}

EXTRA: list = [
    ("manual_page", lambda o: {"slug": "admin"}, row(OK)),
    ("manual_page", lambda o: {"slug": "no-such-page"}, row(NOT_FOUND)),
]

POSTS: list = [
    ("manual", lambda o: {}, row(NOT_ALLOWED)),
]
