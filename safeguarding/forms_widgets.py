"""Widgets for GOV.UK patterns: the three-box date input."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms


class GovukDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input). Renders through ``{% govuk_field %}``."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value.count("-") == 2:
            year, month, day = value.split("-")
            return [day, month, year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date from three boxes, with GOV.UK error messages."""

    widget = GovukDateWidget

    def __init__(self, *, label_noun: str = "date", **kwargs: Any) -> None:
        self.label_noun = label_noun
        error_messages = {
            "required": f"Enter the {label_noun}",
            "incomplete": f"Enter the {label_noun} in full",
        }
        error_messages.update(kwargs.pop("error_messages", {}))
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields=fields, require_all_fields=False, error_messages=error_messages, **kwargs)

    def compress(self, data_list: list[Any]) -> date | None:
        if not data_list or not any(data_list):
            return None
        if not all(data_list):
            raise forms.ValidationError(f"The {self.label_noun} must include a day, month and year")
        try:
            day, month, year = (int(str(v).strip()) for v in data_list)
            if year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError as exc:
            raise forms.ValidationError(f"The {self.label_noun} must be a real date") from exc
