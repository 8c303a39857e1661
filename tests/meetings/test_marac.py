"""MARAC sittings built from listed referrals, referral states advanced, and the strategy-discussion clock met."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.codes import LaDecision, TriState
from escalation.models import DeadlineStatus
from escalation.services import open_deadlines_for
from meetings import selectors, services
from meetings.models import Meeting
from referrals import services as referrals
from safeguarding.actions.services import action_complete
from safeguarding.exceptions import InvalidInput
from safeguarding.roles import Role
from tests.factories import UserFactory
from tests.meetings.factories import DECISION
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw() -> ReferralWorld:
    return ReferralWorld()


def _sitting(rw: ReferralWorld, chair: object, days: int = 2) -> Meeting:
    return services.meeting_create(
        by=rw.coordinator,
        meeting_type="marac",
        title="MARAC, monthly",
        area=rw.area,
        scheduled_at=timezone.now() + timedelta(days=days),
        chair=chair,  # type: ignore[arg-type]
        coordinator=rw.coordinator,
        venue="Police HQ",
    )


def test_the_coordinator_builds_the_agenda_from_listed_referrals_and_the_sitting_moves_them(rw: ReferralWorld) -> None:
    chair = UserFactory(agency=rw.police, roles=[Role.MEETING_CHAIR])
    sitting = _sitting(rw, chair)
    services.invitation_add(meeting=sitting, by=rw.coordinator, agency=rw.trust, person=rw.practitioner)
    with_actions, without = rw.marac(), rw.marac()
    unlisted = rw.marac()
    day = timezone.localdate(sitting.scheduled_at)
    for referral in (with_actions, without):
        referrals.marac_list(referral=referral, by=rw.coordinator, intended_sitting_date=day)
    items = services.agenda_build_from_referrals(meeting=sitting, by=rw.coordinator)
    assert {i.referral for i in items} == {with_actions, without}
    assert unlisted.pk not in {i.referral_id for i in items}
    assert services.agenda_build_from_referrals(meeting=sitting, by=rw.coordinator) == []
    with pytest.raises(InvalidInput):
        services.agenda_add_referral(meeting=sitting, by=rw.coordinator, referral=unlisted)

    services.meeting_transition(meeting=sitting, by=rw.coordinator, transition="start")
    services.attendance_record(
        meeting=sitting,
        by=rw.coordinator,
        agency=rw.trust,
        status="attended",
        attendee_name="Trust rep",
        confidentiality_acknowledged=True,
    )
    item = next(i for i in items if i.referral == with_actions)
    action = services.meeting_action_add(
        meeting=sitting,
        by=rw.coordinator,
        owner_agency=rw.police,
        owner_person=None,
        description="Marker on the address",
        due_date=timezone.localdate() + timedelta(days=14),
        agenda_item=item,
    )
    services.meeting_transition(meeting=sitting, by=chair, transition="hold")
    for referral in (with_actions, without):
        referral.refresh_from_db()
        assert referral.state == "heard" and referral.heard_meeting_id == sitting.pk

    services.minutes_save_draft(meeting=sitting, by=rw.coordinator, text="Minutes", executive_summary="Summary")
    services.minutes_approve(meeting=sitting, by=chair)
    services.minutes_issue(meeting=sitting, by=rw.coordinator)
    services.meeting_transition(meeting=sitting, by=rw.coordinator, transition="close")
    with_actions.refresh_from_db()
    without.refresh_from_db()
    assert (with_actions.state, without.state) == ("actions_open", "closed")

    police_officer = UserFactory(agency=rw.police)
    action_complete(action=action, by=police_officer, evidence_notes="Marker placed on the address.")
    with_actions.refresh_from_db()
    assert with_actions.state == "closed"


def test_repeat_referrals_are_flagged_on_the_agenda(rw: ReferralWorld) -> None:
    chair = UserFactory(agency=rw.police, roles=[Role.MEETING_CHAIR])
    sitting = _sitting(rw, chair)
    referral = rw.marac()
    referral.is_repeat = True
    referral.save(update_fields=["is_repeat"])
    referrals.marac_list(referral=referral, by=rw.coordinator, intended_sitting_date=timezone.localdate())
    item = services.agenda_add_referral(meeting=sitting, by=rw.coordinator, referral=referral)
    assert item.is_repeat and item.title == f"MARAC referral {referral.reference}"


def test_a_referral_item_needs_the_owners_decision_before_invitees_see_it(rw: ReferralWorld) -> None:
    chair = UserFactory(agency=rw.police, roles=[Role.MEETING_CHAIR])
    sitting = _sitting(rw, chair)
    idva_worker = UserFactory(agency=rw.idva, roles=[Role.IDVA])
    services.invitation_add(meeting=sitting, by=rw.coordinator, agency=rw.idva, person=idva_worker)
    referral = rw.marac()
    referrals.marac_list(referral=referral, by=rw.coordinator, intended_sitting_date=timezone.localdate())
    item = services.agenda_add_referral(meeting=sitting, by=rw.coordinator, referral=referral)
    assert not selectors.agenda_for_user(meeting=sitting, user=idva_worker).exists()
    services.agenda_item_share(item=item, by=rw.practitioner, **DECISION)
    assert selectors.agenda_for_user(meeting=sitting, user=idva_worker).get() == item


def test_holding_a_strategy_discussion_meets_the_cases_strategy_clock(rw: ReferralWorld) -> None:
    referral = rw.s42()
    referrals.referral_accept(referral=referral, by=rw.la_manager)
    referrals.referral_record_decision(
        referral=referral,
        by=rw.la_manager,
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.YES,
        criterion_unable_to_protect=TriState.YES,
        decision=LaDecision.S42,
        rationale="All three criteria are met.",
    )
    case = referral.case
    deadline = open_deadlines_for(case, "strategy_discussion").get()
    meeting = services.meeting_create(
        by=rw.la_manager,
        meeting_type="strategy_discussion",
        title="Strategy discussion",
        area=rw.area,
        scheduled_at=timezone.now() + timedelta(hours=2),
        chair=rw.la_manager,
        link="https://meet.example.test/sd",
    )
    services.invitation_add(meeting=meeting, by=rw.la_manager, agency=rw.trust, person=rw.practitioner)
    item = services.agenda_add_case(meeting=meeting, by=rw.practitioner, case=case)
    services.agenda_item_share(item=item, by=rw.practitioner, **DECISION)
    services.meeting_transition(meeting=meeting, by=rw.la_manager, transition="start")
    services.attendance_record(meeting=meeting, by=rw.la_manager, agency=rw.trust, status="attended", attendee_name="A")
    services.meeting_transition(meeting=meeting, by=rw.la_manager, transition="hold")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET


def test_the_coordinator_adds_the_listed_referrals_from_the_meeting_page(rw: ReferralWorld) -> None:
    from tests.helpers import signed_in

    chair = UserFactory(agency=rw.police, roles=[Role.MEETING_CHAIR])
    sitting = _sitting(rw, chair)
    referral = rw.marac()
    referrals.marac_list(referral=referral, by=rw.coordinator, intended_sitting_date=timezone.localdate())
    client = signed_in(rw.coordinator)
    assert "Add the referrals listed for this sitting" in client.get(f"/meetings/{sitting.pk}/").content.decode()
    assert client.post(f"/meetings/{sitting.pk}/agenda/build/").status_code == 302
    assert sitting.agenda_items.get().referral == referral
