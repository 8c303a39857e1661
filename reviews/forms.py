from __future__ import annotations

from typing import Any

from django import forms

from reviews.models import Basis, EventFormat, Methodology, OwnerFlag, ParallelProcess


class ReferForm(forms.Form):
    basis = forms.ChoiceField(
        label="Which section 44 condition does the referral meet?",
        choices=Basis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the condition the referral meets"},
    )
    concern_about_joint_working = forms.BooleanField(
        label="There is concern about how agencies worked together to safeguard the adult",
        required=False,
        help_text="Required for a mandatory review.",
    )
    care_and_support_needs = forms.BooleanField(label="The adult has needs for care and support", required=False)
    serious_abuse_or_neglect = forms.BooleanField(
        label="The adult experienced serious abuse or neglect (known or suspected)", required=False
    )
    adult_name = forms.CharField(label="The adult's name", required=False, max_length=200)
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        required=False,
        max_length=20,
        help_text="Chronology requests to agencies name the adult by it.",
    )
    enquiry_ref = forms.CharField(label="Section 42 enquiry reference (optional)", required=False, max_length=60)
    supporting_information = forms.CharField(
        label="What happened, and what could agencies learn?",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Describe what happened"},
    )


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput)
    rationale = forms.CharField(label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    other_review = forms.CharField(
        label="Other review or learning route (when declined)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    agencies = forms.MultipleChoiceField(
        label="Agencies to ask for a chronology", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agencies"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = agencies or []


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="The panel's decision",
        choices=[("commission", "Commission a review"), ("decline", "Decline a review")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the decision"},
    )
    rationale = forms.CharField(
        label="Rationale",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The referrer is told the decision.",
        error_messages={"required": "Give the rationale for the decision"},
    )
    other_review = forms.CharField(
        label="Other review or learning route (when declined, optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DetailsForm(forms.Form):
    methodology = forms.ChoiceField(
        label="Methodology", required=False, choices=[("", "Choose…"), *Methodology.choices]
    )
    reviewer = forms.ChoiceField(label="Reviewer", required=False)
    terms_of_reference = forms.CharField(
        label="Terms of reference", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    panel_members = forms.MultipleChoiceField(
        label="Panel members", required=False, widget=forms.CheckboxSelectMultiple
    )
    family_involvement = forms.CharField(
        label="Family involvement", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    person_informed = forms.BooleanField(label="The adult (or family) has been told of the review", required=False)
    parallel_processes = forms.MultipleChoiceField(
        label="Parallel processes", required=False, choices=ParallelProcess.choices, widget=forms.CheckboxSelectMultiple
    )
    draft_report = forms.CharField(label="Draft report", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    executive_summary = forms.CharField(
        label="Executive summary", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(
        self,
        *args: Any,
        reviewers: list[tuple[str, str]],
        panel: list[tuple[str, str]],
        allowed: set[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        reviewer = self.fields["reviewer"]
        assert isinstance(reviewer, forms.ChoiceField)
        reviewer.choices = [("", "Choose…"), *reviewers]
        members = self.fields["panel_members"]
        assert isinstance(members, forms.MultipleChoiceField)
        members.choices = panel
        for name in list(self.fields):
            if name not in allowed:
                del self.fields[name]


class ChronologyForm(forms.Form):
    chronology = forms.CharField(
        label="Your agency's chronology",
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Dated entries of your agency's involvement. The case's redacted export can help you prepare it.",
        error_messages={"required": "Enter the chronology"},
    )


class RecommendationForm(forms.Form):
    finding = forms.CharField(label="Finding (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    text = forms.CharField(
        label="Recommendation",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the recommendation"},
    )


class ItemForm(forms.Form):
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Describe the action"}
    )
    owner_agency = forms.ChoiceField(label="Lead agency", error_messages={"required": "Choose the lead agency"})
    due_date = forms.DateField(
        label="Due date",
        help_text="For example, 27 3 2027. Write it as a date: YYYY-MM-DD.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
        error_messages={"required": "Enter the due date", "invalid": "Enter the due date as YYYY-MM-DD"},
    )
    impact_measure = forms.CharField(
        label="How will impact be measured? (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner_agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose…"), *agencies]


class UpdateForm(forms.Form):
    note = forms.CharField(
        label="Progress update",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the progress"},
    )
    owner_flag = forms.ChoiceField(
        label="Is the action on track?",
        choices=OwnerFlag.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class EvidenceForm(forms.Form):
    evidence_notes = forms.CharField(
        label="Evidence of completion",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What was done and how you know it worked. "
        "The SAB business manager checks it before the item turns blue.",
        error_messages={"required": "Describe the evidence that the action is complete"},
    )
    evidence_file = forms.FileField(label="Upload a file (optional)", required=False)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="Why is the evidence not enough?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the evidence is not enough"},
    )


class LearningEventForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200, error_messages={"required": "Name the event"})
    format = forms.ChoiceField(label="Format", choices=EventFormat.choices, widget=forms.RadioSelect)
    held_on = forms.DateField(
        label="Date held",
        help_text="Write it as YYYY-MM-DD.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"required": "Enter the date", "invalid": "Enter the date as YYYY-MM-DD"},
    )
    summary = forms.CharField(label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ThemeForm(forms.Form):
    title = forms.CharField(label="Theme", max_length=200, error_messages={"required": "Name the theme"})
    description = forms.CharField(
        label="Description (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reviews = forms.MultipleChoiceField(
        label="Reviews where it recurs", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, reviews: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reviews"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = reviews


class LinkThemeForm(forms.Form):
    theme = forms.ChoiceField(
        label="Improvement theme this item addresses", error_messages={"required": "Choose a theme"}
    )

    def __init__(self, *args: Any, themes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["theme"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose…"), *themes]


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the item cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Give the reason for cancelling the item"},
    )
