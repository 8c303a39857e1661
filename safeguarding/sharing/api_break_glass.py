"""Break-glass API: the look-up by exact NHS number, and the review queue of the owning agency's leads. Opening
break-glass on a case is a case route (``cases/{id}/break-glass/``, in the cases app)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden
from safeguarding.requests import request_user
from safeguarding.sharing import break_glass as bg
from safeguarding.sharing.models import BreakGlassAccess, BreakGlassVerdict


class BreakGlassAccessSerializer(serializers.ModelSerializer[BreakGlassAccess]):
    reference = serializers.CharField()
    user = serializers.CharField(source="user.full_name")
    user_agency = serializers.CharField(source="user_agency.name", allow_null=True, default=None)
    owner_agency = serializers.CharField(source="owner_agency.name")
    case_id = serializers.UUIDField(source="subject_id")
    reviewed_by = serializers.CharField(source="reviewed_by.full_name", allow_null=True, default=None)

    class Meta:
        model = BreakGlassAccess
        fields = [
            "id",
            "reference",
            "user",
            "user_agency",
            "owner_agency",
            "case_id",
            "reason_code",
            "reason",
            "opened_at",
            "expires_at",
            "review_status",
            "reviewed_by",
            "reviewed_at",
            "review_note",
        ]
        read_only_fields = fields


class LookupSerializer(serializers.Serializer[Any]):
    nhs_number = serializers.CharField()


class ReviewSerializer(serializers.Serializer[Any]):
    outcome = serializers.ChoiceField(BreakGlassVerdict.choices)
    note = serializers.CharField()


class BreakGlassLookup(ApiView):
    @extend_schema(
        request=LookupSerializer,
        responses=inline_serializer(
            "BreakGlassLookup",
            {
                "results": inline_serializer(
                    "BreakGlassLookupResult",
                    {
                        "id": serializers.UUIDField(),
                        "reference": serializers.CharField(),
                        "holding_agency": serializers.DictField(),
                        "already_visible": serializers.BooleanField(),
                    },
                    many=True,
                )
            },
        ),
        summary="Emergency look-up by exact NHS number: matching records without content (break-glass roles only)",
        examples=[OpenApiExample("Look-up", request_only=True, value={"nhs_number": "9434765919"})],
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        if not bg.may_break_glass(user):
            raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
        body = LookupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        results = bg.break_glass_lookup(user=user, nhs_number=body.validated_data["nhs_number"])
        return Response(
            {
                "results": [
                    {
                        "id": str(r.obj.pk),
                        "reference": r.reference,
                        "holding_agency": {"id": str(r.holding_agency.pk), "name": r.holding_agency.name},
                        "already_visible": r.already_visible,
                    }
                    for r in results
                ]
            }
        )


class BreakGlassReviewList(AuditedListView):
    """Break-glass accesses: the owning agency's leads see their agency's (the review queue); users see their own.
    Opt-in filter: `status=pending|justified|not_justified`."""

    serializer_class = BreakGlassAccessSerializer
    ordering = ("-opened_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        qs = bg.break_glass_visible_to(request_user(self.request))
        status = self.request.query_params.get("status")
        if status:
            qs = qs.filter(review_status=status)
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("status", enum=["pending", "justified", "not_justified"], required=False)]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)


def break_glass_get_for_user(*, user: User, pk: Any, route: str) -> BreakGlassAccess:
    found = bg.break_glass_visible_to(user).filter(pk=pk).first()
    if found is None:
        record_denied(user=user, object_type=BreakGlassAccess, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


class BreakGlassReviewAction(ApiView):
    @extend_schema(
        request=ReviewSerializer,
        responses=BreakGlassAccessSerializer,
        summary="Record whether an emergency access was justified (the owning agency's leads)",
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        access = break_glass_get_for_user(user=user, pk=pk, route="api:break-glass-review")
        body = ReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reviewed = bg.break_glass_review(access=access, by=user, **body.validated_data)
        return Response(BreakGlassAccessSerializer(reviewed).data)
