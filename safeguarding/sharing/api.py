"""Information requests API: create, list (the caller's agency's sent and received; ``?box=sent|received`` opt-in),
retrieve, consider, respond and withdraw. 404 for anything invisible; 403 for an action the caller may not take."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user, route_name
from safeguarding.sharing import requests as ir
from safeguarding.sharing.agreements import agreements_visible_to
from safeguarding.sharing.codes import (
    ConditionArt9,
    ConsentStatus,
    DataItem,
    DpaSchedule1Condition,
    LawfulBasisArt6,
    OverrideReason,
    Purpose,
    SpecialCategory,
)
from safeguarding.sharing.codes import Scope as ShareScope
from safeguarding.sharing.models import InformationRequest, RequestOutcome
from safeguarding.sharing.registry import shareables


class RequestAgencySerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    name = serializers.CharField()


class InformationRequestSerializer(serializers.ModelSerializer[InformationRequest]):
    reference = serializers.CharField()
    requesting_agency = RequestAgencySerializer()
    holder_agency = RequestAgencySerializer()
    requested_by = serializers.CharField(source="requested_by.full_name")
    responded_by = serializers.CharField(source="responded_by.full_name", allow_null=True, default=None)
    case_id = serializers.UUIDField(source="subject_id", allow_null=True)
    source = serializers.SerializerMethodField()  # type: ignore[assignment]
    record = serializers.SerializerMethodField()
    decision_id = serializers.SerializerMethodField()

    class Meta:
        model = InformationRequest
        fields = [
            "id",
            "reference",
            "status",
            "requesting_agency",
            "holder_agency",
            "requested_by",
            "purpose",
            "lawful_basis",
            "what",
            "why",
            "case_id",
            "nhs_number",
            "source",
            "due_at",
            "created_at",
            "considered_at",
            "responded_at",
            "responded_by",
            "outcome",
            "reasons",
            "response_text",
            "record",
            "decision_id",
            "withdrawn_reason",
        ]
        read_only_fields = fields

    def _viewer(self) -> User | None:
        request = self.context.get("request")
        return request.user if request is not None else None

    def get_source(self, obj: InformationRequest) -> dict[str, str] | None:
        source_type = obj.source_type
        if source_type is None:
            return None
        return {"type": f"{source_type.app_label}.{source_type.model}", "id": obj.source_id}

    def get_record(self, obj: InformationRequest) -> dict[str, str] | None:
        """The record disclosed, only when the caller can see it: a refusal never reveals that a record exists."""
        viewer = self._viewer()
        known: dict[Any, Any] | None = self.context.get("visible_records")
        if known is not None:
            found = known.get(obj.record_id)
        else:
            found = ir.information_request_record_visible(obj, viewer) if viewer is not None else None
        if found is None:
            return None
        return {"type": found._meta.label_lower, "id": str(found.pk), "label": registry.object_label(found)}

    def get_decision_id(self, obj: InformationRequest) -> str | None:
        viewer = self._viewer()
        if obj.decision_id is None or viewer is None or not ir.is_holder(viewer, obj):
            return None
        return str(obj.decision_id)


class CreateSerializer(serializers.Serializer[Any]):
    holder_agency_id = serializers.UUIDField()
    purpose = serializers.ChoiceField(Purpose.choices)
    lawful_basis = serializers.ChoiceField(LawfulBasisArt6.choices)
    what = serializers.CharField()
    why = serializers.CharField()
    case_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    nhs_number = serializers.CharField(required=False, allow_blank=True, default="")
    due_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class RespondSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(RequestOutcome.choices)
    reasons = serializers.CharField()
    response_text = serializers.CharField(required=False, allow_blank=True, default="")
    record_type = serializers.CharField(required=False, default="cases.case")
    record_id = serializers.UUIDField(required=False, allow_null=True, default=None)
    scope = serializers.ChoiceField(ShareScope.choices, required=False, allow_blank=True, default="")
    data_items = serializers.ListField(child=serializers.ChoiceField(DataItem.choices), required=False, default=list)
    special_category = serializers.ListField(
        child=serializers.ChoiceField(SpecialCategory.choices), required=False, default=list
    )
    lawful_basis_art6 = serializers.ChoiceField(LawfulBasisArt6.choices, required=False, allow_blank=True, default="")
    condition_art9 = serializers.ChoiceField(ConditionArt9.choices, required=False, allow_blank=True, default="")
    dpa_sch1_condition = serializers.ChoiceField(
        DpaSchedule1Condition.choices, required=False, allow_blank=True, default=""
    )
    consent_status = serializers.ChoiceField(ConsentStatus.choices, required=False, allow_blank=True, default="")
    override_reason = serializers.ChoiceField(OverrideReason.choices, required=False, allow_blank=True, default="")
    override_detail = serializers.CharField(required=False, allow_blank=True, default="")
    adult_informed = serializers.BooleanField(default=False)
    adult_not_informed_reason = serializers.CharField(required=False, allow_blank=True, default="")
    agreement_id = serializers.UUIDField(required=False, allow_null=True, default=None)


class WithdrawSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


def shareable_model(label: str) -> type[models.Model] | None:
    """A registered shareable model by its label (``cases.case``), else None."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    return model if any(s.model is model for s in shareables()) else None


def resolve_record(user: User, label: str, pk: Any, field: str) -> models.Model:
    """A shareable record the caller can see, else a field error (the same for missing and invisible)."""
    model = shareable_model(label)
    found = registry.visible(model, user=user).filter(pk=pk).first() if model is not None else None
    if found is None:
        raise InvalidInput.field(field, "Choose a record you can see")
    return found


def respond_kwargs(user: User, data: dict[str, Any]) -> dict[str, Any]:
    data = dict(data)
    record_type, record_id = data.pop("record_type"), data.pop("record_id")
    data["record"] = resolve_record(user, record_type, record_id, "record_id") if record_id else None
    agreement_id = data.pop("agreement_id")
    if agreement_id:
        data["agreement"] = agreements_visible_to(user).filter(pk=agreement_id).first()
        if data["agreement"] is None:
            raise InvalidInput.field("agreement_id", "No agreement has this id")
    return data


def _detail(request: Request, obj: InformationRequest, code: int = status.HTTP_200_OK) -> Response:
    return Response(InformationRequestSerializer(obj, context={"request": request}).data, status=code)


class InformationRequestListCreate(AuditedListView):
    """Requests your agency sent or received. Opt-in filters: `box=sent|received`, `status`."""

    serializer_class = InformationRequestSerializer
    ordering = ("-created_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        box = params.get("box", "")
        qs = ir.information_requests_visible_to(
            request_user(self.request), box=box if box in ("sent", "received") else ""
        )
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs

    def list_context(self, rows: Any) -> dict[str, Any]:
        """The records behind a page of answers that the caller can see, one query per record type."""
        context = dict(self.get_serializer_context())
        context["visible_records"] = ir.records_visible_for(list(rows), request_user(self.request))
        return context

    @extend_schema(
        parameters=[OpenApiParameter("box", enum=["sent", "received"], required=False)],
        responses=InformationRequestSerializer(many=True),
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)

    @extend_schema(
        request=CreateSerializer,
        responses={201: InformationRequestSerializer},
        summary="Ask another agency for information about a case you can see, or a person by NHS number",
        examples=[
            OpenApiExample(
                "By NHS number",
                request_only=True,
                value={
                    "holder_agency_id": "…",
                    "purpose": "police_investigation",
                    "lawful_basis": "6_1_e_public_task",
                    "what": "Safeguarding concerns and risk assessments held about this adult.",
                    "why": "We are investigating an assault and need to understand the risk to the adult.",
                    "nhs_number": "9434765919",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = CreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request_user(request)
        holder = Agency.objects.filter(pk=data.pop("holder_agency_id")).first()
        if holder is None:
            raise InvalidInput.field("holder_agency_id", "No agency has this id")
        case_id = data.pop("case_id")
        case = resolve_record(user, "cases.case", case_id, "case_id") if case_id else None
        created = ir.information_request_create(
            by=user, holder_agency=holder, case=case, nhs_number=data.pop("nhs_number") or None, **data
        )
        return _detail(request, created, status.HTTP_201_CREATED)


class InformationRequestDetail(ApiView):
    @extend_schema(responses=InformationRequestSerializer)
    def get(self, request: Request, pk: str) -> Response:
        return _detail(
            request, ir.information_request_get_for_user(user=request_user(request), pk=pk, route=route_name(request))
        )


class InformationRequestConsider(ApiView):
    @extend_schema(request=None, responses=InformationRequestSerializer, summary="Start considering (holder)")
    def post(self, request: Request, pk: str) -> Response:
        found = ir.information_request_get_for_user(user=request_user(request), pk=pk, route=route_name(request))
        return _detail(request, ir.information_request_consider(request=found, by=request_user(request)))


class InformationRequestRespond(ApiView):
    @extend_schema(
        request=RespondSerializer,
        responses=InformationRequestSerializer,
        summary="Answer: disclose (a sharing decision through the engine), disclose in part, or refuse with reasons",
        examples=[
            OpenApiExample(
                "Refuse",
                request_only=True,
                value={"outcome": "refuse", "reasons": "No record is held about this person by our agency."},
            )
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        found = ir.information_request_get_for_user(user=user, pk=pk, route=route_name(request))
        if not ir.may_answer(user, found):
            raise ActionForbidden("Only the agency asked can answer this request.")
        body = RespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        answered = ir.information_request_respond(request=found, by=user, **respond_kwargs(user, body.validated_data))
        return _detail(request, answered)


class InformationRequestWithdraw(ApiView):
    @extend_schema(request=WithdrawSerializer, responses=InformationRequestSerializer, summary="Withdraw (requester)")
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        found = ir.information_request_get_for_user(user=user, pk=pk, route=route_name(request))
        body = WithdrawSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(
            request, ir.information_request_withdraw(request=found, by=user, reason=body.validated_data["reason"])
        )
