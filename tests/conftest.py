import pytest
from django.db import connection

from tests.factories import build_org


@pytest.fixture
def org(db):
    return build_org()


def pytest_collection_modifyitems(config, items):
    """Tests marked `postgres` are skipped when the suite runs on SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def on_postgres():
    return connection.vendor == "postgresql"
