"""Sharing agreements API: list (agreements in your agency's areas), create (leads, SAB business managers,
administrators), retrieve."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding.api.base import ApiView
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import Agency, Area
from safeguarding.requests import request_user
from safeguarding.sharing import agreements
from safeguarding.sharing.codes import Purpose
from safeguarding.sharing.models import SharingAgreement


class AgreementSerializer(serializers.ModelSerializer[SharingAgreement]):
    area = serializers.CharField(source="area.name")
    signatories = serializers.SerializerMethodField()

    class Meta:
        model = SharingAgreement
        fields = ["id", "title", "area", "purpose", "signatories", "review_date", "active", "document_reference"]
        read_only_fields = fields

    def get_signatories(self, obj: SharingAgreement) -> list[dict[str, str]]:
        return [{"id": str(a.pk), "name": a.name} for a in obj.signatories.all()]


class AgreementInputSerializer(serializers.Serializer[Any]):
    area_id = serializers.UUIDField()
    title = serializers.CharField(max_length=200)
    purpose = serializers.ChoiceField(Purpose.choices)
    signatory_ids = serializers.ListField(child=serializers.UUIDField())
    review_date = serializers.DateField()
    document_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class AgreementListCreate(ApiView):
    @extend_schema(responses=AgreementSerializer(many=True), summary="Agreements in your agency's areas")
    def get(self, request: Request) -> Response:
        rows = agreements.agreements_visible_to(request_user(request)).select_related("area")
        return Response({"next": None, "previous": None, "results": AgreementSerializer(rows, many=True).data})

    @extend_schema(
        request=AgreementInputSerializer,
        responses={201: AgreementSerializer},
        summary="Record an agreement (a reminder clock runs before its review date)",
        examples=[
            OpenApiExample(
                "MARAC protocol",
                request_only=True,
                value={
                    "area_id": "…",
                    "title": "MARAC information-sharing protocol",
                    "purpose": "marac",
                    "signatory_ids": ["…", "…"],
                    "review_date": "2027-03-31",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = AgreementInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        area = Area.objects.filter(pk=data.pop("area_id")).first()
        if area is None:
            raise InvalidInput.field("area_id", "No area has this id")
        ids = data.pop("signatory_ids")
        signatories = list(Agency.objects.filter(pk__in=ids))
        if len(signatories) != len(set(ids)):
            raise InvalidInput.field("signatory_ids", "No agency has one of these ids")
        created = agreements.agreement_save(by=request_user(request), area=area, signatories=signatories, **data)
        return Response(AgreementSerializer(created).data, status=status.HTTP_201_CREATED)


class AgreementDetail(ApiView):
    @extend_schema(responses=AgreementSerializer)
    def get(self, request: Request, pk: str) -> Response:
        found = agreements.agreements_visible_to(request_user(request)).filter(pk=pk).first()
        if found is None:
            raise Http404("Not found")
        return Response(AgreementSerializer(found).data)
