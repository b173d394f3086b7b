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
from django.utils.safestring import mark_safe

from common.form_renderer import esc

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
    target = field.id_for_label
    return "".join(
        (
            f'<label for="{esc(target)}" ' if target else "<label ",
            f'class="{label_class}{" requiredField" if required else ""}">',
            esc(field.label),
            '<span class="asteriskField">*</span>' if required else "",
            "</label>",
        )
    )


def _help_and_errors(field) -> str:
    out = ""
    errors = field.errors
    if errors:
        auto_id = esc(field.auto_id)
        lines = "".join(
            f'<p id="error_{i}_{auto_id}"><strong>{esc(e)}</strong></p>'
            for i, e in enumerate(errors, 1)
        )
        out += f'<div id="{esc(errors.field_id)}_error" class="invalid-feedback">{lines}</div>'
    if field.help_text:
        where = f'id="{esc(field.auto_id)}_helptext" ' if field.auto_id else ""
        out += f'<div {where}class="form-text">{field.help_text}</div>'
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
    extra = field.css_classes()
    wrapper_extra = f" {esc(extra)}" if extra else ""
    invalid = " is-invalid" if field.errors else ""
    auto_id = esc(field.auto_id)
    if isinstance(widget, forms.CheckboxInput):
        html = field.as_widget(attrs={"class": _add(css, "form-check-input" + invalid)})
        return mark_safe(
            f'<div class="mb-3"><div id="div_{auto_id}" class="form-check{wrapper_extra}">\n'
            f"{html}\n{_label(field, 'form-check-label')}{_help_and_errors(field)}</div></div>"
        )
    kind = "form-select" if isinstance(widget, forms.Select) else "form-control"
    html = field.as_widget(attrs={"class": _add(css, kind + invalid)})
    label = _label(field, "form-label") if field.label else ""
    return mark_safe(
        f'<div id="div_{auto_id}" class="mb-3{wrapper_extra}">{label}\n{html}'
        f"{_help_and_errors(field)}</div>"
    )


@register.filter
def field_errors(field):
    """A field's errors under it, each in a block tied to the field by id (the scoring page's
    fields, drawn with their own labels): what templates/appraisal/team/_field_errors.html
    wrote once per field, without an include each."""
    errors = field.errors
    if not errors:
        return ""
    auto_id = esc(field.auto_id)
    return mark_safe(  # noqa: S308 - every text is escaped
        "".join(
            f'<div class="invalid-feedback d-block" id="{auto_id}-error">{esc(e)}</div>'
            for e in errors
        )
    )


@register.simple_tag
def unit_options(choices, chosen=None) -> str:
    """The `<option>`s of a unit filter (`views_hr.unit_choices`), the chosen unit selected.
    Built in one go: a department offers a few hundred units, and the template's loop over
    them cost more than the rest of a page such as the alignment table."""
    chosen_pk = getattr(chosen, "pk", None)
    return mark_safe(  # noqa: S308 - every text is escaped
        "".join(
            f'<option value="{int(c.pk)}"{" selected" if c.pk == chosen_pk else ""}>'
            f"{esc(c.indent)}{esc(c.name)}</option>"
            for c in choices
        )
    )
