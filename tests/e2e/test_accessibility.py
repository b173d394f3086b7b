"""Accessibility in a real browser: axe-core (vendored, tests/e2e/vendor/) on the main page of
each role, failing on serious or critical violations; and the keyboard's way in (skip link,
help panel)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_journeys import scored_form, url

pytestmark = pytest.mark.django_db(transaction=True)

AXE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
BLOCKING = {"serious", "critical"}


def axe_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one readable line each. The
    script is evaluated through the devtools protocol, so the site's CSP (script-src 'self')
    stays as it is."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE + "\n;0")
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def test_the_main_page_of_each_role_passes_axe(org, browser, live_server, login_as):
    rnd, form = scored_form(org)
    pages = {
        "anonymous": [url("login")],
        "s1": [url("appraisal:my")],
        "grp1_head": [url("appraisal:team") + f"?round={rnd.pk}", url("appraisal:score", form.pk)],
        "hr": [
            url("appraisal:round_console", rnd.pk),
            url("appraisal:round_forms", rnd.pk),
            url("appraisal:distribution", rnd.pk),
        ],
        "admin": [url("home"), url("manual_page", "hr")],
    }
    problems = []
    for who, paths in pages.items():
        if who == "anonymous":
            context = browser.new_context(base_url=live_server.url, locale="th-TH")
            page = context.new_page()
        else:
            page = login_as(who)
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (who, path, response.status)
            problems += [f"{who} {path}: {p}" for p in axe_violations(page)]
        if who == "anonymous":
            context.close()
    assert not problems, "\n".join(problems)


def test_the_keyboard_reaches_the_content_and_the_help_panel(org, login_as):
    page = login_as("s1")
    page.goto(url("appraisal:my"))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown when focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # The help panel's button opens and closes its text from the keyboard, and says so.
    toggle = page.locator("[data-help-panel='my'] .help-toggle")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.focus()
    page.keyboard.press("Enter")
    page.locator("#help-my").wait_for(state="hidden")
    assert toggle.get_attribute("aria-expanded") == "false"
    # Closed stays closed on the next visit of the page (localStorage).
    page.reload()
    assert page.locator("#help-my").is_hidden()
