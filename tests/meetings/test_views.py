from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import signed_in
from tests.meetings.factories import DECISION, MeetingWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw() -> MeetingWorld:
    return MeetingWorld()


def page(meeting: Meeting, rest: str = "") -> str:
    return f"/meetings/{meeting.pk}/{rest}"


def test_the_meeting_pages_render_for_the_chair(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    mw.shared_item(meeting)
    client = signed_in(mw.chair)
    assert client.get("/meetings/").status_code == 200
    assert client.get("/meetings/new/").status_code == 200
    body = client.get(page(meeting)).content.decode()
    assert mw.case.reference in body and "Invite an agency" in body
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    chair_page = client.get(page(meeting, "chair/"))
    assert chair_page.status_code == 200 and "Record attendance" in chair_page.content.decode()


def test_arranging_a_meeting_in_the_browser(mw: MeetingWorld) -> None:
    client = signed_in(mw.chair)
    day = timezone.localdate() + timedelta(days=4)
    response = client.post(
        "/meetings/new/",
        {
            "meeting_type": "strategy_meeting",
            "title": "Strategy meeting",
            "date_0": day.day,
            "date_1": day.month,
            "date_2": day.year,
            "time": "10:30",
            "chair": str(mw.chair.pk),
            "action_window_days": "28",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    meeting = Meeting.objects.get()
    assert meeting.chair == mw.chair and timezone.localtime(meeting.scheduled_at).hour == 10


def test_the_chairs_page_records_attendance_decisions_and_actions_with_htmx(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    item = mw.shared_item(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    client = signed_in(mw.chair)
    prefix = f"a{str(mw.police.pk)[:8]}"
    response = client.post(
        page(meeting, "attendance/"),
        {"agency": str(mw.police.pk), f"{prefix}-status": "attended", f"{prefix}-attendee_name": "PC Rep"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and 'id="attendance-section"' in response.content.decode()
    assert meeting.attendance.get().attendee_name == "PC Rep"
    bad = client.post(page(meeting, "decisions/"), {"d-decision": "x"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    client.post(
        page(meeting, "decisions/"),
        {"d-agenda_item": str(item.pk), "d-decision": "Refer to IDVA", "d-rationale": "High risk"},
        HTTP_HX_REQUEST="true",
    )
    assert meeting.decisions.get().agenda_item == item
    due = timezone.localdate() + timedelta(days=5)
    response = client.post(
        page(meeting, "actions/"),
        {
            "x-description": "Visit",
            "x-owner_agency": str(mw.police.pk),
            "x-due_date_0": due.day,
            "x-due_date_1": due.month,
            "x-due_date_2": due.year,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and meeting.actions.count() == 1


def test_others_get_404_for_the_meeting_and_restricted_minutes(mw: MeetingWorld) -> None:
    meeting = mw.meeting("mappa_l2")
    mw.invite_all(meeting)
    mw.held(meeting)
    services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Restricted text", executive_summary="Summary")
    outsider = signed_in(UserFactory(agency=AgencyFactory()))
    assert outsider.get(page(meeting)).status_code == 404
    colleague = signed_in(mw.police_other)
    assert colleague.get(page(meeting)).status_code == 200
    assert colleague.get(page(meeting, "minutes/")).status_code == 404
    assert signed_in(mw.police_rep).get(page(meeting, "minutes/")).status_code == 200
    assert colleague.get(page(meeting, "chair/")).status_code == 403


def test_the_owner_records_the_sharing_decision_from_the_meeting(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    item = services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)
    client = signed_in(mw.trust_rep)
    assert "Decide what to share" in client.get(page(meeting)).content.decode()
    assert client.get(page(meeting, f"agenda/{item.pk}/share/")).status_code == 200
    data = {**DECISION, "direction": "disclose", "adult_informed": "yes"}
    response = client.post(page(meeting, f"agenda/{item.pk}/share/"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.sharing_status == "shared"


def test_minutes_pages_draft_approve_and_issue(mw: MeetingWorld) -> None:
    meeting = mw.held(mw.meeting())
    client = signed_in(mw.chair)
    drafted = client.post(page(meeting, "minutes/"), {"text": "Minutes", "executive_summary": "Summary"})
    assert drafted.status_code == 302
    client.post(page(meeting, "minutes/approve/"))
    client.post(page(meeting, "minutes/issue/"))
    meeting.refresh_from_db()
    assert meeting.status == "minutes_issued"
    assert "Summary" in client.get(page(meeting, "executive-summary/")).content.decode()


def test_the_case_panel_and_my_meetings_panel(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    mw.shared_item(meeting)
    police = signed_in(mw.police_other)
    panel = police.get(f"/meetings/for-case/{mw.case.pk}/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200 and meeting.reference in panel.content.decode()
    assert signed_in(UserFactory(agency=AgencyFactory())).get(f"/meetings/for-case/{mw.case.pk}/").status_code == 404
    mine = signed_in(mw.chair).get("/meetings/panel/", HTTP_HX_REQUEST="true")
    assert meeting.title in mine.content.decode()


def test_a_marac_research_page_is_404_outside_the_restricted_audience(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    assert signed_in(mw.coordinator).get(page(meeting, "research/")).status_code == 200
    assert signed_in(mw.police_other).get(page(meeting, "research/")).status_code == 404


def test_the_owner_completes_a_meeting_action_from_the_meeting_page(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    action = services.meeting_action_add(
        meeting=meeting,
        by=mw.chair,
        owner_agency=mw.police,
        owner_person=mw.police_rep,
        description="Visit",
        due_date=timezone.localdate(),
    )
    client = signed_in(mw.police_rep)
    assert "Complete: Visit" in client.get(page(meeting)).content.decode()
    client.post(page(meeting, f"actions/{action.pk}/complete/"), {"evidence_notes": "Visited today."})
    action.refresh_from_db()
    assert action.status == "completed"
    chair = signed_in(mw.chair)
    assert "Verify the action" in chair.get(page(meeting)).content.decode()
    assert client.post(page(meeting, f"actions/{action.pk}/verify/")).status_code == 403
    chair.post(page(meeting, f"actions/{action.pk}/verify/"))
    action.refresh_from_db()
    assert action.status == "verified"


def test_cancelling_tells_the_owner_who_shared(mw: MeetingWorld) -> None:
    from safeguarding.notifications.models import Notification

    meeting = mw.meeting()
    mw.invite_all(meeting)
    mw.shared_item(meeting)
    signed_in(mw.chair).post(page(meeting, "transition/cancel/"), {"reason": "Chair unavailable"})
    meeting.refresh_from_db()
    assert meeting.status == "cancelled"
    assert Notification.objects.filter(recipient=mw.trust_rep, kind="meeting_cancelled").exists()


def test_mappa_minutes_export_carries_the_marking_and_a_watermark_for_the_audience_only(mw: MeetingWorld) -> None:
    import hashlib

    from safeguarding.audit.models import AccessLog

    meeting = mw.meeting("mappa_l2")
    mw.invite_all(meeting)
    mw.held(meeting)
    services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Restricted text", executive_summary="Summary")
    response = signed_in(mw.police_rep).get(page(meeting, "minutes/pdf/"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    row = AccessLog.objects.using("default").filter(route="meetings:minutes-pdf").latest("id")
    assert row.document_sha256 == hashlib.sha256(response.content).hexdigest()
    assert signed_in(mw.police_other).get(page(meeting, "minutes/pdf/")).status_code == 404
    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "OFFICIAL-SENSITIVE" in text and f"Exported for {mw.police_rep.full_name}" in text


def test_an_invited_agency_replies_and_submits_its_research_in_the_browser(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    item = mw.shared_item(meeting)
    client = signed_in(mw.police_rep)
    assert client.post(page(meeting, "rsvp/"), {"rsvp": "declined"}).status_code == 400  # a reason is needed
    assert client.post(page(meeting, "rsvp/"), {"rsvp": "attending"}).status_code == 302
    assert meeting.invitations.get(agency=mw.police).rsvp == "attending"
    assert client.get(page(meeting, "contribute/")).status_code == 200
    missing = client.post(page(meeting, "contribute/"), {"information_held": "Call-outs"})
    assert missing.status_code == 400 and "Choose the case on the agenda" in missing.content.decode()
    done = client.post(
        page(meeting, "contribute/"),
        {"agenda_item": str(item.pk), "information_held": "Call-outs", "current_risks": "Threats to kill"},
    )
    assert done.status_code == 302 and meeting.contributions.get().agenda_item == item


def test_form_errors_on_the_meeting_page_are_summarised(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    client = signed_in(mw.chair)
    response = client.post(page(meeting, "agenda/"), {"case_reference": "SG-2000-999999"})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()
    response = client.post(page(meeting, "transition/cancel/"), {"reason": ""})
    assert response.status_code == 400 and "Say why the meeting is cancelled" in response.content.decode()


def test_an_organiser_moves_a_planned_meeting_from_its_page_with_gov_uk_errors_first(mw: MeetingWorld) -> None:
    meeting = mw.meeting(days=3)
    mw.invite_all(meeting)
    client = signed_in(mw.chair)
    assert b"Move the meeting" in client.get(page(meeting, "")).content
    refused = client.post(page(meeting, "reschedule/"), {"version": meeting.version})
    assert refused.status_code == 400 and b"govuk-error-summary" in refused.content
    assert b"Say why the meeting is moving" in refused.content
    new_day = timezone.localdate() + timedelta(days=10)
    moved = client.post(
        page(meeting, "reschedule/"),
        {
            "date_0": new_day.day,
            "date_1": new_day.month,
            "date_2": new_day.year,
            "time": "14:30",
            "reason": "Chair unwell",
            "version": meeting.version,
        },
    )
    assert moved.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.scheduled_at).date() == new_day
    stale = client.post(
        page(meeting, "reschedule/"),
        {"date_0": 1, "date_1": 1, "date_2": new_day.year + 1, "time": "10:00", "reason": "x", "version": 1},
    )
    assert stale.status_code == 302  # refused as changed by someone else: the page says so
    assert timezone.localtime(Meeting.objects.get(pk=meeting.pk).scheduled_at).date() == new_day
    assert b"Move the meeting" not in signed_in(mw.police_rep).get(page(meeting, "")).content
