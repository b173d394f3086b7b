"""No English left in the Thai interface (issue 14, item 4).

Every page of the URL × role table (tests/test_url_access.py) that a role gets as HTML with
status 200 is read as a user would read it (the text, the placeholders, titles, accessible
names, button values and option texts; not scripts, styles, URLs or form values) and must have
no Latin word outside a short allow-list: codes, units, names of systems and standards, and
the label of the English language switch.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests import test_url_access
from tests.security import request_as
from tests.test_url_access import CASES
from tests.url_roles import OK, ROLES

world = test_url_access.world  # the table's fixture, used by name

# Words a Thai office writes in Latin letters: systems, file kinds, units, standards, the
# language switch, and the test world's own codes and names.
ALLOWED = {
    "kpi",
    "kpis",
    "os",
    "pdf",
    "excel",
    "xlsx",
    "csv",
    "e-pms",
    "epms",
    "pms",
    "dpis",
    "ocsc",
    "idp",
    "svg",
    "id",
    "mb",
    "kb",
    "english",
    "en",
    "th",
    "ok",
    "google",
    "thai",
    "email",
    "e-mail",
    "ldap",
    "ip",
    "url",
    "smart",
    "pdca",
    "swot",
    "it",
    "hr",
    "ms",
}
# Codes: staff codes, position numbers, grade codes (K1, O2, M1), round codes, file names.
CODE = re.compile(r"^(?=.*\d)[A-Za-z0-9._/-]+$|^[A-Z]{1,5}$|^[\w.-]+\.(pdf|xlsx|csv|png|jpg)$")
# Proper names of things an office writes in English: the OCSC's "OS Matrix", e-mail addresses.
NAMES = re.compile(r"OS Matrix|[\w.+-]+@[\w.-]+|\b[\w-]+(\.[\w-]+)*\.(go|ac|or|co)\.th\b")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’._/-]*")

SKIP_TAGS = {"script", "style", "template", "svg", "code", "pre"}
TEXT_ATTRS = {"placeholder", "title", "aria-label", "alt", "aria-description"}


class _Visible(HTMLParser):
    """The text a user reads or hears: text nodes outside scripts and styles, and the
    attributes shown or spoken (placeholder, title, aria-label, alt, a button's value)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.skip_stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SKIP_TAGS:
            self.skip_stack.append(tag)
            return
        if self.skip_stack or "data-allow-latin" in attrs or attrs.get("lang") == "en":
            if tag not in {"input", "img", "br", "meta", "link", "hr"}:
                self.skip_stack.append(tag)
            return
        for name in TEXT_ATTRS:
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            self.parts.append(attrs.get("value") or "")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if self.skip_stack and self.skip_stack[-1] == tag:
            self.skip_stack.pop()

    def handle_data(self, data):
        if not self.skip_stack:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def english_words(text: str, *, names: tuple[str, ...] = ()) -> set[str]:
    """The Latin words of the text outside the allow-list, codes and the given names."""
    found = set()
    text = NAMES.sub(" ", text)
    for name in names:
        text = text.replace(name, " ")
    for word in LATIN_WORD.findall(text):
        word = word.strip("'’.-_")
        if not word or word.lower() in ALLOWED or CODE.match(word):
            continue
        found.add(word)
    return found


def _html_cases():
    return [c for c in CASES if any(c[3][role] == OK for role in ROLES)]


@pytest.mark.parametrize(
    ("name", "method", "kwargs", "expected"),
    [pytest.param(*c, id=f"{c[0]}-{c[1]}#{i}") for i, c in enumerate(_html_cases())],
)
def test_no_english_word_on_any_page(world, name, method, kwargs, expected):
    english = {}
    for role in [r for r in ROLES if expected[r] == OK]:
        response = request_as(world, role, name, method, kwargs)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.body.decode("utf-8", errors="replace")
        # The signed-in user's account name is a name (the world's admin is "admin").
        user = getattr(response.wsgi_request, "user", None)
        names = (user.get_username(),) if user and user.is_authenticated else ()
        words = english_words(visible_text(html), names=names)
        if words:
            english[role] = sorted(words)
    assert english == {}, (name, english)


def test_the_scan_finds_english_and_lets_codes_through():
    html = (
        '<p>ระดับ bar scale <b title="Choose File">K1</b> 2570-1 KPI</p>'
        "<script>var x = 'hello';</script><input placeholder='dd/mm/yyyy'>"
    )
    assert english_words(visible_text(html)) == {"bar", "scale", "Choose", "File", "dd/mm/yyyy"}
    assert english_words("u000001 O2 K1 2570/1 report.pdf DOCX ตาราง OS Matrix") == set()
    assert english_words("somchai@example.go.th admin", names=("admin",)) == set()
