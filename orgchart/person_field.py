"""One field for every form that names a person: a name or a staff code, with suggestions.

`PersonField` takes what is typed (a staff code, an exact name, or the person id the picker
posts) and cleans it into a Person of the people the user may name in that department
(`orgchart.selectors.people_nameable`), or None when blank; a wrong value gets a Thai message
naming the field. Its widget is a text input with htmx suggestions from `orgchart:people_suggest`
(a list of buttons: arrow keys and Enter, see static/js/person_picker.js) and shows the chosen
person's name, position and unit. A form binds the field to its user and department with
`bind_people(form, user=..., unit=...)` before it is validated or rendered.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.errors import DomainError
from orgchart.models import OrgUnit, Person
from orgchart.selectors import people_nameable, person_for_field


class PersonPickerWidget(forms.TextInput):
    template_name = "orgchart/widgets/person_picker.html"

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false", "class": "form-control"}
        super().__init__({**base, **(attrs or {})})
        self.suggest_url = ""
        self.queryset = None

    def format_value(self, value):
        if isinstance(value, Person):
            return value.staff_code
        return super().format_value(value)

    def chosen(self, value) -> Person | None:
        """The person the value names, for the line under the input (no message if none)."""
        if isinstance(value, Person):
            return value
        if self.queryset is None or not value:
            return None
        try:
            return person_for_field(str(value), queryset=self.queryset, field="", label="")
        except DomainError:
            return None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget_id = widget["attrs"].get("id") or f"id_{name}"
        chosen = self.chosen(value)
        widget.update(
            {
                "suggest_url": self.suggest_url,
                "list_id": f"{widget_id}-suggestions",
                "chosen_id": f"{widget_id}-chosen",
                "hint_id": f"{widget_id}-hint",
                "chosen": chosen,
            }
        )
        return context


class PersonField(forms.CharField):
    """A person named by staff code or name, within what the user may name in one department."""

    widget = PersonPickerWidget

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.queryset = None
        self.error_field = ""

    def bind(self, *, user, unit: OrgUnit, field: str = ""):
        self.queryset = people_nameable(user, tree_id=unit.tree_id).select_related(
            "unit", "position"
        )
        self.error_field = field
        self.widget.queryset = self.queryset
        self.widget.suggest_url = suggest_url(unit)

    def prepare_value(self, value):
        return value.staff_code if isinstance(value, Person) else value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if self.queryset is None:  # a form that forgot bind(): name nobody rather than anybody
            raise forms.ValidationError(_("ไม่พบบุคลากรที่ระบุ"), code="person")
        try:
            return person_for_field(
                value, queryset=self.queryset, field=self.error_field, label=str(self.label)
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code="person") from None


def suggest_url(unit: OrgUnit) -> str:
    return reverse("orgchart:people_suggest") + "?" + urlencode({"unit": unit.pk})


def person_picker(name: str, value: str, *, unit: OrgUnit, label: str, small: bool = False):
    """The picker's HTML for an input outside a Django form (a table of rows, e.g. the OS
    matrix); the row shows its person's name itself, so the value is a plain staff code."""
    widget = PersonPickerWidget(
        {"class": "form-control form-control-sm" if small else "form-control", "aria-label": label}
    )
    widget.suggest_url = suggest_url(unit)
    return widget.render(name, value, attrs={"id": f"id_{name}"})


def bind_people(form: forms.Form, *, user, unit: OrgUnit) -> None:
    """Bind every PersonField of `form` to the user and the department of `unit`."""
    for name, field in form.fields.items():
        if isinstance(field, PersonField):
            field.bind(user=user, unit=unit, field=name)
