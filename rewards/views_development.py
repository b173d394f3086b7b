"""What to develop (DOMAIN §7): a round's development needs page and its .xlsx for HR's
training plan. For HR of the department (their part of it), its screening committee and
administrators (rewards.view_analysis): levels before release are shown to them as on the
distribution page, never the viewer's own unreleased form (DOMAIN §8)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from appraisal.selectors import round_scope
from appraisal.views_common import get_round
from appraisal.views_hr import form_url, querystring, round_context, unit_choices, unit_filter
from common.inputs import search_text
from common.models import DataAccess, record_access
from common.permissions import can
from common.spreadsheet import workbook_bytes
from orgchart.selectors import roles_of
from rewards import selectors_development as dev

PER_PAGE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _scope(request, pk: int):
    """The round, the units the viewer covers, the unit chosen (or None) and the search."""
    rnd = get_round(request, pk, "rewards.view_analysis")
    scope = round_scope(user=request.user, rnd=rnd, committee_sees_all=True)
    if not scope:
        raise PermissionDenied("rewards.view_analysis")
    unit, matches, q = unit_filter(request, rnd, scope)
    return rnd, scope, unit, matches, q


@login_required
@require_GET
def development(request, pk: int):
    """ความต้องการพัฒนา: the competencies most often below the expected level in the viewer's
    part of the round (or one unit of it), each child unit's most frequent ones, the IDP topics
    planned and the people concerned with their plans."""
    rnd, scope, unit, matches, q = _scope(request, pk)
    user = request.user
    me = roles_of(user).person
    units = [unit] if unit is not None else scope
    focus = unit or (scope[0] if len(scope) == 1 else rnd.department)
    forms = dev.counted_forms(rnd=rnd, units=units, viewer=me)
    people, counts = dev.competency_counts(forms)
    names = {c.name for c in counts}
    competency = search_text(request.GET.get("competency"), limit=255)
    if competency not in names:
        competency = ""
    page = Paginator(dev.gap_rows(forms, competency=competency), PER_PAGE).get_page(
        request.GET.get("page")
    )
    plans = dev.plans_for({g.form_id for g in page})
    for g in page:
        g.plans, g.linked = dev.plans_of(g, plans)
        g.url = form_url(g.form) if can(user, "appraisal.view_form", g.form) else ""
    return render(
        request,
        "rewards/development/page.html",
        {
            **round_context(request, rnd, "development"),
            "unit": unit,
            "focus": focus,
            "matches": matches,
            "q": q,
            "unit_choices": unit_choices(scope, unit),
            "people": people,
            "counts": counts,
            "top": max((c.below for c in counts), default=0),
            "unit_rows": dev.counts_by_child(rnd=rnd, focus=focus, scope=units, viewer=me),
            "topics": dev.idp_topics(forms),
            "competency": competency,
            "page": page,
            "pages_qs": _qs(request, page=None),
            "xlsx_qs": _qs(request, page=None),
            "own_left_out": dev.own_left_out(rnd=rnd, viewer=me),
        },
    )


def _qs(request, **changes) -> str:
    return querystring(request, **changes)


COLUMNS = [
    ("รหัสบุคลากร", 12),
    ("ชื่อ-สกุล", 28),
    ("ตำแหน่ง", 28),
    ("หน่วยงาน", 30),
    ("สมรรถนะที่ต่ำกว่าระดับที่คาดหวัง", 36),
    ("ระดับที่คาดหวัง", 10),
    ("ระดับที่แสดงออก", 10),
    ("ความรู้/ทักษะ/สมรรถนะที่ต้องพัฒนา (IDP)", 36),
    ("วิธีการพัฒนา", 36),
    ("ช่วงเวลาที่ต้องการการพัฒนา", 22),
]


def _person_cells(form) -> list:
    return [form.person.staff_code, form.person.full_name, form.position_title, form.unit.name]


@login_required
@require_GET
def development_xlsx(request, pk: int):
    """The people concerned, one line per competency below expectation and IDP row planned for
    it, then the other IDP rows of the same forms: for HR's training plan. Its download goes to
    the access log (every line is a person's rating)."""
    rnd, scope, unit, _matches, _q = _scope(request, pk)
    me = roles_of(request.user).person
    units = [unit] if unit is not None else scope
    forms = dev.counted_forms(rnd=rnd, units=units, viewer=me)
    competency = search_text(request.GET.get("competency"), limit=255)
    gaps = list(dev.gap_rows(forms, competency=competency))
    plans = dev.plans_for(forms.values("pk"))
    book = Workbook()
    ws = book.active
    ws.title = "ความต้องการพัฒนา"
    ws.append([label for label, _width in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for g in gaps:
        linked = [r for r in plans.get(g.form_id, []) if r.from_competency_id == g.pk]
        head = [*_person_cells(g.form), g.name, g.expected, g.actual]
        for r in linked or [None]:
            ws.append(head + ([r.topic, r.method, r.period] if r else ["", "", ""]))
    if not competency:
        for r in dev.untied_plans(forms):
            ws.append([*_person_cells(r.form), "", None, None, r.topic, r.method, r.period])
    for i, (_label, width) in enumerate(COLUMNS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    where = unit or rnd.department
    record_access(
        request,
        what=DataAccess.UNIT_REPORT,
        subject_type="unit",
        subject_id=where.pk,
        subject_name=f"{where.name} ({rnd.code}) ความต้องการพัฒนา",
        obj=rnd,
    )
    response = FileResponse(
        io.BytesIO(workbook_bytes(book)),
        as_attachment=True,
        filename=f"ความต้องการพัฒนา-{where.code}-{rnd.code}.xlsx",
        content_type=XLSX,
    )
    # Ratings are personal: never kept by a shared cache or the browser's history.
    response["Cache-Control"] = "private, no-store"
    return response
