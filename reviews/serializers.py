"""Review serializers (thin). Restricted content (drafts, supporting information, the adult) is left out for
viewers who are not on the review's board; the executive summary appears to them once the report is published."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.models import (
    Basis,
    ChronologyRequest,
    EventFormat,
    LearningEvent,
    Methodology,
    OwnerFlag,
    ParallelProcess,
    Recommendation,
    Review,
    ReviewAction,
    TimelineEntry,
)
from reviews.services import TRANSITIONS


class TimelineSerializer(serializers.ModelSerializer[TimelineEntry]):
    by = serializers.CharField(source="by.full_name", allow_null=True, default=None)

    class Meta:
        model = TimelineEntry
        fields = ["kind", "summary", "at", "by"]
        read_only_fields = fields


class ReviewSummarySerializer(serializers.ModelSerializer[Review]):
    referrer_agency = serializers.CharField(source="referrer_agency.name")
    stage = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "reference",
            "status",
            "stage",
            "basis",
            "referrer_agency",
            "referred_at",
            "decision",
            "decision_at",
            "published_at",
        ]
        read_only_fields = fields

    def get_stage(self, obj: Review) -> str:
        return "referral" if obj.is_referral else "review"


class ReviewBoardSerializer(ReviewSummarySerializer):
    """What the board (business unit, panel, reviewer) sees."""

    adult = serializers.CharField(source="adult_label")
    reviewer = serializers.CharField(source="reviewer.full_name", allow_null=True, default=None)
    case_id = serializers.UUIDField(allow_null=True)
    panel_members = serializers.SerializerMethodField()
    timeline = TimelineSerializer(many=True, read_only=True)

    class Meta(ReviewSummarySerializer.Meta):
        fields = [
            *ReviewSummarySerializer.Meta.fields,
            "adult",
            "case_id",
            "enquiry_ref",
            "care_and_support_needs",
            "serious_abuse_or_neglect",
            "concern_about_joint_working",
            "supporting_information",
            "acknowledged_at",
            "rationale",
            "other_review",
            "methodology",
            "reviewer",
            "terms_of_reference",
            "panel_members",
            "family_involvement",
            "person_informed",
            "parallel_processes",
            "draft_report",
            "executive_summary",
            "annual_report_year",
            "closed_at",
            "version",
            "timeline",
        ]
        read_only_fields = fields

    def get_panel_members(self, obj: Review) -> list[str]:
        return [u.full_name for u in obj.panel_members.all()]


class ReviewAgencySerializer(ReviewSummarySerializer):
    """What another agency sees: the header, the rationale, and the executive summary once published."""

    executive_summary = serializers.SerializerMethodField()

    class Meta(ReviewSummarySerializer.Meta):
        fields = [*ReviewSummarySerializer.Meta.fields, "rationale", "executive_summary", "version"]
        read_only_fields = fields

    def get_executive_summary(self, obj: Review) -> str | None:
        return obj.executive_summary if obj.is_published else None


class ReferSerializer(serializers.Serializer[Any]):
    basis = serializers.ChoiceField(Basis.choices)
    concern_about_joint_working = serializers.BooleanField()
    care_and_support_needs = serializers.BooleanField(default=False)
    serious_abuse_or_neglect = serializers.BooleanField(default=False)
    case_id = serializers.UUIDField(required=False, allow_null=True)
    adult_name = serializers.CharField(required=False, allow_blank=True, default="")
    nhs_number = serializers.CharField(required=False, allow_blank=True, default="")
    enquiry_ref = serializers.CharField(required=False, allow_blank=True, default="")
    supporting_information = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewUpdateSerializer(serializers.Serializer[Any]):
    methodology = serializers.ChoiceField(Methodology.choices, required=False)
    reviewer_id = serializers.UUIDField(required=False)
    terms_of_reference = serializers.CharField(required=False, allow_blank=True)
    panel_member_ids = serializers.ListField(child=serializers.UUIDField(), required=False)
    family_involvement = serializers.CharField(required=False, allow_blank=True)
    person_informed = serializers.BooleanField(required=False)
    parallel_processes = serializers.ListField(child=serializers.ChoiceField(ParallelProcess.choices), required=False)
    draft_report = serializers.CharField(required=False, allow_blank=True)
    executive_summary = serializers.CharField(required=False, allow_blank=True)


class ReviewTransitionSerializer(serializers.Serializer[Any]):
    transition = serializers.ChoiceField(sorted(TRANSITIONS))
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    other_review = serializers.CharField(required=False, allow_blank=True, default="")
    agency_ids = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    questions = serializers.CharField(required=False, allow_blank=True, default="")


class ChronologySerializer(serializers.ModelSerializer[ChronologyRequest]):
    agency = serializers.CharField(source="agency.name")
    information_request_id = serializers.UUIDField()

    class Meta:
        model = ChronologyRequest
        fields = [
            "id",
            "agency",
            "information_request_id",
            "questions",
            "status",
            "requested_at",
            "chronology",
            "responded_at",
        ]
        read_only_fields = fields


class ChronologyRespondSerializer(serializers.Serializer[Any]):
    chronology = serializers.CharField()


class RecommendationSerializer(serializers.ModelSerializer[Recommendation]):
    ref = serializers.CharField()

    class Meta:
        model = Recommendation
        fields = ["id", "ref", "number", "finding", "text", "created_at"]
        read_only_fields = fields


class RecommendationCreateSerializer(serializers.Serializer[Any]):
    text = serializers.CharField()
    finding = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewActionSerializer(serializers.ModelSerializer[ReviewAction]):
    reference = serializers.CharField()
    review_id = serializers.UUIDField(source="recommendation.review_id")
    review_reference = serializers.CharField(source="recommendation.review.reference")
    recommendation = serializers.CharField(source="recommendation.ref")
    owner_agency = serializers.CharField(source="owner_agency.name")
    owner_person = serializers.CharField(source="owner_person.full_name", allow_null=True, default=None)
    rag = serializers.CharField()

    class Meta:
        model = ReviewAction
        fields = [
            "id",
            "reference",
            "review_id",
            "review_reference",
            "recommendation",
            "description",
            "owner_agency",
            "owner_person",
            "due_date",
            "status",
            "owner_flag",
            "rag",
            "impact_measure",
            "evidence_notes",
            "completed_at",
            "verified_at",
            "last_update_at",
            "last_reviewed_at",
            "version",
        ]
        read_only_fields = fields


class ReviewActionCreateSerializer(serializers.Serializer[Any]):
    recommendation_id = serializers.UUIDField()
    owner_agency_id = serializers.UUIDField()
    owner_person_id = serializers.UUIDField(required=False, allow_null=True)
    description = serializers.CharField()
    due_date = serializers.DateField()
    impact_measure = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewActionUpdateSerializer(serializers.Serializer[Any]):
    note = serializers.CharField()
    owner_flag = serializers.ChoiceField(OwnerFlag.choices, required=False, allow_blank=True)
    impact_measure = serializers.CharField(required=False, allow_blank=True)


class EvidenceSerializer(serializers.Serializer[Any]):
    evidence_notes = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class CancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class AttendanceSerializer(serializers.Serializer[Any]):
    agency = serializers.CharField(source="agency.name", read_only=True)
    agency_id = serializers.UUIDField()
    attendees = serializers.IntegerField(min_value=0)


class LearningEventSerializer(serializers.ModelSerializer[LearningEvent]):
    attendance = AttendanceSerializer(many=True, read_only=True)
    reviews = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()

    class Meta:
        model = LearningEvent
        fields = ["id", "title", "format", "held_on", "summary", "reviews", "themes", "attendance"]
        read_only_fields = fields

    def get_reviews(self, obj: LearningEvent) -> list[str]:
        return [r.reference for r in obj.reviews.all()]

    def get_themes(self, obj: LearningEvent) -> list[str]:
        return [t.title for t in obj.themes.all()]


class LearningEventCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField()
    format = serializers.ChoiceField(EventFormat.choices)
    held_on = serializers.DateField()
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    review_ids = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    attendance = AttendanceSerializer(many=True, required=False, default=list)
