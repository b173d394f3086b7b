"""The README's production steps, run as written with production settings (DEBUG off) and a
real gunicorn: the login page and a signed-in page answer 200 and the static files are served
with far-future caching. On the PostgreSQL run the steps use a new PostgreSQL database of
their own, on the SQLite run a new SQLite file."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shlex
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def readme_steps() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- production-steps -->\s*```sh\n(.*?)```", text, re.S)
    assert block, "README.md has no production-steps block"
    return [line for line in block[1].splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def database_url(tmp_path):
    """A database nobody else uses, of the kind this run tests."""
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        import psycopg

        name = f"epms_production_{secrets.token_hex(4)}"
        dsn = dict(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"])
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"postgres://{dsn['user']}@{dsn['host']}:{dsn['port']}/{name}"
        with psycopg.connect(dbname="postgres", autocommit=True, **dsn) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'production.sqlite3'}"


class Browser:
    """Just enough of a browser behind a TLS proxy: the proxy's header, cookies kept by hand
    (they are Secure, so an ordinary client would not send them over plain HTTP)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        origin = f"https://127.0.0.1:{self.port}"
        headers = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = origin + path
            headers["Origin"] = origin
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response, content.decode("utf-8", "replace")


def test_the_readme_production_steps_serve_the_app_with_gunicorn(tmp_path, database_url):
    steps = readme_steps()
    install, exports, *commands = steps
    assert install.startswith("python3.11 -m venv .venv") and "pip install ." in install
    # The settings the README exports are the ones given here, with this machine's values.
    for name in ("SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"):
        assert f"{name}=" in exports
    assert commands[-1].startswith(".venv/bin/gunicorn ")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=database_url,
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=f"https://127.0.0.1:{port}",
        SECURE_PROXY_SSL_HEADER_ENABLED="1",
        STATIC_ROOT=str(tmp_path / "static"),
        MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PATH=f"{BIN}:{env.get('PATH', '')}",
    )

    def argv(line: str) -> list[str]:
        # The README's `.venv/bin/…` is this checkout's virtualenv, wherever it lives.
        words = shlex.split(line)
        if words[0].startswith(".venv/bin/"):
            words[0] = str(BIN / words[0].removeprefix(".venv/bin/"))
        return words

    for line in commands[:-1]:
        done = subprocess.run(
            argv(line), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
    made = subprocess.run(
        [str(BIN / "python"), "manage.py", "createsuperuser", "--noinput"],
        cwd=ROOT,
        env=env
        | {
            "DJANGO_SUPERUSER_USERNAME": "admin",
            "DJANGO_SUPERUSER_PASSWORD": "a-long-Password-2569",
            "DJANGO_SUPERUSER_EMAIL": "admin@example.go.th",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr

    server = subprocess.Popen(
        argv(commands[-1]), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not start in 60 s"
                time.sleep(0.3)
        browser = Browser(port)
        response, page = browser.request("GET", "/accounts/login/")
        assert response.status == 200, page
        assert "เข้าสู่ระบบ" in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css)"', page)
        assert css, "static file names are not hashed (collectstatic's manifest)"

        response, _ = browser.request(
            "POST",
            "/accounts/login/",
            {"username": "admin", "password": "a-long-Password-2569", "csrfmiddlewaretoken": token},
        )
        assert response.status == 302, response.getheaders()
        response, page = browser.request("GET", "/")
        assert response.status == 200, page
        assert "ออกจากระบบ" in page
        assert response.getheader("Cache-Control") == "private, no-store"
        response, page = browser.request("GET", "/appraisal/rounds/")
        assert response.status == 200, page

        # A body larger than any upload is refused before it is read, through the real server.
        # (Only the headers are sent: the answer comes before any of the body is read.)
        with socket.create_connection(("127.0.0.1", port), timeout=30) as raw:
            raw.sendall(
                (
                    "POST /accounts/login/ HTTP/1.1\r\n"
                    f"Host: 127.0.0.1:{port}\r\nX-Forwarded-Proto: https\r\n"
                    "Content-Type: application/x-www-form-urlencoded\r\n"
                    f"Content-Length: {60 * 1024 * 1024}\r\n\r\n"
                ).encode()
            )
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = raw.recv(65536)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]

        response, content = browser.request("GET", css[1])
        assert response.status == 200
        assert "max-age=315360000" in (response.getheader("Cache-Control") or "")
        assert "bootstrap" in content[:400].lower() or ".btn" in content
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
