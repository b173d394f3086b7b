"""The one PDF renderer: a Django template to A4 PDF bytes in Sarabun, B.E. dates, and every
digit on the page in Thai when the organisation asks for Thai digits.

Fonts come from static/fonts through @font-face file URLs, read once into one module-level
FontConfiguration and one compiled stylesheet; the URL fetcher refuses everything else, so a
KPI name can never make the renderer fetch a URL. WeasyPrint is not thread-safe, so renders
in one process take turns.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from common import thai
from reports import fonts

FONT_DIR = Path(settings.BASE_DIR) / "static" / "fonts"
STYLESHEET = Path(__file__).resolve().parent / "print.css"
FACES = [
    ("Sarabun-Regular.ttf", "normal", "normal"),
    ("Sarabun-Bold.ttf", "bold", "normal"),
    ("Sarabun-Italic.ttf", "normal", "italic"),
    ("Sarabun-BoldItalic.ttf", "bold", "italic"),
]

FONT_CONFIG = FontConfiguration()
_lock = threading.Lock()
_stylesheet: CSS | None = None


class FontsOnly(URLFetcher):
    """Serves the Sarabun files of static/fonts (with the SARA AM glyph, see reports.fonts)
    and nothing else."""

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        path = Path(unquote(parsed.path)).resolve() if parsed.scheme == "file" else None
        if path is None or path.parent != FONT_DIR.resolve() or path.suffix != ".ttf":
            raise ValueError(f"the PDF renderer only reads the fonts in {FONT_DIR}: {url}")
        body = fonts.served_font(path.read_bytes())
        return URLFetcherResponse(url, body=body, headers={"Content-Type": "font/ttf"})


FETCHER = FontsOnly()


def _font_faces() -> str:
    return "\n".join(
        f'@font-face {{ font-family: "Sarabun"; src: url("{(FONT_DIR / name).as_uri()}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for name, weight, style in FACES
    )


def stylesheet() -> CSS:
    """The fonts and the shared print styles, compiled once per process."""
    global _stylesheet
    if _stylesheet is None:
        _stylesheet = CSS(
            string=_font_faces() + "\n" + STYLESHEET.read_text(encoding="utf-8"),
            font_config=FONT_CONFIG,
            url_fetcher=FETCHER,
        )
    return _stylesheet


class _ExactThai(dict):
    """A WeasyPrint font's glyph -> text map that writes each Thai glyph's own characters
    instead of those of the cluster it happened to be met in first (see reports.fonts)."""

    def __init__(self, texts: dict[int, str], every_glyph: dict[int, str] | None = None):
        super().__init__()
        self.texts = texts
        if every_glyph:
            dict.update(self, every_glyph)

    def __setitem__(self, glyph_id, text):
        super().__setitem__(glyph_id, self.texts.get(glyph_id, text))


class _Fonts(dict):
    """Document.fonts: every font WeasyPrint adds while drawing gets an exact Thai map, and
    with `whole` every glyph of the font counts as used (reports.fonts.all_glyph_texts)."""

    def __init__(self, *, whole: bool = False):
        super().__init__()
        self.whole = whole

    def __setitem__(self, key, font):
        texts = fonts.glyph_texts(font.file_content)
        if texts:
            every = fonts.all_glyph_texts(font.file_content) if self.whole else None
            font.to_unicode = _ExactThai(texts, every)
        super().__setitem__(key, font)


def html_to_pdf(html: str, *, exact_thai: bool = True, whole_fonts: bool = False) -> bytes:
    """PDF bytes of an HTML string with the shared stylesheet. `exact_thai=False` is plain
    WeasyPrint (the benchmark's floor). `whole_fonts` embeds every glyph of the fonts instead
    of those the page uses: every part of a book then carries byte-identical font files and
    text maps, which the book keeps once (reports/book.py). (WeasyPrint's own `full_fonts`
    would map glyphs through the cmap only and lose the exact Thai text.)"""
    sheet = stylesheet()
    with _lock:
        document = HTML(string=html, url_fetcher=FETCHER).render(
            stylesheets=[sheet], font_config=FONT_CONFIG
        )
        if exact_thai:
            document.fonts = _Fonts(whole=whole_fonts)
        return document.write_pdf()


# Digits are converted in text only: never inside a tag, a character reference or a style.
_NOT_TEXT = re.compile(r"(<style\b.*?</style>|<[^>]*>|&#?\w+;)", re.S | re.I)


def thai_digits_in_html(html: str) -> str:
    parts = _NOT_TEXT.split(html)
    return "".join(part if i % 2 else thai.thai_digits(part) for i, part in enumerate(parts))


def render_html(template_name: str, context: dict, *, thai_digits: bool = False) -> str:
    """The template in Thai whatever the user's language (these are Thai official forms),
    with `thai_digits` in the context for the page counters."""
    with translation.override("th"):
        html = render_to_string(template_name, {**context, "thai_digits": thai_digits})
    return thai_digits_in_html(html) if thai_digits else html


def render_pdf(template_name: str, context: dict, *, thai_digits: bool = False) -> bytes:
    return html_to_pdf(render_html(template_name, context, thai_digits=thai_digits))
