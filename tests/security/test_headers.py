"""Security headers on every answer of the URL × role table, HSTS over HTTPS in production, and
templates without inline script (the CSP forbids it, so it would silently not run)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests import test_url_access
from tests.security import request_as
from tests.test_url_access import CASES
from tests.url_roles import ROLES

TEMPLATES = Path(settings.BASE_DIR) / "templates"

world = test_url_access.world  # the table's fixture, used by name


def csp_directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def header_problems(response) -> list[str]:
    problems = []
    csp = csp_directives(response.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src"))
    if scripts != ["'self'"]:
        problems.append(f"script-src {scripts}")
    if csp.get("frame-ancestors") != ["'none'"]:
        problems.append(f"frame-ancestors {csp.get('frame-ancestors')}")
    expected = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    for name, value in expected.items():
        if response.get(name) != value:
            problems.append(f"{name}: {response.get(name)}")
    return problems


def test_the_header_check_sees_a_weak_policy():
    from django.http import HttpResponse

    weak = HttpResponse()
    weak["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    assert len(header_problems(weak)) == 5


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    CASES,
    ids=[f"{c[0]}-{c[1]}#{i}" for i, c in enumerate(CASES)],
)
def test_every_answer_carries_the_security_headers(world, name, method, kwargs, expected):
    """Pages, redirects, refusals and downloads alike, for every role."""
    wrong = []
    for role in ROLES:
        response = request_as(world, role, name, method, kwargs)
        if problems := header_problems(response):
            wrong.append((role, response.status_code, problems))
    assert wrong == [], (name, wrong)


def test_the_login_page_and_a_missing_page_carry_them_too(db):
    client = Client()
    for url in (reverse("login"), "/no-such-page/", "/static/no-such-file.css"):
        response = client.get(url)
        assert header_problems(response) == [], (url, response.status_code)


def test_hsts_is_sent_over_https_when_debug_is_off(org, settings):
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    client = Client()
    client.force_login(org.s1.user)
    secure = client.get(reverse("home"), secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # Never over plain HTTP: a browser would ignore it and a proxy might cache it.
    assert "Strict-Transport-Security" not in client.get(reverse("home"))


def test_production_settings_turn_hsts_and_https_on():
    """tests/test_settings.py runs `check --deploy`; this reads the values it relies on."""
    import subprocess
    import sys

    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "pms_site.settings", "DEBUG": "0", "SECRET_KEY": "x" * 60}
    import os

    env = {**{k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}, **env}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True"], result.stderr


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
INLINE_HANDLER = re.compile(
    r"""<[^>]*?(?:\son[a-z]+\s*=|\shx-on[:-]|["']\s*javascript:)""", re.IGNORECASE | re.DOTALL
)


def test_the_template_scan_finds_inline_script():
    assert INLINE_SCRIPT.search('<script>alert(1)</script><script src="/a.js"></script>')
    assert not INLINE_SCRIPT.search('<script src="/a.js" defer></script>')
    assert INLINE_HANDLER.search('<button class="b"\n onclick="go()">')
    assert INLINE_HANDLER.search('<a href="javascript:go()">')
    assert not INLINE_HANDLER.search('<form data-confirm="ok" action="/x">')


def test_no_template_has_inline_script_or_event_handlers():
    templates = sorted(TEMPLATES.rglob("*.html"))
    assert len(templates) > 20
    found = []
    for path in templates:
        text = path.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER):
            found += [
                (str(path.relative_to(TEMPLATES)), m.group(0)[:80]) for m in pattern.finditer(text)
            ]
    assert found == []
