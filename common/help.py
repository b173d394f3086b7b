"""The help panels of the main pages and the user manual (docs/manual/*.md) shown in the app.

One registry: each help topic names the template with its text (templates/help/<topic>.html)
and the manual page for the role the page serves, so that a page's help is kept in one file
and a test can check every topic (tests/common/test_help.py).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import markdown
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

MANUAL_DIR = Path(settings.BASE_DIR) / "docs" / "manual"
# The images of the manual are static files under this prefix (settings.STATICFILES_DIRS).
MANUAL_STATIC_PREFIX = "manual"

# slug -> (file in docs/manual, title in the menu of the manual)
MANUAL_PAGES: dict[str, tuple[str, str]] = {
    "index": ("README.md", "เริ่มต้นใช้งาน"),
    "staff": ("staff.md", "ผู้รับการประเมิน (บุคลากร)"),
    "supervisor": ("supervisor.md", "ผู้ประเมิน (ผู้บังคับบัญชา)"),
    "higher": ("higher.md", "ผู้บังคับบัญชาเหนือขึ้นไปและคณะกรรมการ"),
    "hr": ("hr.md", "เจ้าหน้าที่บริหารงานบุคคล"),
    "admin": ("admin.md", "ผู้ดูแลระบบ"),
}

# help topic -> the manual page it points to (templates/help/<topic>.html holds the text)
TOPICS: dict[str, str] = {
    "home": "index",
    "orgchart": "index",
    "my": "staff",
    "form": "staff",
    "agreement": "staff",
    "checkin": "staff",
    "journal": "staff",
    "self_assess": "staff",
    "team": "supervisor",
    "agreement_review": "supervisor",
    "score": "supervisor",
    "review": "higher",
    "kpi_unit": "supervisor",
    "kpi_detail": "supervisor",
    "kpi_form": "supervisor",
    "kpi_targets": "supervisor",
    "kpi_os": "supervisor",
    "kpi_cascade": "supervisor",
    "rounds": "hr",
    "round_console": "hr",
    "round_settings": "hr",
    "round_forms": "hr",
    "distribution": "hr",
    "reports": "hr",
    "reports_round": "hr",
    "import": "hr",
}


def help_template(topic: str) -> str:
    if topic not in TOPICS:
        raise KeyError(f"help topic {topic!r} is not in common.help.TOPICS")
    return f"help/{topic}.html"


class _ManualLinks(Treeprocessor):
    """Images from img/ become static files; links to another page of the manual become its
    URL in the app; tables get Bootstrap's look and scroll inside the page on a phone."""

    def run(self, root: ElementTree.Element) -> None:
        for img in root.iter("img"):
            src = img.get("src", "")
            if src.startswith("img/"):
                img.set("src", static(f"{MANUAL_STATIC_PREFIX}/{src[4:]}"))
            img.set("class", "img-fluid border rounded manual-shot")
            img.set("loading", "lazy")
        files = {name: slug for slug, (name, _) in MANUAL_PAGES.items()}
        for a in root.iter("a"):
            href = a.get("href", "")
            name, _, anchor = href.partition("#")
            if name in files:
                a.set(
                    "href",
                    reverse("manual_page", args=[files[name]]) + (f"#{anchor}" if anchor else ""),
                )
        for parent in list(root.iter()):
            for i, child in enumerate(list(parent)):
                if child.tag == "table":
                    child.set("class", "table table-sm table-bordered bg-white")
                    wrapper = ElementTree.Element("div", {"class": "table-responsive"})
                    parent.remove(child)
                    wrapper.append(child)
                    parent.insert(i, wrapper)


class _ManualExtension(Extension):
    def extendMarkdown(self, md):  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_ManualLinks(md), "manual_links", 5)


@lru_cache(maxsize=32)
def _render(path: Path, mtime: float) -> str:
    text = path.read_text(encoding="utf-8")
    return markdown.markdown(text, extensions=["tables", "attr_list", "toc", _ManualExtension()])


def manual_html(slug: str) -> str:
    """The manual page as HTML (the Markdown is the project's own file, never user input)."""
    name, _ = MANUAL_PAGES[slug]
    path = MANUAL_DIR / name
    return _render(path, path.stat().st_mtime)
