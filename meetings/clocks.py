"""The meetings app's timescales on the clock engine: contributions before the meeting, minutes after it, and meeting
actions (the engine's ``action_due`` kind, which stops itself when an action is completed or cancelled)."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from escalation import services as clocks
from escalation.kinds import register_kind
from escalation.models import DeadlineStatus

CONTRIBUTION = "meeting_contribution"
MINUTES = "meeting_minutes"
ACTION_DUE = "action_due"


def register() -> None:
    register_kind(CONTRIBUTION, label="Meeting contribution", policy_key="meeting_contributions")
    register_kind(MINUTES, label="Meeting minutes issued", policy_key="meeting_minutes")


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def contribution_requested(*, invitation: Any) -> None:
    meeting = invitation.meeting
    clocks.start_clock(
        subject=invitation,
        kind=CONTRIBUTION,
        policy_key="meeting_contributions",
        start=meeting.scheduled_at,
        holder_user=invitation.person,
        holder_agency=invitation.agency,
        area=meeting.area,
    )


def contribution_received(*, invitation: Any, by: Any) -> None:
    clocks.meet_clock(subject=invitation, kind=CONTRIBUTION, by=by)


def minutes_due(*, meeting: Any, held_at: datetime) -> None:
    clocks.start_clock(
        subject=meeting,
        kind=MINUTES,
        policy_key="meeting_minutes",
        start=held_at,
        holder_user=meeting.coordinator or meeting.chair,
        holder_agency=meeting.chair_agency,
        area=meeting.area,
    )


def minutes_issued(*, meeting: Any, by: Any) -> None:
    clocks.meet_clock(subject=meeting, kind=MINUTES, by=by)


def action_scheduled(*, action: Any, area: Any) -> None:
    clocks.start_clock(
        subject=action,
        kind=ACTION_DUE,
        policy_key="default_action_due",
        due_at=_end_of(action.due_date) if action.due_date else None,
        holder_user=action.owner_person,
        holder_agency=action.owner_agency,
        area=area,
    )


def meeting_cancelled(*, meeting: Any, reason: str, by: Any) -> None:
    clocks.cancel_clock(subject=meeting, reason=reason, by=by)
    for invitation in meeting.invitations.all():
        clocks.cancel_clock(subject=invitation, reason=reason, by=by)


def meeting_rescheduled(*, meeting: Any, reason: str, by: Any) -> None:
    """Contributions still owed are due again from the new date: each pending clock is cancelled (with the reason)
    and started afresh. A breached one stays as it is: the deadline was missed, and its escalation goes on."""
    for invitation in meeting.invitations.all():
        current = clocks.open_deadlines_for(invitation, CONTRIBUTION).first()
        if current is None or current.status != DeadlineStatus.PENDING:
            continue
        clocks.cancel_clock(subject=invitation, kind=CONTRIBUTION, reason=f"Meeting moved: {reason}", by=by)
        contribution_requested(invitation=invitation)
