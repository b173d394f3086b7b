"""The two shortcuts of form rendering give the markup of what they replace.

- common.form_renderer.FastWidgetRenderer writes Django's plain widget templates in Python:
  byte for byte the templates' output, for every widget kind, value and attribute shape.
- the `bs_field` filter writes crispy-bootstrap5's field template in Python: the same markup
  once blank space is folded, for every field of the agreement rows and a form of all kinds.
"""

import re
from decimal import Decimal

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context, Template
from django.utils.functional import lazy
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from appraisal.forms_staff import AgreementFormSet
from common.form_renderer import FastWidgetRenderer, esc
from common.templatetags.fields import bs_field

TRICKY = "ค่า <b>\"หนา\"</b> & 'อื่น ๆ'"


class AllKinds(forms.Form):
    text = forms.CharField(label="ชื่อ", max_length=20, help_text="ไม่เกิน <em>20</em> ตัวอักษร")
    optional = forms.CharField(label="หมายเหตุ", required=False)
    number = forms.IntegerField(label="จำนวน", min_value=0)
    decimal = forms.DecimalField(
        label="น้ำหนัก",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "data-weight": True, "class": "w-25"}),
    )
    email = forms.EmailField(label="อีเมล", required=False)
    secret = forms.CharField(label="รหัสผ่าน", widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    flag = forms.BooleanField(label="ยืนยัน", required=False)
    must = forms.BooleanField(label="ยอมรับ")
    note = forms.CharField(label="บันทึก", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    choice = forms.ChoiceField(
        label="ประเภท", choices=[("", "– เลือก –"), ("a", "ก"), ("b", TRICKY)], required=False
    )
    grouped = forms.ChoiceField(
        label="กลุ่ม",
        choices=[("ไทย", [("1", "หนึ่ง"), ("2", "สอง")]), ("3", "สาม"), ("อื่น", [("4", "สี่")])],
    )
    many = forms.MultipleChoiceField(label="หลายค่า", choices=[("x", "เอ็กซ์"), ("y", "วาย")])
    maybe = forms.NullBooleanField(label="อาจจะ")
    off = forms.CharField(label="ปิด", disabled=True, required=False, initial="คงที่")
    when = forms.DateField(label="วันที่", required=False, widget=forms.DateInput)


BOUND = {
    "text": TRICKY,
    "number": "abc",
    "decimal": "12.5",
    "secret": "x<y",
    "hidden": '"q"',
    "flag": "on",
    "note": TRICKY,
    "choice": "b",
    "grouped": "4",
    "many": ["x", "y"],
    "maybe": "true",
    "when": "2570-01-05",
}


def _forms():
    yield AllKinds()
    yield AllKinds(initial={"text": "เริ่มต้น", "choice": "a", "grouped": "2", "flag": True})
    bound = AllKinds(BOUND)
    bound.is_valid()
    yield bound
    empty = AllKinds({})
    empty.is_valid()
    yield empty


def _agreement_forms():
    choices = [(1, "ตัวชี้วัดหน่วยงาน"), (2, TRICKY)]
    formset = AgreementFormSet(
        prefix="items",
        form_kwargs={"kpi_choices": choices},
        initial=[{"kind": "plan", "name": TRICKY, "weight": "30", "kpi": 2}],
        extra=1,
    )
    yield from formset.forms
    yield formset.empty_form
    bound = AgreementFormSet(
        {
            "items-TOTAL_FORMS": "2",
            "items-INITIAL_FORMS": "0",
            "items-0-name": "",
            "items-0-weight": "abc",
            "items-0-DELETE": "on",
            "items-1-kind": "duty",
            "items-1-name": TRICKY,
            "items-1-weight": "-5",
            "items-1-kpi": "9",
        },
        prefix="items",
        form_kwargs={"kpi_choices": choices},
    )
    bound.is_valid()
    yield from bound.forms


def _fields():
    for form in [*_forms(), *_agreement_forms()]:
        yield from form


def test_widgets_are_byte_for_byte_the_templates():
    fast, slow = FastWidgetRenderer(), DjangoTemplates()
    checked = 0
    for field in _fields():
        widget = field.field.widget
        attrs = field.build_widget_attrs({"class": "form-control"})
        if field.auto_id:
            attrs.setdefault("id", field.auto_id)
        ours = widget.render(field.html_name, field.value(), attrs, renderer=fast)
        theirs = widget.render(field.html_name, field.value(), attrs, renderer=slow)
        assert ours == theirs, field.html_name
        checked += 1
    assert checked > 40


def test_other_widgets_still_go_through_the_templates():
    radio = forms.ChoiceField(choices=[("a", "ก")], widget=forms.RadioSelect)
    html = radio.widget.render("r", "a", {"id": "id_r"}, renderer=FastWidgetRenderer())
    assert 'type="radio"' in html and "<div" in html


def fold(html) -> str:
    text = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", text).strip()


@pytest.mark.parametrize("source", ["all kinds", "agreement rows"])
def test_bs_field_is_crispys_markup(source):
    forms_ = list(_forms() if source == "all kinds" else _agreement_forms())
    compared = 0
    for form in forms_:
        for field in form:
            ours, theirs = fold(bs_field(field)), fold(as_crispy_field(field))
            assert ours == theirs, f"{field.html_name}\n{ours}\n{theirs}"
            compared += 1
    assert compared > 20


def test_bs_field_in_a_template_escapes_and_shows_errors():
    form = AllKinds({"text": TRICKY, "number": "abc"})
    form.is_valid()
    html = Template("{% load fields %}{{ f.text|bs_field }}{{ f.number|bs_field }}").render(
        Context({"f": form})
    )
    assert "&lt;b&gt;&quot;หนา&quot;&lt;/b&gt;" in html and '<b>"หนา"</b>' not in html
    assert 'class="numberinput form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html and "invalid-feedback" in html


@pytest.mark.parametrize(
    "value",
    [
        TRICKY,
        "",
        0,
        12.5,
        None,
        Decimal("100.00"),
        mark_safe("<b>หนา</b>"),
        lazy(lambda: "ชื่อ <ตัวชี้วัด>", str)(),  # a lazy string, as a lazy label is
    ],
)
def test_the_shortcuts_escape_exactly_as_django_does(value):
    assert esc(value) == conditional_escape(value)


def test_field_errors_writes_each_error_in_a_block_tied_to_the_field():
    from common.templatetags.fields import field_errors

    form = AllKinds({"text": "สั้น", "number": "abc"})
    form.is_valid()
    form.add_error("text", "ข้อความ <ผิด> & “ยาว”")
    html = Template(
        "{% load fields %}{{ f.number|field_errors }}|{{ f.text|field_errors }}"
    ).render(Context({"f": form}))
    number = form["number"].errors[0]
    assert html == (
        f'<div class="invalid-feedback d-block" id="id_number-error">{conditional_escape(number)}</div>|'
        '<div class="invalid-feedback d-block" id="id_text-error">'
        "ข้อความ &lt;ผิด&gt; &amp; “ยาว”</div>"
    )
    assert field_errors(AllKinds()["text"]) == ""
