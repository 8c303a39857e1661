"""GOV.UK Frontend form components for Django forms: ``{% govuk_field form.x %}``, ``{% govuk_error_summary %}``."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from safeguarding.forms_widgets import GovukDateWidget

register = template.Library()

TEXT_WIDGETS = (
    forms.TextInput,
    forms.EmailInput,
    forms.PasswordInput,
    forms.NumberInput,
    forms.URLInput,
    forms.DateTimeInput,
    forms.TimeInput,
)


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    # CheckboxSelectMultiple subclasses RadioSelect: test for checkboxes first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.simple_tag
def govuk_field(field: BoundField, heading: str = "", classes: str = "", inline: bool = False) -> SafeString:
    """Render one bound field as a GOV.UK form group. ``heading="l"`` makes the label or legend the page heading."""
    kind = _kind(field)
    if kind == "hidden":
        return mark_safe(str(field))  # noqa: S308 (Django renders and escapes the widget)
    field_id = field.id_for_label or f"id_{field.html_name}"
    described = []
    if field.help_text:
        described.append(f"{field_id}-hint")
    if field.errors:
        described.append(f"{field_id}-error")
    attrs: dict[str, Any] = {}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    css = {
        "input": "govuk-input",
        "textarea": "govuk-textarea",
        "select": "govuk-select",
        "file": "govuk-file-upload",
    }.get(kind, "")
    if css:
        error_css = f" {css}--error" if field.errors else ""
        existing = field.field.widget.attrs.get("class", "")
        attrs["class"] = f"{css}{error_css} {existing} {classes}".strip()
    widget_html = field.as_widget(attrs=attrs) if kind in ("input", "textarea", "select", "file") else ""
    options = []
    if kind in ("radios", "checkboxes"):
        for index, sub in enumerate(field.subwidgets):
            option_id = f"{field_id}" if index == 0 else f"{field_id}-{index}"
            options.append(
                {
                    "id": option_id,
                    "name": field.html_name,
                    "value": sub.data["value"],
                    "label": sub.choice_label,
                    "checked": sub.data["selected"],
                    "hint": getattr(field.field, "option_hints", {}).get(str(sub.data["value"]), ""),
                }
            )
    date_parts = []
    if kind == "date":
        value = field.value()
        widget: GovukDateWidget = field.field.widget
        parts = widget.decompress(value) if not isinstance(value, list) else value
        for index, (suffix, label, width) in enumerate((("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))):
            date_parts.append(
                {
                    "id": field_id if index == 0 else f"{field_id}-{suffix}",
                    "name": f"{field.html_name}_{index}",
                    "label": label,
                    "width": width,
                    "value": parts[index] if parts and len(parts) > index and parts[index] is not None else "",
                }
            )
    context = {
        "field": field,
        "kind": kind,
        "id": field_id,
        "label": field.label,
        "help_text": field.help_text,
        "errors": field.errors,
        "widget_html": mark_safe(widget_html),  # noqa: S308 (rendered by Django's widget templates)
        "options": options,
        "date_parts": date_parts,
        "heading": heading,
        "inline": inline,
        "described_by": " ".join(described),
        "required": field.field.required,
        "checked": bool(field.value()) if kind == "checkbox" else False,
    }
    return mark_safe(render_to_string("components/field.html", context))  # noqa: S308


@register.simple_tag
def govuk_error_summary(*forms_or_errors: Any) -> SafeString:
    """The error summary at the top of the page, linking each message to its field."""
    items: list[dict[str, str]] = []
    for form in forms_or_errors:
        if form is None:
            continue
        if isinstance(form, dict):  # {"field_id": "message"} from a service error
            items.extend({"href": f"#{k}", "text": v} for k, v in form.items())
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": str(error)})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            items.extend({"href": f"#{bound.id_for_label or 'id_' + bound.html_name}", "text": str(e)} for e in errors)
    if not items:
        return mark_safe("")
    return mark_safe(render_to_string("components/error_summary.html", {"items": items}))  # noqa: S308


@register.filter
def nhs_number(value: str | None) -> str:
    """Display an NHS number as three groups: ``943 476 5919``."""
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    if len(digits) != 10:
        return str(value or "")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}"


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def capped_count(value: int, cap: int = 1000) -> str:
    """Counts are capped so they reveal no more than needed: ``1,000+``."""
    if value > cap:
        return f"{cap:,}+"
    return f"{value:,}"
