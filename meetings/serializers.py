"""Meetings API serialisers (thin: shapes only; rules live in the services)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from meetings.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Contribution,
    Invitation,
    Meeting,
    MeetingAction,
    MeetingDecision,
    MeetingType,
    Minutes,
    MinutesAddendum,
    Rsvp,
)


class MeetingSerializer(serializers.ModelSerializer[Meeting]):
    reference = serializers.CharField(read_only=True)
    chair = serializers.CharField(source="chair.full_name", read_only=True)
    chair_id = serializers.UUIDField(read_only=True)
    chair_agency = serializers.CharField(source="chair_agency.name", read_only=True)
    coordinator = serializers.CharField(source="coordinator.full_name", read_only=True, default=None)
    area = serializers.CharField(source="area.name", read_only=True)
    marking = serializers.CharField(read_only=True)
    confidentiality_statement = serializers.CharField(read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "reference",
            "meeting_type",
            "status",
            "title",
            "area",
            "scheduled_at",
            "venue",
            "link",
            "chair",
            "chair_id",
            "chair_agency",
            "coordinator",
            "action_window_days",
            "marking",
            "confidentiality_statement",
            "started_at",
            "held_at",
            "closed_at",
            "cancelled_reason",
            "moved_reason",
            "created_at",
        ]
        read_only_fields = fields


class MeetingCreateSerializer(serializers.Serializer[Any]):
    meeting_type = serializers.ChoiceField(MeetingType.choices)
    title = serializers.CharField()
    scheduled_at = serializers.DateTimeField()
    chair_id = serializers.UUIDField()
    coordinator_id = serializers.UUIDField(required=False, allow_null=True)
    area_id = serializers.UUIDField(required=False, allow_null=True)
    venue = serializers.CharField(required=False, allow_blank=True, default="")
    link = serializers.URLField(required=False, allow_blank=True, default="")
    action_window_days = serializers.IntegerField(required=False, default=28)


class MeetingTransitionSerializer(serializers.Serializer[Any]):
    transition = serializers.ChoiceField(["start", "hold", "close", "cancel"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingRescheduleSerializer(serializers.Serializer[Any]):
    scheduled_at = serializers.DateTimeField()
    reason = serializers.CharField(allow_blank=True)


class AgendaItemSerializer(serializers.ModelSerializer[AgendaItem]):
    case_id = serializers.UUIDField(read_only=True, allow_null=True)
    referral_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "position",
            "title",
            "case_id",
            "referral_id",
            "is_repeat",
            "sharing_status",
            "sharing_decided_at",
            "discussion",
            "adult_views",
            "adult_participated",
            "advocate_participated",
            "case_updated_at",
            "added_at",
        ]
        read_only_fields = fields


class AgendaAddSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField(required=False, allow_null=True)
    referral_id = serializers.UUIDField(required=False, allow_null=True)
    build_from_referrals = serializers.BooleanField(required=False, default=False)
    is_repeat = serializers.BooleanField(required=False, default=False)


class AgendaItemInput(serializers.Serializer[Any]):
    discussion = serializers.CharField(allow_blank=True)
    adult_views = serializers.CharField(required=False, allow_blank=True, default="")
    adult_participated = serializers.BooleanField(required=False, default=False)
    advocate_participated = serializers.BooleanField(required=False, default=False)


class UpdateCaseInput(serializers.Serializer[Any]):
    risk_summary = serializers.CharField(allow_blank=True)
    plan_review_notes = serializers.CharField(required=False, allow_blank=True, default="")
    next_review_date = serializers.DateField(required=False, allow_null=True, default=None)


class SharingDecisionInput(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(["disclose", "refuse"], default="disclose")
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    data_items = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    data_items_detail = serializers.CharField(required=False, allow_blank=True, default="")
    special_category = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    lawful_basis_art6 = serializers.CharField(required=False, allow_blank=True, default="")
    condition_art9 = serializers.CharField(required=False, allow_blank=True, default="")
    dpa_sch1_condition = serializers.CharField(required=False, allow_blank=True, default="")
    consent_status = serializers.CharField()
    override_reason = serializers.CharField(required=False, allow_blank=True, default="")
    override_detail = serializers.CharField(required=False, allow_blank=True, default="")
    capacity_assessment_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField()
    adult_informed = serializers.BooleanField(default=False)
    adult_not_informed_reason = serializers.CharField(required=False, allow_blank=True, default="")


class InvitationSerializer(serializers.ModelSerializer[Invitation]):
    agency_id = serializers.UUIDField(read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    person_id = serializers.UUIDField(read_only=True, allow_null=True)
    person = serializers.CharField(source="person.full_name", read_only=True, default=None)

    class Meta:
        model = Invitation
        fields = ["id", "agency_id", "agency", "person_id", "person", "rsvp", "rsvp_note", "responded_at", "invited_at"]
        read_only_fields = fields


class InvitationCreateSerializer(serializers.Serializer[Any]):
    agency_id = serializers.UUIDField()
    person_id = serializers.UUIDField(required=False, allow_null=True)


class RsvpSerializer(serializers.Serializer[Any]):
    rsvp = serializers.ChoiceField([c for c in Rsvp.values if c != Rsvp.PENDING])
    note = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingAttendanceSerializer(serializers.ModelSerializer[Attendance]):
    agency_id = serializers.UUIDField(read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)

    class Meta:
        model = Attendance
        fields = [
            "id",
            "agency_id",
            "agency",
            "status",
            "attendee_name",
            "confidentiality_acknowledged_at",
            "recorded_at",
        ]
        read_only_fields = fields


class AttendanceInput(serializers.Serializer[Any]):
    agency_id = serializers.UUIDField()
    status = serializers.ChoiceField(AttendanceStatus.choices)
    attendee_name = serializers.CharField(required=False, allow_blank=True, default="")
    confidentiality_acknowledged = serializers.BooleanField(required=False, default=False)


class ContributionSerializer(serializers.ModelSerializer[Contribution]):
    agency = serializers.CharField(source="agency.name", read_only=True)
    agenda_item_id = serializers.UUIDField(read_only=True, allow_null=True)
    submitted_before_meeting = serializers.SerializerMethodField()

    class Meta:
        model = Contribution
        fields = [
            "id",
            "agency",
            "agenda_item_id",
            "information_held",
            "current_risks",
            "not_shared",
            "submitted_at",
            "submitted_before_meeting",
        ]
        read_only_fields = fields

    def get_submitted_before_meeting(self, obj: Contribution) -> bool:
        return obj.submitted_at < obj.meeting.scheduled_at


class ContributionInput(serializers.Serializer[Any]):
    agenda_item_id = serializers.UUIDField(required=False, allow_null=True)
    information_held = serializers.CharField(allow_blank=True)
    current_risks = serializers.CharField(required=False, allow_blank=True, default="")
    not_shared = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingDecisionSerializer(serializers.ModelSerializer[MeetingDecision]):
    agenda_item_id = serializers.UUIDField(read_only=True, allow_null=True)

    class Meta:
        model = MeetingDecision
        fields = ["id", "agenda_item_id", "decision", "rationale", "differing_views", "recorded_at"]
        read_only_fields = fields


class MeetingDecisionInput(serializers.Serializer[Any]):
    agenda_item_id = serializers.UUIDField(required=False, allow_null=True)
    decision = serializers.CharField(allow_blank=True)
    rationale = serializers.CharField(allow_blank=True)
    differing_views = serializers.CharField(required=False, allow_blank=True, default="")


class MeetingActionSerializer(serializers.ModelSerializer[MeetingAction]):
    meeting_id = serializers.UUIDField(read_only=True)
    agenda_item_id = serializers.UUIDField(read_only=True, allow_null=True)
    owner_agency = serializers.CharField(source="owner_agency.name", read_only=True)
    owner_person = serializers.CharField(source="owner_person.full_name", read_only=True, default=None)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "meeting_id",
            "agenda_item_id",
            "description",
            "owner_agency",
            "owner_person",
            "due_date",
            "status",
            "overdue",
            "evidence_notes",
            "completed_at",
            "verified_at",
        ]
        read_only_fields = fields

    def get_overdue(self, obj: MeetingAction) -> bool:
        return obj.is_overdue()


class ActionInput(serializers.Serializer[Any]):
    agenda_item_id = serializers.UUIDField(required=False, allow_null=True)
    description = serializers.CharField(allow_blank=True)
    owner_agency_id = serializers.UUIDField()
    owner_person_id = serializers.UUIDField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class AddendumSerializer(serializers.ModelSerializer[MinutesAddendum]):
    added_by = serializers.CharField(source="added_by.full_name", read_only=True)

    class Meta:
        model = MinutesAddendum
        fields = ["id", "text", "added_by", "added_at"]
        read_only_fields = fields


class MinutesSerializer(serializers.ModelSerializer[Minutes]):
    marking = serializers.CharField(read_only=True)
    addenda = AddendumSerializer(many=True, read_only=True)

    class Meta:
        model = Minutes
        fields = [
            "id",
            "status",
            "marking",
            "text",
            "executive_summary",
            "drafted_at",
            "approved_at",
            "issued_at",
            "addenda",
        ]
        read_only_fields = fields


class MinutesInput(serializers.Serializer[Any]):
    text = serializers.CharField(allow_blank=True)
    executive_summary = serializers.CharField(allow_blank=True)


class AddendumInput(serializers.Serializer[Any]):
    text = serializers.CharField(allow_blank=True)


class ExecutiveSummarySerializer(serializers.Serializer[Any]):
    meeting_id = serializers.UUIDField()
    meeting_type = serializers.CharField()
    marking = serializers.CharField()
    executive_summary = serializers.CharField()
    issued_at = serializers.DateTimeField()


class MetricSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField()
    meeting_type = serializers.CharField()
    invited = serializers.IntegerField()
    rsvp = serializers.IntegerField()
    attended = serializers.IntegerField()
    contributed_before = serializers.IntegerField()
    actions_owned = serializers.IntegerField()
    completed_on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
