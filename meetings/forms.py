"""Forms for arranging and running meetings."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.forms import ShareForm, TimeField, combine
from meetings.models import AttendanceStatus, MeetingType, Rsvp
from safeguarding.forms_widgets import GovukDateField

__all__ = ["combine"]


def _set_choices(form: forms.Form, name: str, choices: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class MeetingForm(forms.Form):
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        choices=MeetingType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of meeting"},
    )
    title = forms.CharField(
        label="Title",
        help_text="No names: for example 'MARAC, North, March'.",
        error_messages={"required": "Give the meeting a title"},
    )
    date = GovukDateField(label="Date", label_noun="date")
    time = TimeField(
        label="Start time", help_text="For example 14:30", error_messages={"required": "Enter the start time"}
    )
    chair = forms.ChoiceField(label="Chair", error_messages={"required": "Choose the chair"})
    coordinator = forms.ChoiceField(label="Coordinator (optional)", required=False)
    venue = forms.CharField(label="Venue (optional)", required=False)
    link = forms.URLField(label="Link for a virtual meeting (optional)", required=False, assume_scheme="https")
    action_window_days = forms.IntegerField(
        label="Action window in days",
        initial=28,
        min_value=1,
        max_value=365,
        help_text="Sharing for this meeting ends this many days after it.",
    )

    def __init__(self, *args: Any, chairs: list[tuple[str, str]], people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "chair", [("", "Choose…"), *chairs])
        _set_choices(self, "coordinator", [("", "None"), *people])


class InviteForm(forms.Form):
    agency = forms.ChoiceField(label="Agency", error_messages={"required": "Choose the agency"})
    person = forms.ChoiceField(label="Named representative (optional)", required=False)

    def __init__(
        self, *args: Any, agencies: list[tuple[str, str]], people: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "agency", [("", "Choose…"), *agencies])
        _set_choices(self, "person", [("", "No named person"), *people])


class RsvpForm(forms.Form):
    rsvp = forms.ChoiceField(
        label="Will your agency attend?",
        choices=[c for c in Rsvp.choices if c[0] != Rsvp.PENDING],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether your agency will attend"},
    )
    note = forms.CharField(label="Note (required if you cannot attend)", required=False)


class AgendaCaseForm(forms.Form):
    case_reference = forms.CharField(
        label="Case reference",
        help_text="For example SG-2026-000123",
        error_messages={"required": "Enter the case reference"},
    )
    is_repeat = forms.BooleanField(label="A repeat (heard within the last 12 months)", required=False)


class AgendaShareForm(ShareForm):
    """The owner's decision for an agenda item: the recipients, purpose and expiry come from the meeting."""

    def __init__(self, *args: Any, assessments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, agencies=[], assessments=assessments, **kwargs)
        for name in ("recipient_agency", "purpose", "expires_on"):
            del self.fields[name]


class ItemForm(forms.Form):
    discussion = forms.CharField(
        label="Discussion",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record the discussion"},
    )
    adult_views = forms.CharField(label="The adult's views", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    adult_participated = forms.BooleanField(label="The adult took part", required=False)
    advocate_participated = forms.BooleanField(label="An advocate took part", required=False)


class UpdateCaseForm(forms.Form):
    risk_summary = forms.CharField(
        label="Agreed risk summary",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record the risk summary the meeting agreed"},
    )
    plan_review_notes = forms.CharField(
        label="Safeguarding plan review (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_review_date = GovukDateField(
        label="Next plan review by (optional)", label_noun="next review date", required=False
    )


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        label="Attendance", choices=AttendanceStatus.choices, error_messages={"required": "Choose the attendance"}
    )
    attendee_name = forms.CharField(label="Who attended", required=False)
    confidentiality_acknowledged = forms.BooleanField(
        label="Has acknowledged the confidentiality statement", required=False
    )


class DecisionForm(forms.Form):
    agenda_item = forms.ChoiceField(label="About", required=False)
    decision = forms.CharField(
        label="Decision", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Record the decision"}
    )
    rationale = forms.CharField(
        label="Rationale", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Record the rationale"}
    )
    differing_views = forms.CharField(
        label="Differing views (optional)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "agenda_item", [("", "The meeting as a whole"), *items])


class ActionForm(forms.Form):
    agenda_item = forms.ChoiceField(label="About", required=False)
    description = forms.CharField(
        label="Action", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "Describe the action"}
    )
    owner_agency = forms.ChoiceField(label="Owning agency", error_messages={"required": "Choose the owning agency"})
    owner_person = forms.ChoiceField(label="Owner (optional)", required=False)
    due_date = GovukDateField(label="Due by", label_noun="due date")

    def __init__(
        self,
        *args: Any,
        items: list[tuple[str, str]],
        agencies: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "agenda_item", [("", "The meeting as a whole"), *items])
        _set_choices(self, "owner_agency", [("", "Choose…"), *agencies])
        _set_choices(self, "owner_person", [("", "No named person"), *people])


class ContributionForm(forms.Form):
    agenda_item = forms.ChoiceField(label="Which case on the agenda?", required=False)
    information_held = forms.CharField(
        label="What information does your agency hold?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what information your agency holds"},
    )
    current_risks = forms.CharField(label="Current risks", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    not_shared = forms.CharField(
        label="What did your agency decide not to share, and why?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self, "agenda_item", [("", "The meeting as a whole"), *items])


class MinutesForm(forms.Form):
    text = forms.CharField(
        label="Minutes", widget=forms.Textarea(attrs={"rows": 12}), error_messages={"required": "Write the minutes"}
    )
    executive_summary = forms.CharField(
        label="Executive summary",
        help_text="What third parties may be given: no personal detail.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the executive summary"},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class AddendumForm(forms.Form):
    text = forms.CharField(
        label="Addendum", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Write the addendum"}
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the meeting is cancelled"},
    )


class RescheduleForm(forms.Form):
    date = GovukDateField(label="New date", label_noun="date")
    time = TimeField(
        label="New start time", help_text="For example 14:30", error_messages={"required": "Enter the start time"}
    )
    reason = forms.CharField(
        label="Why is the meeting moving?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why the meeting is moving"},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
