import copy
import os
import shutil

import pytest
from django.db import connection, transaction
from django.test.utils import override_settings
from hypothesis import settings as hypothesis_settings

from tests.factories import build_org

# `make test` (and CI) draws the same examples on every run, so that a result can be repeated
# and a change is not refused for an example nobody drew before; `make fuzz` explores new ones
# at random, many more of them (FUZZ_CASES), and is how new failures are found.
hypothesis_settings.register_profile("repeatable", derandomize=True, print_blob=True)
hypothesis_settings.register_profile("explore", print_blob=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))


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


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded evidence goes to a temporary folder, never into the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


# --- rows built once for consecutive tests ------------------------------------------------------


class SharedRows:
    """The rows of one builder, kept in an open transaction while consecutive tests use them.

    The URL x role tables fetch hundreds of pages from the same world, whose build through the
    services costs more than the requests. It is built once, inside a transaction of its own; each
    test then runs in its `db` savepoint inside it, so whatever a test writes is still rolled back
    before the next. When the next test does not ask for shared rows (it builds its own, wants a
    transactional database, or is the last one), the transaction is rolled back."""

    def __init__(self):
        self.build = None
        self.value = None
        self.media = None
        self._atomic = None
        self._blocker = None

    def get(self, build, *, blocker, media):
        if self.build is not build:
            self.close()
            with blocker.unblock():
                if connection.in_atomic_block:
                    raise RuntimeError(
                        "shared rows are built before the test's own transaction: ask for the "
                        "fixture before `db` (and never in a transactional test)"
                    )
                self._blocker = blocker
                self._atomic = transaction.atomic()
                self._atomic.__enter__()
                try:
                    # Files written while building (evidence uploads) go to a folder of their
                    # own, copied into each test's private MEDIA_ROOT.
                    self.media = media()
                    with override_settings(MEDIA_ROOT=self.media):
                        self.value = build()
                except BaseException:
                    self.close()
                    raise
            self.build = build
        return self.value

    def close(self):
        if self._atomic is None:
            return
        with self._blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        self.__init__()


SHARED_ROWS = SharedRows()


SHARED_ROWS_FIXTURES: set[str] = set()


def shared_rows(name, build):
    """The fixture `name` of build()'s rows (build: a module-level function, so that its
    identity names the rows), built once for a run of consecutive tests that ask for it. A test
    gets them with `shared_copy`, in a fixture that asks for this one before `db`:

        url_world_rows = shared_rows("url_world_rows", build_url_world)

        @pytest.fixture
        def world(url_world_rows, db, settings):
            return shared_copy(url_world_rows, settings)
    """

    @pytest.fixture(name=name)
    def rows(request, _shared_rows_transaction, django_db_blocker, tmp_path_factory):
        marker = request.node.get_closest_marker("django_db")
        if (marker and marker.kwargs.get("transaction")) or "transactional_db" in (
            request.fixturenames
        ):
            raise pytest.UsageError(f"{request.node.nodeid}: shared rows in a transactional test")
        return SHARED_ROWS.get(
            build, blocker=django_db_blocker, media=lambda: tmp_path_factory.mktemp("shared-media")
        )

    SHARED_ROWS_FIXTURES.add(name)
    return rows


@pytest.fixture(autouse=True)
def _django_db_marker(request):
    """pytest-django's own (a test marked django_db gets its database before its fixtures run),
    except that the shared rows the test asks for come first: its transaction lies inside theirs."""
    if request.node.get_closest_marker("django_db"):
        for name in request.fixturenames:
            if name in SHARED_ROWS_FIXTURES:
                request.getfixturevalue(name)
        request.getfixturevalue("_django_db_helper")


def shared_copy(value, settings):
    """The test's own deep copy of the shared objects, and the files of the build in its own
    MEDIA_ROOT, so that it may change either as it likes."""
    if SHARED_ROWS.media is not None and SHARED_ROWS.media.exists():
        shutil.copytree(SHARED_ROWS.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return copy.deepcopy(value)


def build_url_world():
    """The organisation of the URL x role tables (tests/test_url_access.py, tests/security):
    round 2570-1 of tests.appraisal.conftest.appraisal_world and a KPI in each department."""
    from tests.appraisal.conftest import appraisal_world
    from tests.kpi.conftest import make_kpi

    org = build_org()
    appraisal_world(org)
    org.kpi = make_kpi(org.div1, code="1")
    org.other_kpi = make_kpi(org.other, code="X")
    return org


url_world_rows = shared_rows("url_world_rows", build_url_world)


@pytest.fixture
def _shared_rows_transaction(django_db_setup):
    """Asked for by every shared_rows fixture: the next test's need for them is read from it."""
    return SHARED_ROWS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a test's own teardown: drop the shared rows unless the next test uses some too."""
    try:
        return (yield)
    finally:
        if nextitem is None or "_shared_rows_transaction" not in getattr(
            nextitem, "fixturenames", ()
        ):
            SHARED_ROWS.close()


# --- the robustness tally ----------------------------------------------------------------------
# Counted where the tests run; with pytest-xdist (`make test`) that is in the workers, which hand
# it to the controller that prints it.


def pytest_sessionfinish(session):
    if hasattr(session.config, "workeroutput"):
        from tests.robustness.conftest import TALLY

        session.config.workeroutput["robustness_tally"] = dict(TALLY)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.robustness.conftest import TALLY

    TALLY.update(getattr(node, "workeroutput", {}).get("robustness_tally", {}))


def pytest_terminal_summary(terminalreporter):
    from tests.robustness.conftest import TALLY

    if not TALLY:
        return
    terminalreporter.section("robustness: cases run")
    for name, n in sorted(TALLY.items()):
        terminalreporter.write_line(f"{n:6d}  {name}")
    fuzz = sum(n for name, n in TALLY.items() if name.startswith("fuzz:"))
    faults = sum(n for name, n in TALLY.items() if name.startswith("fault:"))
    terminalreporter.write_line(f"total fuzz cases {fuzz}, faults injected {faults}")
