"""A person's results over time as a PDF: the same rounds, figures and chart as the page
(rewards.views_trends), printed by the one renderer."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from common.models import DataAccess
from reports.documents import thai_digits_for
from reports.pdf import render_pdf
from rewards import selectors_trends as trends
from rewards.views_trends import note_person_access, person_and_rounds


@login_required
@require_GET
def person_trend_pdf(request, pk: int):
    """ผลการประเมินย้อนหลัง (PDF): who may open the page may print it, with the same figures."""
    person, rows, own = person_and_rounds(request, pk)
    if not own:
        note_person_access(request, person, DataAccess.FORM_PDF)
    data = render_pdf(
        "reports/pdf/person_results.html",
        {
            "person": person,
            "rows": rows,
            "chart": mark_safe(trends.person_chart(rows)),  # noqa: S308 - escaped by svg_charts
            "hidden_any": any(not r.shown and r.note == str(trends.NOT_RELEASED) for r in rows),
            "printed_on": timezone.localdate(),
        },
        thai_digits=thai_digits_for(person.unit),
    )
    response = FileResponse(
        io.BytesIO(data),
        filename=f"ผลการประเมินย้อนหลัง-{person.full_name}.pdf",
        content_type="application/pdf",
    )
    # Scores are personal: never kept by a shared cache or the browser's history.
    response["Cache-Control"] = "private, no-store"
    return response
