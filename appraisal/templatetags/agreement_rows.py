"""`{% agreement_row f number %}`: one KPI row of the agreement formset (the row the page shows
for each saved KPI and blank row, and the blank row the add button fetches), built in Python.

The agreement page is the page staff open most on a deadline day. Drawn by a template
included once per row, each row spent about as long in the template's own nodes as in its
twelve fields (bs_field): 160 of 400 us. The markup is the template's to the byte
(tests/appraisal/test_agreement_row_markup.py renders both).
"""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from common.form_renderer import esc
from common.templatetags.fields import bs_field

register = template.Library()

_TOP = (
    '\n<fieldset class="card mb-2 agreement-row" data-row{saved}>\n'
    '  <div class="card-body p-2">\n'
    '    <div class="d-flex flex-wrap align-items-start justify-content-between gap-2">\n'
    '      <legend class="h6 mb-2 w-auto">{legend}</legend>\n'
    '      <button type="button" class="btn btn-sm btn-outline-danger" data-remove-row hidden>'
    '<i class="bi bi-trash" aria-hidden="true"></i> {remove}</button>\n'
    "    </div>\n"
    "    {id}\n"
    "    {errors}\n"
    '    <div class="row g-2">\n'
    '      <div class="col-md-3">{kind}</div>\n'
    '      <div class="col-md-5">{name}</div>\n'
    '      <div class="col-md-2">{weight}</div>\n'
    '      <div class="col-md-2">{target}</div>\n'
    "    </div>\n"
    '    <div class="row g-2">\n'
    "      {criteria}\n"
    "    </div>\n"
    '    <div class="row g-2 align-items-end">\n'
    '      <div class="col-md-9">{kpi}</div>\n'
    '      <div class="col-md-3" data-delete-box>{delete}</div>\n'
    "    </div>\n"
    "  </div>\n"
    "</fieldset>\n"
    '<div class="alert alert-secondary py-2 small mb-2" data-removed-note hidden>\n'
    '  <span class="me-2">{removed}</span>\n'
    '  <button type="button" class="btn btn-sm btn-link p-0" data-undo-remove>{undo}</button>\n'
    "</div>\n"
)


@register.simple_tag
def agreement_row(f, number="") -> str:
    """The row of form `f` of the agreement formset, numbered `number` (none for the blank
    row the page fetches)."""
    number = esc(number)
    saved = f.initial.get("id")
    errors = f.non_field_errors()
    return mark_safe(  # noqa: S308 - every text and value is escaped
        _TOP.format(
            saved=" data-saved" if saved else "",
            legend=f"{esc(gettext('ตัวชี้วัดที่'))} {number}" if saved else esc(gettext("ตัวชี้วัดใหม่")),
            remove=esc(gettext("ลบแถวนี้")),
            id=f["id"],
            errors=(
                f'<div class="text-danger small">{" ".join(esc(e) for e in errors)}</div>'
                if errors
                else ""
            ),
            kind=bs_field(f["kind"]),
            name=bs_field(f["name"]),
            weight=bs_field(f["weight"]),
            target=bs_field(f["target"]),
            criteria="".join(f'<div class="col-md">{bs_field(c)}</div>' for c in f.criteria_fields),
            kpi=bs_field(f["kpi"]),
            delete=bs_field(f["DELETE"]),
            # blocktranslate: the variable escaped, the text of the translation as it is.
            removed=gettext("ตัวชี้วัดที่ %(number)s จะถูกลบเมื่อกดบันทึก") % {"number": number},
            undo=esc(gettext("ยกเลิกการลบ")),
        )
    )
