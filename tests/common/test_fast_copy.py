"""common.forms.copy_field gives what copy.deepcopy gives for every field of the forms that use
it: the same kind of field and widget with the same values, and its own widget, attrs, error
messages, validators and choices, so that changing one form's field never changes another's."""

from __future__ import annotations

import copy

from django import forms

import appraisal.forms_staff  # noqa: F401 - the forms that use FastCopyForm
import appraisal.forms_team  # noqa: F401
from common.forms import FastCopyForm, copy_field

OWN = ("widget", "error_messages", "validators", "_choices")


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _same(field, made, expected):
    assert type(made) is type(expected)
    assert made.__dict__.keys() == expected.__dict__.keys()
    for key, value in expected.__dict__.items():
        if key == "widget":
            assert type(made.widget) is type(value)
            assert made.widget.__dict__.keys() == value.__dict__.keys()
            for wkey, wvalue in value.__dict__.items():
                if wkey == "widgets":  # a MultiWidget's own (deep-copied either way)
                    assert [type(w) for w in made.widget.widgets] == [type(w) for w in wvalue]
                else:
                    assert made.widget.__dict__[wkey] == wvalue, wkey
            assert made.widget is not field.widget
            assert made.widget.attrs is not field.widget.attrs
            if hasattr(field.widget, "choices"):
                assert made.widget.choices is not field.widget.choices
        elif key == "fields":  # a MultiValueField's own (deep-copied either way)
            assert [type(f) for f in made.fields] == [type(f) for f in value]
        else:
            assert made.__dict__[key] == value, key
        if key in OWN[1:]:
            assert made.__dict__[key] is not field.__dict__[key], key


def test_every_field_of_every_fast_form_copies_as_deepcopy_does():
    classes = list(_subclasses(FastCopyForm))
    assert len(classes) >= 10
    checked = 0
    for cls in classes:
        for field in cls.base_fields.values():
            _same(field, copy_field(field), copy.deepcopy(field))
            checked += 1
    assert checked >= 35


def test_choices_widgets_and_fields_of_other_kinds():
    lazy_choices = forms.ChoiceField(choices=[("a", "ก"), ("b", "ข")], widget=forms.RadioSelect)
    grouped = forms.ChoiceField(choices=[("กลุ่ม", [("a", "ก")]), ("b", "ข")])
    multi = forms.SplitDateTimeField()  # a MultiValueField: its own __deepcopy__
    for field in (lazy_choices, grouped, multi, forms.DecimalField(max_value=5)):
        _same(field, copy_field(field), copy.deepcopy(field))
    made = copy_field(grouped)
    made._choices[0][1].append(("z", "ซ"))
    assert grouped.choices[0][1] == [("a", "ก")], "a group is copied as deeply as deepcopy does"


def test_a_form_instance_changes_only_its_own_fields():
    from appraisal.forms_staff import AgreementRowForm

    one, two = AgreementRowForm(kpi_choices=[(1, "x")]), AgreementRowForm()
    one.fields["kind"].widget.attrs["class"] = "changed"
    one.fields["name"].error_messages["required"] = "changed"
    assert "class" not in two.fields["kind"].widget.attrs
    assert two.fields["name"].error_messages["required"] != "changed"
    assert [c for c, _ in two.fields["kpi"].choices] == [""]
    assert "class" not in AgreementRowForm.base_fields["kind"].widget.attrs
