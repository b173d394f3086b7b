"""The talent grid (9-box) and the team alignment A–D of a round (DOMAIN §7, seed 001 slide 63):
pages for HR of the department, the round's committee and administrators."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from appraisal.selectors import round_scope
from appraisal.views_common import get_round
from appraisal.views_hr import form_url, round_context, unit_choices
from common.inputs import parse_id
from common.permissions import can
from orgchart.models import OrgUnit
from orgchart.selectors import roles_of, subtree_q
from rewards import analytics, charts, selectors_talent

PERM = "rewards.view_analysis"
# Child units on a page of the alignment table.
PER_PAGE = 50

BAND_LABELS = {
    analytics.LOW: gettext_lazy("ต่ำ"),
    analytics.MID: gettext_lazy("กลาง"),
    analytics.HIGH: gettext_lazy("สูง"),
}

# Seed 001, slide 63 (ความสอดคล้องของผลการประเมินรายบุคคลกับภาพรวมของหน่วยงาน).
ALIGNMENT_TEXT = {
    "A": gettext_lazy(
        "ผลการประเมินของหน่วยงานในภาพรวมสูง แต่คะแนนรายบุคคลต่ำกว่ามาก "
        "สะท้อนให้เห็นว่าการให้คะแนนรายบุคคลต่ำหรือถูกกดมากเกินไป"
    ),
    "B": gettext_lazy(
        "คะแนนรายบุคคลสูง แต่มิได้สะท้อนออกมาในผลิตภาพเชิงรวมของหน่วยงานอย่างแท้จริง (ตรงกันข้ามกับทีม A)"
    ),
    "C": gettext_lazy(
        "คะแนนรายบุคคลและผลการประเมินรวมสอดคล้องกัน แต่ไม่สามารถแยกกลุ่มผู้ที่ปฏิบัติงานได้ดีและโดดเด่น"
        "ออกจากกันได้ ผู้ที่ทุ่มเทในการทำงานสูงอาจท้อแท้และเข้าใจว่าความทุ่มเทของตนเองมิได้รับการเห็นคุณค่า"
    ),
    "D": gettext_lazy(
        "คะแนนรายบุคคลและผลการประเมินรวมสอดคล้องกัน มีการกระจายของคะแนนรายบุคคลอย่างเหมาะสม "
        "สามารถจัดออกเป็นกลุ่มได้ ช่วยผลักดันให้เกิดวัฒนธรรมการปฏิบัติงานอย่างมุ่งผลสัมฤทธิ์อย่างแท้จริง"
    ),
}
FLAGGED = ("A", "B", "C")
# A box's shade, from both bands low (0) to both high (4).
TONES = ("#f8d7da", "#fde5cc", "#fff3cd", "#d1e7dd", "#a3cfbb")


def _number(value: Decimal) -> str:
    """A cut point as a person writes it: 60, 72.5."""
    text = format(value.normalize(), "f")
    return text


def _focus(request, rnd, scope: list[OrgUnit]) -> OrgUnit:
    """The unit of ?unit= inside the department and the viewer's scope (404 elsewhere); the
    department, or the viewer's one scope, without it."""
    pk = parse_id(request.GET.get("unit"))
    if pk is None:
        return scope[0] if len(scope) == 1 else rnd.department
    unit = (
        OrgUnit.objects.filter(subtree_q([rnd.department]), pk=pk).filter(subtree_q(scope)).first()
    )
    if unit is None:
        raise Http404
    return unit


def _common(request, pk: int, tab: str):
    rnd = get_round(request, pk, PERM)
    user = request.user
    # As the distribution page: the committee and HR of the whole department see all of it,
    # HR of a subtree their subtree only.
    scope = round_scope(user=user, rnd=rnd, committee_sees_all=True)
    if not scope:
        raise Http404
    focus = _focus(request, rnd, scope)
    me = roles_of(user).person
    context = {
        **round_context(request, rnd, tab),
        "focus": focus,
        "unit": focus if focus.pk != rnd.department.pk else None,
        "unit_choices": unit_choices(scope, focus),
        "own_left_out": selectors_talent.own_left_out(rnd=rnd, viewer=me),
        "analysis_tab": tab,
    }
    return rnd, scope, focus, me, context


@login_required
@require_GET
def talent(request, pk: int):
    """The 9-box grid of achievement against competency, counts per box; a box's names on
    click, 50 to a page, each linked to the form when the viewer may open it."""
    rnd, scope, focus, me, context = _common(request, pk, "talent")
    grid = selectors_talent.talent_grid(rnd=rnd, scope=scope, focus=focus, viewer=me)
    low, high = _number(rnd.talent_cut_low), _number(rnd.talent_cut_high)
    ranges = {
        analytics.LOW: _("ต่ำกว่า %(a)s%%") % {"a": low},
        analytics.MID: _("%(a)s%% ถึงต่ำกว่า %(b)s%%") % {"a": low, "b": high},
        analytics.HIGH: _("%(b)s%% ขึ้นไป") % {"b": high},
    }
    box = request.GET.get("box", "")
    chosen = tuple(box.split("-", 1)) if "-" in box else None
    if chosen not in grid.counts:
        chosen = None
    # Achievement from high (top row) to low; competency from low (left) to high.
    rows = []
    for a in reversed(selectors_talent.BANDS):
        cells = []
        for c in selectors_talent.BANDS:
            cells.append(
                {
                    "key": f"{a}-{c}",
                    "count": grid.counts[(a, c)],
                    "label": _("ผลสัมฤทธิ์%(a)s · สมรรถนะ%(c)s")
                    % {"a": BAND_LABELS[a], "c": BAND_LABELS[c]},
                    "colour": TONES[
                        selectors_talent.BANDS.index(a) + selectors_talent.BANDS.index(c)
                    ],
                    "chosen": chosen == (a, c),
                }
            )
        rows.append({"band": a, "label": BAND_LABELS[a], "range": ranges[a], "cells": cells})
    names = []
    page = None
    if chosen is not None:
        forms = selectors_talent.box_forms(rnd=rnd, scope=scope, focus=focus, viewer=me, box=chosen)
        page = Paginator(forms, PER_PAGE).get_page(request.GET.get("page"))
        names = selectors_talent.placed(page.object_list, chosen)
        for p in names:
            p.url = form_url(p.form) if can(request.user, "appraisal.view_form", p.form) else ""
    return render(
        request,
        "rewards/talent/grid.html",
        {
            **context,
            "grid": grid,
            "rows": rows,
            "columns": [
                {"band": c, "label": BAND_LABELS[c], "range": ranges[c]}
                for c in selectors_talent.BANDS
            ],
            "chosen": chosen,
            "chosen_label": (
                _("ผลสัมฤทธิ์%(a)s · สมรรถนะ%(c)s")
                % {"a": BAND_LABELS[chosen[0]], "c": BAND_LABELS[chosen[1]]}
                if chosen
                else ""
            ),
            "chosen_key": box if chosen else "",
            "names": names,
            "page": page,
            "pages_qs": urlencode({**({"unit": focus.pk} if context["unit"] else {}), "box": box}),
            "cut_low": low,
            "cut_high": high,
        },
    )


def _with_chart(row):
    """The row with its flag, the seed's explanation and its chart (a bar per 0.5 of the
    individual scores, drawn on the server)."""
    row.flagged = row.alignment in FLAGGED
    row.explanation = ALIGNMENT_TEXT.get(row.alignment, "")
    row.chart = (
        mark_safe(  # noqa: S308 - charts escapes every text it prints
            charts.alignment_histogram(
                team_score=row.team,
                bins=row.bins,
                mean=row.mean,
                sd=row.sd,
                label=_("%(u)s: คะแนนของหน่วยงานเทียบกับคะแนนรายบุคคล") % {"u": row.unit.name},
            )
        )
        if row.n or row.team is not None
        else ""
    )
    return row


@login_required
@require_GET
def alignment(request, pk: int):
    """The focus unit and its child units, each with its team score against the individual
    scores (levels 0–5) of the people of its subtree, their spread and the class A–D; A, B and
    C are flagged with the seed's explanation. A unit's name opens its own child units."""
    rnd, scope, focus, me, context = _common(request, pk, "alignment")
    table = selectors_talent.alignment_rows(rnd=rnd, scope=scope, focus=focus, viewer=me)
    page = Paginator(table.rows, PER_PAGE).get_page(request.GET.get("page"))
    focus_row = _with_chart(table.focus) if table.focus is not None else None
    rows = [_with_chart(r) for r in page.object_list]
    for r in rows:
        r.is_focus = False
    if focus_row is not None:
        focus_row.is_focus = True
    flagged = sum(1 for r in table.rows if r.alignment in FLAGGED)
    # One level up, when the viewer may look there: back from a drill down.
    up = None
    if focus.parent_id and (table.focus is not None):
        up = OrgUnit.objects.filter(pk=focus.parent_id).filter(subtree_q(scope)).first()
    return render(
        request,
        "rewards/talent/alignment.html",
        {
            **context,
            "focus_row": focus_row,
            "up": up,
            "up_is_department": up is not None and up.pk == rnd.department.pk,
            "rows": rows,
            "table_rows": ([focus_row] if focus_row is not None else []) + rows,
            "page": page,
            "pages_qs": urlencode({"unit": focus.pk}) if context["unit"] else "",
            "flagged": flagged + (1 if focus_row is not None and focus_row.flagged else 0),
            "classes": [(c, ALIGNMENT_TEXT[c]) for c in analytics.ALIGNMENTS],
            "gap": 1,
            "year": rnd.fiscal_year,
            "min_spread": "0.5",
            "bin": charts.BIN,
        },
    )
