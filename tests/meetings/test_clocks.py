"""Meeting timescales on the clock engine: contributions before the meeting, minutes after it, actions by their date."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import DeadlineStatus
from escalation.services import open_deadlines_for
from meetings import services
from tests.escalation.conftest import run_clocks
from tests.meetings.factories import MeetingWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw() -> MeetingWorld:
    return MeetingWorld()


def test_a_missing_contribution_breaches_before_the_meeting(mw: MeetingWorld) -> None:
    meeting = mw.meeting(days=10)
    mw.invite_all(meeting)
    police = open_deadlines_for(meeting.invitations.get(agency=mw.police), "meeting_contribution").get()
    services.contribution_submit(meeting=meeting, by=mw.trust_rep, information_held="Care plan and risk history.")
    run_clocks(police.due_at + timedelta(minutes=1))
    police.refresh_from_db()
    assert police.status == DeadlineStatus.BREACHED and police.due_at < meeting.scheduled_at
    trust = meeting.invitations.get(agency=mw.trust)
    assert not open_deadlines_for(trust, "meeting_contribution").exists()


def test_minutes_not_issued_in_time_breach_and_issuing_meets_the_clock(mw: MeetingWorld) -> None:
    meeting = mw.held(mw.meeting())
    deadline = open_deadlines_for(meeting, "meeting_minutes").get()
    assert deadline.holder_user == mw.coordinator
    run_clocks(deadline.due_at + timedelta(minutes=1))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED
    services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Minutes", executive_summary="Summary")
    services.minutes_approve(meeting=meeting, by=mw.chair)
    services.minutes_issue(meeting=meeting, by=mw.chair)
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_an_action_not_done_by_its_date_breaches(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    action = services.meeting_action_add(
        meeting=meeting,
        by=mw.chair,
        owner_agency=mw.police,
        owner_person=mw.police_rep,
        description="Flag the address",
        due_date=timezone.localdate() + timedelta(days=2),
    )
    deadline = open_deadlines_for(action, "action_due").get()
    run_clocks(deadline.due_at + timedelta(minutes=1))
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED
