"""Several app servers behind a load balancer (issue 15, docs/deploy.md): the health probe, the
request log line, the shared cache/session/storage settings chosen from the environment, and
files reached only through the storage API."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import OperationalError, connection
from django.test import override_settings

from common.storage import PrivateFileStorage
from pms_site import views as site_views

ROOT = Path(__file__).resolve().parent.parent


# --- the health probe ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_health_answers_200_with_each_check_when_all_is_well(client, django_assert_max_num_queries):
    # SELECT 1; the database cache's set (count, look-up, write, in a savepoint) and get.
    with django_assert_max_num_queries(7):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] and "sessionid" not in response.cookies
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405


@pytest.mark.django_db
def test_health_answers_503_naming_the_database_when_it_is_down(client, monkeypatch):
    def down():
        raise OperationalError("connection to server at db.example (10.0.0.5) failed: secret")

    monkeypatch.setitem(site_views.HEALTH_CHECKS, "database", down)
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"] == {
        "database": "fail: OperationalError",
        "cache": "ok",
        "storage": "ok",
    }
    # The kind of failure only: no host, address or password reaches the prober.
    assert "10.0.0.5" not in response.content.decode() and "secret" not in response.content.decode()


@pytest.mark.django_db
def test_health_answers_503_naming_the_cache_when_redis_is_unreachable(client):
    # A real Redis client pointed at a port nobody listens on.
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        caches._settings = None  # the handler rereads CACHES
        try:
            response = client.get("/health/")
        finally:
            caches._settings = None
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["cache"].startswith("fail: ") and checks["database"] == "ok"


@pytest.mark.django_db
def test_health_answers_503_naming_the_storage_when_it_fails(client, monkeypatch):
    def broken(self, name):
        raise PermissionError("/srv/shared/media")

    monkeypatch.setattr(PrivateFileStorage, "exists", broken)
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["storage"] == "fail: PermissionError"
    assert "/srv/shared" not in response.content.decode()


# --- the request log -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_request_logs_one_line_with_method_path_status_user_and_duration(client, caplog):
    from tests.factories import build_org

    org = build_org()
    client.force_login(org.s1.user)
    with caplog.at_level(logging.INFO, logger="epms.request"):
        client.get("/?q=สมชาย")
        client.get("/no-such-page/")
    lines = [r.getMessage() for r in caplog.records if r.name == "epms.request"]
    assert len(lines) == 2
    user = org.s1.user.pk
    pattern = rf"method=GET path=/ status=200 user={user} ms=\d+(\.\d+)? pid=\d+"
    assert re.fullmatch(pattern, lines[0]), lines[0]
    assert "status=404" in lines[1]
    assert "สมชาย" not in lines[0]  # the query string (a searched name) is never logged


@pytest.mark.django_db
def test_the_request_log_may_be_json_and_leaves_passing_probes_out(client, caplog, settings):
    settings.REQUEST_LOG_FORMAT = "json"
    with caplog.at_level(logging.INFO, logger="epms.request"):
        client.get("/health/")
        client.get("/accounts/login/")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "epms.request"]
    fields = json.loads(line)
    assert fields["method"] == "GET" and fields["path"] == "/accounts/login/"
    assert fields["status"] == 200 and fields["user"] is None and fields["ms"] >= 0


# --- settings chosen from the environment ------------------------------------------------------


def settings_of(**env) -> dict:
    """The cache, session, storage and axes settings a server starts with in this environment."""
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "AWS_STORAGE_BUCKET_NAME", "DJANGO_SETTINGS_MODULE"}
    }
    full.update(env)
    code = (
        "import json, django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(json.dumps({'cache': s.CACHES['default'], 'session': s.SESSION_ENGINE,"
        " 'storage': s.STORAGES['default'], 'axes': s.AXES_HANDLER,"
        " 'exempt': getattr(s, 'SECURE_REDIRECT_EXEMPT', None),"
        " 'db': {a: d.get('OPTIONS', {}) for a, d in s.DATABASES.items()}}, default=str))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=full | {"DJANGO_SETTINGS_MODULE": "pms_site.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


PG = "postgres://pms@db.example:5432/pms"


def test_postgresql_binds_on_the_server_and_prepares_only_what_it_is_told_to():
    s = settings_of(DEBUG="1", DATABASE_URL=PG, DATABASE_REPLICA_URL=PG + "_replica")
    for alias in ("default", "replica"):
        assert s["db"][alias]["server_side_binding"] is True
        # psycopg's own count of runs never reaches it: common.prepared chooses.
        assert s["db"][alias]["prepare_threshold"] >= 2**31 - 1


def test_preparing_or_server_binding_can_be_turned_off_for_a_pooler():
    s = settings_of(DEBUG="1", DATABASE_URL=PG, DATABASE_PREPARED_STATEMENTS="off")
    assert s["db"]["default"] == {"server_side_binding": True, "prepare_threshold": None}
    s = settings_of(DEBUG="1", DATABASE_URL=PG, DATABASE_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in s["db"]["default"]
    assert "prepare_threshold" not in s["db"]["default"]


def test_sqlite_gets_no_postgresql_options():
    s = settings_of(DEBUG="1", DATABASE_URL="sqlite:////tmp/epms-settings-check.sqlite3")
    assert "server_side_binding" not in s["db"]["default"]


def test_a_wrong_prepared_statements_value_stops_the_start_with_its_name():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {"DEBUG": "1", "DATABASE_URL": PG, "DATABASE_PREPARED_STATEMENTS": "sometimes"}
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env | {"DJANGO_SETTINGS_MODULE": "pms_site.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "DATABASE_PREPARED_STATEMENTS" in done.stderr


def _prepared() -> list[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cur.fetchall()]


def test_only_the_compiled_look_ups_are_prepared_never_a_search_or_a_list(org):
    """A generic plan suits a look-up by key; a search by part of a name or a subtree's range
    must be planned for its own values (common.prepared)."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (SQLite has no such option)")
    from common.compiled import CompiledLookup
    from orgchart.models import Person

    by_code = CompiledLookup(lambda code: Person.objects.filter(staff_code=code), "code")
    assert [p.pk for p in by_code(code="0004")] == [org.s1.pk]
    for _ in range(20):
        list(Person.objects.filter(last_name__icontains="ทดสอบ").values_list("pk"))
        list(Person.objects.filter(pk=org.s1.pk).values_list("first_name"))
    statements = _prepared()
    assert any('WHERE "orgchart_person"."staff_code" = $1' in s for s in statements), statements
    assert not any("LIKE" in s for s in statements), statements
    assert not any(s.startswith('SELECT "orgchart_person"."first_name" FROM') for s in statements)


def test_without_redis_the_cache_and_sessions_live_in_the_shared_database():
    s = settings_of(DEBUG="1")
    assert s["cache"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert s["session"] == "django.contrib.sessions.backends.db"
    assert s["axes"] == "axes.handlers.database.AxesDatabaseHandler"
    assert s["storage"] == {"BACKEND": "common.storage.PrivateFileStorage"}


def test_with_redis_url_the_cache_is_redis_and_sessions_are_cached_with_the_database_behind():
    s = settings_of(DEBUG="1", REDIS_URL="redis://10.0.0.7:6379/2")
    assert s["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["cache"]["LOCATION"] == "redis://10.0.0.7:6379/2"
    assert s["session"] == "django.contrib.sessions.backends.cached_db"


def test_with_a_bucket_files_go_to_private_object_storage():
    s = settings_of(
        DEBUG="1",
        AWS_STORAGE_BUCKET_NAME="epms-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.go.th",
        AWS_ACCESS_KEY_ID="key",
        AWS_SECRET_ACCESS_KEY="secret",
    )
    options = s["storage"]["OPTIONS"]
    assert s["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "epms-files"
    assert options["endpoint_url"] == "https://s3.example.go.th"
    assert options["default_acl"] == "private" and options["querystring_auth"] is True
    assert options["file_overwrite"] is False


def test_production_lets_the_load_balancer_probe_health_over_plain_http():
    s = settings_of(DEBUG="0", SECRET_KEY="x" * 60, ALLOWED_HOSTS="pms.example.go.th")
    assert s["exempt"] == [r"^health/$"]


def test_the_s3_storage_is_built_from_those_settings_without_a_network_call():
    from storages.backends.s3 import S3Storage

    store = S3Storage(
        bucket_name="epms-files",
        endpoint_url="http://127.0.0.1:9",
        access_key="k",
        secret_key="s",
        default_acl="private",
        file_overwrite=False,
    )
    assert store.bucket_name == "epms-files" and store.default_acl == "private"


# --- files only through the storage ------------------------------------------------------------


def test_no_app_code_builds_a_path_from_media_root():
    apps = ["common", "orgchart", "kpi", "notices", "appraisal", "rewards", "reports", "pms_site"]
    offenders = [
        str(path.relative_to(ROOT))
        for app in apps
        for path in (ROOT / app).rglob("*.py")
        if "MEDIA_ROOT" in path.read_text(encoding="utf-8") and path.name != "settings.py"
    ]
    assert offenders == []


def test_the_private_storage_writes_whole_files_and_never_overwrites(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    store = storages["default"]
    assert isinstance(store, PrivateFileStorage)
    first = store.save("reports/jobs/1/book.pdf", ContentFile(b"%PDF first"))
    second = store.save("reports/jobs/1/book.pdf", ContentFile(b"%PDF second"))
    assert first == "reports/jobs/1/book.pdf" and second != first
    assert (tmp_path / first).read_bytes() == b"%PDF first"
    assert (tmp_path / second).read_bytes() == b"%PDF second"
    # No temporary file is left beside them, and nothing has a URL.
    assert sorted(p.name for p in (tmp_path / "reports/jobs/1").iterdir()) == sorted(
        [Path(first).name, Path(second).name]
    )
    with pytest.raises(ValueError):
        store.url(first)


def test_a_failed_write_leaves_nothing_under_the_name(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class Broken(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"%PDF half"
            raise OSError("disk full")

    with pytest.raises(OSError):
        storages["default"].save("reports/cache/ab/x.pdf", Broken(b""))
    assert list((tmp_path / "reports/cache/ab").iterdir()) == []
