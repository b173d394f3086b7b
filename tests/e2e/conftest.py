"""Browser fixtures for the end-to-end journeys: headless Debian chromium driven by Playwright
against pytest-django's live server, with a screenshot of every open page when a test fails.

The system chromium is used (CI installs it with apt); Playwright's own browser download is
never needed. Missing chromium fails the journeys with a message; E2E=0 skips them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
FAILURES = Path(settings.BASE_DIR) / "var" / "e2e-failures"
TIMEOUT_MS = 15_000
HERE = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _e2e_disabled() -> bool:
    return os.environ.get("E2E", "").strip() == "0"


def pytest_collection_modifyitems(config, items):
    """E2E=0 is the only way to leave the journeys out; a missing browser is a failure."""
    if not _e2e_disabled():
        return
    skip = pytest.mark.skip(reason="E2E=0: browser journeys switched off")
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="module")
def live_server(request, django_db_setup):
    """pytest-django's live server, built while MEDIA_URL names a path no page uses.

    Django's LiveServerThread always wraps the site in a media-file handler that parses
    MEDIA_URL once, when the thread starts; the site sets MEDIA_URL = None (private media is
    never served directly), which that handler cannot parse. The prefix below is served by the
    test handler only and never linked; every other request reaches the site unchanged."""
    from django.test.utils import override_settings
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    with override_settings(MEDIA_URL="/e2e-media-not-served/"):
        server = LiveServer(addr)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file() or not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"chromium not found at {CHROMIUM}: install it (apt-get install chromium) or set "
            "E2E_CHROMIUM to its path; set E2E=0 to skip the browser journeys",
            pytrace=False,
        )
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        pytest.fail(
            "playwright is not installed: pip install -e '.[dev]'; set E2E=0 to skip the "
            "browser journeys",
            pytrace=False,
        )
    # Playwright's sync API keeps an asyncio loop running in this thread; Django then refuses
    # ORM calls from the test body and from the database teardown unless told otherwise.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    expect.set_options(timeout=TIMEOUT_MS)
    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        pw.stop()
        _restore(previous)
        pytest.fail(f"chromium at {CHROMIUM} did not start: {exc}", pytrace=False)
    yield chromium
    chromium.close()
    pw.stop()
    _restore(previous)


def _restore(previous: str | None) -> None:
    if previous is None:
        os.environ.pop(ASYNC_UNSAFE, None)
    else:
        os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def login_as(request, browser, live_server):
    """login_as("s1") -> a page of a fresh browser context, signed in through the real login
    form. Every page opened this way is photographed if the test fails."""
    pages = []

    def open_as(username: str):
        context = browser.new_context(
            base_url=live_server.url,
            locale="th-TH",
            timezone_id="Asia/Bangkok",
            accept_downloads=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # data-confirm prompts
        pages.append((username, page))
        page.goto("/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.locator("main form button[type=submit]").click()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"login as {username} failed: still on {page.url}")
        return page

    yield open_as

    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for i, (username, page) in enumerate(pages):
            target = FAILURES / (f"{name}.png" if i == 0 else f"{name}-{i}-{username}.png")
            try:
                page.screenshot(path=str(target), full_page=True)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                print(f"screenshot of {username}'s page failed: {exc}")
    for _, page in pages:
        page.context.close()
