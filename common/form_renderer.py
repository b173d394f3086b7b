"""Django's own widget templates for the plain inputs, text areas and selects, written out in
Python: a page of many fields (an agreement of ten KPI rows has over a hundred) spent a third
of its time rendering these few small templates through the template engine, one include per
attribute list and per option.

The output is byte for byte what Django's templates give (tests/common/test_form_rendering.py
compares them widget by widget); any other widget, and any widget whose template was changed,
goes to the templates as before.
"""

from __future__ import annotations

from html import escape as _html_escape

from django.forms.renderers import DjangoTemplates

_WIDGETS = "django/forms/widgets/"
_INPUTS = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "tel",
        "search",
        "password",
        "hidden",
        "checkbox",
        "date",
        "time",
        "datetime",
        "color",
    )
}
_OPTION = f"{_WIDGETS}select_option.html"


def esc(value) -> str:
    """Django's conditional_escape without its check for lazy arguments (a wrapper that cost
    as much as the escaping on a page of many fields): safe text as it is, anything else as
    str() with & < > " ' escaped, as django.utils.html.escape does."""
    html = getattr(value, "__html__", None)
    if html is not None:
        return html()
    return _html_escape(str(value))


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"` each, a bare name for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {esc(name)}")
        else:
            out.append(f' {esc(name)}="{esc(value)}"')
    return "".join(out)


def _input(w: dict) -> str:
    value = w["value"]
    value = "" if value is None else f' value="{esc(value)}"'
    return f'<input type="{esc(w["type"])}" name="{esc(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _textarea(w: dict) -> str:
    value = esc(w["value"]) if w["value"] else ""
    return f'<textarea name="{esc(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _option(o: dict) -> str:
    return f'<option value="{esc(o["value"])}"{_attrs(o["attrs"])}>{esc(o["label"])}</option>\n'


def _select(w: dict) -> str | None:
    parts = [f'<select name="{esc(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != _OPTION:
                return None  # an option of its own template: let the templates render it
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_WRITERS = {
    **dict.fromkeys(_INPUTS, _input),
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    """The default renderer, with the commonest widget templates written in Python."""

    def render(self, template_name, context, request=None):
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if widget is not None and widget.get("template_name") == template_name:
            html = writer(widget)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)
