"""The unit round report as one file: the HR report of the unit followed by every person's
summary form, assembled from the per-person cache with pypdf."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from appraisal.models import AppraisalForm, AppraisalRound
from orgchart.models import OrgUnit
from orgchart.selectors import subtree_q
from reports import cache, documents, sheets

Progress = Callable[[int, int], None]


@dataclass
class BookStats:
    people: int = 0
    rendered: int = 0
    reused: int = 0
    pages: int = 0


def unit_forms(rnd: AppraisalRound, unit: OrgUnit) -> list[AppraisalForm]:
    """The forms of the unit's subtree, in the order of the unit report."""
    return list(
        sheets.sheet_queryset(
            AppraisalForm.objects.filter(round=rnd).filter(subtree_q([unit], prefix="unit__"))
        ).order_by("unit__tree_id", "unit__lft", "person__first_name", "person__last_name", "pk")
    )


def unit_form_count(rnd: AppraisalRound, unit: OrgUnit) -> int:
    return (
        AppraisalForm.objects.filter(round=rnd).filter(subtree_q([unit], prefix="unit__")).count()
    )


def build_unit_book(
    rnd: AppraisalRound, unit: OrgUnit, target: Path, *, progress: Progress | None = None
) -> BookStats:
    """Write the book to `target` (atomically). `progress(done, total)` follows the people."""
    forms = unit_forms(rnd, unit)
    stats = BookStats(people=len(forms))
    writer = PdfWriter()
    report = PdfReader(io.BytesIO(documents.unit_report_pdf(rnd, unit)))
    writer.append(report, outline_item="รายงานผลการประเมินของหน่วยงาน")
    for done, form in enumerate(forms, start=1):
        path, rendered = cache.form_pdf_path(form, sheets.form_sheet(form))
        if rendered:
            stats.rendered += 1
        else:
            stats.reused += 1
        writer.append(str(path), outline_item=form.person.full_name)
        if progress is not None:
            progress(done, len(forms))
    stats.pages = len(writer.pages)
    out = io.BytesIO()
    writer.write(out)
    cache.write_atomic(target, out.getvalue())
    return stats
