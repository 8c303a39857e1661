"""GOV.UK question pages for logging a concern, and the case page's small forms."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from cases import nhs
from cases.codes import (
    AbuseType,
    ConsentNotSoughtReason,
    ConsentToRaise,
    LocationOfRisk,
    MentalHealthActStatus,
    RiskLevel,
    SourceOfRisk,
)
from cases.models import CapacityOutcome, ClosureReason, EntryType
from safeguarding.forms_widgets import GovukDateField

YES_NO = [("yes", "Yes"), ("no", "No")]


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def combine(day: Any, at: str = "") -> datetime:
    """A date (and optional HH:MM) as an aware datetime in local time."""
    hour, minute = 12, 0
    if at:
        hour, minute = (int(p) for p in at.split(":"))
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


class TimeField(forms.CharField):
    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return ""
        try:
            hour, minute = (int(p) for p in value.replace(".", ":").split(":"))
            time(hour, minute)
        except ValueError as exc:
            raise forms.ValidationError("Enter a time like 14:30") from exc
        return f"{hour:02d}:{minute:02d}"


class AdultForm(forms.Form):
    given_name = forms.CharField(
        label="First name", max_length=100, error_messages={"required": "Enter the adult's first name"}
    )
    family_name = forms.CharField(
        label="Last name", max_length=100, error_messages={"required": "Enter the adult's last name"}
    )
    date_of_birth = GovukDateField(
        label="Date of birth",
        label_noun="date of birth",
        required=False,
        help_text="For example, 27 3 1956. Leave blank if not known.",
    )
    nhs_number = forms.CharField(
        label="NHS number",
        required=False,
        max_length=20,
        help_text="10 digits, for example 943 476 5919. Leave blank if not known.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "class": "govuk-input--width-10"}),
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data.get("nhs_number", "")
        if not value:
            return ""
        try:
            return nhs.validate(value)
        except nhs.InvalidNhsNumber as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_date_of_birth(self) -> Any:
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be in the past")
        return value


class ChooseAdultForm(forms.Form):
    person = forms.ChoiceField(
        label="Is the concern about one of these people?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select a person, or that it is someone new"},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "person", [*choices, ("new", "None of these: it is someone new")])


class WhatHappenedForm(forms.Form):
    identified_on = GovukDateField(
        label="When was the concern identified?",
        label_noun="date it was identified",
        help_text="For example, 27 3 2026",
    )
    identified_time = TimeField(
        label="Time (optional)",
        required=False,
        max_length=5,
        help_text="24-hour clock, for example 14:30",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    what_happened = forms.CharField(
        label="What happened?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe what happened"},
        help_text="Facts first: what you saw or were told, by whom and when.",
    )
    location_of_risk = forms.ChoiceField(
        label="Where is the risk?",
        choices=LocationOfRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the risk is"},
    )
    source_of_risk = forms.ChoiceField(
        label="Who is the source of the risk?",
        choices=SourceOfRisk.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the source of the risk"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day = cleaned.get("identified_on")
        if day and combine(day, cleaned.get("identified_time", "")) > timezone.now():
            self.add_error("identified_on", "The date the concern was identified must be today or in the past")
        return cleaned


class AbuseTypesForm(forms.Form):
    abuse_types = forms.MultipleChoiceField(
        label="What type of abuse or neglect is it?",
        choices=AbuseType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one type of abuse or neglect"},
    )


class ImmediateRiskForm(forms.Form):
    immediate_risk = forms.ChoiceField(
        label="Is the adult at immediate risk of serious harm?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the adult is at immediate risk"},
    )
    immediate_actions = forms.CharField(
        label="What has been done to keep the adult safe now?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Needed if the adult is at immediate risk. Your agency's safeguarding leads are alerted at once.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("immediate_risk") == "yes" and not (cleaned.get("immediate_actions") or "").strip():
            self.add_error("immediate_actions", "Say what has been done to keep the adult safe now")
        return cleaned


class ConsentForm(forms.Form):
    consent_to_raise = forms.ChoiceField(
        label="Did the adult consent to this concern being raised?",
        choices=ConsentToRaise.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the adult consented"},
    )
    consent_not_sought_reason = forms.ChoiceField(
        label="If consent was not sought, why not?",
        choices=ConsentNotSoughtReason.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    consent_not_sought_detail = forms.CharField(
        label="Tell us more about the decision not to seek consent, or the capacity assessment behind it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    adult_aware = forms.ChoiceField(
        label="Does the adult know about the concern?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the adult knows about the concern"},
    )
    adult_aware_reason = forms.CharField(
        label="If not, why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    adult_views = forms.CharField(
        label="What are the adult's views?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In their own words where possible (Making Safeguarding Personal).",
    )
    desired_outcomes = forms.CharField(
        label="What outcomes does the adult want?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One outcome per line.",
    )
    domestic_abuse_disclosed = forms.BooleanField(label="The adult has disclosed domestic abuse", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("consent_to_raise") == ConsentToRaise.NOT_SOUGHT and not cleaned.get(
            "consent_not_sought_reason"
        ):
            self.add_error("consent_not_sought_reason", "Select why consent was not sought")
        lacks = ConsentToRaise.LACKS_CAPACITY in (
            cleaned.get("consent_to_raise"),
            cleaned.get("consent_not_sought_reason"),
        )
        if lacks and not (cleaned.get("consent_not_sought_detail") or "").strip():
            self.add_error(
                "consent_not_sought_detail",
                "A capacity assessment must come before a lacks-capacity conclusion: describe it",
            )
        if cleaned.get("adult_aware") == "no" and not (cleaned.get("adult_aware_reason") or "").strip():
            self.add_error("adult_aware_reason", "Say why the adult does not know about the concern")
        return cleaned


# --- case page forms ---------------------------------------------------------------------------------------------


class ChronologyForm(forms.Form):
    event_date = GovukDateField(
        label="Date it happened", label_noun="date it happened", help_text="Back-dating is allowed."
    )
    entry_type = forms.ChoiceField(label="Type", choices=EntryType.choices, initial=EntryType.NOTE)
    summary = forms.CharField(
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what happened"},
    )
    significant = forms.BooleanField(label="This is a significant event", required=False)

    def clean_event_date(self) -> Any:
        value = self.cleaned_data.get("event_date")
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        return value


class RiskForm(forms.Form):
    risk_level = forms.ChoiceField(label="Risk level", choices=RiskLevel.choices, widget=forms.RadioSelect)
    current_risks = forms.CharField(label="Current risks", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    protective_factors = forms.CharField(
        label="Protective factors", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    children_in_household = forms.BooleanField(label="Children live in the household", required=False)
    adults_at_risk_in_household = forms.BooleanField(label="Other adults at risk live in the household", required=False)
    think_family_notes = forms.CharField(
        label="Think Family notes", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    mha_status = forms.ChoiceField(label="Mental Health Act status", choices=MentalHealthActStatus.choices)
    care_coordinator = forms.CharField(label="Care coordinator", required=False, max_length=200)
    crisis_plan = forms.CharField(label="Crisis plan", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    safety_plan = forms.CharField(label="Safety plan", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class CloseForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why are you closing the case?",
        choices=[
            (r.value, r.label)
            for r in (ClosureReason.DUPLICATE, ClosureReason.WITHDRAWN, ClosureReason.CEASED_AT_REQUEST)
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why you are closing the case"},
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="Why are you reopening the case?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for reopening the case"},
    )


class CapacityForm(forms.Form):
    decision = forms.CharField(
        label="Which decision was capacity assessed for?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Name the specific decision"},
    )
    assessed_on = GovukDateField(label="Date of the assessment", label_noun="date of the assessment")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CapacityOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    reasoning = forms.CharField(
        label="How was the two-stage test applied?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record how the test was applied"},
    )


class SearchForm(forms.Form):
    text = forms.CharField(label="Name or case reference", required=False, max_length=200)
    nhs_number = forms.CharField(label="NHS number", required=False, max_length=20)
    date_of_birth = GovukDateField(label="Date of birth", label_noun="date of birth", required=False)

    def clean_nhs_number(self) -> str:
        value: str = self.cleaned_data.get("nhs_number", "")
        if not value:
            return ""
        try:
            return nhs.normalise(value)
        except nhs.InvalidNhsNumber as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("text") or cleaned.get("nhs_number") or cleaned.get("date_of_birth")) and not self.errors:
            self.add_error("text", "Enter a name, case reference, NHS number or date of birth")
        return cleaned


# --- sharing -------------------------------------------------------------------------------------------------------


class ShareForm(forms.Form):
    """A sharing decision, guided by the Caldicott principles and the seven golden rules (shown beside the form)."""

    direction = forms.ChoiceField(
        label="What have you decided?",
        widget=forms.RadioSelect,
        choices=[("disclose", "Share information"), ("refuse", "Not to share (record the decision)")],
        initial="disclose",
    )
    recipient_agency = forms.ChoiceField(label="Who with?", error_messages={"required": "Choose the agency"})
    purpose = forms.ChoiceField(label="Purpose", error_messages={"required": "Choose the purpose of sharing"})
    scope = forms.ChoiceField(
        label="How much?",
        widget=forms.RadioSelect,
        required=False,
        help_text="Share the minimum necessary (Caldicott principle 3).",
    )
    data_items = forms.MultipleChoiceField(label="What is shared?", widget=forms.CheckboxSelectMultiple, required=False)
    data_items_detail = forms.CharField(
        label="Anything more specific about what is shared (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    special_category = forms.MultipleChoiceField(
        label="Special category data included", required=False, widget=forms.CheckboxSelectMultiple
    )
    lawful_basis_art6 = forms.ChoiceField(label="UK GDPR Article 6 lawful basis", required=False)
    condition_art9 = forms.ChoiceField(label="Article 9 condition (for special category data)", required=False)
    dpa_sch1_condition = forms.ChoiceField(label="DPA 2018 Schedule 1 condition", required=False)
    consent_status = forms.ChoiceField(
        label="The adult's consent",
        widget=forms.RadioSelect,
        error_messages={"required": "Record the adult's consent position"},
    )
    override_reason = forms.ChoiceField(label="If sharing without consent, why?", required=False)
    override_detail = forms.CharField(
        label="Why sharing without consent is justified here", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    capacity_assessment_id = forms.ChoiceField(
        label="Capacity assessment (when the adult lacks capacity)", required=False
    )
    rationale = forms.CharField(
        label="Your rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Why sharing (or not) is necessary, proportionate and lawful, in your words.",
        error_messages={"required": "Explain the decision"},
    )
    adult_informed = forms.ChoiceField(
        label="Has the adult been told?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        initial="yes",
    )
    adult_not_informed_reason = forms.CharField(
        label="If not, why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    expires_on = GovukDateField(
        label="Access ends on (optional)",
        label_noun="end date",
        required=False,
        help_text="Leave blank for the default for this purpose.",
    )

    def __init__(
        self, *args: Any, agencies: list[tuple[str, str]], assessments: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        from safeguarding.sharing import codes

        super().__init__(*args, **kwargs)
        blank = [("", "Choose…")]
        _set_choices(self, "recipient_agency", blank + agencies)
        _set_choices(self, "purpose", blank + list(codes.Purpose.choices))
        _set_choices(self, "scope", list(codes.Scope.choices))
        _set_choices(self, "data_items", list(codes.DataItem.choices))
        _set_choices(self, "special_category", list(codes.SpecialCategory.choices))
        _set_choices(self, "lawful_basis_art6", blank + list(codes.LawfulBasisArt6.choices))
        _set_choices(self, "condition_art9", [("", "None"), *list(codes.ConditionArt9.choices)])
        _set_choices(self, "dpa_sch1_condition", [("", "None"), *list(codes.DpaSchedule1Condition.choices)])
        _set_choices(self, "consent_status", list(codes.ConsentStatus.choices))
        _set_choices(self, "override_reason", [("", "Not applicable"), *list(codes.OverrideReason.choices)])
        _set_choices(self, "capacity_assessment_id", [("", "None"), *assessments])


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Why are you revoking this share?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the share is being revoked"},
    )


# --- enquiry and plans ---------------------------------------------------------------------------------------------


def _choices(enum: Any) -> list[tuple[str, str]]:
    return [("", "Not recorded yet"), *enum.choices]


class EnquiryForm(forms.Form):
    from cases.codes import MentalCapacity, MspAchieved, MspAsked, RiskAssessmentOutcome, RiskResult

    scope = forms.CharField(
        label="Scope and lines of enquiry", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    msp_asked = forms.ChoiceField(
        label="Was the adult asked what outcomes they wanted?", required=False, choices=_choices(MspAsked)
    )
    msp_achieved = forms.ChoiceField(
        label="Were the adult's outcomes achieved?", required=False, choices=_choices(MspAchieved)
    )
    mental_capacity = forms.ChoiceField(
        label="Did the adult lack capacity?", required=False, choices=_choices(MentalCapacity)
    )
    advocacy_support = forms.ChoiceField(
        label="If they lacked capacity, were they supported by an advocate, family member or friend?",
        required=False,
        choices=[("", "Not recorded yet"), ("yes", "Yes"), ("no", "No")],
    )
    risk_assessment_outcome = forms.ChoiceField(
        label="Risk assessment outcome", required=False, choices=_choices(RiskAssessmentOutcome)
    )
    risk_result = forms.ChoiceField(
        label="Risk result (when a risk was identified)", required=False, choices=_choices(RiskResult)
    )
    conclusion_notes = forms.CharField(
        label="Findings and conclusion notes", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PlanForm(forms.Form):
    risks = forms.CharField(
        label="What risks does the plan address?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the risks the plan addresses"},
    )
    review_date = GovukDateField(label="First review by", label_noun="review date", help_text="Usually within 6 weeks.")


class PlanReviewForm(forms.Form):
    notes = forms.CharField(
        label="What did the review find?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what the review found"},
    )
    close = forms.BooleanField(label="Risk is managed: close the plan", required=False)
    next_review_date = GovukDateField(label="Next review by", label_noun="next review date", required=False)


class PlanActionForm(forms.Form):
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Describe the action"}
    )
    owner_person = forms.ChoiceField(label="Who will do it?", required=False)
    due_date = GovukDateField(label="By when?", label_noun="due date", required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "owner_person", [("", "The lead agency (no named person)"), *people])
