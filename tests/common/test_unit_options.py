"""{% unit_options %}: the unit filter's options built in Python give the markup the template
loop gave (escaped names, the chosen unit selected), and only that."""

from __future__ import annotations

from types import SimpleNamespace

from django.template import Context, Template

from appraisal.views_hr import UnitChoice

LOOP = Template(
    '{% for u in unit_choices %}<option value="{{ u.pk }}" {% if unit and u.pk == unit.pk %}'
    "selected{% endif %}>{{ u.indent }}{{ u.name }}</option>{% endfor %}"
)
TAG = Template("{% load fields %}{% unit_options unit_choices unit %}")

CHOICES = [
    UnitChoice(1, "กรมทดสอบ", ""),
    UnitChoice(12, 'กอง "A" & <B>', "· "),
    UnitChoice(1234, "กลุ่มงาน 'C'", "· · "),
]


def render(template, unit):
    return template.render(Context({"unit_choices": CHOICES, "unit": unit}))


def test_same_markup_as_the_template_loop():
    for unit in (None, SimpleNamespace(pk=12), SimpleNamespace(pk=1234), SimpleNamespace(pk=99)):
        assert render(TAG, unit) == render(LOOP, unit).replace('" >', '">')


def test_names_escaped_and_one_selected():
    html = render(TAG, SimpleNamespace(pk=12))
    assert "&lt;B&gt;" in html and "&amp;" in html and "<B>" not in html
    assert html.count(" selected") == 1
    assert '<option value="12" selected>· กอง &quot;A&quot; &amp; &lt;B&gt;</option>' in html
    assert '<option value="1234">' in html
