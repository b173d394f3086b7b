"""The OS matrix's header and cells as the tags write them: the markup the template loops gave,
every label and code escaped, each column's label escaped once per page."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template

from kpi.selectors import LabelledColumn, OsMatrix

HEADS_LOOP = Template(
    '{% for col in matrix.columns %}<th class="text-center small" title="{{ col.sublabel }}">'
    "{{ col.label }}</th>{% endfor %}"
)
HEADS = Template("{% load os_matrix %}{% os_heads matrix %}")
CELLS = Template("{% load os_matrix %}{% os_cells kpi matrix can_edit %}")


def matrix():
    columns = [
        LabelledColumn(key="u1", label="กอง <ก>", sublabel='DEPT-01 "x"'),
        LabelledColumn(key="u2", label="กลุ่ม & ข", sublabel=""),
        LabelledColumn(key="p3", label="นาย ค", sublabel="นักวิเคราะห์"),
    ]
    cells = {(7, "u1"): "O", (7, "p3"): "S", (8, "u2"): "<b>"}
    return OsMatrix(
        unit=None, fiscal_year=2569, kpis=[], columns=columns, cells=cells, by_people=False
    )


def render(template, **context):
    return template.render(Context(context))


def test_heads_as_the_template_loop_gave_them():
    m = matrix()
    assert render(HEADS, matrix=m) == render(HEADS_LOOP, matrix=m)
    assert "&lt;ก&gt;" in render(HEADS, matrix=m) and "&quot;x&quot;" in render(HEADS, matrix=m)


def test_cells_for_readers_and_editors():
    m = matrix()
    kpi = SimpleNamespace(pk=7, code="K<1>")
    shown = render(CELLS, kpi=kpi, matrix=m, can_edit=False)
    assert shown == (
        '<td class="text-center"><strong>O</strong></td>'
        '<td class="text-center"><strong></strong></td>'
        '<td class="text-center"><strong>S</strong></td>'
    )
    odd = render(CELLS, kpi=SimpleNamespace(pk=8, code="K2"), matrix=m, can_edit=False)
    assert "<strong>&lt;b&gt;</strong>" in odd and "<b>" not in odd
    edit = render(CELLS, kpi=kpi, matrix=m, can_edit=True)
    assert edit.count("<select") == 3
    assert 'name="c-7-u1"' in edit and 'aria-label="K&lt;1&gt; กอง &lt;ก&gt;"' in edit
    assert '<option value="O" selected>O</option>' in edit.split('name="c-7-u2"')[0]
    assert '<option value="S" selected>S</option>' in edit.split('name="c-7-p3"')[1]
    assert "กลุ่ม &amp; ข" in edit
