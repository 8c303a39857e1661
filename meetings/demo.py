"""Demo meetings (idempotent: skipped once any meeting exists), made through the services so clocks, sharing
decisions and history are real:

- a MARAC sitting coming up with several cases (two shared, one repeat, one awaiting its owner's decision) and
  research from the police and the IDVA service;
- a strategy meeting held four days ago where the police were absent, with a police action now overdue;
- a MAPPA level 2 meeting with issued, restricted (OFFICIAL-SENSITIVE) minutes;
- a joint risk planning forum that updated a case's risk summary and reviewed its safeguarding plan.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from meetings import services
from meetings.models import Meeting, MeetingAction

DECISION: dict[str, Any] = {
    "scope": "contribute",
    "data_items": ["identity", "risk", "plan"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "given",
    "adult_informed": True,
    "rationale": "The meeting needs the current risk picture and plan to agree protective actions.",
}


def _case(family: str, agency_key: str, given: str = "") -> Any:
    from cases.models import Case
    from safeguarding.demo import demo_agency

    qs = Case.objects.filter(adult__family_name=family, owning_agency=demo_agency(agency_key))
    if given:
        qs = qs.filter(adult__given_name=given)
    return qs.order_by("opened_at").first()


def _at(days: int, hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=hour)))


def _item(meeting: Meeting, case: Any, *, added_by: Any, decided_by: Any | None, is_repeat: bool = False) -> Any:
    if case is None:
        return None
    item = services.agenda_add_case(meeting=meeting, by=added_by, case=case, is_repeat=is_repeat)
    if decided_by is not None:
        item = services.agenda_item_share(item=item, by=decided_by, **DECISION)
    return item


def _past(by: Any, days_ago: int, **data: Any) -> Meeting:
    """A meeting arranged a week before it happened, ``days_ago`` days ago."""
    scheduled = _at(-days_ago, 10)
    return services.meeting_create(by=by, scheduled_at=scheduled, now=scheduled - timedelta(days=7), **data)


@transaction.atomic
def seed() -> None:
    from safeguarding.demo import demo_agency, demo_area, demo_user

    if Meeting.objects.exists() or _case("Thompson", "trust") is None:
        return
    area = demo_area()
    trust, council, police = demo_agency("trust"), demo_agency("council"), demo_agency("police")
    probation, housing, idva = demo_agency("probation"), demo_agency("housing"), demo_agency("idva")
    priya, asha = demo_user("priya.shah@trust.demo"), demo_user("asha.okafor@trust.demo")
    lucy, ben = demo_user("lucy.brown@council.demo"), demo_user("ben.taylor@council.demo")
    dave, sarah = demo_user("dave.wilson@police.demo"), demo_user("sarah.lee@police.demo")
    james, fiona = demo_user("james.ward@probation.demo"), demo_user("fiona.green@housing.demo")
    rosa = demo_user("rosa.martinez@idva.demo")

    # A MARAC sitting next week: several cases, research from the police and the IDVA service.
    marac = services.meeting_create(
        by=ben,
        meeting_type="marac",
        title="MARAC, Riverside, monthly sitting",
        area=area,
        scheduled_at=_at(6, 10),
        chair=sarah,
        coordinator=ben,
        venue="Riverside Police Station, conference room",
    )
    for agency, person in ((trust, asha), (idva, rosa), (housing, fiona), (council, lucy)):
        services.invitation_add(meeting=marac, by=ben, agency=agency, person=person)
    bennett = _item(marac, _case("Bennett", "trust", "Sarah"), added_by=priya, decided_by=priya)
    price = _item(marac, _case("Price", "police"), added_by=dave, decided_by=dave)
    _item(marac, _case("Bennett", "idva"), added_by=rosa, decided_by=rosa, is_repeat=True)
    _item(marac, _case("Carter", "trust"), added_by=priya, decided_by=None)
    services.invitation_rsvp(invitation=marac.invitations.get(agency=idva), by=rosa, rsvp="attending")
    services.invitation_rsvp(
        invitation=marac.invitations.get(agency=housing), by=fiona, rsvp="declined", note="Research form sent instead."
    )
    if price is not None:
        services.contribution_submit(
            meeting=marac,
            by=rosa,
            agenda_item=price,
            information_held="Victim engaged with the IDVA since January; safety plan in place.",
            current_risks="Partner breached bail twice; threats to kill reported last week.",
            not_shared="Details of the refuge address: not needed for the meeting and would put the victim at risk.",
        )
    if bennett is not None:
        services.contribution_submit(
            meeting=marac,
            by=asha,
            agenda_item=bennett,
            information_held="Under the community mental health team; safeguarding plan active.",
            current_risks="Strangulation disclosed; ex-partner has her new address.",
        )

    # The sitting moves a day: contributions still owed are due again from the new date; owners who shared are told.
    services.meeting_reschedule(
        meeting=marac, by=ben, scheduled_at=_at(7, 10), reason="The chair is giving evidence at court that day."
    )

    # A strategy meeting held four days ago: the police were absent and their action is now overdue.
    strategy = _past(
        lucy,
        4,
        meeting_type="strategy_meeting",
        title="Strategy meeting, self-neglect and financial abuse",
        area=area,
        chair=lucy,
        venue="Civic Centre, room 4",
    )
    for agency, person in ((trust, priya), (police, dave), (housing, fiona)):
        services.invitation_add(meeting=strategy, by=lucy, agency=agency, person=person)
    thompson = _item(strategy, _case("Thompson", "trust"), added_by=priya, decided_by=priya)
    services.meeting_transition(meeting=strategy, by=lucy, transition="start", now=strategy.scheduled_at)
    services.attendance_record(meeting=strategy, by=lucy, agency=council, status="attended", attendee_name="Lucy Brown")
    services.attendance_record(meeting=strategy, by=lucy, agency=trust, status="attended", attendee_name="Priya Shah")
    services.attendance_record(meeting=strategy, by=lucy, agency=police, status="absent")
    services.attendance_record(meeting=strategy, by=lucy, agency=housing, status="apologies")
    if thompson is not None:
        services.agenda_item_record(
            item=thompson,
            by=lucy,
            discussion="Money taken from her account by a relative; the flat is cold and the fridge empty.",
            adult_views="Wants to stay at home and does not want her nephew prosecuted.",
            adult_participated=True,
        )
        services.decision_record(
            meeting=strategy,
            by=lucy,
            agenda_item=thompson,
            decision="Section 42 enquiry continues, led by the trust; the bank is asked to protect the account.",
            rationale="Ongoing financial abuse and self-neglect; she has capacity and agrees to support.",
            differing_views="Housing (by email) would prefer an urgent move; not agreed while she wants to stay.",
        )
    overdue = services.meeting_action_add(
        meeting=strategy,
        by=lucy,
        owner_agency=police,
        owner_person=dave,
        description="Check police records for the nephew and report back to the enquiry officer.",
        due_date=timezone.localdate(),
        agenda_item=thompson,
    )
    _backdate(overdue, days=2)
    services.meeting_action_add(
        meeting=strategy,
        by=lucy,
        owner_agency=trust,
        owner_person=priya,
        description="Weekly home visit until the review; check heating and food.",
        due_date=timezone.localdate() + timedelta(days=10),
        agenda_item=thompson,
    )
    services.meeting_transition(meeting=strategy, by=lucy, transition="hold", now=strategy.scheduled_at)
    services.minutes_save_draft(
        meeting=strategy,
        by=lucy,
        text="Attendance, the adult's views, the decision and the actions are as recorded above.",
        executive_summary="A strategy meeting agreed a continuing enquiry and protective actions.",
    )

    # A MAPPA level 2 meeting with issued, restricted minutes.
    mappa = _past(
        james,
        6,
        meeting_type="mappa_l2",
        title="MAPPA level 2, Riverside",
        area=area,
        chair=james,
        venue="Probation office",
    )
    for agency, person in ((police, dave), (trust, asha), (council, lucy)):
        services.invitation_add(meeting=mappa, by=james, agency=agency, person=person)
    price_mappa = _item(mappa, _case("Price", "police"), added_by=dave, decided_by=dave)
    services.meeting_transition(meeting=mappa, by=james, transition="start", now=mappa.scheduled_at)
    for agency, name in ((probation, "James Ward"), (police, "Dave Wilson"), (trust, "Asha Okafor")):
        services.attendance_record(
            meeting=mappa,
            by=james,
            agency=agency,
            status="attended",
            attendee_name=name,
            confidentiality_acknowledged=True,
        )
    services.attendance_record(meeting=mappa, by=james, agency=council, status="apologies")
    services.decision_record(
        meeting=mappa,
        by=james,
        agenda_item=price_mappa,
        decision="Remain at level 2; review in 16 weeks.",
        rationale="Risk remains high but is managed by the licence conditions and joint visits.",
    )
    services.meeting_action_add(
        meeting=mappa,
        by=james,
        owner_agency=trust,
        owner_person=asha,
        description="Share the care coordinator's relapse indicators with the offender manager.",
        due_date=timezone.localdate() + timedelta(days=14),
        agenda_item=price_mappa,
    )
    services.meeting_transition(meeting=mappa, by=james, transition="hold", now=mappa.scheduled_at)
    services.minutes_save_draft(
        meeting=mappa,
        by=james,
        text="MAPPA C: discussion of the risk of serious harm, the licence conditions and the contingency plan.",
        executive_summary="A MAPPA level 2 meeting reviewed a case and agreed it stays at level 2.",
    )
    services.minutes_approve(meeting=mappa, by=james)
    services.minutes_issue(meeting=mappa, by=james)

    # A joint risk planning forum that updated a case's risk summary and reviewed its plan.
    forum = _past(
        asha,
        2,
        meeting_type="joint_risk_forum",
        title="Joint risk planning forum",
        area=area,
        chair=asha,
        venue="Trust headquarters",
    )
    for agency, person in ((council, lucy), (police, dave), (idva, rosa)):
        services.invitation_add(meeting=forum, by=asha, agency=agency, person=person)
    plan_item = _item(forum, _case("Bennett", "trust", "Sarah"), added_by=asha, decided_by=asha)
    services.meeting_transition(meeting=forum, by=asha, transition="start", now=forum.scheduled_at)
    for agency, name in ((trust, "Asha Okafor"), (council, "Lucy Brown"), (idva, "Rosa Martinez")):
        services.attendance_record(meeting=forum, by=asha, agency=agency, status="attended", attendee_name=name)
    services.attendance_record(meeting=forum, by=asha, agency=police, status="deputy", attendee_name="PC on duty")
    if plan_item is not None:
        services.agenda_item_update_case(
            item=plan_item,
            by=asha,
            risk_summary="High risk from the ex-partner; new address known to him. Refuge place offered.",
            plan_review_notes="Refuge referral added; police marker on the new address; IDVA weekly contact.",
            next_review_date=timezone.localdate() + timedelta(days=28),
        )
    services.meeting_transition(meeting=forum, by=asha, transition="hold", now=forum.scheduled_at)


def _backdate(action: MeetingAction, *, days: int) -> None:
    """Demo only: make an action (and its clock) fall due ``days`` ago, as if agreed with a short deadline."""
    from escalation.models import Deadline

    due = timezone.localdate() - timedelta(days=days)
    MeetingAction.objects.filter(pk=action.pk).update(due_date=due)
    due_at = timezone.make_aware(datetime.combine(due, datetime.min.time().replace(hour=23, minute=59)))
    Deadline.objects.filter(subject_id=str(action.pk), kind="action_due").update(
        due_at=due_at, original_due_at=due_at, next_action_at=due_at
    )
