"""GOV.UK forms for information requests, their answers, break-glass and reviews."""

from __future__ import annotations

from typing import Any

from django import forms

from safeguarding.sharing import codes
from safeguarding.sharing.models import BreakGlassReason, RequestOutcome

BLANK = [("", "Choose…")]


class RequestForm(forms.Form):
    holder_agency = forms.ChoiceField(
        label="Which agency are you asking?", error_messages={"required": "Choose the agency"}
    )
    purpose = forms.ChoiceField(
        label="Purpose", choices=BLANK + list(codes.Purpose.choices), error_messages={"required": "Choose the purpose"}
    )
    lawful_basis = forms.ChoiceField(
        label="Lawful basis for asking (UK GDPR Article 6)",
        choices=BLANK + list(codes.LawfulBasisArt6.choices),
        error_messages={"required": "Choose the lawful basis"},
    )
    nhs_number = forms.CharField(
        label="NHS number (if you are not asking about a case you can see)",
        required=False,
        max_length=14,
        help_text="The agency will not tell you whether it holds a record until it answers.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
    )
    what = forms.CharField(
        label="What information do you need?",
        help_text="Ask for the minimum necessary.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what information you need"},
    )
    why = forms.CharField(
        label="Why do you need it?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you need it"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], with_case: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holder_agency"].choices = BLANK + agencies  # type: ignore[attr-defined]
        if with_case:
            del self.fields["nhs_number"]


class RespondForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your answer",
        widget=forms.RadioSelect,
        choices=list(RequestOutcome.choices),
        error_messages={"required": "Choose your answer"},
    )
    reasons = forms.CharField(
        label="Your reasons",
        help_text="Why sharing is necessary and proportionate, what is withheld, or why you refuse.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give your reasons"},
    )
    record = forms.ChoiceField(label="Which of your agency's records do you share?", required=False)
    scope = forms.ChoiceField(
        label="How much?", widget=forms.RadioSelect, required=False, choices=list(codes.Scope.choices)
    )
    data_items = forms.MultipleChoiceField(
        label="What is shared?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        choices=list(codes.DataItem.choices),
    )
    lawful_basis_art6 = forms.ChoiceField(
        label="UK GDPR Article 6 lawful basis", required=False, choices=BLANK + list(codes.LawfulBasisArt6.choices)
    )
    condition_art9 = forms.ChoiceField(
        label="Article 9 condition (for special category data)",
        required=False,
        choices=[("", "None"), *codes.ConditionArt9.choices],
    )
    dpa_sch1_condition = forms.ChoiceField(
        label="DPA 2018 Schedule 1 condition",
        required=False,
        choices=[("", "None"), *codes.DpaSchedule1Condition.choices],
    )
    consent_status = forms.ChoiceField(
        label="The adult's consent", required=False, widget=forms.RadioSelect, choices=list(codes.ConsentStatus.choices)
    )
    override_reason = forms.ChoiceField(
        label="If sharing without consent, why?",
        required=False,
        choices=[("", "Not applicable"), *codes.OverrideReason.choices],
    )
    override_detail = forms.CharField(
        label="Why sharing without consent is justified here", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    adult_not_informed_reason = forms.CharField(
        label="If the adult has not been told, why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    response_text = forms.CharField(
        label="Information given in your answer (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example, when the request is about the other agency's own case.",
    )

    def __init__(self, *args: Any, records: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record"].choices = [("", "None"), *records]  # type: ignore[attr-defined]


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why are you withdrawing the request?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the request is withdrawn"},
    )


class BreakGlassLookupForm(forms.Form):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the NHS number"},
    )


class BreakGlassForm(forms.Form):
    reason_code = forms.ChoiceField(
        label="Reason",
        widget=forms.RadioSelect,
        choices=list(BreakGlassReason.choices),
        error_messages={"required": "Choose the reason"},
    )
    reason = forms.CharField(
        label="Explain why you need emergency access",
        help_text="At least 20 characters. The owning agency's safeguarding leads are told at once and will review it.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why you need emergency access"},
    )
    otp = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter the code from your authenticator app"},
    )


class BreakGlassReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was the access justified?",
        widget=forms.RadioSelect,
        choices=[("justified", "Justified"), ("not_justified", "Not justified")],
        error_messages={"required": "Choose whether the access was justified"},
    )
    note = forms.CharField(
        label="Review note",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what you found"},
    )
