"""GOV.UK forms for the deadline page: a reason for delay, an extension with its reason."""

from __future__ import annotations

from django import forms

from safeguarding.forms_widgets import GovukDateField


class DelayReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why was this deadline missed?",
        help_text="Say what delayed it. Reasons are reported, without names, to help the board see where delays "
        "happen.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Give the reason for the delay"},
    )


class ExtendForm(forms.Form):
    due_date = GovukDateField(
        label="New due date",
        label_noun="new due date",
        help_text="For example, 27 3 2026. The deadline is due by the end of that day (UK time).",
    )
    reason = forms.CharField(
        label="Reason for the extension",
        help_text="For example, the adult asked for more time. The reason is kept in the deadline's history.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Give the reason for the extension"},
    )
