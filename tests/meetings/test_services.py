from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cases.selectors import case_list_for_user
from escalation.models import DeadlineStatus
from escalation.services import open_deadlines_for
from meetings import selectors, services
from meetings.models import AgendaItem, MeetingStatus, MinutesStatus, SharingStatus
from safeguarding.actions.services import action_complete
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from safeguarding.sharing.models import SharingDecision
from tests.factories import AgencyFactory, UserFactory
from tests.meetings.factories import DECISION, MeetingWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def mw() -> MeetingWorld:
    return MeetingWorld()


def test_a_meeting_runs_from_planned_to_closed(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    assert services.allowed_transitions(meeting) == ["start", "cancel"]
    mw.held(meeting)
    assert meeting.status == MeetingStatus.HELD and meeting.held_at is not None
    assert open_deadlines_for(meeting, "meeting_minutes").count() == 1
    services.minutes_save_draft(meeting=meeting, by=mw.coordinator, text="Discussed.", executive_summary="Met.")
    services.minutes_approve(meeting=meeting, by=mw.chair)
    minutes = services.minutes_issue(meeting=meeting, by=mw.coordinator)
    meeting.refresh_from_db()
    assert (minutes.status, meeting.status) == (MinutesStatus.ISSUED, MeetingStatus.MINUTES_ISSUED)
    assert not open_deadlines_for(meeting, "meeting_minutes").exists()
    assert Notification.objects.filter(kind="meeting_minutes", recipient=mw.police_rep).exists()
    closed = services.meeting_transition(meeting=meeting, by=mw.chair, transition="close")
    assert closed.status == MeetingStatus.CLOSED


def test_transitions_out_of_order_are_refused(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    with pytest.raises(TransitionNotAllowed):
        services.meeting_transition(meeting=meeting, by=mw.chair, transition="hold")
    with pytest.raises(TransitionNotAllowed):
        services.meeting_transition(meeting=meeting, by=mw.chair, transition="close")
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    with pytest.raises(InvalidInput) as exc:
        services.meeting_transition(meeting=meeting, by=mw.chair, transition="hold")
    assert "attendance" in exc.value.errors


def test_cancelling_needs_a_reason_and_stops_the_contribution_clocks(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    invitation = meeting.invitations.get(agency=mw.police)
    assert open_deadlines_for(invitation, "meeting_contribution").count() == 1
    with pytest.raises(InvalidInput):
        services.meeting_transition(meeting=meeting, by=mw.chair, transition="cancel", reason=" ")
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="cancel", reason="Chair unwell")
    assert not open_deadlines_for(invitation, "meeting_contribution").exists()
    with pytest.raises(TransitionNotAllowed):
        services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")


def test_only_organisers_run_the_meeting(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    with pytest.raises(ActionForbidden):
        services.meeting_transition(meeting=meeting, by=mw.police_rep, transition="start")
    with pytest.raises(ActionForbidden):
        services.invitation_add(meeting=meeting, by=mw.police_rep, agency=mw.trust)


def test_arranging_a_meeting_validates_its_fields(mw: MeetingWorld) -> None:
    with pytest.raises(InvalidInput) as exc:
        mw.meeting(
            "strategy_discussion", title=" ", days=-1, chair=mw.police_rep, link="", venue="", action_window_days=0
        )
    assert set(exc.value.errors) == {"title", "scheduled_at", "chair", "link", "action_window_days"}
    with pytest.raises(ActionForbidden):
        mw.meeting(by=mw.police_other)


def test_invitees_see_the_meeting_but_not_the_case_until_the_owner_decides(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    item = services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)
    assert item.sharing_status == SharingStatus.AWAITING
    assert selectors.meeting_list_for_user(user=mw.police_rep).filter(pk=meeting.pk).exists()
    assert not selectors.agenda_for_user(meeting=meeting, user=mw.police_rep).exists()
    assert not selectors.agenda_for_user(meeting=meeting, user=mw.chair).exists()
    assert selectors.agenda_for_user(meeting=meeting, user=mw.trust_rep).get() == item
    with pytest.raises(ActionForbidden):
        services.agenda_item_share(item=item, by=mw.chair, **DECISION)

    services.agenda_item_share(item=item, by=mw.trust_rep, **DECISION)

    for user in (mw.police_rep, mw.police_other, mw.chair):
        assert selectors.agenda_for_user(meeting=meeting, user=user).get() == item
    decisions = SharingDecision.objects.filter(source="meeting_agenda", source_id=str(item.pk))
    assert {d.recipient_agency for d in decisions} == {mw.la, mw.police}
    assert {d.purpose for d in decisions} == {"strategy_meeting"}
    assert all(d.expires_at == meeting.scheduled_at + timedelta(days=28) for d in decisions)


def test_a_refusal_keeps_the_case_hidden_and_is_recorded(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    item = services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)
    decision = {k: v for k, v in DECISION.items() if k not in ("scope", "data_items", "lawful_basis_art6")}
    item = services.agenda_item_share(item=item, by=mw.trust_rep, direction="refuse", **decision)
    assert item.sharing_status == SharingStatus.REFUSED
    assert not selectors.agenda_for_user(meeting=meeting, user=mw.police_rep).exists()
    assert SharingDecision.objects.filter(source_id=str(item.pk), direction="refuse", purpose="marac").count() == 2


def test_meeting_grants_expire_after_the_meeting_and_its_action_window(mw: MeetingWorld) -> None:
    meeting = mw.meeting(action_window_days=10)
    mw.invite_all(meeting)
    mw.shared_item(meeting)
    assert case_list_for_user(user=mw.police_rep).filter(pk=mw.case.pk).exists()
    with time_machine.travel(meeting.scheduled_at + timedelta(days=10, minutes=1)):
        assert not case_list_for_user(user=mw.police_rep).filter(pk=mw.case.pk).exists()
        assert not selectors.agenda_for_user(meeting=meeting, user=mw.police_rep).exists()


def test_an_invisible_case_cannot_be_put_on_an_agenda(mw: MeetingWorld) -> None:
    from django.http import Http404

    meeting = mw.meeting()
    with pytest.raises(Http404):
        services.agenda_add_case(meeting=meeting, by=mw.chair, case=mw.case)


def test_outsiders_do_not_see_the_meeting(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    outsider = UserFactory(agency=AgencyFactory())
    commissioner = UserFactory(agency=mw.police, roles=["commissioner"])
    assert not selectors.meeting_list_for_user(user=outsider).filter(pk=meeting.pk).exists()
    mw.invite_all(meeting)
    assert not selectors.meeting_list_for_user(user=commissioner).filter(pk=meeting.pk).exists()


def test_rsvp_by_the_invited_agency(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    invitation = meeting.invitations.get(agency=mw.police)
    with pytest.raises(ActionForbidden):
        services.invitation_rsvp(invitation=invitation, by=mw.trust_rep, rsvp="attending")
    with pytest.raises(InvalidInput):
        services.invitation_rsvp(invitation=invitation, by=mw.police_other, rsvp="declined")
    invitation = services.invitation_rsvp(invitation=invitation, by=mw.police_other, rsvp="attending")
    assert invitation.rsvp == "attending" and invitation.responded_by == mw.police_other
    assert Notification.objects.filter(kind="meeting_invitation", recipient=mw.police_rep).exists()


def test_a_contribution_meets_the_agency_contribution_clock(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    invitation = meeting.invitations.get(agency=mw.police)
    deadline = open_deadlines_for(invitation, "meeting_contribution").get()
    assert deadline.due_at < meeting.scheduled_at
    services.contribution_submit(meeting=meeting, by=mw.police_rep, information_held="Two call-outs this year.")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    with pytest.raises(ActionForbidden):
        services.contribution_submit(meeting=meeting, by=UserFactory(), information_held="x")


def test_marac_research_needs_a_case_and_the_current_risks(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    with pytest.raises(InvalidInput) as exc:
        services.contribution_submit(meeting=meeting, by=mw.police_rep, information_held="Call-outs")
    assert set(exc.value.errors) == {"agenda_item", "current_risks"}


def test_attendance_at_marac_needs_the_confidentiality_acknowledgement(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    with pytest.raises(InvalidInput) as exc:
        services.attendance_record(
            meeting=meeting, by=mw.chair, agency=mw.police, status="attended", attendee_name="PC Rep"
        )
    assert "confidentiality_acknowledged" in exc.value.errors
    row = services.attendance_record(
        meeting=meeting,
        by=mw.chair,
        agency=mw.police,
        status="attended",
        attendee_name="PC Rep",
        confidentiality_acknowledged=True,
    )
    assert row.confidentiality_acknowledged_at is not None
    absent = services.attendance_record(meeting=meeting, by=mw.chair, agency=mw.trust, status="absent")
    assert absent.confidentiality_acknowledged_at is None
    with pytest.raises(InvalidInput):
        services.attendance_record(meeting=meeting, by=mw.chair, agency=AgencyFactory(), status="absent")


def test_decisions_need_a_rationale(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    with pytest.raises(InvalidInput) as exc:
        services.decision_record(meeting=meeting, by=mw.chair, decision="Refer to IDVA", rationale="")
    assert "rationale" in exc.value.errors
    d = services.decision_record(
        meeting=meeting, by=mw.chair, decision="Refer to IDVA", rationale="High risk", differing_views="Police: wait"
    )
    assert d.differing_views == "Police: wait"


def test_meeting_actions_run_on_the_clock_and_carry_over_until_complete(mw: MeetingWorld) -> None:
    first = mw.meeting("marac", days=1)
    mw.invite_all(first)
    item = mw.shared_item(first)
    services.meeting_transition(meeting=first, by=mw.chair, transition="start")
    action = services.meeting_action_add(
        meeting=first,
        by=mw.chair,
        owner_agency=mw.police,
        owner_person=mw.police_rep,
        description="Flag the address",
        due_date=timezone.localdate() + timedelta(days=7),
        agenda_item=item,
    )
    deadline = open_deadlines_for(action, "action_due").get()
    assert deadline.holder_user == mw.police_rep
    second = mw.meeting("marac", days=30)
    assert list(selectors.outstanding_actions(meeting=second, user=mw.chair)) == [action]
    assert list(selectors.outstanding_actions(meeting=first, user=mw.chair)) == []
    action_complete(action=action, by=mw.police_rep, evidence_notes="Flag added on the system.")
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET
    assert list(selectors.outstanding_actions(meeting=second, user=mw.chair)) == []


def test_meeting_actions_need_a_due_date_and_an_owner_in_the_agency(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    with pytest.raises(InvalidInput):
        services.meeting_action_add(
            meeting=meeting, by=mw.chair, owner_agency=mw.police, owner_person=None, description="x", due_date=None
        )
    with pytest.raises(InvalidInput):
        services.meeting_action_add(
            meeting=meeting,
            by=mw.chair,
            owner_agency=mw.police,
            owner_person=mw.trust_rep,
            description="x",
            due_date=timezone.localdate(),
        )


def test_issued_minutes_are_locked_and_change_only_by_addenda(mw: MeetingWorld) -> None:
    meeting = mw.held(mw.meeting())
    with pytest.raises(InvalidInput):
        services.minutes_save_draft(meeting=meeting, by=mw.chair, text="", executive_summary="")
    services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Draft", executive_summary="Summary")
    with pytest.raises(ActionForbidden):
        services.minutes_approve(meeting=meeting, by=mw.coordinator)
    with pytest.raises(TransitionNotAllowed):
        services.minutes_issue(meeting=meeting, by=mw.chair)
    with pytest.raises(TransitionNotAllowed):
        services.minutes_addendum(meeting=meeting, by=mw.chair, text="Late")
    services.minutes_approve(meeting=meeting, by=mw.chair)
    with pytest.raises(TransitionNotAllowed):
        services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Changed", executive_summary="S")
    services.minutes_issue(meeting=meeting, by=mw.chair)
    addendum = services.minutes_addendum(meeting=meeting, by=mw.coordinator, text="Correction to item 2")
    assert addendum.minutes.text == "Draft"


def test_restricted_minutes_are_for_the_chair_coordinator_and_named_representatives(mw: MeetingWorld) -> None:
    from django.http import Http404

    meeting = mw.meeting("mappa_l2")
    mw.invite_all(meeting)
    mw.held(meeting)
    services.minutes_save_draft(meeting=meeting, by=mw.chair, text="Restricted", executive_summary="Summary")
    for user in (mw.chair, mw.coordinator, mw.police_rep, mw.trust_rep):
        assert selectors.minutes_for_user(meeting=meeting, user=user, route="t") is not None
    assert selectors.meeting_list_for_user(user=mw.police_other).filter(pk=meeting.pk).exists()
    with pytest.raises(Http404):
        selectors.minutes_for_user(meeting=meeting, user=mw.police_other, route="t")
    assert meeting.marking == "OFFICIAL-SENSITIVE"


def test_marac_research_is_for_signatories_named_representatives(mw: MeetingWorld) -> None:
    from safeguarding.sharing.models import SharingAgreement

    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    agreement = SharingAgreement.objects.create(
        area=mw.area, title="MARAC ISA", purpose="marac", review_date=timezone.localdate() + timedelta(days=300)
    )
    agreement.signatories.add(mw.police)
    item = mw.shared_item(meeting)
    services.contribution_submit(
        meeting=meeting, by=mw.police_rep, information_held="Call-outs", current_risks="Threats", agenda_item=item
    )
    assert selectors.contributions_for_user(meeting=meeting, user=mw.police_rep).count() == 1
    assert selectors.contributions_for_user(meeting=meeting, user=mw.coordinator).count() == 1
    # The trust's named representative: its agency has not signed the MARAC agreement.
    assert not selectors.contributions_for_user(meeting=meeting, user=mw.trust_rep).exists()
    assert not selectors.contributions_for_user(meeting=meeting, user=mw.police_other).exists()


def test_a_strategy_meeting_updates_the_case_through_the_cases_services(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    item = mw.shared_item(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    item = services.agenda_item_update_case(item=item, by=mw.chair, risk_summary="Risk reduced; carers in place.")
    assert item.case_updated_at is not None
    assert mw.case.chronology.filter(summary__contains="Risk reduced").exists()
    with pytest.raises(ActionForbidden):
        services.agenda_item_update_case(item=item, by=mw.coordinator, risk_summary="x")


def test_contribution_metrics_on_crafted_data(mw: MeetingWorld) -> None:
    meeting = mw.meeting("strategy_meeting", days=2)
    mw.invite_all(meeting)
    services.invitation_rsvp(invitation=meeting.invitations.get(agency=mw.police), by=mw.police_rep, rsvp="attending")
    services.contribution_submit(meeting=meeting, by=mw.police_rep, information_held="Call-outs")
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    services.attendance_record(meeting=meeting, by=mw.chair, agency=mw.police, status="attended", attendee_name="PC")
    services.attendance_record(meeting=meeting, by=mw.chair, agency=mw.trust, status="absent")
    today = timezone.localdate()
    done = services.meeting_action_add(
        meeting=meeting, by=mw.chair, owner_agency=mw.police, owner_person=None, description="a", due_date=today
    )
    services.meeting_action_add(
        meeting=meeting, by=mw.chair, owner_agency=mw.police, owner_person=None, description="b", due_date=today
    )
    action_complete(action=done, by=mw.police_rep, evidence_notes="Done and recorded.")
    rows = {
        r.agency: r
        for r in selectors.contribution_metrics(
            meetings=type(meeting).objects.filter(pk=meeting.pk), today=today + timedelta(days=1)
        )
    }
    police, trust = rows[mw.police.name], rows[mw.trust.name]
    assert (police.invited, police.rsvp, police.attended, police.contributed_before) == (1, 1, 1, 1)
    assert (police.actions_owned, police.completed_on_time, police.overdue) == (2, 1, 1)
    assert (trust.invited, trust.rsvp, trust.attended, trust.contributed_before, trust.actions_owned) == (1, 0, 0, 0, 0)


def test_agenda_items_stay_unique_per_case(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)
    with pytest.raises(InvalidInput):
        services.agenda_add_case(meeting=meeting, by=mw.trust_rep, case=mw.case)
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1


def test_restricted_material_is_reachable_by_no_generic_path() -> None:
    """Contributions and minutes have no visibility rule, are not shareable and carry no attachments, so no export,
    break-glass, disagreement or deadline can reach them: only the meetings selectors read them."""
    from meetings.models import restricted_models
    from safeguarding import registry
    from safeguarding.sharing.registry import shareables

    for model in restricted_models():
        assert model not in registry.registered_models()
        assert registry.attachment_parent(model) is None
        assert model not in [s.model for s in shareables()]


def test_contribution_metrics_take_four_queries_whatever_the_number_of_meetings(
    mw: MeetingWorld, django_assert_num_queries: Any
) -> None:
    for days in (2, 3, 4):
        meeting = mw.meeting(days=days)
        mw.invite_all(meeting)
    with django_assert_num_queries(4):
        rows = selectors.contribution_metrics(meetings=type(meeting).objects.all())
    assert sum(r.invited for r in rows) == 6


def test_a_leavers_chaired_meetings_are_listed_for_reassignment(mw: MeetingWorld) -> None:
    from safeguarding import registry

    meeting = mw.meeting()
    items = [i for i in registry.open_work_for(mw.chair) if i.kind == "meeting"]
    assert [i.object_id for i in items] == [str(meeting.pk)]
    assert mw.case.reference not in items[0].label


def test_an_agency_invited_after_the_decision_waits_for_the_owner_again(mw: MeetingWorld) -> None:
    meeting = mw.meeting(coordinator=None)
    services.invitation_add(meeting=meeting, by=mw.chair, agency=mw.trust, person=mw.trust_rep)
    item = mw.shared_item(meeting)
    assert selectors.agenda_for_user(meeting=meeting, user=mw.chair).get() == item
    services.invitation_add(meeting=meeting, by=mw.chair, agency=mw.police, person=mw.police_rep)
    item.refresh_from_db()
    assert item.sharing_status == SharingStatus.AWAITING
    assert not selectors.agenda_for_user(meeting=meeting, user=mw.police_rep).exists()
    assert selectors.agenda_for_user(meeting=meeting, user=mw.chair).exists()  # earlier decision stands
    assert services.undecided_recipients(item) == [mw.police]
    item = services.agenda_item_share(item=item, by=mw.trust_rep, **DECISION)
    assert item.sharing_status == SharingStatus.SHARED
    assert selectors.agenda_for_user(meeting=meeting, user=mw.police_rep).get() == item
    assert SharingDecision.objects.filter(source_id=str(item.pk)).count() == 2
    with pytest.raises(TransitionNotAllowed):
        services.agenda_item_share(item=item, by=mw.trust_rep, **DECISION)


def test_a_planned_meeting_moves_and_the_contributions_owed_are_due_again_from_the_new_date(mw: MeetingWorld) -> None:
    meeting = mw.meeting(days=3)
    mw.invite_all(meeting)
    invitation = meeting.invitations.get(agency=mw.police)
    before = open_deadlines_for(invitation, "meeting_contribution").get()
    later, version = meeting.scheduled_at + timedelta(days=14), meeting.version
    moved = services.meeting_reschedule(meeting=meeting, by=mw.chair, scheduled_at=later, reason="Chair unwell")
    assert moved.scheduled_at == later and moved.version == version + 1
    before.refresh_from_db()
    assert before.status == DeadlineStatus.CANCELLED and "Chair unwell" in before.cancel_reason
    after = open_deadlines_for(invitation, "meeting_contribution").get()
    assert after.due_at > before.due_at
    assert Notification.objects.filter(recipient=mw.police_rep, kind="meeting_rescheduled").exists()


def test_rescheduling_is_for_organisers_of_a_planned_meeting_with_a_reason_and_a_future_time(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    later = meeting.scheduled_at + timedelta(days=7)
    with pytest.raises(ActionForbidden):
        services.meeting_reschedule(meeting=meeting, by=mw.police_rep, scheduled_at=later, reason="Clash")
    with pytest.raises(InvalidInput) as refused:
        services.meeting_reschedule(
            meeting=meeting, by=mw.chair, scheduled_at=timezone.now() - timedelta(hours=1), reason=" "
        )
    assert set(refused.value.errors) == {"scheduled_at", "reason"}
    with pytest.raises(TransitionNotAllowed):
        services.meeting_reschedule(
            meeting=meeting, by=mw.chair, scheduled_at=later, reason="Clash", expected_version=meeting.version - 1
        )
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    with pytest.raises(TransitionNotAllowed):
        services.meeting_reschedule(meeting=meeting, by=mw.chair, scheduled_at=later, reason="Clash")


def test_a_move_keeps_missed_contribution_deadlines_and_tells_the_owners_who_shared(mw: MeetingWorld) -> None:
    meeting = mw.meeting(days=3)
    mw.invite_all(meeting)
    mw.shared_item(meeting)
    police = meeting.invitations.get(agency=mw.police)
    missed = open_deadlines_for(police, "meeting_contribution").get()
    type(missed).objects.filter(pk=missed.pk).update(status=DeadlineStatus.BREACHED)
    later = meeting.scheduled_at + timedelta(days=40)
    services.meeting_reschedule(meeting=meeting, by=mw.chair, scheduled_at=later, reason="Venue flooded")
    missed.refresh_from_db()
    assert missed.status == DeadlineStatus.BREACHED  # the deadline was missed; moving the meeting does not undo that
    assert meeting.moved_reason == "Venue flooded"
    told = Notification.objects.get(recipient=mw.trust_rep, kind="meeting_rescheduled", title__contains="your share")
    assert mw.case.reference in told.title
    decision = SharingDecision.objects.filter(recipient_agency=mw.police).latest("decided_at")
    assert decision.expires_at < later  # the owner's decision is theirs to renew: it is not changed for them
