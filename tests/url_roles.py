"""Roles and expected statuses shared by the URL × role tables."""

from __future__ import annotations

ROLES = [
    "anonymous",
    "staff",
    "other_staff",
    "outsider",
    "evaluator",
    "higher",
    "hr_other",
    "hr",
    "admin",
]


def login_as(client, org, role):
    users = {
        "staff": org.s1.user,
        "other_staff": org.s2.user,  # same group as s1, not s1's evaluator
        "outsider": org.o1.user,  # another department
        "evaluator": org.grp1_head.user,  # evaluates s1
        "higher": org.div1_head.user,  # evaluates s1's evaluator
        "hr_other": org.hr_div2,  # HR of another subtree of the same department
        "hr": org.hr,  # HR of the whole department
        "admin": org.admin,
    }
    if role != "anonymous":
        client.force_login(users[role])


LOGIN = "login"  # a redirect to the login page
OK, FORBIDDEN, NOT_FOUND, REDIRECT, NOT_ALLOWED = 200, 403, 404, 302, 405
CONFLICT = 409  # the action exists but the object's state forbids it now


def row(default, **overrides):
    statuses = {role: default for role in ROLES}
    statuses["anonymous"] = LOGIN
    statuses.update(overrides)
    return statuses
