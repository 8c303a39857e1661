"""Reads for meetings. ``meeting_list_for_user`` is the one visibility rule; everything else in a meeting is read
through it. Agenda items about a case show only to those who can see the case (the owner's sharing decision gives
the invited agencies that access), and restricted material only to the restricted audience.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.selectors import case_list_for_user
from meetings.models import (
    PRESENT,
    AgendaItem,
    Attendance,
    Contribution,
    Invitation,
    Meeting,
    MeetingAction,
    MeetingType,
    Minutes,
    Rsvp,
)
from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES, ActionStatus
from safeguarding.audit.services import record_access, record_denied
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import is_uuid
from safeguarding.roles import reaches_case_data
from safeguarding.sharing.agreements import signatory_agency_ids
from safeguarding.sharing.codes import Purpose


def meeting_visibility_q(user: User) -> Q:
    invited_person = Invitation.objects.filter(meeting=OuterRef("pk"), person=user)
    condition = Q(chair=user) | Q(coordinator=user) | Q(created_by=user) | Q(Exists(invited_person))
    agency = agency_of(user)
    if agency is not None and reaches_case_data(user.roles):
        invited_agency = Invitation.objects.filter(meeting=OuterRef("pk"), agency=agency)
        condition |= Q(chair_agency=agency) | Q(Exists(invited_agency))
    return condition


def meeting_list_for_user(*, user: User) -> QuerySet[Meeting]:
    """Meetings the user chairs, coordinates or created, or to which they or their agency are invited (case-working
    roles), and every meeting chaired by their agency."""
    if not user.is_authenticated or not user.is_active:
        return Meeting.objects.none()
    return Meeting.objects.filter(meeting_visibility_q(user))


def meeting_get_for_user(*, user: User, pk: Any, route: str, purpose: str = "") -> Meeting:
    """The meeting or 404 (the same for missing and invisible), with one access row either way."""
    found = (
        meeting_list_for_user(user=user)
        .select_related("area", "chair", "chair_agency", "coordinator")
        .filter(pk=pk)
        .first()
        if is_uuid(pk)
        else None
    )
    if found is None:
        record_denied(user=user, object_type=Meeting, object_id=pk, route=route, purpose=purpose)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route, purpose=purpose)
    return found


# --- who may do what ------------------------------------------------------------------------------------------


def is_organiser(meeting: Meeting, user: User) -> bool:
    return user.pk in (meeting.chair_id, meeting.coordinator_id)


def marac_signatory_ids(meeting: Meeting) -> set[Any]:
    """Agencies that signed the current MARAC information-sharing agreement of the meeting's area."""
    return signatory_agency_ids(area_id=meeting.area_id, purpose=Purpose.MARAC)


def may_see_restricted(meeting: Meeting, user: User) -> bool:
    """The chair, the coordinator and the named representatives of invited agencies (for MARAC, of agencies that
    signed the area's agreement)."""
    if not user.is_active:
        return False
    if is_organiser(meeting, user):
        return True
    invitation = meeting.invitations.filter(person=user).first()
    if invitation is None:
        return False
    if meeting.meeting_type == MeetingType.MARAC:
        return invitation.agency_id in marac_signatory_ids(meeting)
    return True


def restricted_or_404(meeting: Meeting, user: User, *, route: str, what: type[Any]) -> None:
    if not may_see_restricted(meeting, user):
        record_denied(user=user, object_type=what, object_id=meeting.pk, route=route)
        raise Http404("Not found")


# --- nested objects -----------------------------------------------------------------------------------------------


def agenda_for_user(*, meeting: Meeting, user: User) -> QuerySet[AgendaItem]:
    """Items without a case, and case items whose case the user can see (the owner's decision is the gate)."""
    cases = case_list_for_user(user=user).values("pk")
    return (
        meeting.agenda_items.filter(Q(case__isnull=True) | Q(case__in=cases))
        .select_related("case", "case__owning_agency")
        .order_by("position", "added_at")
    )


def agenda_item_list_for_user(*, user: User) -> QuerySet[AgendaItem]:
    """Every agenda item the user may see: on a visible meeting, and without a case or about a visible case."""
    return AgendaItem.objects.filter(
        Q(case__isnull=True) | Q(case__in=case_list_for_user(user=user).values("pk")),
        meeting__in=meeting_list_for_user(user=user).values("pk"),
    )


def hidden_item_count(*, meeting: Meeting, user: User) -> int:
    return meeting.agenda_items.count() - agenda_for_user(meeting=meeting, user=user).count()


def contributions_for_user(*, meeting: Meeting, user: User) -> QuerySet[Contribution]:
    """Contributions on items the user can see; MARAC research only for the restricted audience."""
    if meeting.research_restricted and not may_see_restricted(meeting, user):
        return Contribution.objects.none()
    items = agenda_for_user(meeting=meeting, user=user).values("pk")
    return (
        meeting.contributions.filter(Q(agenda_item__isnull=True) | Q(agenda_item__in=items))
        .select_related("agency", "submitted_by", "agenda_item")
        .order_by("submitted_at")
    )


def action_list_for_user(*, user: User) -> QuerySet[MeetingAction]:
    """An action shows to its owning agency (case-working roles) and to those who see its meeting and its item."""
    if not user.is_authenticated or not user.is_active:
        return MeetingAction.objects.none()
    visible_items = AgendaItem.objects.filter(
        Q(case__isnull=True) | Q(case__in=case_list_for_user(user=user).values("pk"))
    ).values("pk")
    condition = Q(meeting__in=meeting_list_for_user(user=user).values("pk")) & (
        Q(agenda_item__isnull=True) | Q(agenda_item__in=visible_items)
    )
    agency = agency_of(user)
    if agency is not None and reaches_case_data(user.roles):
        condition |= Q(owner_agency=agency)
    return MeetingAction.objects.filter(condition)


def actions_for_meeting(*, meeting: Meeting, user: User) -> QuerySet[MeetingAction]:
    return (
        action_list_for_user(user=user)
        .filter(meeting=meeting)
        .select_related("owner_agency", "owner_person", "agenda_item")
        .order_by("due_date", "created_at")
    )


def outstanding_actions(*, meeting: Meeting, user: User) -> QuerySet[MeetingAction]:
    """Incomplete actions from earlier meetings of the same kind in the same area (carried to this agenda), and from
    any earlier meeting about a case on this agenda."""
    cases = meeting.agenda_items.exclude(case=None).values("case")
    earlier = Q(meeting__area=meeting.area_id, meeting__meeting_type=meeting.meeting_type) | Q(
        agenda_item__case__in=cases
    )
    return (
        action_list_for_user(user=user)
        .filter(earlier, status__in=OPEN_STATUSES, meeting__scheduled_at__lt=meeting.scheduled_at)
        .exclude(meeting=meeting)
        .select_related("owner_agency", "owner_person", "meeting", "agenda_item")
        .order_by("due_date", "created_at")
    )


def minutes_for_user(*, meeting: Meeting, user: User, route: str) -> Minutes | None:
    """The minutes (or None when not drafted yet); 404 for anyone outside the restricted audience when restricted."""
    if meeting.minutes_restricted:
        restricted_or_404(meeting, user, route=route, what=Minutes)
    minutes = Minutes.objects.filter(meeting=meeting).prefetch_related("addenda__added_by").first()
    if minutes is not None:
        record_access(user=user, objects_or_ids=minutes, route=route, purpose="meeting minutes")
    return minutes


def invitation_for_agency(meeting: Meeting, agency_id: Any) -> Invitation | None:
    return meeting.invitations.filter(agency_id=agency_id).first()


# --- contribution metrics -------------------------------------------------------------------------------------


@dataclass
class MetricRow:
    agency: str
    meeting_type: str
    invited: int = 0
    rsvp: int = 0
    attended: int = 0
    contributed_before: int = 0
    actions_owned: int = 0
    completed_on_time: int = 0
    overdue: int = 0
    agency_id: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def meeting_type_label(self) -> str:
        return MeetingType(self.meeting_type).label


def contribution_metrics(*, meetings: QuerySet[Meeting], today: date | None = None) -> list[MetricRow]:
    """Per agency and meeting type: invited, RSVP answered, attended (or a deputy), contribution submitted before the
    meeting, actions owned, actions completed on time, actions overdue. Aggregates only: no personal data, so
    assurance may call it with any set of meetings. Four queries whatever the number of meetings."""
    today = today or timezone.localdate()
    rows: dict[tuple[Any, str], MetricRow] = {}
    names: dict[Any, str] = {}

    def row(agency_id: Any, agency_name: str, meeting_type: str) -> MetricRow:
        names[agency_id] = agency_name
        key = (agency_id, meeting_type)
        if key not in rows:
            rows[key] = MetricRow(agency=agency_name, meeting_type=meeting_type, agency_id=agency_id)
        return rows[key]

    ids = meetings.values("pk")
    for inv in Invitation.objects.filter(meeting__in=ids).values(
        "agency_id", "agency__name", "meeting__meeting_type", "rsvp"
    ):
        r = row(inv["agency_id"], inv["agency__name"], inv["meeting__meeting_type"])
        r.invited += 1
        r.rsvp += inv["rsvp"] != Rsvp.PENDING
    for att in Attendance.objects.filter(meeting__in=ids, status__in=PRESENT).values(
        "agency_id", "agency__name", "meeting__meeting_type"
    ):
        row(att["agency_id"], att["agency__name"], att["meeting__meeting_type"]).attended += 1
    before: dict[tuple[Any, str], set[Any]] = defaultdict(set)
    for con in Contribution.objects.filter(meeting__in=ids).values(
        "agency_id", "agency__name", "meeting_id", "meeting__meeting_type", "submitted_at", "meeting__scheduled_at"
    ):
        if con["submitted_at"] < con["meeting__scheduled_at"]:
            row(con["agency_id"], con["agency__name"], con["meeting__meeting_type"])
            before[(con["agency_id"], con["meeting__meeting_type"])].add(con["meeting_id"])
    for key, meeting_ids in before.items():
        rows[key].contributed_before = len(meeting_ids)
    for act in MeetingAction.objects.filter(meeting__in=ids).values(
        "owner_agency_id", "owner_agency__name", "meeting__meeting_type", "status", "due_date", "completed_at"
    ):
        r = row(act["owner_agency_id"], act["owner_agency__name"], act["meeting__meeting_type"])
        r.actions_owned += 1
        done = act["status"] in (ActionStatus.COMPLETED, ActionStatus.VERIFIED)
        if done and (act["due_date"] is None or timezone.localdate(act["completed_at"]) <= act["due_date"]):
            r.completed_on_time += 1
        if act["status"] in OPEN_STATUSES and act["due_date"] is not None and act["due_date"] < today:
            r.overdue += 1
    return sorted(rows.values(), key=lambda r: (r.meeting_type, r.agency))
