"""Case routes of the sharing engine's break-glass: opening emergency access to one case."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.models import Case
from safeguarding.api.base import ApiView
from safeguarding.audit.services import record_denied
from safeguarding.exceptions import ActionForbidden
from safeguarding.requests import request_user
from safeguarding.sharing import break_glass as bg
from safeguarding.sharing.api_break_glass import BreakGlassAccessSerializer
from safeguarding.sharing.models import BreakGlassReason


class OpenSerializer(serializers.Serializer[Any]):
    reason_code = serializers.ChoiceField(BreakGlassReason.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    otp = serializers.CharField(required=False, allow_blank=True, default="")


def open_break_glass(*, user: Any, case_id: Any, route: str, **data: Any) -> Any:
    """Shared by the API and the screen: 403 for other roles, 404 outside the look-up's results, 409 when the
    case is already visible, 400 without a reason and a fresh code."""
    if not bg.may_break_glass(user):
        raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
    case = Case.objects.filter(pk=case_id).first()
    try:
        if case is None:
            raise LookupError(case_id)
        return bg.break_glass_open(user=user, obj=case, **data)
    except LookupError:
        record_denied(user=user, object_type=Case, object_id=case_id, route=route)
        raise Http404("Not found") from None


class CaseBreakGlass(ApiView):
    @extend_schema(
        request=OpenSerializer,
        responses={201: BreakGlassAccessSerializer},
        summary="Open emergency read-only access to a case for 60 minutes (after a look-up; reason and fresh code)",
        examples=[
            OpenApiExample(
                "Open",
                request_only=True,
                value={
                    "reason_code": "immediate_risk",
                    "reason": "Adult found injured out of hours; the owning agency cannot be reached.",
                    "otp": "123456",
                },
            )
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        if not bg.may_break_glass(user):
            raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
        body = OpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        access = open_break_glass(user=user, case_id=pk, route="api:case-break-glass", **body.validated_data)
        return Response(BreakGlassAccessSerializer(access).data, status=status.HTTP_201_CREATED)


def end_break_glass(*, user: Any, case_id: Any, route: str) -> Any:
    """Shared by the API and the screen: the caller's own open emergency access to the case, ended now; 404 (and a
    denied row) when they have none there."""
    case = Case.objects.filter(pk=case_id).first()
    access = bg.active_break_glass(user=user, obj=case) if case is not None else None
    if access is None:
        record_denied(user=user, object_type=Case, object_id=case_id, route=route)
        raise Http404("Not found")
    return bg.break_glass_end(access=access, by=user)


class CaseBreakGlassEnd(ApiView):
    @extend_schema(
        request=None,
        responses=BreakGlassAccessSerializer,
        summary="End your own emergency access to a case now, before its hour is up (404 when you have none open)",
    )
    def post(self, request: Request, pk: str) -> Response:
        access = end_break_glass(user=request_user(request), case_id=pk, route="api:case-break-glass-end")
        return Response(BreakGlassAccessSerializer(access).data)
