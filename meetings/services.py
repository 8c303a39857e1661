"""Writes for meetings (keyword-only, typed, one transaction each; history rows through pghistory).

Lifecycle: planned → in progress → held → minutes issued → closed; planned or in progress → cancelled (reason).
The chair and the coordinator (the organisers) run the meeting; the chair alone approves the minutes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone

from cases.models import Case
from cases.selectors import Scope, case_list_for_user, case_scope_for_user
from meetings import clocks
from meetings import selectors as sel
from meetings.models import (
    PLAN_UPDATING_TYPES,
    PRESENT,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Contribution,
    Invitation,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingStatus,
    MeetingType,
    Minutes,
    MinutesAddendum,
    MinutesStatus,
    Rsvp,
    SharingStatus,
)
from safeguarding.accounts.models import User
from safeguarding.actions.services import action_create_kwargs
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import agency_leads, agency_of
from safeguarding.roles import Role, reaches_case_data
from safeguarding.sharing import services as sharing
from safeguarding.sharing.codes import Direction
from safeguarding.sharing.models import SharingDecision

CHAIR_ROLES = frozenset({Role.MEETING_CHAIR, Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER})
ORGANISER_ROLES = frozenset({*CHAIR_ROLES, Role.MARAC_COORDINATOR, Role.TEAM_MANAGER, Role.ENQUIRY_OFFICER, Role.IDVA})
SHARING_SOURCE = "meeting_agenda"
LIVE = (MeetingStatus.IN_PROGRESS, MeetingStatus.HELD)

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "start": ((MeetingStatus.PLANNED,), MeetingStatus.IN_PROGRESS),
    "hold": ((MeetingStatus.IN_PROGRESS,), MeetingStatus.HELD),
    "close": ((MeetingStatus.MINUTES_ISSUED,), MeetingStatus.CLOSED),
    "cancel": ((MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS), MeetingStatus.CANCELLED),
}


def allowed_transitions(meeting: Meeting) -> list[str]:
    return [name for name, (sources, _) in TRANSITIONS.items() if meeting.status in sources]


def _require_organiser(meeting: Meeting, by: User, action: str) -> None:
    if not sel.is_organiser(meeting, by):
        raise ActionForbidden(f"Only the meeting's chair or coordinator can {action}.")


def _require_state(meeting: Meeting, states: tuple[str, ...], message: str) -> None:
    if meeting.status not in states:
        raise TransitionNotAllowed(message)


def _bump(meeting: Meeting, **values: Any) -> Meeting:
    Meeting.objects.filter(pk=meeting.pk).update(**values, version=F("version") + 1)
    meeting.refresh_from_db()
    return meeting


def _people_of(meeting: Meeting) -> list[User]:
    people: list[User] = []
    for invitation in meeting.invitations.select_related("agency", "person"):
        people.extend([invitation.person] if invitation.person else agency_leads(invitation.agency))
    return people


# --- the meeting ----------------------------------------------------------------------------------------------


@transaction.atomic
def meeting_create(
    *,
    by: User,
    meeting_type: str,
    title: str,
    area: Area,
    scheduled_at: datetime,
    chair: User,
    coordinator: User | None = None,
    venue: str = "",
    link: str = "",
    action_window_days: int = 28,
    now: datetime | None = None,
) -> Meeting:
    now = now or timezone.now()
    agency = agency_of(by)
    if agency is None or not by.has_role(*ORGANISER_ROLES):
        raise ActionForbidden("Your role cannot arrange multi-agency meetings.")
    errors: dict[str, list[str]] = {}
    if meeting_type not in MeetingType.values:
        errors["meeting_type"] = ["Choose the type of meeting"]
    if not title.strip():
        errors["title"] = ["Give the meeting a title (no names)"]
    if scheduled_at <= now:
        errors["scheduled_at"] = ["The meeting must be in the future"]
    chair_agency = agency_of(chair)
    if chair_agency is None or not chair.is_active or not chair.has_role(*CHAIR_ROLES):
        errors["chair"] = ["The chair must be a safeguarding lead or a meeting chair"]
    if coordinator is not None and (not coordinator.is_active or agency_of(coordinator) is None):
        errors["coordinator"] = ["The coordinator must work for an agency"]
    if meeting_type == MeetingType.STRATEGY_DISCUSSION and not link.strip() and not venue.strip():
        errors["link"] = ["A strategy discussion is virtual: give the link or the call details"]
    if not 1 <= action_window_days <= 365:
        errors["action_window_days"] = ["The action window must be between 1 and 365 days"]
    if errors:
        raise InvalidInput("The meeting cannot be arranged as it stands.", errors=errors)
    assert chair_agency is not None
    return Meeting.objects.create(
        meeting_type=meeting_type,
        title=title.strip(),
        area=area,
        scheduled_at=scheduled_at,
        chair=chair,
        chair_agency=chair_agency,
        coordinator=coordinator,
        venue=venue.strip(),
        link=link.strip(),
        action_window_days=action_window_days,
        created_by=by,
        created_at=now,
    )


@transaction.atomic
def meeting_transition(
    *, meeting: Meeting, by: User, transition: str, reason: str = "", now: datetime | None = None
) -> Meeting:
    now = now or timezone.now()
    given = meeting
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if transition not in TRANSITIONS:
        raise InvalidInput.field("transition", "Choose a transition: " + ", ".join(TRANSITIONS))
    _require_organiser(meeting, by, "change the meeting's state")
    sources, target = TRANSITIONS[transition]
    if meeting.status not in sources:
        raise TransitionNotAllowed(
            f"A meeting that is {MeetingStatus(meeting.status).label.lower()} cannot be {transition}ed."
            if transition != "hold"
            else "Only a meeting in progress can be recorded as held."
        )
    values: dict[str, Any] = {"status": target}
    if transition == "start":
        values["started_at"] = now
    elif transition == "hold":
        if not meeting.attendance.exists():
            raise InvalidInput.field("attendance", "Record attendance before recording the meeting as held")
        values["held_at"] = now
    elif transition == "close":
        values["closed_at"] = now
    elif transition == "cancel":
        if not reason.strip():
            raise InvalidInput.field("reason", "Say why the meeting is cancelled")
        values["cancelled_reason"] = reason.strip()
    meeting = _bump(meeting, **values)
    if transition == "hold":
        clocks.minutes_due(meeting=meeting, held_at=now)
        _after_held(meeting=meeting, by=by, held_at=now)
    elif transition == "cancel":
        clocks.meeting_cancelled(meeting=meeting, reason=reason.strip(), by=by)
        _tell_owners_of_cancellation(meeting)
        notify(
            recipients=[p for p in _people_of(meeting) if p != by],
            kind="meeting_cancelled",
            title=f"{meeting.get_meeting_type_display()} {meeting.reference} has been cancelled",
            target=meeting,
            dedupe_key=f"meeting-cancelled:{meeting.pk}",
        )
    elif transition == "close":
        _after_closed(meeting=meeting, by=by)
    given.refresh_from_db()
    return given


@transaction.atomic
def meeting_reschedule(
    *,
    meeting: Meeting,
    by: User,
    scheduled_at: datetime,
    reason: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Meeting:
    """Move a planned meeting to a new time (its organisers). Contributions still owed are due again from the new
    date (their clocks restart; missed ones stay breached), and everyone invited is told. Owners who shared a case
    for the meeting are told too: their decisions keep the expiry they chose. The reason is kept on the meeting (and
    each move in its history)."""
    now = now or timezone.now()
    given = meeting
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_organiser(meeting, by, "reschedule the meeting")
    if expected_version is not None and meeting.version != expected_version:
        raise TransitionNotAllowed("This meeting was changed by someone else. Reload it and try again.")
    _require_state(meeting, (MeetingStatus.PLANNED,), "Only a planned meeting can be rescheduled.")
    errors: dict[str, list[str]] = {}
    if scheduled_at <= now:
        errors["scheduled_at"] = ["The meeting must be in the future"]
    elif scheduled_at == meeting.scheduled_at:
        errors["scheduled_at"] = ["Choose a different time from the one already set"]
    if not reason.strip():
        errors["reason"] = ["Say why the meeting is moving"]
    if errors:
        raise InvalidInput("The meeting cannot be moved as it stands.", errors=errors)
    meeting = _bump(meeting, scheduled_at=scheduled_at, moved_reason=reason.strip())  # each move is in the history
    clocks.meeting_rescheduled(meeting=meeting, reason=reason.strip(), by=by)
    _tell_owners_of_move(meeting)
    when = timezone.localtime(scheduled_at)
    notify(
        recipients=[p for p in _people_of(meeting) if p != by],
        kind="meeting_rescheduled",
        title=f"{meeting.get_meeting_type_display()} {meeting.reference} has moved to {when:%-d %B %Y at %H:%M}",
        target=meeting,
        dedupe_key=f"meeting-rescheduled:{meeting.pk}:{meeting.version}",
    )
    given.refresh_from_db()
    return given


def _tell_owners_of_cancellation(meeting: Meeting) -> None:
    """Shares made for a cancelled meeting are the owners' to revoke (only they may): tell those who decided."""
    _tell_sharing_owners(
        meeting,
        kind="meeting_cancelled",
        title=lambda ref: f"{meeting.reference} was cancelled: review what you shared about case {ref}",
        dedupe="meeting-cancelled-share",
    )


def _tell_owners_of_move(meeting: Meeting) -> None:
    """A share made for a meeting expires with the date it was made for (the decision is the owner's, so it is not
    changed for them): tell those who decided, so they can share again for the new date or revoke."""
    _tell_sharing_owners(
        meeting,
        kind="meeting_rescheduled",
        title=lambda ref: (
            f"{meeting.reference} has moved: your share of case {ref} for it still ends on the date set for the old "
            "meeting. Review it"
        ),
        dedupe=f"meeting-moved-share:{meeting.version}",
    )


def _tell_sharing_owners(meeting: Meeting, *, kind: str, title: Callable[[str], str], dedupe: str) -> None:
    for item in meeting.agenda_items.filter(sharing_status=SharingStatus.SHARED).select_related(
        "case", "sharing_decided_by"
    ):
        if item.case is None or item.sharing_decided_by is None:
            continue
        notify(
            recipients=[item.sharing_decided_by],
            kind=kind,
            title=title(item.case.reference),
            target=item.case,
            dedupe_key=f"{dedupe}:{item.pk}",
        )


def _after_held(*, meeting: Meeting, by: User, held_at: datetime) -> None:
    """Holding a strategy discussion or meeting meets each case's strategy-discussion clock (owned by referrals)."""
    from meetings import integration

    if meeting.meeting_type in (MeetingType.STRATEGY_DISCUSSION, MeetingType.STRATEGY_MEETING):
        for item in meeting.agenda_items.exclude(case=None).select_related("case"):
            assert item.case is not None
            integration.strategy_discussion_held(case=item.case, by=by, held_at=held_at)
    if meeting.meeting_type == MeetingType.MARAC:
        integration.marac_items_heard(meeting=meeting, by=by)


def _after_closed(*, meeting: Meeting, by: User) -> None:
    from meetings import integration

    if meeting.meeting_type == MeetingType.MARAC:
        integration.marac_items_closed_or_open(meeting=meeting, by=by)


# --- invitations ----------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_add(*, meeting: Meeting, by: User, agency: Agency, person: User | None = None) -> Invitation:
    _require_organiser(meeting, by, "invite agencies")
    _require_state(meeting, (MeetingStatus.PLANNED,), "Invitations go out before the meeting starts.")
    if not agency.active:
        raise InvalidInput.field("agency", "That agency is no longer active")
    if person is not None and (agency_of(person) != agency or not reaches_case_data(person.roles)):
        raise InvalidInput.field("person", "The named representative must work in a case role for that agency")
    if meeting.invitations.filter(agency=agency).exists():
        raise InvalidInput.field("agency", "That agency is already invited")
    invitation = Invitation.objects.create(meeting=meeting, agency=agency, person=person, invited_by=by)
    clocks.contribution_requested(invitation=invitation)
    # Items the owner already decided about: the newly invited agency waits for the owner's decision too.
    for item in meeting.agenda_items.exclude(case=None).exclude(sharing_status=SharingStatus.AWAITING):
        if item.case is not None and item.case.owning_agency_id != agency.pk:
            AgendaItem.objects.filter(pk=item.pk).update(sharing_status=SharingStatus.AWAITING)
            _ask_owner(item, meeting, by=None)
    when = timezone.localtime(meeting.scheduled_at)
    notify(
        recipients=[person] if person else agency_leads(agency),
        kind="meeting_invitation",
        title=f"Invitation: {meeting.get_meeting_type_display()} on {when:%d %B %Y %H:%M}",
        target=meeting,
        dedupe_key=f"meeting-invitation:{invitation.pk}",
    )
    return invitation


def _require_invitee(invitation: Invitation, by: User) -> None:
    agency = agency_of(by)
    ours = agency is not None and agency.pk == invitation.agency_id and reaches_case_data(by.roles)
    if not (ours or invitation.person_id == by.pk):
        raise ActionForbidden("Only the invited agency can answer its invitation.")


@transaction.atomic
def invitation_rsvp(
    *, invitation: Invitation, by: User, rsvp: str, note: str = "", now: datetime | None = None
) -> Invitation:
    _require_invitee(invitation, by)
    _require_state(invitation.meeting, (MeetingStatus.PLANNED,), "Replies are taken before the meeting starts.")
    if rsvp not in Rsvp.values or rsvp == Rsvp.PENDING:
        raise InvalidInput.field("rsvp", "Say whether your agency will attend")
    if rsvp == Rsvp.DECLINED and not note.strip():
        raise InvalidInput.field("note", "Say why your agency cannot attend (and how it will contribute)")
    Invitation.objects.filter(pk=invitation.pk).update(
        rsvp=rsvp, rsvp_note=note.strip(), responded_at=now or timezone.now(), responded_by=by
    )
    invitation.refresh_from_db()
    return invitation


# --- the agenda -----------------------------------------------------------------------------------------------


@transaction.atomic
def agenda_add_case(
    *, meeting: Meeting, by: User, case: Case, is_repeat: bool = False, now: datetime | None = None
) -> AgendaItem:
    """Put a visible case on the agenda and ask its owning agency for a sharing decision to the invited agencies.
    Until the owner decides, invitees see the meeting but not this item."""
    now = now or timezone.now()
    _require_state(meeting, (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS), "The agenda is closed.")
    agency = agency_of(by)
    member = agency is not None and (
        agency.pk == meeting.chair_agency_id or meeting.invitations.filter(agency=agency).exists()
    )
    if not (sel.is_organiser(meeting, by) or member):
        raise ActionForbidden("Only the organisers and invited agencies can add to the agenda.")
    if not case_list_for_user(user=by).filter(pk=case.pk).exists():
        raise Http404("Not found")
    if meeting.agenda_items.filter(case=case).exists():
        raise InvalidInput.field("case", "That case is already on the agenda")
    position = meeting.agenda_items.count() + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        case=case,
        title=f"Case {case.reference}",
        is_repeat=is_repeat,
        added_by=by,
        added_at=now,
    )
    if not _recipients(meeting, case):
        AgendaItem.objects.filter(pk=item.pk).update(sharing_status=SharingStatus.NOT_NEEDED)
        item.refresh_from_db()
    else:
        _ask_owner(item, meeting, by=by)
    return item


@transaction.atomic
def agenda_add_referral(*, meeting: Meeting, by: User, referral: Any, now: datetime | None = None) -> AgendaItem:
    """The MARAC coordinator puts a listed referral on a sitting's agenda (its case's owner is asked to share)."""
    from referrals.selectors import marac_referrals_ready_to_list

    now = now or timezone.now()
    if meeting.meeting_type != MeetingType.MARAC:
        raise InvalidInput.field("referral", "Only a MARAC sitting hears MARAC referrals")
    _require_organiser(meeting, by, "build the MARAC agenda")
    _require_state(meeting, (MeetingStatus.PLANNED,), "The agenda is built before the sitting.")
    if not marac_referrals_ready_to_list(area=meeting.area, by=by).filter(pk=referral.pk).exists():
        raise InvalidInput.field("referral", "That referral is not listed for a MARAC in this area")
    if meeting.agenda_items.filter(Q(referral=referral) | Q(case=referral.case_id)).exists():
        raise InvalidInput.field("referral", "That referral (or its case) is already on the agenda")
    case = referral.case
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=meeting.agenda_items.count() + 1,
        case=case,
        referral=referral,
        title=f"MARAC referral {referral.reference}",
        is_repeat=referral.is_repeat,
        added_by=by,
        added_at=now,
    )
    if not _recipients(meeting, case):
        AgendaItem.objects.filter(pk=item.pk).update(sharing_status=SharingStatus.NOT_NEEDED)
        item.refresh_from_db()
    else:
        _ask_owner(item, meeting, by=None)
    return item


def agenda_build_from_referrals(*, meeting: Meeting, by: User) -> list[AgendaItem]:
    """Add every MARAC referral listed for this sitting (intended for its date or earlier) that is not on it yet;
    repeats first. Each addition is its own transaction."""
    from referrals.selectors import marac_referrals_ready_to_list

    day = timezone.localdate(meeting.scheduled_at)
    ready = marac_referrals_ready_to_list(area=meeting.area, by=by).filter(
        Q(intended_sitting_date__lte=day) | Q(intended_sitting_date__isnull=True)
    )
    on_agenda = set(meeting.agenda_items.exclude(case=None).values_list("case_id", flat=True))
    added = []
    for referral in ready:
        if referral.case_id not in on_agenda:
            added.append(agenda_add_referral(meeting=meeting, by=by, referral=referral))
            on_agenda.add(referral.case_id)
    return added


def _recipients(meeting: Meeting, case: Case) -> list[Agency]:
    agencies: dict[Any, Agency] = {a.pk: a for a in Agency.objects.filter(pk=meeting.chair_agency_id)}
    for invitation in meeting.invitations.select_related("agency"):
        agencies[invitation.agency_id] = invitation.agency
    if meeting.coordinator_id:
        coordinator_agency = agency_of(meeting.coordinator)  # type: ignore[arg-type]
        if coordinator_agency is not None:
            agencies[coordinator_agency.pk] = coordinator_agency
    agencies.pop(case.owning_agency_id, None)
    return [a for a in agencies.values() if a.active]


def undecided_recipients(item: AgendaItem) -> list[Agency]:
    """The agencies the owner has not yet decided about for this item (an agency invited later is one)."""
    if item.case is None:
        return []
    decided = set(
        SharingDecision.objects.filter(source=SHARING_SOURCE, source_id=str(item.pk)).values_list(
            "recipient_agency_id", flat=True
        )
    )
    return [a for a in _recipients(item.meeting, item.case) if a.pk not in decided]


def _ask_owner(item: AgendaItem, meeting: Meeting, *, by: User | None) -> None:
    case = item.case
    assert case is not None
    deciders = [by] if by is not None and sharing.may_decide(by, case.owning_agency_id) else []
    notify(
        recipients=deciders or agency_leads(case.owning_agency),
        kind="meeting_sharing_decision",
        title=f"Case {case.reference} is on the agenda of {meeting.reference}: decide what to share",
        target=meeting,
        dedupe_key=f"agenda-share:{item.pk}:{len(undecided_recipients(item))}",
    )


def sharing_expiry(meeting: Meeting) -> datetime:
    return meeting.scheduled_at + timedelta(days=meeting.action_window_days)


@transaction.atomic
def agenda_item_share(
    *, item: AgendaItem, by: User, direction: str = Direction.DISCLOSE, now: datetime | None = None, **decision: Any
) -> AgendaItem:
    """The owning agency's decision for an agenda item: one recorded sharing decision per invited agency (the chair's
    and coordinator's agencies included), for the meeting's purpose, expiring after the meeting plus its action
    window. ``decision`` carries the decision's fields (scope, data items, lawful basis, consent, rationale…)."""
    now = now or timezone.now()
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related("meeting", "case").get(pk=item.pk)
    case, meeting = item.case, item.meeting
    if case is None:
        raise TransitionNotAllowed("This item has no case record to share.")
    if not sharing.may_decide(by, case.owning_agency_id):
        raise ActionForbidden("Only the case's owning agency decides what to share with the meeting.")
    undecided = undecided_recipients(item)
    if not undecided:
        raise TransitionNotAllowed("The sharing decision for this item has already been made.")
    expires_at = sharing_expiry(meeting)
    if expires_at <= now:
        raise TransitionNotAllowed("The meeting and its action window are over: nothing more can be shared for it.")
    for agency in undecided:
        sharing.share_record(
            obj=case,
            decided_by=by,
            direction=direction,
            recipient_agency=agency,
            purpose=meeting.sharing_purpose,
            purpose_detail=f"{meeting.get_meeting_type_display()} {meeting.reference}",
            expires_at=expires_at if direction == Direction.DISCLOSE else None,
            source=SHARING_SOURCE,
            source_id=str(item.pk),
            now=now,
            **decision,
        )
    AgendaItem.objects.filter(pk=item.pk).update(
        sharing_status=SharingStatus.SHARED if direction == Direction.DISCLOSE else SharingStatus.REFUSED,
        sharing_decided_at=now,
        sharing_decided_by=by,
        version=F("version") + 1,
    )
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_record(
    *,
    item: AgendaItem,
    by: User,
    discussion: str,
    adult_views: str = "",
    adult_participated: bool = False,
    advocate_participated: bool = False,
    expected_version: int | None = None,
) -> AgendaItem:
    meeting = item.meeting
    _require_organiser(meeting, by, "record the discussion")
    _require_state(meeting, LIVE, "The discussion is recorded while the meeting is in progress or just held.")
    if not discussion.strip():
        raise InvalidInput.field("discussion", "Record the discussion")
    qs = AgendaItem.objects.filter(pk=item.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(
        discussion=discussion.strip(),
        adult_views=adult_views.strip(),
        adult_participated=adult_participated,
        advocate_participated=advocate_participated,
        version=F("version") + 1,
    )
    if not updated:
        raise TransitionNotAllowed("This item was changed by someone else. Reload it and try again.")
    item.refresh_from_db()
    return item


@transaction.atomic
def agenda_item_update_case(
    *,
    item: AgendaItem,
    by: User,
    risk_summary: str,
    plan_review_notes: str = "",
    next_review_date: date | None = None,
) -> AgendaItem:
    """Strategy meetings and joint risk planning forums update the case's shared risk summary and safeguarding plan
    through the cases services; the chair's agency needs contribute scope (the owner's decision gives it)."""
    from cases import services as case_services
    from cases.models import EntryType, PlanStatus

    meeting, case = item.meeting, item.case
    if meeting.meeting_type not in PLAN_UPDATING_TYPES:
        raise TransitionNotAllowed("Only strategy meetings and joint risk planning forums update the case.")
    if by.pk != meeting.chair_id:
        raise ActionForbidden("Only the chair updates the case from the meeting.")
    _require_state(meeting, LIVE, "The case is updated while the meeting is in progress or just held.")
    if case is None:
        raise TransitionNotAllowed("This item has no case to update.")
    scope = case_scope_for_user(user=by, case=case)
    if scope is None or scope < Scope.CONTRIBUTE:
        raise ActionForbidden("Your agency needs contribute scope on this case: ask the owner to share it.")
    if not risk_summary.strip():
        raise InvalidInput.field("risk_summary", "Record the risk summary the meeting agreed")
    if scope == Scope.OWNER:
        case_services.case_update(case=case, by=by, current_risks=risk_summary.strip())
    else:
        case_services.chronology_add(
            case=case,
            by=by,
            summary=f"Risk summary agreed at {meeting.reference}: {risk_summary.strip()}",
            entry_type=EntryType.DECISION,
            significant=True,
        )
    plan = case.plans.filter(status=PlanStatus.ACTIVE).order_by("-created_at").first()
    if plan is not None and plan_review_notes.strip():
        case_services.plan_review(
            plan=plan,
            by=by,
            notes=f"Reviewed at {meeting.reference}: {plan_review_notes.strip()}",
            next_review_date=next_review_date,
        )
    AgendaItem.objects.filter(pk=item.pk).update(case_updated_at=timezone.now(), version=F("version") + 1)
    item.refresh_from_db()
    return item


# --- contributions, attendance, decisions, actions ----------------------------------------------------------


@transaction.atomic
def contribution_submit(
    *,
    meeting: Meeting,
    by: User,
    information_held: str,
    current_risks: str = "",
    not_shared: str = "",
    agenda_item: AgendaItem | None = None,
    now: datetime | None = None,
) -> Contribution:
    """An invited agency's contribution (for MARAC, the research form for one case on the agenda)."""
    now = now or timezone.now()
    agency = agency_of(by)
    invitation = sel.invitation_for_agency(meeting, agency.pk) if agency is not None else None
    if invitation is None or not (reaches_case_data(by.roles) or invitation.person_id == by.pk):
        raise ActionForbidden("Only invited agencies contribute to the meeting.")
    _require_state(
        meeting, (MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS), "Contributions are taken before the meeting."
    )
    errors: dict[str, list[str]] = {}
    if not information_held.strip():
        errors["information_held"] = ["Say what information your agency holds"]
    if meeting.meeting_type == MeetingType.MARAC:
        if agenda_item is None:
            errors["agenda_item"] = ["Choose the case on the agenda this research is about"]
        if not current_risks.strip():
            errors["current_risks"] = ["Describe the current risks your agency knows of"]
    if agenda_item is not None and (
        agenda_item.meeting_id != meeting.pk
        or not sel.agenda_for_user(meeting=meeting, user=by).filter(pk=agenda_item.pk).exists()
    ):
        errors["agenda_item"] = ["Choose an item on this meeting's agenda"]
    if errors:
        raise InvalidInput("The contribution cannot be submitted as it stands.", errors=errors)
    assert agency is not None
    contribution = Contribution.objects.create(
        meeting=meeting,
        agency=agency,
        agenda_item=agenda_item,
        information_held=information_held.strip(),
        current_risks=current_risks.strip(),
        not_shared=not_shared.strip(),
        submitted_by=by,
        submitted_at=now,
    )
    clocks.contribution_received(invitation=invitation, by=by)
    return contribution


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    by: User,
    agency: Agency,
    status: str,
    attendee_name: str = "",
    confidentiality_acknowledged: bool = False,
    now: datetime | None = None,
) -> Attendance:
    now = now or timezone.now()
    _require_organiser(meeting, by, "record attendance")
    _require_state(meeting, LIVE, "Attendance is recorded during the meeting.")
    errors: dict[str, list[str]] = {}
    if status not in AttendanceStatus.values:
        errors["status"] = ["Choose attended, apologies, deputy or absent"]
    if agency.pk != meeting.chair_agency_id and not meeting.invitations.filter(agency=agency).exists():
        errors["agency"] = ["That agency was not invited"]
    if status in PRESENT and not attendee_name.strip():
        errors["attendee_name"] = ["Name who attended for the agency"]
    if status in PRESENT and meeting.needs_confidentiality and not confidentiality_acknowledged:
        errors["confidentiality_acknowledged"] = ["Each attendee must acknowledge the confidentiality statement"]
    if errors:
        raise InvalidInput("Attendance cannot be recorded as it stands.", errors=errors)
    row, _ = Attendance.objects.update_or_create(
        meeting=meeting,
        agency=agency,
        defaults={
            "status": status,
            "attendee_name": attendee_name.strip() if status in PRESENT else "",
            "confidentiality_acknowledged_at": now if status in PRESENT and confidentiality_acknowledged else None,
            "recorded_by": by,
            "recorded_at": now,
        },
    )
    return row


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    by: User,
    decision: str,
    rationale: str,
    differing_views: str = "",
    agenda_item: AgendaItem | None = None,
) -> MeetingDecision:
    _require_organiser(meeting, by, "record decisions")
    _require_state(meeting, LIVE, "Decisions are recorded while the meeting is in progress or just held.")
    errors: dict[str, list[str]] = {}
    if not decision.strip():
        errors["decision"] = ["Record the decision"]
    if not rationale.strip():
        errors["rationale"] = ["Record the rationale for the decision"]
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        errors["agenda_item"] = ["Choose an item on this meeting's agenda"]
    if errors:
        raise InvalidInput("The decision cannot be recorded as it stands.", errors=errors)
    return MeetingDecision.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        decision=decision.strip(),
        rationale=rationale.strip(),
        differing_views=differing_views.strip(),
        recorded_by=by,
    )


@transaction.atomic
def meeting_action_add(
    *,
    meeting: Meeting,
    by: User,
    owner_agency: Agency,
    owner_person: User | None,
    description: str,
    due_date: date | None,
    agenda_item: AgendaItem | None = None,
) -> MeetingAction:
    """A meeting action is a tracked action: owner agency and person, due on the clock engine."""
    _require_organiser(meeting, by, "add actions")
    _require_state(meeting, LIVE, "Actions are added while the meeting is in progress or just held.")
    if due_date is None:
        raise InvalidInput.field("due_date", "Give the action a due date")
    if due_date < timezone.localdate():
        raise InvalidInput.field("due_date", "The due date must be today or in the future")
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise InvalidInput.field("agenda_item", "Choose an item on this meeting's agenda")
    action = MeetingAction.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        **action_create_kwargs(
            owner_agency=owner_agency,
            owner_person=owner_person,
            description=description,
            due_date=due_date,
            created_by=by,
        ),
    )
    clocks.action_scheduled(action=action, area=meeting.area)
    notify(
        recipients=[owner_person] if owner_person else agency_leads(owner_agency),
        kind="meeting_action",
        title=f"An action from {meeting.reference} is yours, due {due_date:%d %B %Y}",
        target=meeting,
        dedupe_key=f"meeting-action:{action.pk}",
    )
    return action


# --- minutes ----------------------------------------------------------------------------------------------------


@transaction.atomic
def minutes_save_draft(
    *,
    meeting: Meeting,
    by: User,
    text: str,
    executive_summary: str,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Minutes:
    now = now or timezone.now()
    _require_organiser(meeting, by, "draft the minutes")
    _require_state(meeting, (MeetingStatus.HELD,), "Minutes are drafted once the meeting has been held.")
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = ["Write the minutes"]
    if not executive_summary.strip():
        errors["executive_summary"] = ["Write the executive summary (what third parties may be given)"]
    if errors:
        raise InvalidInput("The minutes cannot be saved as they stand.", errors=errors)
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        return Minutes.objects.create(
            meeting=meeting,
            text=text.strip(),
            executive_summary=executive_summary.strip(),
            drafted_by=by,
            drafted_at=now,
        )
    if minutes.status != MinutesStatus.DRAFT:
        raise TransitionNotAllowed("Approved minutes are locked: later changes are addenda once they are issued.")
    qs = Minutes.objects.filter(pk=minutes.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(
        text=text.strip(),
        executive_summary=executive_summary.strip(),
        drafted_by=by,
        drafted_at=now,
        version=F("version") + 1,
    ):
        raise TransitionNotAllowed("The minutes were changed by someone else. Reload them and try again.")
    minutes.refresh_from_db()
    return minutes


def _minutes(meeting: Meeting) -> Minutes:
    minutes = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if minutes is None:
        raise TransitionNotAllowed("No minutes have been drafted yet.")
    return minutes


@transaction.atomic
def minutes_approve(*, meeting: Meeting, by: User, now: datetime | None = None) -> Minutes:
    if by.pk != meeting.chair_id:
        raise ActionForbidden("Only the chair approves the minutes.")
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.DRAFT:
        raise TransitionNotAllowed("Only draft minutes can be approved.")
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.APPROVED, approved_by=by, approved_at=now or timezone.now(), version=F("version") + 1
    )
    minutes.refresh_from_db()
    return minutes


@transaction.atomic
def minutes_issue(*, meeting: Meeting, by: User, now: datetime | None = None) -> Minutes:
    """Issue approved minutes (locked from now on), meet the minutes clock and tell the invited agencies."""
    now = now or timezone.now()
    _require_organiser(meeting, by, "issue the minutes")
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.APPROVED:
        raise TransitionNotAllowed("The chair must approve the minutes before they are issued.")
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.ISSUED, issued_by=by, issued_at=now, version=F("version") + 1
    )
    minutes.refresh_from_db()
    _bump(meeting, status=MeetingStatus.MINUTES_ISSUED)
    clocks.minutes_issued(meeting=meeting, by=by)
    notify(
        recipients=[p for p in _people_of(meeting) if p != by],
        kind="meeting_minutes",
        title=f"Minutes of {meeting.get_meeting_type_display()} {meeting.reference} have been issued",
        target=meeting,
        dedupe_key=f"meeting-minutes:{meeting.pk}",
    )
    return minutes


@transaction.atomic
def minutes_addendum(*, meeting: Meeting, by: User, text: str) -> MinutesAddendum:
    _require_organiser(meeting, by, "add to the minutes")
    minutes = _minutes(meeting)
    if minutes.status != MinutesStatus.ISSUED:
        raise TransitionNotAllowed("Addenda are added to issued minutes; change the draft instead.")
    if not text.strip():
        raise InvalidInput.field("text", "Write the addendum")
    return MinutesAddendum.objects.create(minutes=minutes, text=text.strip(), added_by=by)
