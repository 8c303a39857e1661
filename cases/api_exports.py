"""Redacted exports of a case: ask (202 with a job), poll, download (audited with the file's SHA-256)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import visible_case
from cases.models import Case
from safeguarding.api.base import ApiView
from safeguarding.requests import request_user
from safeguarding.sharing import exports
from safeguarding.sharing.models import ExportFormat, RecordExport


class ExportSerializer(serializers.ModelSerializer[RecordExport]):
    case_id = serializers.UUIDField(source="subject_id")
    poll_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = RecordExport
        fields = [
            "id",
            "case_id",
            "format",
            "scope",
            "recipient",
            "purpose",
            "status",
            "sha256",
            "row_count",
            "created_at",
            "completed_at",
            "poll_url",
            "download_url",
        ]
        read_only_fields = fields

    def get_poll_url(self, obj: RecordExport) -> str:
        return f"/api/v1/cases/{obj.subject_id}/exports/{obj.pk}/"

    def get_download_url(self, obj: RecordExport) -> str | None:
        return f"/api/v1/cases/{obj.subject_id}/exports/{obj.pk}/download/" if obj.status == "ready" else None


class ExportRequestSerializer(serializers.Serializer[Any]):
    format = serializers.ChoiceField(ExportFormat.choices, default=ExportFormat.PDF)
    recipient = serializers.CharField(max_length=200)
    purpose = serializers.CharField(max_length=300)


def _own_export(request: Request, case: Case, export_id: Any) -> RecordExport:
    found = exports.exports_for(user=request_user(request), obj=case).filter(pk=export_id).first()
    if found is None:
        raise Http404("Not found")
    return found


class CaseExports(ApiView):
    @extend_schema(responses=ExportSerializer(many=True), summary="Your exports of this case")
    def get(self, request: Request, pk: str) -> Response:
        case, _scope = visible_case(request, pk)
        rows = exports.exports_for(user=request_user(request), obj=case)
        return Response({"next": None, "previous": None, "results": ExportSerializer(rows, many=True).data})

    @extend_schema(
        request=ExportRequestSerializer,
        responses={202: ExportSerializer},
        summary="Ask for a redacted export (PDF or JSON) of what your scope allows; answers 202 with a job to poll",
        examples=[
            OpenApiExample(
                "For a strategy meeting",
                request_only=True,
                value={"format": "pdf", "recipient": "Strategy meeting, 12 March", "purpose": "Strategy meeting pack"},
            )
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        body = ExportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        export = exports.export_request(
            user=request_user(request),
            obj=case,
            scope=scope.label,
            fmt=data["format"],
            recipient=data["recipient"],
            purpose=data["purpose"],
        )
        return Response(ExportSerializer(export).data, status=status.HTTP_202_ACCEPTED)


class CaseExportDetail(ApiView):
    @extend_schema(responses=ExportSerializer, summary="Poll an export job")
    def get(self, request: Request, pk: str, export_id: str) -> Response:
        case, _scope = visible_case(request, pk)
        return Response(ExportSerializer(_own_export(request, case, export_id)).data)


class CaseExportDownload(ApiView):
    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY}, summary="Download (audited)")
    def get(self, request: Request, pk: str, export_id: str) -> HttpResponse:
        case, _scope = visible_case(request, pk)
        export = _own_export(request, case, export_id)
        try:
            content = exports.export_download(
                export=export, user=request_user(request), route="api:case-export-download"
            )
        except LookupError:
            raise Http404("Not found") from None
        response = HttpResponse(
            content, content_type="application/pdf" if export.format == "pdf" else "application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"
        response["X-Content-SHA256"] = export.sha256
        return response
