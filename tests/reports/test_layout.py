"""Layout that cannot break silently: every form kind rendered once with the longest real Thai
KPI texts and long names (tests/reports/longtexts.py), then read back from the PDF's own text
boxes and lines with pdfplumber: no word crosses a cell border, no name is split across lines,
no signature block or KPI group header stands alone at a page edge, a five-KPI achievement
form (with or without a management-title row) is one page with its signatures, and every run
of Thai text, bold and regular, copies out whole in poppler's default text mode."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata

import pytest

from appraisal.models import ItemKind
from reports import documents, sheets
from tests.factories import build_org
from tests.reports import longtexts
from tests.reports.conftest import release_worked_example
from tests.reports.longtexts import LONG_MANAGEMENT_TITLE, LONG_NAMES, long_sheet

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
        "achievement-5-management": documents.form_pdf(
            form,
            "achievement",
            long_sheet(sheet, kpis=5, management_title=LONG_MANAGEMENT_TITLE),
        ),
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
    [
        "summary",
        "achievement-5",
        "achievement-5-management",
        "achievement-9",
        "agreement",
        "competency",
        "unit_report",
    ],
)
def test_no_word_crosses_a_cell_border(pdfs, kind):
    assert [w for p in pdfs[kind].pages for w in crossings(p)] == []


@pytest.mark.parametrize("kind", ["summary", "achievement-5", "agreement", "competency"])
def test_no_name_is_split_across_lines(pdfs, kind):
    lines = [line for p in pdfs[kind].pages for line in _lines(p)]
    for name in LONG_NAMES[:2]:
        for part in name.split():
            assert any(base(part) in line for line in lines), (kind, part)


@pytest.mark.parametrize(
    "kind", ["achievement-5", "achievement-5-management", "achievement-9", "agreement"]
)
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


@pytest.mark.parametrize("kind", ["achievement-5", "achievement-5-management"])
def test_a_five_kpi_achievement_form_is_one_page_with_its_signatures(pdfs, kind):
    pages = pdfs[kind].pages
    assert len(pages) == 1
    lines = _lines(pages[0])
    # The four signature blocks stand side by side: one line of four "ลงชื่อ".
    assert sum(line.count(SIGN) for line in lines) == 4
    if kind.endswith("management"):
        assert any(base(LONG_MANAGEMENT_TITLE) in line for line in lines)


def _is_mark(text: str) -> bool:
    # A mark stacked on another is raised (its own baseline): it stays in its letter's run.
    return len(text) == 1 and unicodedata.category(text) == "Mn"


def text_runs(pdf) -> list[tuple[bool, str]]:
    """(bold?, text) of every run of Thai text the PDF draws: its glyphs in drawing order,
    cut at a space, a gap or a change of font, size or baseline. Glyphs that stand for no
    character (NIKHAHIT, whose text the SARA AA after it carries) neither count nor cut."""
    runs = []
    for page in pdf.pages:
        run: list[dict] = []
        for c in [*page.chars, None]:
            if c is not None and c["text"] == "":
                continue
            if run and (
                c is None
                or c["text"].isspace()
                or c["fontname"] != run[-1]["fontname"]
                or abs(c["size"] - run[-1]["size"]) > 0.1
                or (not _is_mark(c["text"]) and abs(c["bottom"] - run[0]["bottom"]) > 1)
                or c["x0"] - max(x["x1"] for x in run) > 0.15 * c["size"]
                or c["x1"] < run[-1]["x0"] - 0.3 * c["size"]
            ):
                text = "".join(x["text"] for x in run)
                if re.search("[\u0e00-\u0e7f]", text):
                    runs.append(("Bold" in run[0]["fontname"], text))
                run = []
            if c is not None and not c["text"].isspace():
                run.append(c)
    return runs


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
@pytest.mark.parametrize(
    "kind",
    [
        "summary",
        "achievement-5",
        "achievement-5-management",
        "achievement-9",
        "agreement",
        "competency",
        "unit_report",
        "announcement",
    ],
)
def test_every_thai_run_copies_out_whole_in_the_default_text_mode(pdfs, kind):
    """poppler's default mode (what a viewer's search and copy use) keeps a Thai mark with
    its letter only when the mark's origin lies inside the letter and the word reaches the
    next letter (reports.fonts._marks_inside_base): every run, bold and regular."""
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=_RENDERED[kind], capture_output=True, check=True
    ).stdout.decode()
    runs = text_runs(pdfs[kind])
    assert any(bold for bold, _ in runs) and any(not bold for bold, _ in runs), kind
    assert [(bold, run) for bold, run in runs if run not in text] == []


def test_a_checkout_without_the_shared_data_lays_out_the_same_texts():
    """Without ../shared the layout checks use a copy of its two longest rows: still the same."""
    if not (longtexts.REALDATA / "kpis_real.csv").exists():
        pytest.skip("../shared/realdata is not here: nothing to compare the copy with")
    longtexts.real_kpis.cache_clear()
    keys = list(longtexts._LONGEST_REAL[0])
    assert [{k: r[k] for k in keys} for r in longtexts.real_kpis()[:2]] == list(
        longtexts._LONGEST_REAL
    )
