"""The chair's journey: open the live page, record attendance, a decision and an action with htmx, record the
meeting as held, draft the minutes and approve them; every page checked with axe-core."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings import services
from meetings.models import Meeting
from tests.browser.conftest import Journey
from tests.helpers import signed_in
from tests.meetings.factories import MeetingWorld

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_the_chair_runs_a_meeting_and_approves_its_minutes(journey: Journey) -> None:
    mw = MeetingWorld()
    meeting = mw.meeting("strategy_meeting")
    mw.invite_all(meeting)
    item = mw.shared_item(meeting)
    page = journey.page
    journey.use_session(signed_in(mw.chair))

    journey.goto("/meetings/")
    journey.check_accessible("meetings list")
    page.get_by_role("link", name=meeting.title).click()
    expect(page.locator("h1")).to_have_text(meeting.title)
    journey.check_accessible("meeting page, planned")
    page.get_by_role("button", name="Start the meeting").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/chair/")
    journey.check_accessible("chair's page")

    police = page.locator("#attendance-section form").filter(has_text=mw.police.name)
    police.get_by_label("Attendance").select_option("attended")
    police.get_by_label("Who attended").fill("PC Rep")
    police.get_by_role("button", name=f"Record attendance for {mw.police.name}").click()
    expect(page.locator("#attendance-section form").filter(has_text=mw.police.name).locator(".govuk-tag")).to_have_text(
        "Attended"
    )
    trust = page.locator("#attendance-section form").filter(has_text=mw.trust.name)
    trust.get_by_label("Attendance").select_option("absent")
    trust.get_by_role("button", name=f"Record attendance for {mw.trust.name}").click()
    expect(page.locator("#attendance-section form").filter(has_text=mw.trust.name).locator(".govuk-tag")).to_have_text(
        "Absent"
    )

    agenda = page.locator("#agenda-section form").first
    agenda.get_by_label("Discussion").fill("Risk discussed; carers in place.")
    agenda.get_by_label("The adult took part").check()
    agenda.get_by_role("button", name=f"Save the discussion of {item.title}").click()
    expect(page.locator("#agenda-section textarea").first).to_have_value("Risk discussed; carers in place.")

    decisions = page.locator("#decisions-section")
    decisions.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions-section .govuk-error-summary")).to_be_visible()
    journey.check_accessible("decision with errors")
    decisions = page.locator("#decisions-section")
    decisions.get_by_label("Decision", exact=True).fill("The enquiry continues, led by the trust.")
    decisions.get_by_label("Rationale").fill("Risk remains while the adult is at home alone.")
    decisions.get_by_role("button", name="Record the decision").click()
    expect(page.locator("#decisions-section")).to_contain_text("The enquiry continues")

    due = timezone.localdate() + timedelta(days=7)
    actions = page.locator("#actions-section")
    actions.get_by_label("Action", exact=True).fill("Check police records for the nephew.")
    actions.get_by_label("Owning agency").select_option(label=mw.police.name)
    actions.get_by_label("Day").fill(str(due.day))
    actions.get_by_label("Month").fill(str(due.month))
    actions.get_by_label("Year").fill(str(due.year))
    actions.get_by_role("button", name="Add the action").click()
    expect(page.locator("#actions-section table")).to_contain_text("Check police records")
    journey.check_accessible("chair's page after recording")

    page.get_by_role("button", name="Record the meeting as held").click()
    page.wait_for_url(f"**/meetings/{meeting.pk}/chair/")
    page.get_by_role("link", name="Draft the minutes").click()
    journey.check_accessible("minutes draft")
    page.get_by_label("Minutes", exact=True).fill("Attendance, decision and action as recorded.")
    page.get_by_label("Executive summary").fill("A strategy meeting agreed a continuing enquiry.")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft minutes saved")
    page.get_by_role("button", name="Approve the minutes").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Minutes approved")
    journey.check_accessible("approved minutes")

    meeting = Meeting.objects.get(pk=meeting.pk)
    assert meeting.status == "held" and meeting.minutes.status == "approved"
    assert meeting.decisions.count() == 1 and meeting.actions.count() == 1
    assert {a.agency for a in meeting.attendance.all()} == {mw.police, mw.trust}
    services.minutes_issue(meeting=meeting, by=mw.chair)


def test_the_owner_decides_what_to_share_before_invitees_see_the_case(journey: Journey) -> None:
    mw = MeetingWorld()
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)

    police = journey.new_user_session(mw.police_other.email)
    police.goto(f"/meetings/{meeting.pk}/")
    expect(police.page.locator("main")).not_to_contain_text(mw.case.reference)
    expect(police.page.locator(".govuk-inset-text")).to_contain_text("1 item awaits")
    police.check_accessible("MARAC page before the owner's decision")

    page = journey.page
    journey.use_session(signed_in(mw.trust_rep))
    journey.goto(f"/meetings/{meeting.pk}/")
    journey.check_accessible("MARAC page for the owner")
    page.get_by_role("link", name=f"Decide what to share about Case {mw.case.reference}").click()
    journey.check_accessible("sharing decision for the agenda")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("sharing decision with errors")
    page.get_by_label("Full record (read only)").check()
    page.get_by_label("Risk assessment and risk picture").check()
    page.get_by_label("UK GDPR Article 6 lawful basis").select_option("6_1_e_public_task")
    page.get_by_label("Consent given").check()
    page.get_by_label("Your rationale").fill("The MARAC needs the risk picture to plan the victim's safety.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("recorded for every invited agency")

    police.goto(f"/meetings/{meeting.pk}/")
    expect(police.page.locator("main")).to_contain_text(mw.case.reference)


def test_the_chair_moves_a_planned_meeting(journey: Journey) -> None:
    mw = MeetingWorld()
    meeting = mw.meeting("strategy_meeting", days=3)
    mw.invite_all(meeting)
    page = journey.page
    journey.use_session(signed_in(mw.chair))
    journey.goto(f"/meetings/{meeting.pk}/")

    page.get_by_text("Move the meeting", exact=True).first.click()
    page.get_by_role("button", name="Move the meeting").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the meeting is moving")
    journey.check_accessible("moving a meeting, with errors")

    new_day = timezone.localdate() + timedelta(days=10)
    page.get_by_label("Day").fill(str(new_day.day))
    page.get_by_label("Month").fill(str(new_day.month))
    page.get_by_label("Year").fill(str(new_day.year))
    page.get_by_label("New start time").fill("14:30")
    page.get_by_label("Why is the meeting moving?").fill("The chair is unwell.")
    page.get_by_role("button", name="Move the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("moved")
    journey.check_accessible("meeting page after the move")
    moved = Meeting.objects.get(pk=meeting.pk)
    assert timezone.localtime(moved.scheduled_at).date() == new_day
