from __future__ import annotations

from typing import Any

from django import forms

from escalation.disagreements.models import Category


class RaiseForm(forms.Form):
    respondent_agency = forms.ChoiceField(
        label="Which agency do you disagree with?", error_messages={"required": "Choose the agency"}
    )
    category = forms.ChoiceField(
        label="What is the disagreement about?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a category"},
    )
    disputed = forms.CharField(
        label="What is disputed?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Describe what is disputed"},
    )
    resolution_sought = forms.CharField(
        label="What resolution are you seeking?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what resolution you are seeking"},
    )
    adult_views = forms.CharField(
        label="The adult's views, where known (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    immediate_risk = forms.BooleanField(
        label="The adult is at immediate risk",
        required=False,
        help_text="Your own safeguarding lead is told at once, and either side can escalate straight away.",
    )

    def __init__(self, *args: Any, agencies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["respondent_agency"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose…"), *agencies]


class ChallengeForm(forms.Form):
    category = forms.ChoiceField(
        label="What is the challenge about?",
        choices=Category.choices,
        widget=forms.RadioSelect,
        initial=Category.CLOSURE_OR_INACTION,
        error_messages={"required": "Choose a category"},
    )
    disputed = forms.CharField(
        label="What has not happened?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Describe the inaction you are challenging"},
    )
    resolution_sought = forms.CharField(
        label="What do you need to happen, and by when?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what resolution you are seeking"},
    )
    immediate_risk = forms.BooleanField(label="The adult is at immediate risk", required=False)


class EscalateForm(forms.Form):
    reason = forms.CharField(
        label="Why are you escalating?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why you are escalating"},
    )


class ResolveForm(forms.Form):
    agreement = forms.CharField(
        label="What was agreed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record what was agreed"},
    )
    lessons_learned = forms.CharField(
        label="Lessons learned",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Including why it was not resolved earlier.",
        error_messages={"required": "Record the lessons learned"},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note to this stage",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write the note"},
    )
