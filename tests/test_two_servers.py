"""Two app servers, one database, one Redis, one storage (issue 15, docs/deploy.md): a sign-in
on one is valid on the other, a unit book queued on one (built by a separate `db_worker`) is
downloaded from the other, an evidence file uploaded on one is read on the other, an org import
uploaded on one is previewed on the other. Real gunicorn processes with production settings;
PostgreSQL only (SQLite is one file on one machine, not a cluster's database).

The storage is a shared folder (MEDIA_ROOT), or an S3-compatible bucket (django-storages) on a
local S3 server (moto's, started by the test): there every file is an object of the bucket, no
object is readable by anyone but the app's own key, and nothing is written to MEDIA_ROOT."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import re
import secrets
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from appraisal.models import JournalEntry
from common.thai import format_date_input
from reports.models import JobStatus, ReportJob
from tests.s3 import bucket  # noqa: F401 (a fixture)
from tests.test_production import BIN, Browser, free_port

ROOT = Path(__file__).resolve().parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PASSWORD = "a-long-Password-2569"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def redis_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


class Server:
    def __init__(self, env: dict, port: int):
        self.port = port
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "pms_site.wsgi"],
            cwd=ROOT,
            env=env | {"GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.process.stderr.read().decode()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"gunicorn on {self.port} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def sign_in(port: int, username: str) -> Browser:
    browser = Browser(port)
    response, body = browser.request("GET", "/accounts/login/")
    assert response.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]
    response, _ = browser.request(
        "POST",
        "/accounts/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
    )
    assert response.status == 302, "sign-in failed"
    return browser


def on(port: int, browser: Browser) -> Browser:
    """The same browser (its cookies) talking to another server behind the load balancer."""
    other = Browser(port)
    other.cookies = dict(browser.cookies)
    return other


def csrf_of(browser: Browser, path: str) -> str:
    response, body = browser.request("GET", path)
    assert response.status == 200, (path, response.status)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1]


def get_bytes(browser: Browser, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
    conn.request(
        "GET",
        path,
        headers={
            "Host": f"127.0.0.1:{browser.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        },
    )
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response.status, data


def post_multipart(browser: Browser, path: str, fields: dict, files: dict):
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    origin = f"https://127.0.0.1:{browser.port}"
    conn = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=30)
    conn.request(
        "POST",
        path,
        body=body,
        headers={
            "Host": f"127.0.0.1:{browser.port}",
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": origin + path,
            "Origin": origin,
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.skipif(not redis_up(), reason="needs Redis on 127.0.0.1:6379 (docs/deploy.md)")
@pytest.mark.parametrize("storage", ["folder", "bucket"])
def test_two_app_servers_share_sessions_books_and_evidence(tmp_path, storage, request):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: two servers share one database server, not a file")
    s3 = request.getfixturevalue("bucket") if storage == "bucket" else None
    from tests.factories import build_org
    from tests.reports.conftest import release_worked_example

    o = build_org()
    o.round, o.f1, o.f2 = release_worked_example(o)
    # The servers run the production hasher; the tests' own is MD5.
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, secrets.token_hex(8), iterations=1000)
    for user in (o.hr, o.s1.user, o.s2.user):
        user.password = hashed
        user.save(update_fields=["password"])

    db = connection.settings_dict
    ports = free_port(), free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tests.two_servers_settings",
        SECRET_KEY=secrets.token_urlsafe(60),
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=f"epms-two-servers-{secrets.token_hex(4)}",
        MEDIA_ROOT=str(tmp_path / "shared-media"),
        ALLOWED_HOSTS="127.0.0.1",
        CSRF_TRUSTED_ORIGINS=",".join(f"https://127.0.0.1:{p}" for p in ports),
        SECURE_PROXY_SSL_HEADER_ENABLED="1",
        WEB_CONCURRENCY="1",
        GUNICORN_ACCESS_LOG="/dev/null",
        REQUEST_LOG="0",
        PATH=f"{BIN}:{os.environ.get('PATH', '')}",
    )
    env = {k: v for k, v in env.items() if not k.startswith("AWS_")}
    if s3 is not None:
        env.update(s3.env)
    media = tmp_path / "shared-media"
    a, b = Server(env, ports[0]), Server(env, ports[1])
    try:
        a.wait()
        b.wait()
        for server in (a, b):
            response, body = Browser(server.port).request("GET", "/health/")
            assert response.status == 200, body

        # A sign-in on A is valid on B (the session is in Redis and the database).
        hr_a = sign_in(a.port, "hr")
        hr_b = on(b.port, hr_a)
        response, body = hr_b.request("GET", "/")
        assert response.status == 200 and "/accounts/login/" not in response.getheader(
            "Location", ""
        )

        # A unit book queued on A, built by a worker, downloaded from B.
        job_create = f"/reports/rounds/{o.round.pk}/units/{o.dept.pk}/jobs/"
        token = hr_a.cookies["csrftoken"]
        response, _ = hr_a.request("POST", job_create, {"csrfmiddlewaretoken": token})
        assert response.status == 302, response.status
        job = ReportJob.objects.get(owner=o.hr, round=o.round, unit=o.dept)
        worker = subprocess.run(
            [str(BIN / "python"), "manage.py", "db_worker", "--batch", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert worker.returncode == 0, worker.stderr
        job.refresh_from_db()
        assert job.status == JobStatus.DONE, (job.status, job.error)
        response, _ = hr_b.request("GET", f"/reports/jobs/{job.pk}/progress/")
        assert response.status == 200
        status, data = get_bytes(hr_b, f"/reports/jobs/{job.pk}/download/")
        assert status == 200 and data.startswith(b"%PDF")
        if s3 is None:
            assert (media / job.file_path).read_bytes() == data
        else:
            assert s3.objects()[job.file_path] == data

        # Evidence uploaded on A is read on B.
        s2_a = sign_in(a.port, "s2")
        journal = f"/appraisal/forms/{o.f2.pk}/journal/"
        token = csrf_of(s2_a, journal)
        evidence = b"%PDF-1.4 evidence from server A\n%%EOF\n"
        response = post_multipart(
            s2_a,
            journal,
            {
                "csrfmiddlewaretoken": token,
                "kind": "work",
                "on": format_date_input(dt.date.today()),
                "description": "ส่งงานตามกำหนด",
            },
            {"evidence": ("ผลงาน.pdf", evidence, "application/pdf")},
        )
        assert response.status == 302, response.status
        entry = JournalEntry.objects.get(form=o.f2, description="ส่งงานตามกำหนด")
        s2_b = on(b.port, s2_a)
        assert get_bytes(s2_b, f"/appraisal/evidence/{entry.pk}/") == (200, evidence)
        # ... and only by those who may: to another staff member it does not exist.
        s1_b = sign_in(b.port, "s1")
        assert get_bytes(s1_b, f"/appraisal/evidence/{entry.pk}/")[0] == 404

        # An org import uploaded on A waits in the shared storage: B previews it.
        status, template = get_bytes(hr_a, "/org/import/template.xlsx")
        assert status == 200 and template.startswith(b"PK")
        token = csrf_of(hr_a, "/org/import/")
        response = post_multipart(
            hr_a,
            "/org/import/",
            {"csrfmiddlewaretoken": token, "scheme": ""},
            {"file": ("โครงสร้าง.xlsx", template, XLSX)},
        )
        assert response.status == 302, response.status
        response, body = on(b.port, hr_a).request("GET", "/org/import/preview/")
        assert response.status == 200 and "โครงสร้าง.xlsx" in body, response.status

        if s3 is not None:
            stored = s3.objects()
            assert stored[entry.evidence.name] == evidence
            kinds = {key.split("/")[0] for key in stored}
            assert {"reports", "imports"} <= kinds, sorted(stored)
            assert any(k.startswith("reports/cache/") for k in stored), sorted(stored)
            assert all(s3.is_private(key) for key in stored)
            # Nothing went to a local folder: every file went through the storage API.
            assert not media.exists() or not any(media.rglob("*")), list(media.rglob("*"))
    finally:
        a.stop()
        b.stop()
