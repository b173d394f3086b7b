"""Form fields shared by every app: the date typed in the Buddhist Era.

Every date a user types is วว/ดด/ปปปป in the Buddhist Era (15/01/2570), as every date the pages
show is B.E.; the browser's own date input would show the Gregorian calendar in the browser's
language. A calendar in Thai (static/js/thai-date.js, no inline script under the CSP) is added
beside each field by its ``data-be-date`` attribute.
"""

from __future__ import annotations

import datetime as dt

from django import forms
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
