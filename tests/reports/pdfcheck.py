"""Reading PDFs back as a user's tools do: poppler's pdftotext and pdffonts, and pypdf."""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
from html.parser import HTMLParser

from pypdf import PdfReader


def _poppler(tool: str, data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(
            [tool, *args, f.name, *(["-"] if tool == "pdftotext" else [])],
            check=True,
            capture_output=True,
            text=True,
        ).stdout


def text_of(data: bytes) -> str:
    """The text in drawing order (-raw), so a wrapped table cell stays in one piece."""
    return _poppler("pdftotext", data, "-raw", "-enc", "UTF-8")


def fonts_of(data: bytes) -> list[dict]:
    """pdffonts rows: name, emb, sub, uni."""
    rows = []
    for line in _poppler("pdffonts", data).splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the last five columns are fixed.
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pages_of(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and re.search(r"[\u0e00-\u0e7f]", data):
            self.texts.append(squeeze(data))


def thai_texts_of(html: str) -> list[str]:
    """Every piece of Thai text the page should show (text nodes of the rendered HTML)."""
    parser = _Texts()
    parser.feed(html)
    return [t for t in parser.texts if t]


def missing_texts(html: str, pdf: bytes) -> list[str]:
    """The Thai text nodes that do not come back, whole, out of the PDF."""
    got = squeeze(text_of(pdf))
    return [t for t in thai_texts_of(html) if t not in got]
