"""Form fields shared by every app: the date typed in the Buddhist Era, and forms whose fields
are copied for each instance without Python's generic deep copy.

Every date a user types is วว/ดด/ปปปป in the Buddhist Era (15/01/2570), as every date the pages
show is B.E.; the browser's own date input would show the Gregorian calendar in the browser's
language. A calendar in Thai (static/js/thai-date.js, no inline script under the CSP) is added
beside each field by its ``data-be-date`` attribute.
"""

from __future__ import annotations

import copy
import datetime as dt

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils.translation import gettext_lazy as _

from common import thai


class BeDateInput(forms.TextInput):
    """A text input showing a date as 15/01/2570, with the format as its placeholder."""

    def __init__(self, attrs=None):
        base = {
            "placeholder": f"{thai.DATE_INPUT_FORMAT} เช่น 15/01/2570",
            "autocomplete": "off",
            "data-be-date": "1",
            "maxlength": "40",
            "class": "form-control be-date",
        }
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, dt.date):
            return thai.format_date_input(value)
        return super().format_value(value)


class BeDateField(forms.Field):
    """A date typed as วว/ดด/ปปปป in the Buddhist Era: Thai digits and Thai month names
    (15 ม.ค. 2570) are read too; a Common Era year (2026) is refused with a message naming
    the field, as is a day that does not exist."""

    widget = BeDateInput
    default_error_messages = {
        "required": _("กรุณาระบุ%(field)s"),
        "invalid": _("%(field)s: กรุณากรอกวันที่ให้ถูกต้อง ในรูป วว/ดด/ปปปป (พ.ศ.) เช่น 15/01/2570"),
        "not_be": _(
            "%(field)s: ปี %(year)s เป็นปีคริสต์ศักราช กรุณากรอกปีพุทธศักราช (ค.ศ. + 543) เช่น %(be)s"
        ),
        "no_such_day": _("%(field)s: ไม่มีวันที่นี้ในปฏิทิน"),
    }

    def _error(self, code: str, **params) -> forms.ValidationError:
        params = {"field": self.label or _("วันที่"), **params}
        return forms.ValidationError(self.error_messages[code], code=code, params=params)

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return thai.format_date_input(value)
        return value

    def to_python(self, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not isinstance(value, str):
            return None if value in self.empty_values else self._raise_invalid()
        try:
            return thai.parse_date_input(value)
        except thai.DateInputError as exc:
            if exc.code == "not_be":
                raise self._error("not_be", year=exc.year, be=thai.be_year(exc.year)) from None
            raise self._error(exc.code) from None

    def _raise_invalid(self):
        raise self._error("invalid")

    def validate(self, value):
        if value in self.empty_values and self.required:
            raise self._error("required")


# --- forms copied cheaply ----------------------------------------------------------------------

# Django gives each form instance its own fields: `copy.deepcopy(base_fields)`, which goes through
# the field's and the widget's own __deepcopy__ (a copy of the object with its own widget, attrs,
# error messages, validators and choices). Python's generic machinery around them (the memo,
# __reduce_ex__, copyreg) cost more than the copies: the agreement's rows are a formset, and their
# fields' deep copies were a sixth of the CPU of the agreement page. FastCopyForm makes the same
# copies directly, for the field and widget classes whose copy is Django's own; any other class
# (a field or widget with a __deepcopy__ of its own) is deep-copied as before.
_FIELD_COPY = forms.Field.__deepcopy__
_CHOICE_FIELD_COPY = forms.ChoiceField.__deepcopy__
_WIDGET_COPY = forms.Widget.__deepcopy__
_CHOICE_WIDGET_COPY = ChoiceWidget.__deepcopy__


def _shallow(obj):
    new = obj.__class__.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    return new


def _flat(choices) -> bool:
    """Choices a shallow copy copies as deeply as deepcopy does: a list of (value, label)
    pairs, none of them a group (a label's lazy translation deep-copies to itself)."""
    return type(choices) is list and not any(isinstance(pair[1], (list, tuple)) for pair in choices)


def _copy_widget(widget, memo):
    kind = type(widget).__deepcopy__
    if kind is not _WIDGET_COPY and kind is not _CHOICE_WIDGET_COPY:
        return copy.deepcopy(widget, memo)
    new = _shallow(widget)
    new.attrs = widget.attrs.copy()
    if kind is _CHOICE_WIDGET_COPY:
        new.choices = copy.copy(widget.choices)
    memo[id(widget)] = new
    return new


def copy_field(field, memo=None):
    """What copy.deepcopy(field) gives, made directly for Django's own kinds of copy."""
    memo = {} if memo is None else memo
    kind = type(field).__deepcopy__
    if kind is _CHOICE_FIELD_COPY and not _flat(field._choices):
        return copy.deepcopy(field, memo)
    if kind is not _FIELD_COPY and kind is not _CHOICE_FIELD_COPY:
        return copy.deepcopy(field, memo)
    new = _shallow(field)
    memo[id(field)] = new
    new.widget = _copy_widget(field.widget, memo)
    new.error_messages = field.error_messages.copy()
    new.validators = field.validators[:]
    if kind is _CHOICE_FIELD_COPY:
        new._choices = list(field._choices)
    return new


class FastCopyFields(dict):
    """A form class's base_fields, deep-copied field by field with copy_field."""

    def __deepcopy__(self, memo):
        return {name: copy_field(field, memo) for name, field in self.items()}


class FastCopyForm(forms.Form):
    """A form whose instances copy the class's fields with copy_field (see above)."""

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if type(cls.__dict__.get("base_fields")) is not FastCopyFields:
            cls.base_fields = FastCopyFields(cls.base_fields)
        super().__init__(*args, **kwargs)
