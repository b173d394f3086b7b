"""The private files on S3-compatible object storage (django-storages, AWS_STORAGE_BUCKET_NAME)
against a real S3 server (moto's, tests/s3.py), in one process: the settings the environment
builds, the per-person PDF cache and its pruning, the health probe. The two-server test on a
bucket (tests/test_two_servers.py) covers uploads, books and imports across servers."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from django.core.files.storage import storages
from django.test import override_settings

from reports import cache
from tests.s3 import bucket  # noqa: F401 (a fixture)
from tests.test_scale import settings_of


@pytest.fixture
def on_bucket(bucket):  # noqa: F811 (the fixture imported above)
    """The default storage as the settings build it from the bucket's environment."""
    default = settings_of(DEBUG="1", **bucket.env)["storage"]
    with override_settings(STORAGES={**settings.STORAGES, "default": default}):
        assert storages["default"].__class__.__name__ == "S3Storage"
        yield bucket


def test_the_pdf_cache_keeps_each_pdf_once_as_a_private_object_and_prunes_it(on_bucket):
    rendered = []

    def render():
        rendered.append(1)
        return b"%PDF-1.7 one form\n%%EOF\n"

    data, fresh = cache.fetch_or_render("ab" + "0" * 62, render)
    again, fresh_again = cache.fetch_or_render("ab" + "0" * 62, render)
    assert (fresh, fresh_again, len(rendered)) == (True, False, 1) and again == data
    stored = on_bucket.objects()
    assert stored == {cache.cache_name("ab" + "0" * 62): data}
    assert all(on_bucket.is_private(key) for key in stored)

    # A temporary file a killed writer left behind, and the cached PDF: neither is old yet.
    on_bucket.put("reports/cache/ab/x.pdf.part", b"half")
    assert cache.prune(unused_days=30) == (0, 0)
    # A month and a day later both go, with their sizes; the bucket's other files stay.
    on_bucket.put("evidence/1/2/kept", b"evidence")
    later = time.time() + 31 * 86400
    assert cache.prune(unused_days=30, now=later) == (2, len(data) + len(b"half"))
    assert list(on_bucket.objects()) == ["evidence/1/2/kept"]
    # A cache folder that was never made prunes nothing.
    on_bucket.delete("evidence/1/2/kept")
    assert cache.prune(unused_days=30, now=later) == (0, 0)


@pytest.mark.django_db
def test_health_checks_the_bucket_and_names_the_storage_when_it_is_gone(client, on_bucket):
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    assert ".health" in on_bucket.objects()

    on_bucket.delete(".health")
    on_bucket.client.delete_bucket(Bucket=on_bucket.name)
    response = client.get("/health/")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"].startswith("fail: ") and checks["database"] == "ok"
    # The kind of failure only: no endpoint or bucket name reaches the prober.
    assert (
        on_bucket.name not in response.content.decode()
        and "127.0.0.1" not in response.content.decode()
    )
