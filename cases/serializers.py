"""API representations. Field sets follow the caller's scope: summary grantees get the summary fields only."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from cases import nhs
from cases.codes import (
    AbuseType,
    AlternativeResponse,
    ConsentNotSoughtReason,
    ConsentToRaise,
    Ethnicity,
    Gender,
    IdentifierSystem,
    LaDecision,
    LocationOfRisk,
    MentalCapacity,
    MentalHealthActStatus,
    MspAchieved,
    MspAsked,
    NhsNumberStatus,
    NotS42Reason,
    PrimarySupportReason,
    RiskAssessmentOutcome,
    RiskLevel,
    RiskResult,
    SourceOfRisk,
    TriState,
)
from cases.models import (
    CapacityAssessment,
    CapacityOutcome,
    Case,
    CasePerson,
    ChronologyEntry,
    Concern,
    DashAssessment,
    Enquiry,
    EntryType,
    Person,
    PlanAction,
    SafeguardingPlan,
)
from cases.selectors import Scope
from safeguarding.api.representation import represent


class AgencyRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class UserRefSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    full_name = serializers.CharField()


class PersonSerializer(serializers.ModelSerializer[Person]):
    nhs_number_display = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "aliases",
            "date_of_birth",
            "identifier_system",
            "nhs_number",
            "nhs_number_display",
            "nhs_number_status",
            "address",
            "postcode",
            "gender",
            "ethnicity",
            "primary_support_reason",
            "autism_or_learning_disability",
            "asperger_or_high_functioning_autism",
            "communication_needs",
            "version",
        ]
        read_only_fields = ["id", "version", "nhs_number_display"]

    def get_nhs_number_display(self, obj: Person) -> str:
        return nhs.display(obj.nhs_number) if obj.nhs_number else ""


class PersonSummarySerializer(serializers.ModelSerializer[Person]):
    """What a summary-scope grantee sees of the adult: enough to know who the case is about."""

    class Meta:
        model = Person
        fields = ["id", "given_name", "family_name", "date_of_birth", "nhs_number"]
        read_only_fields = fields


class PersonWriteSerializer(serializers.Serializer[Any]):
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    aliases = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    identifier_system = serializers.ChoiceField(IdentifierSystem.choices, required=False)
    nhs_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    nhs_number_status = serializers.ChoiceField(NhsNumberStatus.choices, required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True)
    gender = serializers.ChoiceField(Gender.choices, required=False)
    ethnicity = serializers.ChoiceField(Ethnicity.choices, required=False)
    primary_support_reason = serializers.ChoiceField(PrimarySupportReason.choices, required=False)
    autism_or_learning_disability = serializers.BooleanField(required=False)
    asperger_or_high_functioning_autism = serializers.BooleanField(required=False)
    communication_needs = serializers.CharField(required=False, allow_blank=True)


class PersonPatchSerializer(PersonWriteSerializer):
    given_name = serializers.CharField(max_length=100, required=False)
    family_name = serializers.CharField(max_length=100, required=False)


class CasePersonSerializer(serializers.ModelSerializer[CasePerson]):
    person = PersonSummarySerializer()

    class Meta:
        model = CasePerson
        fields = ["id", "person", "role", "relationship", "notes"]
        read_only_fields = fields


SUMMARY_FIELDS = [
    "id",
    "reference",
    "status",
    "scope",
    "owning_agency",
    "area",
    "adult",
    "risk_level",
    "lead_practitioner",
    "opened_at",
    "closed_at",
    "updated_at",
    "version",
]
FULL_FIELDS = [
    *SUMMARY_FIELDS,
    "team",
    "closure_reason",
    "closure_note",
    "current_risks",
    "protective_factors",
    "risk_updated_at",
    "children_in_household",
    "adults_at_risk_in_household",
    "think_family_notes",
    "mha_status",
    "care_coordinator",
    "crisis_plan",
    "safety_plan",
    "people",
    "allowed_transitions",
]


class CaseSerializer(serializers.ModelSerializer[Case]):
    """The full representation (full scope and wider)."""

    owning_agency = AgencyRefSerializer()
    area = AgencyRefSerializer()
    team = AgencyRefSerializer(allow_null=True)
    lead_practitioner = UserRefSerializer(allow_null=True)
    adult = PersonSummarySerializer()
    people = CasePersonSerializer(many=True)
    scope = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = FULL_FIELDS
        read_only_fields = fields

    def _scope(self, obj: Case) -> Scope | None:
        scopes = self.context.get("scopes", {})
        return scopes.get(obj.pk)  # type: ignore[no-any-return]

    def get_scope(self, obj: Case) -> str | None:
        scope = self._scope(obj)
        return scope.label if scope is not None else None

    def get_allowed_transitions(self, obj: Case) -> list[str]:
        from cases.services import allowed_transitions

        return allowed_transitions(obj)


class CaseSummarySerializer(CaseSerializer):
    """List rows, and the whole case for summary-scope grantees."""

    class Meta(CaseSerializer.Meta):
        fields = SUMMARY_FIELDS
        read_only_fields = fields


def case_representation(case: Case, scope: Scope, context: dict[str, Any]) -> dict[str, Any]:
    context = {**context, "scopes": {case.pk: scope}}
    serializer = CaseSerializer if scope >= Scope.FULL else CaseSummarySerializer
    return represent(serializer, case, context)


class CaseUpdateSerializer(serializers.Serializer[Any]):
    risk_level = serializers.ChoiceField(RiskLevel.choices, required=False)
    current_risks = serializers.CharField(required=False, allow_blank=True)
    protective_factors = serializers.CharField(required=False, allow_blank=True)
    children_in_household = serializers.BooleanField(required=False)
    adults_at_risk_in_household = serializers.BooleanField(required=False)
    think_family_notes = serializers.CharField(required=False, allow_blank=True)
    mha_status = serializers.ChoiceField(MentalHealthActStatus.choices, required=False)
    care_coordinator = serializers.CharField(required=False, allow_blank=True, max_length=200)
    crisis_plan = serializers.CharField(required=False, allow_blank=True)
    safety_plan = serializers.CharField(required=False, allow_blank=True)


class ConcernInputSerializer(serializers.Serializer[Any]):
    identified_at = serializers.DateTimeField()
    what_happened = serializers.CharField()
    abuse_types = serializers.ListField(child=serializers.ChoiceField(AbuseType.choices), allow_empty=False)
    location_of_risk = serializers.ChoiceField(LocationOfRisk.choices)
    source_of_risk = serializers.ChoiceField(SourceOfRisk.choices)
    immediate_risk = serializers.BooleanField(default=False)
    immediate_actions = serializers.CharField(required=False, allow_blank=True, default="")
    adult_aware = serializers.BooleanField(default=True)
    adult_aware_reason = serializers.CharField(required=False, allow_blank=True, default="")
    consent_to_raise = serializers.ChoiceField(ConsentToRaise.choices)
    consent_not_sought_reason = serializers.ChoiceField(
        ConsentNotSoughtReason.choices, required=False, allow_blank=True, default=""
    )
    consent_not_sought_detail = serializers.CharField(required=False, allow_blank=True, default="")
    adult_views = serializers.CharField(required=False, allow_blank=True, default="")
    desired_outcomes = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    domestic_abuse_disclosed = serializers.BooleanField(default=False)


class CaseCreateSerializer(serializers.Serializer[Any]):
    """Either ``adult_id`` (a person you can see) or ``adult`` (a new person), and the concern."""

    adult_id = serializers.UUIDField(required=False)
    adult = PersonWriteSerializer(required=False)
    concern = ConcernInputSerializer()
    area_id = serializers.UUIDField(required=False)
    team_id = serializers.UUIDField(required=False)
    draft = serializers.BooleanField(default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("adult_id")) == bool(attrs.get("adult")):
            raise serializers.ValidationError({"adult": ["Give either adult_id or adult, not both"]})
        return attrs


class ConcernSerializer(serializers.ModelSerializer[Concern]):
    raising_agency = AgencyRefSerializer()

    class Meta:
        model = Concern
        fields = [
            "id",
            "identified_at",
            "raised_at",
            "raising_agency",
            "what_happened",
            "abuse_types",
            "location_of_risk",
            "source_of_risk",
            "immediate_risk",
            "immediate_actions",
            "adult_aware",
            "adult_aware_reason",
            "consent_to_raise",
            "consent_not_sought_reason",
            "consent_not_sought_detail",
            "adult_views",
            "desired_outcomes",
            "domestic_abuse_disclosed",
            "received_by_la_at",
            "criterion_care_support_needs",
            "criterion_abuse_or_risk",
            "criterion_unable_to_protect",
            "decision",
            "not_s42_reasons",
            "alternative_responses",
            "decision_rationale",
            "decided_at",
            "referrer_told_at",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.Serializer[Any]):
    transition = serializers.ChoiceField(["submit", "record_la_decision", "start_plan", "conclude", "close", "reopen"])
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    # For record_la_decision only.
    concern_id = serializers.UUIDField(required=False)
    received_at = serializers.DateTimeField(required=False)
    criterion_care_support_needs = serializers.ChoiceField(TriState.choices, required=False)
    criterion_abuse_or_risk = serializers.ChoiceField(TriState.choices, required=False)
    criterion_unable_to_protect = serializers.ChoiceField(TriState.choices, required=False)
    decision = serializers.ChoiceField(LaDecision.choices, required=False)
    not_s42_reasons = serializers.ListField(child=serializers.ChoiceField(NotS42Reason.choices), required=False)
    alternative_responses = serializers.ListField(
        child=serializers.ChoiceField(AlternativeResponse.choices), required=False
    )
    rationale = serializers.CharField(required=False, allow_blank=True, default="")
    enquiry_lead_agency_id = serializers.UUIDField(required=False)


class ChronologyEntrySerializer(serializers.ModelSerializer[ChronologyEntry]):
    author = UserRefSerializer(allow_null=True, read_only=True)
    author_agency = AgencyRefSerializer(read_only=True)

    class Meta:
        model = ChronologyEntry
        fields = [
            "id",
            "event_date",
            "entry_type",
            "summary",
            "significant",
            "automatic",
            "author",
            "author_agency",
            "created_at",
        ]
        read_only_fields = ["id", "automatic", "author", "author_agency", "created_at"]


class ChronologyInputSerializer(serializers.Serializer[Any]):
    event_date = serializers.DateTimeField(required=False)
    entry_type = serializers.ChoiceField(EntryType.choices, default=EntryType.NOTE)
    summary = serializers.CharField()
    significant = serializers.BooleanField(default=False)


class EnquirySerializer(serializers.ModelSerializer[Enquiry]):
    lead_agency = AgencyRefSerializer(read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "enquiry_type",
            "lead_agency",
            "caused_by_la",
            "scope",
            "status",
            "started_at",
            "concluded_at",
            "mental_capacity",
            "advocacy_support",
            "msp_asked",
            "msp_achieved",
            "desired_outcomes",
            "risk_assessment_outcome",
            "risk_result",
            "conclusion_notes",
            "version",
        ]
        read_only_fields = fields


class EnquiryUpdateSerializer(serializers.Serializer[Any]):
    scope = serializers.CharField(required=False, allow_blank=True)
    mental_capacity = serializers.ChoiceField(MentalCapacity.choices, required=False, allow_blank=True)
    advocacy_support = serializers.BooleanField(required=False, allow_null=True)
    msp_asked = serializers.ChoiceField(MspAsked.choices, required=False, allow_blank=True)
    msp_achieved = serializers.ChoiceField(MspAchieved.choices, required=False, allow_blank=True)
    desired_outcomes = serializers.ListField(child=serializers.CharField(), required=False)
    risk_assessment_outcome = serializers.ChoiceField(RiskAssessmentOutcome.choices, required=False, allow_blank=True)
    risk_result = serializers.ChoiceField(RiskResult.choices, required=False, allow_blank=True)
    conclusion_notes = serializers.CharField(required=False, allow_blank=True)


class PlanActionSerializer(serializers.ModelSerializer[PlanAction]):
    owner_agency = AgencyRefSerializer(read_only=True)
    owner_person = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = PlanAction
        fields = [
            "id",
            "description",
            "owner_agency",
            "owner_person",
            "due_date",
            "status",
            "evidence_notes",
            "completed_at",
            "verified_at",
            "version",
        ]
        read_only_fields = fields


class PlanSerializer(serializers.ModelSerializer[SafeguardingPlan]):
    lead_agency = AgencyRefSerializer(read_only=True)
    actions = PlanActionSerializer(many=True, read_only=True)

    class Meta:
        model = SafeguardingPlan
        fields = [
            "id",
            "lead_agency",
            "risks",
            "review_date",
            "status",
            "last_reviewed_at",
            "review_notes",
            "created_at",
            "actions",
            "version",
        ]
        read_only_fields = fields


class PlanInputSerializer(serializers.Serializer[Any]):
    lead_agency_id = serializers.UUIDField(required=False)
    risks = serializers.CharField()
    review_date = serializers.DateField()


class PlanReviewSerializer(serializers.Serializer[Any]):
    notes = serializers.CharField()
    next_review_date = serializers.DateField(required=False, allow_null=True)
    close = serializers.BooleanField(default=False)


class PlanActionInputSerializer(serializers.Serializer[Any]):
    description = serializers.CharField()
    owner_agency_id = serializers.UUIDField(required=False)
    owner_person_id = serializers.UUIDField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)


class CapacitySerializer(serializers.ModelSerializer[CapacityAssessment]):
    assessor = UserRefSerializer(read_only=True)

    class Meta:
        model = CapacityAssessment
        fields = [
            "id",
            "person",
            "decision",
            "assessed_at",
            "outcome",
            "assessor",
            "assessor_role",
            "reasoning",
            "created_at",
        ]
        read_only_fields = ["id", "assessor", "created_at"]


class CapacityInputSerializer(serializers.Serializer[Any]):
    person_id = serializers.UUIDField(required=False)
    decision = serializers.CharField()
    assessed_at = serializers.DateTimeField()
    outcome = serializers.ChoiceField(CapacityOutcome.choices)
    reasoning = serializers.CharField()
    assessor_role = serializers.CharField(required=False, allow_blank=True, default="")


class DashSerializer(serializers.ModelSerializer[DashAssessment]):
    completed_by = UserRefSerializer(read_only=True)

    class Meta:
        model = DashAssessment
        fields = [
            "id",
            "answers",
            "comments",
            "yes_count",
            "band",
            "professional_judgement",
            "completed_at",
            "completed_by",
        ]
        read_only_fields = fields


class DashInputSerializer(serializers.Serializer[Any]):
    answers = serializers.DictField(child=serializers.ChoiceField(["yes", "no", "not_known"]))
    comments = serializers.DictField(child=serializers.CharField(allow_blank=True), required=False, default=dict)
    professional_judgement = serializers.CharField(required=False, allow_blank=True, default="")


class SearchSerializer(serializers.Serializer[Any]):
    text = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    date_of_birth = serializers.DateField(required=False, allow_null=True)
    nhs_number = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)

    def validate_nhs_number(self, value: str) -> str:
        if not value:
            return ""
        try:
            return nhs.normalise(value)
        except nhs.InvalidNhsNumber as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not (attrs.get("text") or attrs.get("date_of_birth") or attrs.get("nhs_number")):
            raise serializers.ValidationError({"text": ["Enter a name, reference, date of birth or NHS number"]})
        return attrs


class MergeSerializer(serializers.Serializer[Any]):
    merge_id = serializers.UUIDField()
    reason = serializers.CharField()
