"""Access-log API: what one user viewed in a period (auditors, users of their own agency). The case route "who
viewed this record" is in the cases app (``cases/{id}/access-log/``) and shares the serializer."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView
from safeguarding.audit import views_access as access
from safeguarding.audit.models import AccessLog
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.requests import is_uuid


class AccessLogSerializer(serializers.ModelSerializer[AccessLog]):
    user = serializers.SerializerMethodField()

    class Meta:
        model = AccessLog
        fields = [
            "id",
            "occurred_at",
            "user",
            "agency_id",
            "roles",
            "object_type",
            "object_ids",
            "route",
            "purpose",
            "outcome",
            "break_glass",
            "break_glass_reason",
            "document_sha256",
            "request_id",
        ]
        read_only_fields = fields

    def get_user(self, obj: AccessLog) -> dict[str, str] | None:
        if obj.user is None:
            return None
        return {"id": str(obj.user_id), "full_name": obj.user.full_name}


class UserAccessLog(ApiView, generics.ListAPIView):  # type: ignore[type-arg]
    """What one user of your agency viewed, newest first (auditors only): `user` (id), `from` and `to` (dates)."""

    serializer_class = AccessLogSerializer
    ordering = ("-id",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        auditor: User = self.request.user  # type: ignore[assignment]
        if not auditor.has_role(*access.AUDITOR_ROLES):
            raise ActionForbidden("Only auditors can review what a user viewed.")
        try:
            start = serializers.DateField().to_internal_value(params["from"]) if params.get("from") else None
            end = serializers.DateField().to_internal_value(params["to"]) if params.get("to") else None
        except serializers.ValidationError:
            raise InvalidInput.field("from", "Enter dates as YYYY-MM-DD") from None
        user_id = params.get("user", "")
        subject = User.objects.filter(pk=user_id).first() if is_uuid(user_id) else None
        qs = access.user_activity(auditor=auditor, subject_user=subject, start=start, end=end)
        assert subject is not None
        record_access(
            user=auditor, objects_or_ids=[subject.pk], object_type=User, route="api:access-log", purpose="access_audit"
        )
        return qs.select_related("user")

    @extend_schema(
        parameters=[
            OpenApiParameter("user", str, required=True, description="The user's id"),
            OpenApiParameter("from", str, required=False, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, required=False, description="YYYY-MM-DD"),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)
