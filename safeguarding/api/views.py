from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class MeView(APIView):
    """The signed-in user, their agency and roles (capabilities)."""

    @extend_schema(
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.UUIDField(),
                "full_name": serializers.CharField(),
                "agency": serializers.DictField(allow_null=True),
                "roles": serializers.ListField(child=serializers.CharField()),
            },
        )
    )
    def get(self, request: Request) -> Response:
        user = request.user
        membership = user.agency_membership  # type: ignore[union-attr]
        return Response(
            {
                "id": str(user.pk),
                "full_name": user.full_name,  # type: ignore[union-attr]
                "agency": {"id": str(membership.agency_id), "name": membership.agency.name} if membership else None,
                "roles": sorted(membership.roles) if membership else [],
            }
        )
