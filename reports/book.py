"""The unit round report as one file: the HR report of the unit followed by every person's
summary form (and, as an option, the achievement and competency forms attached to it).

Each part is rendered once and kept in the per-person cache (reports/cache.py) with every
glyph of its fonts embedded rather than a subset, so that every part carries byte-identical font files:
pypdf then keeps one copy of each font for the whole book, and its size grows with its pages,
not with fonts × people. The parts leave their page number out; one small document of empty
pages numbers the book's pages 1…N across all parts and is laid over them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from appraisal import selectors as appraisal_selectors
from appraisal.models import PROGRESS_STATES, STATE_ORDER, AppraisalForm, AppraisalRound, State
from orgchart.models import OrgUnit
from orgchart.selectors import subtree_q
from reports import cache, documents, sheets
from reports.pdf import html_to_pdf, render_html

Progress = Callable[[int, int], None]
# The forms of a person in the book, in the order they are filed (the summary says the other
# two are attached, แนบท้าย).
ATTACHED = ("achievement", "competency")
BOOK_VARIANT = "book"


@dataclass
class BookStats:
    people: int = 0
    rendered: int = 0
    reused: int = 0
    pages: int = 0


def _scored_q():
    return {"state__in": STATE_ORDER[STATE_ORDER.index(State.SCORED) :]}


def unit_forms(
    rnd: AppraisalRound, unit: OrgUnit, *, scored_only: bool = False
) -> list[AppraisalForm]:
    """The forms of the unit's subtree, in the order of the unit report."""
    qs = AppraisalForm.objects.filter(round=rnd).filter(subtree_q([unit], prefix="unit__"))
    if scored_only:
        qs = qs.filter(**_scored_q())
    return list(
        sheets.sheet_queryset(qs).order_by(
            "unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk"
        )
    )


def unit_form_count(rnd: AppraisalRound, unit: OrgUnit, *, scored_only: bool = False) -> int:
    """The forms of the unit's subtree (scored onward only, with scored_only), from the round's
    per-unit counts: a few rows whatever the number of forms."""
    cells = appraisal_selectors.progress_counts(rnd, [unit])[unit.pk]
    if scored_only:
        cells = cells[PROGRESS_STATES.index(State.SCORED) :]
    return sum(cells)


def part_pdf(form: AppraisalForm, sheet: dict, kind: str) -> tuple[bytes, bool]:
    """One form as a part of a book (cached like the single forms, under its own key): whole
    fonts, no page number of its own."""
    thai_digits = form.round.department.use_thai_digits
    key = cache.content_key(sheet, kind=f"{kind}:{BOOK_VARIANT}", thai_digits=thai_digits)

    def render() -> bytes:
        html = render_html(
            documents.FORM_TEMPLATES[kind], {"s": sheet, "in_book": True}, thai_digits=thai_digits
        )
        return html_to_pdf(html, whole_fonts=True)

    return cache.fetch_or_render(key, render)


def report_part_pdf(rnd: AppraisalRound, unit: OrgUnit, *, viewer=None) -> bytes:
    """The unit report as the first part of a book."""
    report = sheets.unit_report(rnd, unit, viewer=viewer)
    html = render_html(
        "reports/pdf/unit_report.html",
        {"r": report, "printed_on": timezone.localdate(), "in_book": True},
        thai_digits=rnd.department.use_thai_digits,
    )
    return html_to_pdf(html, whole_fonts=True)


def _numbers_pdf(wide: list[bool], thai_digits: bool) -> PdfReader:
    """The page numbers of a book of these pages (True: landscape), kept in the cache like
    the parts: a book built again with the same pages reuses them."""
    shape = "".join("w" if w else "p" for w in wide)
    key = cache.content_key({"pages": shape}, kind="numbers", thai_digits=thai_digits)

    def render() -> bytes:
        html = render_html(
            "reports/pdf/book_numbers.html", {"pages": wide}, thai_digits=thai_digits
        )
        return html_to_pdf(html, whole_fonts=True)

    data, _rendered = cache.fetch_or_render(key, render)
    return PdfReader(io.BytesIO(data))


def assemble(parts: list[tuple[str, bytes]], *, thai_digits: bool) -> tuple[bytes, int]:
    """One PDF of the parts (each bytes, with its outline title): numbered 1…N, every
    identical object (the fonts above all) kept once. Returns (bytes, pages)."""
    writer = PdfWriter()
    for title, part in parts:
        writer.append(io.BytesIO(part), outline_item=title)
    wide = [float(p.mediabox.width) > float(p.mediabox.height) for p in writer.pages]
    numbers = _numbers_pdf(wide, thai_digits)
    if len(numbers.pages) != len(writer.pages):  # never expected; the book is still whole
        raise RuntimeError(f"page numbers for {len(numbers.pages)} of {len(writer.pages)} pages")
    for page, number in zip(writer.pages, numbers.pages, strict=True):
        page.merge_page(number)
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(writer.pages)


def render_unit_book(
    rnd: AppraisalRound,
    unit: OrgUnit,
    *,
    progress: Progress | None = None,
    scored_only: bool = False,
    attachments: bool = False,
    people: bool = True,
    viewer=None,
) -> tuple[bytes, BookStats]:
    """The book's bytes and figures. `progress(done, total)` follows the people.

    `scored_only` leaves out the forms not yet scored; `attachments` adds each person's
    achievement and competency forms after their summary; `people=False` is the unit report
    alone (built in the background when the unit is large). `viewer` is the person the book
    is built for: their own form is left out until it is released (DOMAIN §8)."""
    forms = unit_forms(rnd, unit, scored_only=scored_only) if people else []
    if viewer is not None:
        forms = [f for f in forms if not f.hidden_from(viewer)]
    stats = BookStats(people=len(forms))
    report = report_part_pdf(rnd, unit, viewer=viewer)
    parts: list[tuple[str, bytes]] = [("รายงานผลการประเมินของหน่วยงาน", report)]
    kinds = ("summary", *ATTACHED) if attachments else ("summary",)
    for done, form in enumerate(forms, start=1):
        sheet = sheets.form_sheet(form)
        for kind in kinds:
            data, rendered = part_pdf(form, sheet, kind)
            stats.rendered += rendered
            stats.reused += not rendered
            title = form.person.full_name
            if kind != "summary":
                title = f"{form.person.full_name}: {documents.FORM_TITLES[kind]}"
            parts.append((title, data))
        if progress is not None:
            progress(done, len(forms))
    data, stats.pages = assemble(parts, thai_digits=rnd.department.use_thai_digits)
    return data, stats


def build_unit_book(rnd: AppraisalRound, unit: OrgUnit, target: Path, **options) -> BookStats:
    """Write the book to a local file `target` (atomically): the export command and the
    benches; the app's own books go to the shared storage (reports.services.job_run)."""
    data, stats = render_unit_book(rnd, unit, **options)
    cache.write_atomic(target, data)
    return stats
