"""Sharing a case through the engine: decisions (list, create, revoke) and "who can see this and why"."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import visible_case
from cases.selectors import Scope
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user
from safeguarding.sharing import selectors as sharing_selectors
from safeguarding.sharing import services as sharing
from safeguarding.sharing.agreements import agreements_visible_to
from safeguarding.sharing.codes import (
    CommonLawJustification,
    ConditionArt9,
    ConsentStatus,
    DataItem,
    Direction,
    DpaSchedule1Condition,
    LawfulBasisArt6,
    OverrideReason,
    Purpose,
    SpecialCategory,
)
from safeguarding.sharing.codes import Scope as ShareScope
from safeguarding.sharing.models import SharingDecision


class DecisionSerializer(serializers.ModelSerializer[SharingDecision]):
    recipient_agency = serializers.SerializerMethodField()
    recipient_user = serializers.SerializerMethodField()
    decided_by = serializers.CharField(source="decided_by.full_name")
    status = serializers.CharField()

    class Meta:
        model = SharingDecision
        fields = [
            "id",
            "direction",
            "status",
            "recipient_agency",
            "recipient_user",
            "purpose",
            "purpose_detail",
            "scope",
            "data_items",
            "data_items_detail",
            "special_category",
            "lawful_basis_art6",
            "condition_art9",
            "dpa_sch1_condition",
            "consent_status",
            "override_reason",
            "override_detail",
            "capacity_assessment_id",
            "common_law_justification",
            "rationale",
            "decided_by",
            "decided_at",
            "adult_informed",
            "adult_informed_at",
            "adult_not_informed_reason",
            "expires_at",
            "revoked_at",
            "revoked_reason",
            "source",
        ]
        read_only_fields = fields

    def get_recipient_agency(self, obj: SharingDecision) -> dict[str, str] | None:
        if obj.recipient_agency is None:
            return None
        return {"id": str(obj.recipient_agency_id), "name": obj.recipient_agency.name}

    def get_recipient_user(self, obj: SharingDecision) -> dict[str, str] | None:
        if obj.recipient_user is None:
            return None
        return {"id": str(obj.recipient_user_id), "full_name": obj.recipient_user.full_name}


class DecisionInputSerializer(serializers.Serializer[Any]):
    direction = serializers.ChoiceField(Direction.choices, default=Direction.DISCLOSE)
    recipient_agency_id = serializers.UUIDField(required=False)
    recipient_user_id = serializers.UUIDField(required=False)
    purpose = serializers.ChoiceField(Purpose.choices)
    purpose_detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    scope = serializers.ChoiceField(ShareScope.choices, required=False, allow_blank=True, default="")
    data_items = serializers.ListField(child=serializers.ChoiceField(DataItem.choices), required=False, default=list)
    data_items_detail = serializers.CharField(required=False, allow_blank=True, default="")
    special_category = serializers.ListField(
        child=serializers.ChoiceField(SpecialCategory.choices), required=False, default=list
    )
    lawful_basis_art6 = serializers.ChoiceField(LawfulBasisArt6.choices, required=False, allow_blank=True, default="")
    condition_art9 = serializers.ChoiceField(ConditionArt9.choices, required=False, allow_blank=True, default="")
    dpa_sch1_condition = serializers.ChoiceField(
        DpaSchedule1Condition.choices, required=False, allow_blank=True, default=""
    )
    consent_status = serializers.ChoiceField(ConsentStatus.choices)
    override_reason = serializers.ChoiceField(OverrideReason.choices, required=False, allow_blank=True, default="")
    override_detail = serializers.CharField(required=False, allow_blank=True, default="")
    capacity_assessment_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    common_law_justification = serializers.ChoiceField(
        CommonLawJustification.choices, required=False, allow_blank=True, default=""
    )
    rationale = serializers.CharField()
    approved_by_id = serializers.UUIDField(required=False, allow_null=True)
    adult_informed = serializers.BooleanField(default=False)
    adult_not_informed_reason = serializers.CharField(required=False, allow_blank=True, default="")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    agreement_id = serializers.UUIDField(required=False, allow_null=True)


class RevokeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


def decision_kwargs(data: dict[str, Any], *, user: User) -> dict[str, Any]:
    """Resolve ids in validated input to objects for ``share_record`` (unknown ids are field errors)."""
    data = dict(data)
    kwargs: dict[str, Any] = {}
    agency_id, user_id = data.pop("recipient_agency_id", None), data.pop("recipient_user_id", None)
    if agency_id:
        kwargs["recipient_agency"] = Agency.objects.filter(pk=agency_id).first()
        if kwargs["recipient_agency"] is None:
            raise InvalidInput.field("recipient_agency_id", "No agency has this id")
    if user_id:
        kwargs["recipient_user"] = User.objects.filter(pk=user_id).first()
        if kwargs["recipient_user"] is None:
            raise InvalidInput.field("recipient_user_id", "No user has this id")
    approver_id = data.pop("approved_by_id", None)
    if approver_id:
        kwargs["approved_by"] = User.objects.filter(pk=approver_id).first()
        if kwargs["approved_by"] is None:
            raise InvalidInput.field("approved_by_id", "No user has this id")
    agreement_id = data.pop("agreement_id", None)
    if agreement_id:
        kwargs["agreement"] = agreements_visible_to(user).filter(pk=agreement_id).first()
        if kwargs["agreement"] is None:
            raise InvalidInput.field("agreement_id", "No agreement has this id")
    return {**data, **kwargs}


class CaseSharingDecisions(ApiView):
    @extend_schema(
        responses=DecisionSerializer(many=True),
        summary="Sharing decisions: all of them for the owning agency; those addressed to you otherwise",
    )
    def get(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        decisions = sharing_selectors.decisions_visible_to(case, request_user(request), is_owner=scope == Scope.OWNER)
        return Response({"next": None, "previous": None, "results": DecisionSerializer(decisions, many=True).data})

    @extend_schema(
        request=DecisionInputSerializer,
        responses={201: DecisionSerializer},
        summary="Record a decision to share (or not to share) this case: the decision is the permission",
        examples=[
            OpenApiExample(
                "Share for an s42 enquiry",
                request_only=True,
                value={
                    "recipient_agency_id": "…",
                    "purpose": "s42_enquiry",
                    "scope": "full",
                    "data_items": ["identity", "concern", "risk", "health"],
                    "lawful_basis_art6": "6_1_c_legal_obligation",
                    "condition_art9": "9_2_h_health_social_care",
                    "dpa_sch1_condition": "para2_health_social_care",
                    "consent_status": "given",
                    "rationale": "The local authority needs the whole record to decide whether "
                    "a section 42 enquiry is needed.",
                    "adult_informed": True,
                },
            )
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        if scope != Scope.OWNER:
            raise ActionForbidden(
                "Only the owning agency decides who may see this case. Ask it through an information request."
            )
        body = DecisionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = sharing.share_record(
            obj=case,
            decided_by=request_user(request),
            **decision_kwargs(body.validated_data, user=request_user(request)),
        )
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)


class CaseSharingDecisionRevoke(ApiView):
    @extend_schema(request=RevokeSerializer, responses=DecisionSerializer, summary="Revoke a sharing decision")
    def post(self, request: Request, pk: str, decision_id: str) -> Response:
        case, scope = visible_case(request, pk)
        decision = (
            sharing_selectors.decisions_visible_to(case, request_user(request), is_owner=scope == Scope.OWNER)
            .filter(pk=decision_id)
            .first()
        )
        if decision is None:
            raise Http404("Not found")
        body = RevokeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        decision = sharing.revoke_share(
            decision=decision, by=request_user(request), reason=body.validated_data["reason"]
        )
        return Response(DecisionSerializer(decision).data)


class CaseVisibility(ApiView):
    @extend_schema(
        summary="Who can see this case and why (owning agency only)",
        responses=inline_serializer(
            "CaseVisibility",
            {
                "owning_agency": serializers.DictField(),
                "recipients": inline_serializer(
                    "CaseVisibilityRecipient",
                    {
                        "recipient": serializers.CharField(),
                        "kind": serializers.ChoiceField(["agency", "user"]),
                        "scope": serializers.CharField(allow_null=True),
                        "expires_at": serializers.DateTimeField(allow_null=True),
                        "decisions": DecisionSerializer(many=True),
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        if scope != Scope.OWNER:
            raise ActionForbidden("Only the owning agency sees who else can see its case.")
        recipients = sharing_selectors.who_can_see(case)
        return Response(
            {
                "owning_agency": {"id": str(case.owning_agency_id), "name": case.owning_agency.name},
                "recipients": [
                    {
                        "recipient": r.label,
                        "kind": r.kind,
                        "scope": r.scope,
                        "expires_at": r.expires_at,
                        "decisions": DecisionSerializer(r.decisions, many=True).data,
                    }
                    for r in recipients
                ],
            }
        )
