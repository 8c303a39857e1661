"""``/api/v1/deadlines/``: the caller's visible deadlines (``?mine=1``: those they hold), detail with history,
and the two actions a holder takes: give a reason for delay, extend with a reason."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from escalation import selectors, services
from escalation.models import Deadline, DeadlineExtension
from safeguarding.audit.services import record_access, record_denied
from safeguarding.requests import request_user


class DeadlineSerializer(serializers.ModelSerializer[Deadline]):
    kind_label = serializers.SerializerMethodField()
    subject_type = serializers.SerializerMethodField()
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "reference",
            "kind",
            "kind_label",
            "subject_type",
            "subject_id",
            "status",
            "due_at",
            "original_due_at",
            "started_at",
            "basis",
            "nation",
            "policy_key",
            "policy_version",
            "escalation_level",
            "holder",
            "breached_at",
            "met_at",
            "cancelled_at",
            "reason_for_delay",
            "created_at",
        ]
        read_only_fields = fields

    def get_kind_label(self, obj: Deadline) -> str:
        return obj.kind_label()

    def get_subject_type(self, obj: Deadline) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"

    def get_holder(self, obj: Deadline) -> dict[str, Any]:
        return {
            "user": {"id": str(obj.holder_user_id), "full_name": obj.holder_user.full_name}
            if obj.holder_user
            else None,
            "agency": {"id": str(obj.holder_agency_id), "name": obj.holder_agency.name} if obj.holder_agency else None,
            "role": obj.holder_role or None,
        }


class ExtensionSerializer(serializers.ModelSerializer[DeadlineExtension]):
    by = serializers.CharField(source="by.full_name")

    class Meta:
        model = DeadlineExtension
        fields = ["old_due_at", "new_due_at", "reason", "by", "at"]
        read_only_fields = fields


class DeadlineDetailSerializer(DeadlineSerializer):
    history = serializers.SerializerMethodField()
    extensions = ExtensionSerializer(many=True, read_only=True)

    class Meta(DeadlineSerializer.Meta):
        fields = [*DeadlineSerializer.Meta.fields, "extensions", "history"]
        read_only_fields = fields

    def get_history(self, obj: Deadline) -> list[dict[str, Any]]:
        return [
            {
                "at": entry.event.at.isoformat(),
                "event": entry.event.event_type,
                "level": entry.event.level,
                "due_at": entry.event.due_at.isoformat() if entry.event.due_at else None,
                "detail": entry.event.detail,
                "by": str(entry.event.by_id) if entry.event.by_id else None,
                "told": [{"id": str(u.pk), "full_name": u.full_name} for u in entry.recipients],
            }
            for entry in selectors.deadline_history(obj)
        ]


class ReasonInput(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=True)


class ExtendInput(serializers.Serializer[Any]):
    due_at = serializers.DateTimeField(help_text="The new due time, ISO 8601 with offset.")
    reason = serializers.CharField(max_length=2000, allow_blank=True, trim_whitespace=True)


def _visible(request: Request, pk: Any, route: str) -> Deadline:
    try:
        return selectors.deadline_get_for_user(user=request_user(request), pk=pk)
    except Http404:
        record_denied(user=request_user(request), object_type=Deadline, object_id=pk, route=route)
        raise


@extend_schema(
    parameters=[OpenApiParameter("mine", str, description="`1`: only deadlines the caller holds", required=False)]
)
class DeadlineList(generics.ListAPIView[Deadline]):
    """Deadlines whose subject the caller may see, newest first."""

    serializer_class = DeadlineSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.deadline_list_for_user(
            user=request_user(self.request), mine_only=self.request.query_params.get("mine") == "1"
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().list(request, *args, **kwargs)
        ids = [row["id"] for row in response.data["results"]]
        record_access(user=request_user(request), objects_or_ids=ids, object_type=Deadline, route="api:deadline-list")
        return response


class DeadlineDetail(APIView):
    @extend_schema(responses=DeadlineDetailSerializer)
    def get(self, request: Request, pk: str) -> Response:
        deadline = _visible(request, pk, "api:deadline-detail")
        record_access(user=request_user(request), objects_or_ids=[deadline], route="api:deadline-detail")
        return Response(DeadlineDetailSerializer(deadline).data)


class DeadlineReason(APIView):
    @extend_schema(request=ReasonInput, responses=DeadlineDetailSerializer)
    def post(self, request: Request, pk: str) -> Response:
        deadline = _visible(request, pk, "api:deadline-reason")
        data = ReasonInput(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = services.record_delay_reason(
            deadline=deadline, reason=data.validated_data["reason"], by=request_user(request)
        )
        record_access(user=request_user(request), objects_or_ids=[deadline], route="api:deadline-reason")
        return Response(DeadlineDetailSerializer(deadline).data)


class DeadlineExtend(APIView):
    @extend_schema(request=ExtendInput, responses=DeadlineDetailSerializer)
    def post(self, request: Request, pk: str) -> Response:
        deadline = _visible(request, pk, "api:deadline-extend")
        data = ExtendInput(data=request.data)
        data.is_valid(raise_exception=True)
        deadline = services.extend_clock(
            deadline=deadline,
            new_due_at=data.validated_data["due_at"],
            reason=data.validated_data["reason"],
            by=request_user(request),
        )
        record_access(user=request_user(request), objects_or_ids=[deadline], route="api:deadline-extend")
        return Response(DeadlineDetailSerializer(deadline).data)
