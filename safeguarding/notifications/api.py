from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding import registry
from safeguarding.notifications import services
from safeguarding.notifications.models import Notification
from safeguarding.notifications.selectors import notifications_for


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    target_type = serializers.SerializerMethodField()
    target_available = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "created_at",
            "kind",
            "title",
            "priority",
            "requires_ack",
            "read_at",
            "acknowledged_at",
            "target_type",
            "target_id",
            "target_available",
        ]
        read_only_fields = fields

    def get_target_type(self, obj: Notification) -> str | None:
        return obj.target_type.model if obj.target_type is not None else None

    def get_target_available(self, obj: Notification) -> bool:
        """Whether the caller can still see what the notification is about (through its visibility rule)."""
        if obj.target_type is None:
            return False
        return registry.resolve_visible(obj.target_type, obj.target_id, user=self.context["request"].user) is not None


@extend_schema(summary="List my notifications")
class NotificationList(generics.ListAPIView[Notification]):
    """The caller's notifications, newest first. `?unread=1` narrows to unread ones."""

    serializer_class = NotificationSerializer

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = notifications_for(self.request.user)  # type: ignore[arg-type]
        if self.request.query_params.get("unread") == "1":
            qs = qs.filter(read_at=None)
        return qs


class NotificationRead(APIView):
    @extend_schema(summary="Mark a notification read", request=None, responses=NotificationSerializer)
    def post(self, request: Request, pk: str) -> Response:
        notification = get_object_or_404(notifications_for(request.user), pk=pk)  # type: ignore[arg-type]
        services.notification_read(notification=notification, user=request.user)  # type: ignore[arg-type]
        return Response(NotificationSerializer(notification, context={"request": request}).data)


class NotificationAcknowledge(APIView):
    @extend_schema(
        summary="Acknowledge a high-risk notification",
        description="Also marks it read, and settles the copy sent to a deputy (or the original) too.",
        request=None,
        responses=NotificationSerializer,
    )
    def post(self, request: Request, pk: str) -> Response:
        notification = get_object_or_404(notifications_for(request.user), pk=pk)  # type: ignore[arg-type]
        notification = services.notification_acknowledge(notification=notification, user=request.user)  # type: ignore[arg-type]
        return Response(NotificationSerializer(notification, context={"request": request}).data)
