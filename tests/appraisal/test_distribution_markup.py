"""The distribution's unit rows written in Python give the markup the template gave."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template
from django.utils.html import escape

from appraisal.views_results import _distribution_row

OLD_ROW = Template(
    '{% load i18n %}<tr data-unit="{{ r.unit.pk }}">\n'
    '      <td><a href="?unit={{ r.unit.pk }}">{{ r.unit.name }}</a></td>'
    '<td class="text-end">{{ r.total }}</td>\n'
    '      {% for c in r.cells %}<td class="text-end text-nowrap{% if c.notable %} fw-bold'
    '{% endif %}">{{ c.percent }}% <span class="small text-muted">({% if c.gap > 0 %}+'
    '{% endif %}{{ c.gap }})</span></td>{% empty %}<td colspan="{{ bands|length }}" '
    'class="text-muted small">{% translate "ยังไม่มีผลการประเมิน" %}</td>{% endfor %}\n'
    "    </tr>"
)


def cell(percent, gap, notable=False):
    return {"percent": Decimal(percent), "gap": Decimal(gap), "notable": notable}


def test_rows_as_the_template_gave_them():
    from appraisal.views_results import BANDS

    rows = [
        {
            "unit": SimpleNamespace(pk=12, name='กอง <ก> & "ข"'),
            "total": 37,
            "cells": [
                cell("10.8", "-2.3"),
                cell("45.9", "12.0", True),
                cell("0.0", "0.0"),
                cell("43.2", "-9.7"),
                cell("0.0", "0.0"),
            ][: len(BANDS)],
        },
        {"unit": SimpleNamespace(pk=1234, name="กลุ่มงาน"), "total": 0, "cells": []},
    ]
    empty = escape("ยังไม่มีผลการประเมิน")
    for r in rows:
        assert _distribution_row(r, empty) == OLD_ROW.render(Context({"r": r, "bands": BANDS})), r[
            "unit"
        ].name
