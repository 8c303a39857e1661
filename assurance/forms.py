from __future__ import annotations

from typing import Any

from django import forms

from assurance.models import TrainingLevel, TrainingTopic


class PackCreateForm(forms.Form):
    period = forms.CharField(
        label="Period",
        help_text="A calendar quarter such as 2026-Q2, or a year such as 2026",
        error_messages={"required": "Enter the period"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )


class NarrativeForm(forms.Form):
    assurance_statement = forms.CharField(
        label="Assurance statement", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    risks = forms.CharField(label="Risks", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    learning_from_reviews = forms.CharField(
        label="Learning from reviews", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    system_leadership = forms.CharField(
        label="System leadership examples", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class TrainingForm(forms.Form):
    staff = forms.ChoiceField(label="Staff member", error_messages={"required": "Choose the staff member"})
    role = forms.CharField(label="Job role (optional)", required=False)
    topic = forms.ChoiceField(label="Training", choices=TrainingTopic.choices)
    required_level = forms.ChoiceField(
        label="Required level", choices=TrainingLevel.choices, error_messages={"required": "Choose the level"}
    )
    course = forms.CharField(label="Course", error_messages={"required": "Enter the course name"})
    completed_at = forms.DateField(
        label="Date completed",
        help_text="For example, 2026-03-27",
        error_messages={"required": "Enter the date completed", "invalid": "Enter the date as YYYY-MM-DD"},
    )
    expires_at = forms.DateField(
        label="Expiry date",
        help_text="For example, 2029-03-27",
        error_messages={"required": "Enter the expiry date", "invalid": "Enter the date as YYYY-MM-DD"},
    )

    def __init__(self, *args: Any, staff: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].choices = [("", "Choose"), *staff]  # type: ignore[attr-defined]


class TrainingImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: email, role, topic, required_level, course, completed_at, expires_at (dates YYYY-MM-DD)",
        error_messages={"required": "Choose a CSV file"},
    )
