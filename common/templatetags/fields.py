"""`{{ form.field|bs_field }}`: a field in the Bootstrap 5 markup of crispy-bootstrap5's
field template (label, widget with its classes, errors, help text), built in Python.

For the pages of many fields (an agreement's KPI rows, the raise tables, the round settings):
there the field template, rendered once per field, took more time than everything else on the
page together. It covers the fields crispy renders in its default layout: labels shown,
errors as blocks, no form helper, no file input, no radio buttons or multiple checkboxes, no
widget with sub-widgets or its own fieldset; those go to crispy's own filter. The markup is
crispy's with its blank space folded (tests/common/test_form_rendering.py compares both).
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_TO_CRISPY = (forms.FileInput, forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


def _css_class(widget) -> str:
    """The widget's class with crispy's widget-name class, as crispy's field tag sets it."""
    name = widget.__class__.__name__.lower()
    name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(name, name)
    css = widget.attrs.get("class", "")
    if css:
        if css.find(name) == -1:
            css += f" {name}"
    else:
        css = name
    return css


def _add(css: str, extra: str) -> str:
    for word in extra.split():
        if word not in css.split():
            css += f" {word}"
    return css


def _label(field, label_class: str) -> str:
    required = field.field.required
    return format_html(
        '<label {}class="{}{}">{}{}</label>',
        format_html('for="{}" ', field.id_for_label) if field.id_for_label else "",
        label_class,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
    )


def _help_and_errors(field) -> str:
    out = ""
    if field.errors:
        out += format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.errors.field_id,
            mark_safe(
                "".join(
                    format_html('<p id="error_{}_{}"><strong>{}</strong></p>', i, field.auto_id, e)
                    for i, e in enumerate(field.errors, 1)
                )
            ),
        )
    if field.help_text:
        out += format_html(
            '<div {}class="form-text">{}</div>',
            format_html('id="{}_helptext" ', field.auto_id) if field.auto_id else "",
            mark_safe(field.help_text),
        )
    return out


@register.filter
def bs_field(field):
    if field.is_hidden:
        return field.as_widget()
    widget = field.field.widget
    if (
        isinstance(widget, _TO_CRISPY)
        or getattr(field.form, "helper", None) is not None
        or field.use_fieldset
    ):
        return as_crispy_field(field)
    css = _css_class(widget)
    wrapper_extra = f" {field.css_classes()}" if field.css_classes() else ""
    invalid = " is-invalid" if field.errors else ""
    if isinstance(widget, forms.CheckboxInput):
        html = field.as_widget(attrs={"class": _add(css, "form-check-input" + invalid)})
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check{}">\n{}\n{}{}</div></div>',
            field.auto_id,
            wrapper_extra,
            html,
            mark_safe(_label(field, "form-check-label")),
            mark_safe(_help_and_errors(field)),
        )
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    html = field.as_widget(attrs={"class": _add(css, kind + invalid)})
    return format_html(
        '<div id="div_{}" class="mb-3{}">{}\n{}{}</div>',
        field.auto_id,
        wrapper_extra,
        mark_safe(_label(field, "form-label")) if field.label else "",
        html,
        mark_safe(_help_and_errors(field)),
    )
