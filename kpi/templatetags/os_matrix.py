"""The OS matrix's cells, written in Python: a department's page has a cell per KPI and direct
sub-unit (over a hundred columns at ministry size), and template loops over them were most of
the page's time."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _labels(matrix) -> dict[str, str]:
    """Each column's label escaped once per page (the cells of every row name it)."""
    labels = getattr(matrix, "_escaped_labels", None)
    if labels is None:
        labels = {col.key: conditional_escape(col.label) for col in matrix.columns}
        matrix._escaped_labels = labels
    return labels


_SHOWN = {role: f'<td class="text-center"><strong>{role}</strong></td>' for role in ("", "O", "S")}


@register.simple_tag
def os_heads(matrix) -> SafeString:
    """The header cell of each column: its label, with its code or position as the title."""
    labels = _labels(matrix)
    return mark_safe(  # noqa: S308 - every value is escaped
        "".join(
            f'<th class="text-center small" title="{conditional_escape(col.sublabel)}">'
            f"{labels[col.key]}</th>"
            for col in matrix.columns
        )
    )


@register.simple_tag
def os_cells(kpi, matrix, can_edit: bool) -> SafeString:
    """The row's O/S cells, one per column: a select each for an editor, the role otherwise."""
    code = conditional_escape(kpi.code)
    cells = matrix.cells
    out = []
    if can_edit:
        labels = _labels(matrix)
        for col in matrix.columns:
            role = cells.get((kpi.pk, col.key), "")
            o = " selected" if role == "O" else ""
            s = " selected" if role == "S" else ""
            out.append(
                f'<td class="text-center"><select name="c-{kpi.pk}-{col.key}"'
                f' class="form-select form-select-sm"'
                f' aria-label="{code} {labels[col.key]}">'
                f'<option value=""></option><option value="O"{o}>O</option>'
                f'<option value="S"{s}>S</option></select></td>'
            )
    else:
        for col in matrix.columns:
            role = cells.get((kpi.pk, col.key), "")
            out.append(
                _SHOWN.get(role)
                or f'<td class="text-center"><strong>{conditional_escape(role)}</strong></td>'
            )
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped
