"""Assurance API: metrics (suppressed for commissioners, exact for the provider's leads), evidence packs (draft,
narrative, sign-off, render → 202, status with progress, download, CSV) and training records (+ CSV import).

404 for anything invisible; 403 for a role that has no use of a collection at all."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from assurance import figures as fig
from assurance import selectors, services
from assurance.metrics.periods import parse_period
from assurance.models import NARRATIVE_FIELDS, EvidencePack, Signatory, TrainingLevel, TrainingRecord, TrainingTopic
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView, with_etag
from safeguarding.api.concurrency import check_if_match
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.requests import request_user, route_name

# --- metrics -------------------------------------------------------------------------------------------------------

SUPPRESSED_EXAMPLE = {"value": None, "suppressed": True, "display": "[c]"}


class MetricsView(ApiView):
    @extend_schema(
        summary="Metrics M1–M24 for a period, with each definition; suppressed for commissioners",
        responses={200: OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter("period", str, description="YYYY-Qn (calendar quarter), YYYY, or use from/to"),
            OpenApiParameter("from", str, description="ISO date (with to)"),
            OpenApiParameter("to", str, description="ISO date, inclusive (with from)"),
            OpenApiParameter("agency", str, description="One agency you may see (commissioned, or your own)"),
            OpenApiParameter("team", str, description="A team of those agencies"),
            OpenApiParameter("area", str, description="An area (SAB) those agencies belong to"),
            OpenApiParameter("trends", str, description="1: add each headline over the last four quarters"),
        ],
        examples=[
            OpenApiExample(
                "A suppressed count (commissioner)",
                response_only=True,
                value={
                    "period": {"label": "2026-Q2", "start": "2026-04-01", "end": "2026-06-30"},
                    "audience": "commissioner",
                    "suppressed": True,
                    "metrics": [
                        {
                            "code": "M1",
                            "title": "Concerns raised",
                            "available": True,
                            "figures": [
                                {"key": "raised", "label": "Concerns raised", "kind": "count", **SUPPRESSED_EXAMPLE}
                            ],
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        period = parse_period(params.get("period"), from_=params.get("from"), to=params.get("to"))
        ctx, audience = selectors.metric_context_for_user(
            user=request_user(request),
            period=period,
            agency_id=params.get("agency"),
            team_id=params.get("team"),
            area_id=params.get("area"),
        )
        payload = fig.metrics_payload(ctx, exact=audience.exact, trends=params.get("trends") == "1")
        payload["audience"] = audience.kind
        payload["agencies"] = [{"id": str(a.pk), "name": a.name} for a in audience.agencies if a.pk in ctx.agency_ids]
        record_access(
            user=request_user(request),
            objects_or_ids=[str(a) for a in ctx.agency_ids],
            object_type="safeguarding.agency",
            route=route_name(request),
            purpose=f"assurance metrics {period.label}",
        )
        return Response(payload)


# --- evidence packs -------------------------------------------------------------------------------------------------


class PackSerializer(serializers.ModelSerializer[EvidencePack]):
    reference = serializers.CharField(read_only=True)
    agency = serializers.CharField(source="agency.name", read_only=True)
    agency_id = serializers.UUIDField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = EvidencePack
        fields = [
            "id",
            "reference",
            "agency",
            "agency_id",
            "period",
            "period_start",
            "period_end",
            "number",
            "status",
            *NARRATIVE_FIELDS,
            "figures_sha256",
            "safeguarding_lead_name",
            "safeguarding_lead_signed_at",
            "executive_lead_name",
            "executive_lead_signed_at",
            "render_status",
            "progress",
            "progress_message",
            "pdf_sha256",
            "generated_at",
            "download_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_download_url(self, obj: EvidencePack) -> str | None:
        return f"/api/v1/evidence-packs/{obj.pk}/download/" if obj.is_ready else None


class PackDetailSerializer(PackSerializer):
    figures = serializers.JSONField(read_only=True)
    manifest = serializers.JSONField(read_only=True)

    class Meta(PackSerializer.Meta):
        fields = [*PackSerializer.Meta.fields, "figures", "manifest"]
        read_only_fields = fields


class PackCreateInput(serializers.Serializer[Any]):
    period = serializers.CharField(required=False, allow_blank=True)
    to = serializers.DateField(required=False)


class NarrativeInput(serializers.Serializer[Any]):
    assurance_statement = serializers.CharField(required=False, allow_blank=True)
    risks = serializers.CharField(required=False, allow_blank=True)
    learning_from_reviews = serializers.CharField(required=False, allow_blank=True)
    system_leadership = serializers.CharField(required=False, allow_blank=True)


class SignInput(serializers.Serializer[Any]):
    capacity = serializers.ChoiceField(Signatory.choices)


def _get_pack(request: Request, pk: Any) -> EvidencePack:
    return selectors.pack_get_for_user(user=request_user(request), pk=pk, route=route_name(request))


def _detail(pack: EvidencePack, code: int = 200) -> Response:
    response = with_etag(Response(PackDetailSerializer(pack).data, status=code), pack)
    return response


class PackListCreate(AuditedListView):
    """Packs you can see: every version of your own organisation's (leads), or signed packs of the organisations you
    commission (commissioners)."""

    serializer_class = PackSerializer
    ordering = ("-created_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.pack_list_for_user(user=request_user(self.request)).select_related("agency")

    @extend_schema(
        request=PackCreateInput,
        responses={201: PackDetailSerializer},
        summary="Prepare a draft pack for a period (the provider's leads); the figures are frozen, suppressed",
        examples=[OpenApiExample("A quarter", request_only=True, value={"period": "2026-Q2"})],
    )
    def post(self, request: Request) -> Response:
        data: Any = request.data
        period = parse_period(data.get("period") or None, from_=data.get("from"), to=data.get("to"))
        user = request_user(request)
        if not selectors.audience_for(user).exact:
            raise ActionForbidden("Only the organisation's safeguarding or executive leads may prepare evidence packs.")
        return _detail(services.pack_create(by=user, period=period), status.HTTP_201_CREATED)


class PackDetail(ApiView):
    @extend_schema(responses=PackDetailSerializer, summary="A pack with its status, render progress and figures")
    def get(self, request: Request, pk: str) -> Response:
        return _detail(_get_pack(request, pk))

    @extend_schema(
        request=NarrativeInput,
        responses=PackDetailSerializer,
        summary="Edit the narrative of a draft (needs If-Match)",
    )
    def patch(self, request: Request, pk: str) -> Response:
        pack = _get_pack(request, pk)
        if not selectors.is_provider_lead(request_user(request), pack.agency_id):
            raise ActionForbidden()
        check_if_match(request, pack)
        body = NarrativeInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(services.pack_update_narrative(pack=pack, by=request_user(request), **body.validated_data))


class PackSign(ApiView):
    @extend_schema(
        request=SignInput,
        responses=PackDetailSerializer,
        summary="Sign off as the named safeguarding lead or the executive lead (two people; both needed)",
    )
    def post(self, request: Request, pk: str) -> Response:
        pack = _get_pack(request, pk)
        body = SignInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(
            services.pack_sign(pack=pack, by=request_user(request), capacity=body.validated_data["capacity"])
        )


class PackNewVersion(ApiView):
    @extend_schema(request=None, responses={201: PackDetailSerializer}, summary="Start the next version (a new draft)")
    def post(self, request: Request, pk: str) -> Response:
        pack = _get_pack(request, pk)
        return _detail(services.pack_new_version(pack=pack, by=request_user(request)), status.HTTP_201_CREATED)


class RenderAccepted(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    render_status = serializers.CharField()
    progress = serializers.IntegerField()
    status_url = serializers.CharField()


class PackRender(ApiView):
    @extend_schema(
        request=None,
        responses={202: RenderAccepted},
        summary="Render the signed pack as PDF/A-3u in the background; poll the pack for progress",
    )
    def post(self, request: Request, pk: str) -> Response:
        pack = services.pack_request_render(pack=_get_pack(request, pk), by=request_user(request))
        return Response(
            {
                "id": str(pack.pk),
                "render_status": pack.render_status,
                "progress": pack.progress,
                "status_url": f"/api/v1/evidence-packs/{pack.pk}/",
            },
            status=status.HTTP_202_ACCEPTED,
        )


def pack_file_response(pack: EvidencePack) -> FileResponse:
    if not pack.is_ready:
        raise TransitionNotAllowed("The PDF is not ready yet.")
    response = FileResponse(pack.pdf.open("rb"), content_type="application/pdf", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="evidence-pack-{pack.period}-v{pack.number}.pdf"'
    response["X-Content-SHA256"] = pack.pdf_sha256
    return response


def pack_csv_response(pack: EvidencePack) -> HttpResponse:
    response = HttpResponse(fig.to_csv(pack.figures), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="evidence-pack-{pack.period}-v{pack.number}.csv"'
    return response


class PackDownload(ApiView):
    @extend_schema(responses={(200, "application/pdf"): bytes}, summary="Download the PDF (audited, with its hash)")
    def get(self, request: Request, pk: str) -> FileResponse:
        pack = _get_pack(request, pk)
        response = pack_file_response(pack)
        services.pack_downloaded(pack=pack, by=request_user(request), route=route_name(request))
        return response


class PackCsv(ApiView):
    @extend_schema(responses={(200, "text/csv"): str}, summary="The pack's figures as CSV (suppressed, audited)")
    def get(self, request: Request, pk: str) -> HttpResponse:
        pack = _get_pack(request, pk)
        services.pack_downloaded(pack=pack, by=request_user(request), route=route_name(request), fmt="csv")
        return pack_csv_response(pack)


# --- training records --------------------------------------------------------------------------------------------


class TrainingSerializer(serializers.ModelSerializer[TrainingRecord]):
    staff = serializers.CharField(source="staff.full_name", read_only=True)
    staff_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = TrainingRecord
        fields = [
            "id",
            "staff",
            "staff_id",
            "role",
            "topic",
            "required_level",
            "course",
            "completed_at",
            "expires_at",
            "created_at",
        ]
        read_only_fields = fields


class TrainingInput(serializers.Serializer[Any]):
    staff_id = serializers.UUIDField()
    role = serializers.CharField(required=False, allow_blank=True, default="")
    topic = serializers.ChoiceField(TrainingTopic.choices, default=TrainingTopic.SAFEGUARDING_ADULTS)
    required_level = serializers.ChoiceField(TrainingLevel.choices)
    course = serializers.CharField()
    completed_at = serializers.DateField()
    expires_at = serializers.DateField()


class TrainingListCreate(AuditedListView):
    """Training records: your organisation's (agency admins and leads) or your own."""

    serializer_class = TrainingSerializer
    ordering = ("-created_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.training_list_for_user(user=request_user(self.request)).select_related("staff")

    @extend_schema(request=TrainingInput, responses={201: TrainingSerializer}, summary="Record one training")
    def post(self, request: Request) -> Response:
        body = TrainingInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        staff = User.objects.filter(pk=data.pop("staff_id")).first()
        record = services.training_record_create(by=request_user(request), staff=staff, **data)
        return Response(TrainingSerializer(record).data, status=status.HTTP_201_CREATED)


class TrainingImport(ApiView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}
        },
        responses={201: {"type": "object", "properties": {"created": {"type": "integer"}}}},
        summary="Import training records from CSV: all or nothing, with every row's errors on 400",
        examples=[
            OpenApiExample(
                "Row errors",
                response_only=True,
                status_codes=["400"],
                value={
                    "detail": "2 rows have errors; nothing was imported.",
                    "errors": {"rows": [{"row": 3, "errors": {"expires_at": ["Enter the expiry date as YYYY-MM-DD"]}}]},
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            raise InvalidInput.field("file", "Choose a CSV file")
        try:
            text = upload.read(5_000_000).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InvalidInput.field("file", "The file must be UTF-8 CSV") from exc
        result = services.training_import_csv(by=request_user(request), text=text)
        if not result.ok:
            return Response(
                {
                    "detail": f"{len(result.errors)} row(s) have errors; nothing was imported.",
                    "errors": {"rows": result.errors},
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"created": result.created}, status=status.HTTP_201_CREATED)
