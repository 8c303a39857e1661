"""Multi-agency meetings (domain §2.8, §2.10, §2.11): strategy discussions and meetings, MARAC sittings, MAPPA
level 2 and 3 meetings and joint risk planning forums, with invitations, contributions, attendance, agenda items,
decisions, tracked actions and minutes.

Restricted material (MARAC research and minutes, MAPPA minutes) is read only through ``meetings.selectors``.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from safeguarding.actions.models import Action


class MeetingType(models.TextChoices):
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
    STRATEGY_MEETING = "strategy_meeting", "Strategy meeting"
    MARAC = "marac", "MARAC sitting"
    MAPPA_L2 = "mappa_l2", "MAPPA level 2 meeting"
    MAPPA_L3 = "mappa_l3", "MAPPA level 3 meeting"
    JOINT_RISK_FORUM = "joint_risk_forum", "Joint risk planning forum"


MAPPA_TYPES = (MeetingType.MAPPA_L2, MeetingType.MAPPA_L3)
CONFIDENTIAL_TYPES = (MeetingType.MARAC, *MAPPA_TYPES)  # confidentiality statement acknowledged by each attendee
PLAN_UPDATING_TYPES = (MeetingType.STRATEGY_DISCUSSION, MeetingType.STRATEGY_MEETING, MeetingType.JOINT_RISK_FORUM)
# The sharing purpose the owner's decision is recorded under, per meeting type.
SHARING_PURPOSE = {
    MeetingType.STRATEGY_DISCUSSION: "strategy_meeting",
    MeetingType.STRATEGY_MEETING: "strategy_meeting",
    MeetingType.JOINT_RISK_FORUM: "strategy_meeting",
    MeetingType.MARAC: "marac",
    MeetingType.MAPPA_L2: "mappa",
    MeetingType.MAPPA_L3: "mappa",
}
CONFIDENTIALITY_STATEMENTS = {
    MeetingType.MARAC: (
        "Information shared at this MARAC is confidential. It is shared only to protect the victim and others at "
        "risk, may not be passed on without the agreement of the agency that shared it, and the perpetrator must "
        "never be told of the referral."
    ),
    MeetingType.MAPPA_L2: (
        "MAPPA D: information shared at this meeting is OFFICIAL-SENSITIVE. It may not be copied or shared further "
        "without the chair's agreement and must be stored in a restricted part of your agency's files."
    ),
}
CONFIDENTIALITY_STATEMENTS[MeetingType.MAPPA_L3] = CONFIDENTIALITY_STATEMENTS[MeetingType.MAPPA_L2]
MAPPA_MARKING = "OFFICIAL-SENSITIVE"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    HELD = "held", "Held"
    MINUTES_ISSUED = "minutes_issued", "Minutes issued"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track()
class Meeting(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting_type = models.CharField(max_length=30, choices=MeetingType.choices)
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    title = models.CharField(max_length=200, help_text="No personal data: e.g. 'MARAC, North, March'.")
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    scheduled_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    link = models.URLField(blank=True)
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    chair_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_window_days = models.PositiveSmallIntegerField(
        default=28, help_text="Sharing for this meeting lasts until the meeting plus this many days."
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField(blank=True)
    moved_reason = models.TextField(blank=True, help_text="Why the meeting last moved (earlier moves: its history).")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_at"]
        indexes = [
            models.Index(fields=["area", "meeting_type", "scheduled_at"], name="meeting_area_type_idx"),
            models.Index(fields=["chair_agency", "status"], name="meeting_chair_agency_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} {self.reference}"

    @property
    def reference(self) -> str:
        return f"MTG-{str(self.pk)[:8].upper()}"

    @property
    def is_marac(self) -> bool:
        return self.meeting_type == MeetingType.MARAC

    @property
    def is_mappa(self) -> bool:
        return self.meeting_type in MAPPA_TYPES

    @property
    def needs_confidentiality(self) -> bool:
        return self.meeting_type in CONFIDENTIAL_TYPES

    @property
    def confidentiality_statement(self) -> str:
        return CONFIDENTIALITY_STATEMENTS.get(MeetingType(self.meeting_type), "")

    @property
    def minutes_restricted(self) -> bool:
        return self.meeting_type in CONFIDENTIAL_TYPES

    @property
    def research_restricted(self) -> bool:
        return self.meeting_type == MeetingType.MARAC

    @property
    def marking(self) -> str:
        return MAPPA_MARKING if self.is_mappa else ""

    @property
    def sharing_purpose(self) -> str:
        return SHARING_PURPOSE[MeetingType(self.meeting_type)]


class Rsvp(models.TextChoices):
    PENDING = "pending", "Not answered"
    ATTENDING = "attending", "Attending"
    DEPUTY = "deputy", "Sending a deputy"
    DECLINED = "declined", "Cannot attend"


@pghistory.track()
class Invitation(models.Model):
    """An invited agency, optionally with its named representative."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rsvp = models.CharField(max_length=20, choices=Rsvp.choices, default=Rsvp.PENDING)
    rsvp_note = models.CharField(max_length=300, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["invited_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="meeting_invitation_once")]

    def __str__(self) -> str:
        return f"Invitation to {self.agency}"


class SharingStatus(models.TextChoices):
    AWAITING = "awaiting", "Awaiting the owner's sharing decision"
    SHARED = "shared", "Shared with the invited agencies"
    REFUSED = "refused", "The owner decided not to share"
    NOT_NEEDED = "not_needed", "No case record to share"


@pghistory.track()
class AgendaItem(models.Model):
    """A case (or, for MARAC, a referral) on the agenda, with its discussion."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(default=1)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(
        "referrals.Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="meeting_items"
    )
    title = models.CharField(max_length=200, help_text="An opaque label (the case reference), never a name.")
    is_repeat = models.BooleanField(default=False)
    sharing_status = models.CharField(max_length=20, choices=SharingStatus.choices, default=SharingStatus.AWAITING)
    sharing_decided_at = models.DateTimeField(null=True, blank=True)
    sharing_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    discussion = models.TextField(blank=True)
    adult_views = models.TextField(blank=True)
    adult_participated = models.BooleanField(default=False)
    advocate_participated = models.BooleanField(default=False)
    case_updated_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["position", "added_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case"], condition=models.Q(case__isnull=False), name="agenda_case_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"
    DEPUTY = "deputy", "A deputy attended"
    ABSENT = "absent", "Absent"


PRESENT = (AttendanceStatus.ATTENDED, AttendanceStatus.DEPUTY)


@pghistory.track()
class Attendance(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=AttendanceStatus.choices)
    attendee_name = models.CharField(max_length=200, blank=True, help_text="Who attended for the agency.")
    confidentiality_acknowledged_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="meeting_attendance_once")]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_status_display()}"


@pghistory.track()
class Contribution(models.Model):
    """What an invited agency brings before the meeting (for MARAC, the research form for one case)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="contributions"
    )
    information_held = models.TextField()
    current_risks = models.TextField(blank=True)
    not_shared = models.TextField(blank=True, help_text="What the agency decided not to share, and why.")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at"]

    def __str__(self) -> str:
        return f"Contribution from {self.agency}"


@pghistory.track()
class MeetingDecision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    decision = models.TextField()
    rationale = models.TextField()
    differing_views = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at"]

    def __str__(self) -> str:
        return self.decision[:60]


@pghistory.track()
class MeetingAction(Action):
    parent_field: ClassVar[str] = "meeting"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )

    class Meta(Action.Meta):
        indexes = [models.Index(fields=["owner_agency", "status"], name="meeting_action_owner_idx")]


class MinutesStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    APPROVED = "approved", "Approved by the chair"
    ISSUED = "issued", "Issued"


@pghistory.track()
class Minutes(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    status = models.CharField(max_length=20, choices=MinutesStatus.choices, default=MinutesStatus.DRAFT)
    text = models.TextField()
    executive_summary = models.TextField(help_text="What third parties may be given: no personal detail.")
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "minutes"

    def __str__(self) -> str:
        return f"Minutes of {self.meeting}"

    @property
    def marking(self) -> str:
        return self.meeting.marking


@pghistory.track()
class MinutesAddendum(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    minutes = models.ForeignKey(Minutes, on_delete=models.CASCADE, related_name="addenda")
    text = models.TextField()
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"Addendum of {self.added_at:%d %b %Y}"


def restricted_models() -> tuple[type[models.Model], ...]:
    """Models holding restricted material: never in exports, break-glass or assurance packs."""
    return (Contribution, Minutes, MinutesAddendum)
