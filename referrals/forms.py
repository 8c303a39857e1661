"""Forms of the referral screens (GOV.UK patterns through ``{% govuk_field %}``)."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.codes import AlternativeResponse, LaDecision, NotS42Reason, TriState
from referrals.codes import HarmRelationship, MappaCategory, MappaLevel, MappaRequestType, ServiceType, VictimConsent
from safeguarding.forms_widgets import GovukDateField
from safeguarding.sharing.codes import ConsentStatus, OverrideReason

BLANK = [("", "Choose…")]


def _choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class BasisForm(forms.Form):
    """Why the referral may share the case: the sender's consent position and rationale (recorded as the
    referral's own sharing decision when it is sent)."""

    reason = forms.CharField(
        label="Why are you referring, and what are you asking for?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say why you are referring and what you are asking for"},
    )
    urgent = forms.BooleanField(label="This is urgent", required=False)
    consent_status = forms.ChoiceField(
        label="The adult's consent to this referral",
        widget=forms.RadioSelect,
        choices=ConsentStatus.choices,
        error_messages={"required": "Record the adult's consent position"},
    )
    override_reason = forms.ChoiceField(
        label="If referring without consent, why?",
        required=False,
        choices=[("", "Not applicable"), *OverrideReason.choices],
    )
    override_detail = forms.CharField(
        label="Why referring without consent is justified here",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    adult_informed = forms.ChoiceField(
        label="Has the adult been told about the referral?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        initial="yes",
    )
    adult_not_informed_reason = forms.CharField(
        label="If not, why not?", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    rationale = forms.CharField(
        label="Why sharing the record is necessary and proportionate",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="In your own words: this is recorded as the referral's sharing decision.",
        error_messages={"required": "Explain why sharing is necessary"},
    )

    BASIS = (
        "consent_status",
        "override_reason",
        "override_detail",
        "adult_informed",
        "adult_not_informed_reason",
        "rationale",
    )

    def basis(self) -> dict[str, Any]:
        data = {k: self.cleaned_data.get(k) for k in self.BASIS}
        data["adult_informed"] = data["adult_informed"] == "yes"
        return {k: v for k, v in data.items() if v not in (None, "")}

    def details(self) -> dict[str, Any]:
        return {}


class S42Form(BasisForm):
    concern = forms.ChoiceField(label="Which concern?", error_messages={"required": "Choose the concern"})

    def __init__(self, *args: Any, concerns: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "concern", concerns)
        self.order_fields(["concern", "reason", "urgent"])

    def details(self) -> dict[str, Any]:
        return {"concern": self.cleaned_data["concern"]}


class MaracForm(BasisForm):
    persons_causing_harm = forms.MultipleChoiceField(
        label="Who is causing harm?",
        widget=forms.CheckboxSelectMultiple,
        help_text="People recorded on the case as alleged to cause harm. They are never told about the referral.",
        error_messages={"required": "Choose the person or people causing harm"},
    )
    harm_relationship = forms.ChoiceField(
        label="Their relationship to the victim", required=False, choices=[("", "Choose…"), *HarmRelationship.choices]
    )
    incident_date = GovukDateField(
        label="Date of the incident behind this referral",
        label_noun="incident date",
        help_text="Used for the 12-month repeat rule.",
    )
    da_incidents_12m = forms.IntegerField(
        label="Domestic abuse incidents in the last 12 months", required=False, min_value=0
    )
    police_callouts_12m = forms.IntegerField(
        label="Police call-outs in the last 12 months", required=False, min_value=0
    )
    professional_judgement = forms.CharField(
        label="Professional judgement",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Pre-filled from the DASH. Write it out in full when it is a reason for the referral.",
    )
    victim_informed = forms.ChoiceField(
        label="Has the victim been told about the referral?",
        widget=forms.RadioSelect,
        choices=[("yes", "Yes"), ("no", "No")],
        error_messages={"required": "Say whether the victim has been told"},
    )
    victim_consent = forms.ChoiceField(
        label="The victim's consent", widget=forms.RadioSelect, choices=VictimConsent.choices, required=False
    )
    safe_contact_number = forms.CharField(label="Safe contact number", required=False, max_length=40)
    safe_to_call = forms.CharField(label="When is it safe to call?", required=False, max_length=200)
    idva_referred = forms.BooleanField(label="The victim has also been referred to an IDVA", required=False)

    def __init__(self, *args: Any, harm_people: list[tuple[str, str]], judgement: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "persons_causing_harm", harm_people)
        if judgement and not self.is_bound:
            self.fields["professional_judgement"].initial = judgement

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "persons_causing_harm": data["persons_causing_harm"],
            "harm_relationship": data["harm_relationship"],
            "incident_date": data["incident_date"],
            "da_incidents_12m": data["da_incidents_12m"],
            "police_callouts_12m": data["police_callouts_12m"],
            "professional_judgement": data["professional_judgement"],
            "victim_informed": data["victim_informed"] == "yes",
            "victim_consent": data["victim_consent"],
            "safe_contact_number": data["safe_contact_number"],
            "safe_to_call": data["safe_to_call"],
            "idva_referred": data["idva_referred"],
        }


class ServiceForm(BasisForm):
    recipient_agency = forms.ChoiceField(label="Which agency?", error_messages={"required": "Choose the agency"})
    service_type = forms.ChoiceField(
        label="Which service?",
        choices=BLANK + list(ServiceType.choices),
        error_messages={"required": "Choose the service"},
    )
    service_detail = forms.CharField(label="More detail about the service (optional)", required=False, max_length=200)

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "recipient_agency", BLANK + agencies)
        self.order_fields(["recipient_agency", "service_type", "service_detail", "reason", "urgent"])

    def details(self) -> dict[str, Any]:
        return {
            "service_type": self.cleaned_data["service_type"],
            "service_detail": self.cleaned_data["service_detail"],
        }


class MappaForm(BasisForm):
    recipient_agency = forms.ChoiceField(
        label="Which responsible authority?", error_messages={"required": "Choose the responsible authority"}
    )
    mappa_request = forms.ChoiceField(
        label="Are you notifying or asking?",
        widget=forms.RadioSelect,
        choices=MappaRequestType.choices,
        error_messages={"required": "Say whether you are notifying or asking"},
    )
    mappa_subject = forms.ChoiceField(label="About whom?", error_messages={"required": "Choose the person"})
    mappa_category = forms.ChoiceField(
        label="MAPPA category", choices=BLANK + list(MappaCategory.choices), error_messages={"required": "Choose"}
    )
    mappa_level = forms.ChoiceField(
        label="MAPPA level, if known", required=False, choices=[("", "Not known"), *MappaLevel.choices]
    )
    visor_reference = forms.CharField(label="ViSOR reference, if given", required=False, max_length=40)

    def __init__(
        self, *args: Any, agencies: list[tuple[str, str]], people: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "recipient_agency", BLANK + agencies)
        _choices(self, "mappa_subject", BLANK + people)
        self.order_fields(["recipient_agency", "mappa_request", "mappa_subject", "mappa_category", "mappa_level"])

    def details(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            k: data[k] for k in ("mappa_request", "mappa_subject", "mappa_category", "mappa_level", "visor_reference")
        }


class DecisionForm(forms.Form):
    criterion_care_support_needs = forms.ChoiceField(
        label="Does the adult have needs for care and support?",
        widget=forms.RadioSelect,
        choices=TriState.choices,
        error_messages={"required": "Answer each of the three criteria"},
    )
    criterion_abuse_or_risk = forms.ChoiceField(
        label="Is the adult experiencing, or at risk of, abuse or neglect?",
        widget=forms.RadioSelect,
        choices=TriState.choices,
        error_messages={"required": "Answer each of the three criteria"},
    )
    criterion_unable_to_protect = forms.ChoiceField(
        label="Is the adult unable to protect themselves because of those needs?",
        widget=forms.RadioSelect,
        choices=TriState.choices,
        error_messages={"required": "Answer each of the three criteria"},
    )
    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=LaDecision.choices,
        error_messages={"required": "Select the decision"},
    )
    not_s42_reasons = forms.MultipleChoiceField(
        label="If not a section 42 enquiry, why not?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=NotS42Reason.choices,
    )
    alternative_responses = forms.MultipleChoiceField(
        label="Alternative responses (when no enquiry)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=AlternativeResponse.choices,
    )
    enquiry_lead_agency = forms.ChoiceField(label="Who leads the enquiry?", required=False)
    rationale = forms.CharField(label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "enquiry_lead_agency", [("", "The local authority"), *agencies])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Give the reason"}
    )


class ListForm(forms.Form):
    intended_sitting_date = GovukDateField(label="Intended sitting date", label_noun="sitting date")
    emergency = forms.BooleanField(label="Emergency MARAC (urgent risk)", required=False)
    emergency_reason = forms.CharField(
        label="Why an emergency MARAC? (if so)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ChallengeForm(forms.Form):
    professional_judgement = forms.CharField(
        label="Your professional judgement, written out in full",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write out your professional judgement"},
    )


class NominalReviewForm(forms.Form):
    level = forms.ChoiceField(
        label="Level after this review",
        widget=forms.RadioSelect,
        choices=MappaLevel.choices,
        error_messages={"required": "Choose the level"},
    )
