"""Results over time: a person's totals and bands across rounds, and a unit's band distribution
across the rounds of its department (rewards.selectors_trends says who sees what)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from appraisal.models import BAND_LABELS
from appraisal.selectors import round_scope
from appraisal.views_common import get_round
from appraisal.views_hr import percent_of, round_context, unit_choices, unit_filter
from common.models import DataAccess, record_access
from orgchart.models import Person
from orgchart.selectors import roles_of
from rewards import selectors_trends as trends


def person_and_rounds(request, pk: int):
    """The person and the rounds of theirs the user may open: 404 when there is none (nobody
    learns that someone else's forms exist), except for the person themself."""
    person = Person.objects.select_related("unit", "position").filter(pk=pk).first()
    if person is None:
        raise Http404
    rows = trends.person_rounds(user=request.user, person=person)
    me = roles_of(request.user).person
    own = me is not None and me.pk == person.pk
    if not rows and not own:
        raise Http404
    return person, rows, own


def note_person_access(request, person, what: DataAccess) -> None:
    """Someone else's results across rounds: the reading goes to the access log (PDPA)."""
    record_access(
        request,
        what=what,
        subject_type="person",
        subject_id=person.pk,
        subject_name=person.full_name,
        obj=person,
    )


@login_required
@require_GET
def person_trend(request, pk: int):
    """ผลการประเมินย้อนหลัง: a person's total and band in each round, as a chart and a table."""
    person, rows, own = person_and_rounds(request, pk)
    if not own:
        note_person_access(request, person, DataAccess.FORM)
    return render(
        request,
        "rewards/trends/person.html",
        {
            "person": person,
            "rows": list(reversed(rows)),  # the table reads newest first
            "own": own,
            "chart": mark_safe(trends.person_chart(rows)),  # noqa: S308 - escaped by svg_charts
            "hidden_any": any(not r.shown and r.note == str(trends.NOT_RELEASED) for r in rows),
        },
    )


def band_cells(counts, total: int) -> list[dict]:
    return [
        {
            "band": b,
            "label": BAND_LABELS[b],
            "count": counts.get(b, 0),
            "percent": percent_of(counts.get(b, 0), total),
            "gap": None,
        }
        for b in trends.BANDS
    ]


@login_required
@require_GET
def unit_trend(request, pk: int):
    """การกระจายผลการประเมินย้อนหลัง: per round up to this one, the counts and shares per band
    of a unit's subtree beside those of the department, for HR and the committee."""
    rnd = get_round(request, pk, trends.ANALYSIS)
    user = request.user
    scope = round_scope(user=user, rnd=rnd, committee_sees_all=True)
    unit, matches, q = unit_filter(request, rnd, scope)
    rounds = trends.analysis_rounds(user=user, rnd=rnd)
    me = roles_of(user).person
    rows = trends.unit_bands(rounds=rounds, unit=unit, viewer=me)
    whole = [u.pk for u in scope] == [rnd.department_id]
    # The heading names the chosen unit, or what the viewer covers in this round.
    unit_label = (
        unit.name if unit is not None else (rnd.department.name if whole else str(trends.OWN_SCOPE))
    )
    table = []
    for rb in rows:
        n_unit, n_scope = sum(rb.unit.values()), sum(rb.scope.values())
        entry = {
            "rnd": rb.rnd,
            "pending": rb.pending,
            "lines": [
                {
                    "label": unit.name if unit is not None else rb.scope_label,
                    "total": n_unit,
                    "cells": band_cells(rb.unit, n_unit),
                }
            ],
        }
        if unit is not None:
            entry["lines"].append(
                {
                    "label": rb.scope_label,
                    "total": n_scope,
                    "cells": band_cells(rb.scope, n_scope),
                    "reference": True,
                }
            )
            for mine, ref in zip(
                entry["lines"][0]["cells"], entry["lines"][1]["cells"], strict=True
            ):
                mine["gap"] = mine["percent"] - ref["percent"] if n_unit and n_scope else None
        table.append(entry)
    return render(
        request,
        "rewards/trends/units.html",
        {
            **round_context(request, rnd, "trend"),
            "unit": unit,
            "matches": matches,
            "q": q,
            "unit_choices": unit_choices(scope, unit),
            "bands": [(b, BAND_LABELS[b]) for b in trends.BANDS],
            "table": table,
            "unit_label": unit_label,
            "zero": Decimal(0),
            "chart": mark_safe(  # noqa: S308 - escaped by svg_charts
                trends.bands_chart(rows, unit=unit)
            ),
            "own_left_out": trends.own_left_out(rounds=rounds, viewer=me),
        },
    )
