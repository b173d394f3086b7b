"""Layout that cannot break silently: every form kind rendered once with the longest real Thai
KPI texts and long names (tests/reports/longtexts.py), then read back from the PDF's own text
boxes and lines with pdfplumber: no word crosses a cell border, no name is split across lines,
no signature block or KPI group header stands alone at a page edge, and a five-KPI
achievement form is one page with its signatures."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from appraisal.models import ItemKind
from reports import documents, sheets
from tests.factories import build_org
from tests.reports.conftest import release_worked_example
from tests.reports.longtexts import LONG_NAMES, long_sheet

pdfplumber = pytest.importorskip("pdfplumber")

# pdfminer orders a line's characters by x, so a Thai mark may come before its base letter, and
# it puts spaces where glyphs leave gaps: texts are compared on their base letters only.
_MARKS = re.compile("[\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\\s]")


def base(text: str) -> str:
    return _MARKS.sub("", text)


GROUP_LABELS = [base(str(k.label)) for k in ItemKind]
SIGN, TOTAL, PART_4 = base("ลงชื่อ"), base("รวม"), base("ส่วนที่ 4")
FOOTER_PT = 40  # the page foot (form name, page number) is below this distance from the edge


def _render_all() -> dict[str, bytes]:
    """Each kind once, from the DOMAIN worked example with long texts put into its sheet."""
    org = build_org()
    rnd, f1, _f2 = release_worked_example(org)
    form = documents.form_for_print(f1.pk)
    sheet = sheets.form_sheet(form)
    return {
        "summary": documents.form_pdf(form, "summary", long_sheet(sheet)),
        "achievement-5": documents.form_pdf(form, "achievement", long_sheet(sheet, kpis=5)),
        "achievement-9": documents.form_pdf(form, "achievement", long_sheet(sheet, kpis=9)),
        "agreement": documents.form_pdf(
            form, "achievement", sheets.without_scores(long_sheet(sheet, kpis=4))
        ),
        "competency": documents.form_pdf(form, "competency", long_sheet(sheet)),
        "unit_report": documents.unit_report_pdf(rnd, org.dept),
        "announcement": documents.announcement_pdf(rnd, org.dept),
    }


_RENDERED: dict[str, bytes] = {}


@pytest.fixture
def pdfs(db):
    """The PDFs are rendered by the first test that asks (in its own database transaction)
    and only read by the others: bytes, not rows, are kept between tests."""
    if not _RENDERED:
        _RENDERED.update(_render_all())
    return {k: pdfplumber.open(io.BytesIO(v)) for k, v in _RENDERED.items()}


def _words(page):
    return [w for w in page.extract_words() if w["bottom"] < page.height - FOOTER_PT]


def _lines(page) -> list[str]:
    return [
        base(line["text"])
        for line in page.extract_text_lines()
        if line["bottom"] < page.height - FOOTER_PT
    ]


def crossings(page) -> list[str]:
    """Words with a table's vertical border running through them."""
    edges = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 8]
    bad = []
    for w in _words(page):
        middle = (w["top"] + w["bottom"]) / 2
        for e in edges:
            if w["x0"] + 1 < e["x0"] < w["x1"] - 1 and e["top"] <= middle <= e["bottom"]:
                bad.append(w["text"])
                break
    return bad


@pytest.mark.parametrize(
    "kind",
    ["summary", "achievement-5", "achievement-9", "agreement", "competency", "unit_report"],
)
def test_no_word_crosses_a_cell_border(pdfs, kind):
    assert [w for p in pdfs[kind].pages for w in crossings(p)] == []


@pytest.mark.parametrize("kind", ["summary", "achievement-5", "agreement", "competency"])
def test_no_name_is_split_across_lines(pdfs, kind):
    lines = [line for p in pdfs[kind].pages for line in _lines(p)]
    for name in LONG_NAMES[:2]:
        for part in name.split():
            assert any(base(part) in line for line in lines), (kind, part)


@pytest.mark.parametrize("kind", ["achievement-5", "achievement-9", "agreement"])
def test_no_group_header_ends_a_page_and_signatures_keep_their_rows(pdfs, kind):
    pages = pdfs[kind].pages
    for page in pages:
        lines = _lines(page)
        assert lines and lines[-1] not in GROUP_LABELS, (kind, page.page_number)
    signed = [p for p in pages if any(line.startswith(SIGN) for line in _lines(p))]
    assert signed, kind
    # The signatures share their page with the last rows above them: the KPI table's total
    # ("รวม"), or on the agreement the last of its competencies.
    last_row = base("การทำงานเป็นทีม") if kind == "agreement" else TOTAL
    assert any(line.startswith(last_row) or last_row in line for line in _lines(signed[0])), kind


def test_part_4_of_the_summary_is_on_one_page(pdfs):
    # The last mention of part 4 is its heading (the instructions at the top name it too);
    # its two signature blocks follow on the same page, before part 5.
    page = [p for p in pdfs["summary"].pages if any(PART_4 in x for x in _lines(p))][-1]
    lines = _lines(page)
    start = max(i for i, x in enumerate(lines) if PART_4 in x)
    end = next((i for i, x in enumerate(lines) if base("ส่วนที่ 5") in x and i > start), None)
    assert sum(x.startswith(SIGN) for x in lines[start:end]) >= 2


def test_a_five_kpi_achievement_form_is_one_page_with_its_signatures(pdfs):
    pages = pdfs["achievement-5"].pages
    assert len(pages) == 1
    assert any(line.startswith(SIGN) for line in _lines(pages[0]))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_bold_headings_copy_out_whole_in_the_default_text_mode(pdfs):
    """poppler's default mode (what a viewer's search and copy use) joins each Thai mark to
    its letter only when the mark's origin lies inside it (reports.fonts._marks_inside_base)."""
    data = _RENDERED["summary"]
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    assert "แบบสรุปการประเมินผลการปฏิบัติราชการ" in text
    assert "การรับทราบผลการประเมิน" in text
