from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.accounts.lifecycle import email_change
from safeguarding.accounts.reauth import RecentAuthRequired


class MeView(APIView):
    """The signed-in user, their agency and roles (capabilities)."""

    @extend_schema(
        summary="Who am I",
        responses=inline_serializer(
            "Me",
            {
                "id": serializers.UUIDField(),
                "full_name": serializers.CharField(),
                "agency": serializers.DictField(allow_null=True),
                "roles": serializers.ListField(child=serializers.CharField()),
            },
        ),
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


class MeEmail(APIView):
    """Change the caller's sign-in email (needs a recent re-authentication in this browser session)."""

    permission_classes = [IsAuthenticated, RecentAuthRequired]

    class MeEmailInput(serializers.Serializer[None]):
        email = serializers.EmailField(max_length=254)

    @extend_schema(
        summary="Change my sign-in email",
        description=(
            "Needs a browser session that confirmed the password and a security code in the last 5 minutes "
            "(`/accounts/confirm-identity/`); otherwise 403. API tokens can never change credentials. The old "
            "address is told about the change."
        ),
        request=MeEmailInput,
        responses=inline_serializer("MeEmailChanged", {"email": serializers.EmailField()}),
    )
    def post(self, request: Request) -> Response:
        data = self.MeEmailInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = email_change(user=request.user, new_email=data.validated_data["email"])  # type: ignore[arg-type]
        return Response({"email": user.email})
