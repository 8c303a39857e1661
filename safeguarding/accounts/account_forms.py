"""Forms for the account pages: re-authentication, credential changes, MFA resets, deactivation, the event log."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.accounts.forms import CodeForm, SetPasswordForm
from safeguarding.accounts.lifecycle import IdentityCheck
from safeguarding.accounts.models import AuthEventType, User
from safeguarding.forms_widgets import GovukDateField


class ReauthForm(CodeForm):
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )
    field_order = ["password", "code"]


class ChangePasswordForm(SetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password"].label = "New password"
        self.fields["confirm_password"].label = "Confirm your new password"


class ChangeEmailForm(forms.Form):
    email = forms.EmailField(
        label="New email address",
        help_text="You will use this address to sign in. We will tell your current address about the change.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter your new email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )


class MfaResetForm(forms.Form):
    identity_check = forms.ChoiceField(
        label="How did you confirm who they are?",
        choices=IdentityCheck.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you confirmed who they are"},
    )
    identity_note = forms.CharField(
        label="Details of the check",
        help_text="For example, the ID you saw or who you spoke to. Do not record passwords or codes.",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe how you confirmed who they are"},
    )


class DeactivateForm(forms.Form):
    reason = forms.CharField(
        label="Why is this account being deactivated?",
        help_text="For example, left the agency on 30 November 2026.",
        max_length=250,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for deactivating the account"},
    )


class AuthEventFilterForm(forms.Form):
    user = forms.ModelChoiceField(
        label="Person", queryset=User.objects.none(), required=False, empty_label="Everyone", to_field_name="pk"
    )
    event_type = forms.ChoiceField(label="Event", choices=[("", "Any event"), *AuthEventType.choices], required=False)
    date_from = GovukDateField(label="From", label_noun="start date", required=False)
    date_to = GovukDateField(label="To", label_noun="end date", required=False)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be the same as or after the start date")
        return cleaned
