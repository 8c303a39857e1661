"""Serializers of the referrals API (thin: validation of shapes only; the services hold the rules)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases.codes import AlternativeResponse, LaDecision, NotS42Reason, TriState
from referrals.codes import Kind, MappaCategory, MappaLevel
from referrals.models import MappaNominal, Referral, ReferralLogEntry


class LogEntrySerializer(serializers.ModelSerializer[ReferralLogEntry]):
    by = serializers.CharField(source="by.full_name", allow_null=True, default=None)
    agency = serializers.CharField(source="agency.name", allow_null=True, default=None)

    class Meta:
        model = ReferralLogEntry
        fields = ["event", "at", "by", "agency", "detail"]
        read_only_fields = fields


LIST_FIELDS = [
    "id",
    "reference",
    "kind",
    "state",
    "case_id",
    "sender_agency",
    "recipient_agency",
    "recipient_user",
    "urgent",
    "created_at",
    "sent_at",
    "updated_at",
]
S42_FIELDS = ["concern_id", "decision_recorded_at"]
MARAC_FIELDS = [
    "dash_id",
    "victim_id",
    "persons_causing_harm",
    "harm_relationship",
    "criteria",
    "dash_yes_count",
    "professional_judgement",
    "police_callouts_12m",
    "da_incidents_12m",
    "incident_date",
    "is_repeat",
    "previous_referral_id",
    "repeat_rule_text",
    "victim_informed",
    "victim_consent",
    "safe_contact_number",
    "safe_to_call",
    "safe_contact_notes",
    "idva_referred",
    "idva_agency_id",
    "children_in_household",
    "adults_at_risk_in_household",
    "equality_monitoring",
    "intended_sitting_date",
    "listed_at",
    "not_listed_reason",
    "challenge",
    "challenged_at",
    "emergency_reason",
    "heard_at",
    "heard_meeting_id",
]
MAPPA_FIELDS = [
    "mappa_request",
    "mappa_subject_id",
    "mappa_category",
    "mappa_level",
    "mappa_lead_agency_id",
    "visor_reference",
    "nominal_id",
]
SERVICE_FIELDS = ["service_type", "service_detail"]
KIND_FIELDS = {
    Kind.S42_CONCERN: S42_FIELDS,
    Kind.MARAC: MARAC_FIELDS,
    Kind.MAPPA: MAPPA_FIELDS,
    Kind.SERVICE: SERVICE_FIELDS,
}


class ReferralListSerializer(serializers.ModelSerializer[Referral]):
    sender_agency = serializers.CharField(source="sender_agency.name")
    recipient_agency = serializers.CharField(source="recipient_agency.name")
    recipient_user = serializers.CharField(source="recipient_user.full_name", allow_null=True, default=None)

    class Meta:
        model = Referral
        fields = LIST_FIELDS
        read_only_fields = fields


class ReferralSerializer(ReferralListSerializer):
    """A referral with its kind's fields (only those of its kind) and its timeline."""

    sender_user = serializers.CharField(source="sender_user.full_name")
    sharing_decision_id = serializers.UUIDField(allow_null=True)
    persons_causing_harm: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    timeline = LogEntrySerializer(source="log", many=True, read_only=True)

    class Meta:
        model = Referral
        fields = [
            *LIST_FIELDS,
            "sender_user",
            "reason",
            "sharing_decision_id",
            "acknowledged_at",
            "accepted_at",
            "declined_at",
            "decline_reason",
            "withdrawn_at",
            "withdraw_reason",
            "closed_at",
            *S42_FIELDS,
            *MARAC_FIELDS,
            *MAPPA_FIELDS,
            *SERVICE_FIELDS,
            "timeline",
        ]
        read_only_fields = fields

    def to_representation(self, instance: Referral) -> dict[str, Any]:
        data = super().to_representation(instance)
        others = {f for kind, names in KIND_FIELDS.items() if kind != instance.kind for f in names}
        return {k: v for k, v in data.items() if k not in others}


class ReferralCreateSerializer(serializers.Serializer[Any]):
    case_id = serializers.UUIDField()
    kind = serializers.ChoiceField(Kind.choices)
    reason = serializers.CharField(allow_blank=True)
    recipient_agency_id = serializers.UUIDField(required=False, allow_null=True)
    urgent = serializers.BooleanField(default=False)
    sharing_basis = serializers.DictField(
        required=False,
        default=dict,
        help_text="consent_status, adult_informed, adult_not_informed_reason, override_reason, override_detail, "
        "lawful_basis_art6, condition_art9, dpa_sch1_condition, capacity_assessment_id, rationale, data_items",
    )
    details = serializers.DictField(required=False, default=dict, help_text="The kind's own fields.")
    send = serializers.BooleanField(default=False, help_text="Send at once (else it stays a draft).")


class ReferralReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(allow_blank=True)


class ReferralNoteInput(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralDecisionInput(serializers.Serializer[Any]):
    criterion_care_support_needs = serializers.ChoiceField(TriState.choices)
    criterion_abuse_or_risk = serializers.ChoiceField(TriState.choices)
    criterion_unable_to_protect = serializers.ChoiceField(TriState.choices)
    decision = serializers.ChoiceField(LaDecision.choices)
    not_s42_reasons = serializers.ListField(child=serializers.ChoiceField(NotS42Reason.choices), default=list)
    alternative_responses = serializers.ListField(
        child=serializers.ChoiceField(AlternativeResponse.choices), default=list
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    enquiry_lead_agency_id = serializers.UUIDField(required=False, allow_null=True)


class ReferralListInput(serializers.Serializer[Any]):
    intended_sitting_date = serializers.DateField()
    emergency = serializers.BooleanField(default=False)
    emergency_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReferralChallengeInput(serializers.Serializer[Any]):
    professional_judgement = serializers.CharField(allow_blank=True)


class NominalSerializer(serializers.ModelSerializer[MappaNominal]):
    responsible_authority = serializers.CharField(source="responsible_authority.name")
    lead_agency = serializers.CharField(source="lead_agency.name")
    named_agencies: Any = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta:
        model = MappaNominal
        fields = [
            "id",
            "reference",
            "person_id",
            "case_id",
            "responsible_authority",
            "named_agencies",
            "category",
            "level",
            "status",
            "lead_agency",
            "visor_reference",
            "inclusion_end_basis",
            "critical_public_protection_case",
            "last_reviewed_at",
            "next_review_due",
            "exited_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class NominalCreateSerializer(serializers.Serializer[Any]):
    person_id = serializers.UUIDField()
    case_id = serializers.UUIDField(required=False, allow_null=True)
    category = serializers.ChoiceField(MappaCategory.choices)
    level = serializers.ChoiceField(MappaLevel.choices, required=False, allow_blank=True, default="")
    lead_agency_id = serializers.UUIDField()
    visor_reference = serializers.CharField(required=False, allow_blank=True, default="")
    inclusion_end_basis = serializers.CharField(required=False, allow_blank=True, default="")
    critical_public_protection_case = serializers.BooleanField(default=False)
    named_agency_ids = serializers.ListField(child=serializers.UUIDField(), default=list)


class NominalReviewInput(serializers.Serializer[Any]):
    level = serializers.ChoiceField(MappaLevel.choices)


class NominalAgenciesInput(serializers.Serializer[Any]):
    named_agency_ids = serializers.ListField(child=serializers.UUIDField())
