"""The OS matrix's cells, written in Python: a department's page has a cell per KPI and direct
sub-unit (over a hundred columns at ministry size), and template loops over them were most of
the page's time."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def os_cells(kpi, matrix, can_edit: bool) -> SafeString:
    """The row's O/S cells, one per column: a select each for an editor, the role otherwise."""
    code = conditional_escape(kpi.code)
    out = []
    for col in matrix.columns:
        role = matrix.cells.get((kpi.pk, col.key), "")
        if can_edit:
            o = " selected" if role == "O" else ""
            s = " selected" if role == "S" else ""
            out.append(
                f'<td class="text-center"><select name="c-{kpi.pk}-{col.key}"'
                f' class="form-select form-select-sm"'
                f' aria-label="{code} {conditional_escape(col.label)}">'
                f'<option value=""></option><option value="O"{o}>O</option>'
                f'<option value="S"{s}>S</option></select></td>'
            )
        else:
            out.append(f'<td class="text-center"><strong>{conditional_escape(role)}</strong></td>')
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
