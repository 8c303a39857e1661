"""Disagreements API: create, list (all visible; opt-in filters), retrieve, escalate, resolve, notes, and the
challenge of a breached deadline. 404 for anything invisible."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from escalation.disagreements import selectors, services
from escalation.disagreements.models import Category, Disagreement, DisagreementNote, DisagreementStage
from escalation.selectors import deadline_get_for_user
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user, route_name


class StageSerializer(serializers.ModelSerializer[DisagreementStage]):
    raiser_holder = serializers.CharField(source="raiser_holder.full_name", allow_null=True, default=None)
    respondent_holder = serializers.CharField(source="respondent_holder.full_name", allow_null=True, default=None)

    class Meta:
        model = DisagreementStage
        fields = [
            "stage",
            "raiser_holder",
            "respondent_holder",
            "opened_at",
            "due_at",
            "closed_at",
            "outcome",
            "escalated_automatically",
            "escalation_reason",
        ]
        read_only_fields = fields


class NoteSerializer(serializers.ModelSerializer[DisagreementNote]):
    author = serializers.CharField(source="author.full_name")
    author_agency = serializers.CharField(source="author_agency.name")

    class Meta:
        model = DisagreementNote
        fields = ["stage", "author", "author_agency", "text", "created_at"]
        read_only_fields = fields


class DisagreementSerializer(serializers.ModelSerializer[Disagreement]):
    reference = serializers.CharField()
    subject_type = serializers.SerializerMethodField()
    raiser_agency = serializers.CharField(source="raiser_agency.name")
    respondent_agency = serializers.CharField(source="respondent_agency.name")
    stages = StageSerializer(many=True, read_only=True)
    notes = NoteSerializer(many=True, read_only=True)

    class Meta:
        model = Disagreement
        fields = [
            "id",
            "reference",
            "subject_type",
            "subject_id",
            "subject_label",
            "case_id",
            "category",
            "disputed",
            "resolution_sought",
            "immediate_risk",
            "adult_views",
            "raiser_agency",
            "respondent_agency",
            "stage",
            "status",
            "source_deadline",
            "source_delay_reason",
            "agreement",
            "lessons_learned",
            "opened_at",
            "resolved_at",
            "stages",
            "notes",
        ]
        read_only_fields = fields

    def get_subject_type(self, obj: Disagreement) -> str:
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"


class DisagreementListSerializer(DisagreementSerializer):
    class Meta(DisagreementSerializer.Meta):
        fields = [
            "id",
            "reference",
            "subject_label",
            "case_id",
            "category",
            "immediate_risk",
            "raiser_agency",
            "respondent_agency",
            "stage",
            "status",
            "opened_at",
            "resolved_at",
        ]
        read_only_fields = fields


class RaiseSerializer(serializers.Serializer[Any]):
    subject_type = serializers.CharField(help_text='The subject\'s model, e.g. "cases.case".')
    subject_id = serializers.CharField()
    respondent_agency_id = serializers.UUIDField()
    respondent_contact_id = serializers.UUIDField(required=False, allow_null=True)
    category = serializers.ChoiceField(Category.choices)
    disputed = serializers.CharField()
    resolution_sought = serializers.CharField()
    immediate_risk = serializers.BooleanField(default=False)
    adult_views = serializers.CharField(required=False, allow_blank=True, default="")


class ChallengeSerializer(serializers.Serializer[Any]):
    category = serializers.ChoiceField(Category.choices, default=Category.CLOSURE_OR_INACTION)
    disputed = serializers.CharField()
    resolution_sought = serializers.CharField()
    immediate_risk = serializers.BooleanField(default=False)


def _get(request: Request, pk: Any) -> Disagreement:
    return selectors.disagreement_get_for_user(user=request_user(request), pk=pk, route=route_name(request))


def _detail(disagreement: Disagreement) -> Response:
    disagreement = (
        Disagreement.objects.prefetch_related(
            "stages__raiser_holder", "stages__respondent_holder", "notes__author", "notes__author_agency"
        )
        .select_related("raiser_agency", "respondent_agency", "subject_type")
        .get(pk=disagreement.pk)
    )
    return Response(DisagreementSerializer(disagreement).data)


class DisagreementListCreate(AuditedListView):
    """All disagreements you can see. Opt-in filters: `status`, `stage`, `category`, `awaiting=1`."""

    serializer_class = DisagreementListSerializer
    ordering = ("-opened_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        params = self.request.query_params
        qs = (
            selectors.awaiting(user=user)
            if params.get("awaiting") == "1"
            else selectors.disagreement_list_for_user(user=user)
        )
        if params.get("status") in ("open", "resolved"):
            qs = qs.filter(status=params["status"])
        if params.get("stage", "").isdigit():
            qs = qs.filter(stage=int(params["stage"]))
        if params.get("category") in Category.values:
            qs = qs.filter(category=params["category"])
        return qs.select_related("raiser_agency", "respondent_agency")

    @extend_schema(
        request=RaiseSerializer,
        responses={201: DisagreementSerializer},
        summary="Raise a disagreement about something you can see, with an agency that owns or can see it",
        examples=[
            OpenApiExample(
                "About a case",
                request_only=True,
                value={
                    "subject_type": "cases.case",
                    "subject_id": "…",
                    "respondent_agency_id": "…",
                    "category": "threshold_s42_criteria",
                    "disputed": "The concern was closed without an enquiry.",
                    "resolution_sought": "A section 42 enquiry.",
                    "immediate_risk": False,
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = RaiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request_user(request)
        try:
            model = apps.get_model(data["subject_type"])
        except (LookupError, ValueError) as exc:
            raise Http404("Not found") from exc
        subject = (
            registry.visible(model, user=user).filter(pk=data["subject_id"]).first()
            if model in registry.registered_models()
            else None
        )
        if subject is None:
            record_denied(
                user=user, object_type=data["subject_type"], object_id=data["subject_id"], route="api:disagreement-list"
            )
            raise Http404("Not found")
        respondent = Agency.objects.filter(pk=data["respondent_agency_id"]).first()
        if respondent is None:
            raise InvalidInput.field("respondent_agency_id", "No agency has this id")
        contact = (
            User.objects.filter(pk=data["respondent_contact_id"]).first() if data.get("respondent_contact_id") else None
        )
        disagreement = services.disagreement_raise(
            by=user,
            subject=subject,
            respondent_agency=respondent,
            respondent_contact=contact,
            category=data["category"],
            disputed=data["disputed"],
            resolution_sought=data["resolution_sought"],
            immediate_risk=data["immediate_risk"],
            adult_views=data["adult_views"],
        )
        record_access(user=user, objects_or_ids=disagreement, route="api:disagreement-list")
        response = _detail(disagreement)
        response.status_code = status.HTTP_201_CREATED
        return response


class DisagreementDetail(ApiView):
    @extend_schema(responses=DisagreementSerializer, summary="A disagreement with its full stage history")
    def get(self, request: Request, pk: str) -> Response:
        return _detail(_get(request, pk))


class EscalateInput(serializers.Serializer[Any]):
    reason = serializers.CharField()


class ResolveInput(serializers.Serializer[Any]):
    agreement = serializers.CharField()
    lessons_learned = serializers.CharField()


class NoteInput(serializers.Serializer[Any]):
    text = serializers.CharField()


class DisagreementEscalate(ApiView):
    @extend_schema(
        request=EscalateInput,
        responses=DisagreementSerializer,
        summary="Escalate to the next stage (holders and leads; either side when risk is immediate)",
    )
    def post(self, request: Request, pk: str) -> Response:
        disagreement = _get(request, pk)
        body = EscalateInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(
            services.disagreement_escalate(
                disagreement=disagreement, by=request_user(request), reason=body.validated_data["reason"]
            )
        )


class DisagreementResolve(ApiView):
    @extend_schema(
        request=ResolveInput,
        responses=DisagreementSerializer,
        summary="Resolve: record the agreement and the lessons learned",
    )
    def post(self, request: Request, pk: str) -> Response:
        disagreement = _get(request, pk)
        body = ResolveInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _detail(
            services.disagreement_resolve(disagreement=disagreement, by=request_user(request), **body.validated_data)
        )


class DisagreementNotes(ApiView):
    @extend_schema(
        request=NoteInput,
        responses={201: DisagreementSerializer},
        summary="Add a note to the current stage (either side)",
    )
    def post(self, request: Request, pk: str) -> Response:
        disagreement = _get(request, pk)
        body = NoteInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.disagreement_note(
            disagreement=disagreement, by=request_user(request), text=body.validated_data["text"]
        )
        response = _detail(disagreement)
        response.status_code = status.HTTP_201_CREATED
        return response


class DeadlineChallenge(ApiView):
    @extend_schema(
        request=ChallengeSerializer,
        responses={201: DisagreementSerializer},
        summary="Challenge inaction: raise a stage-2 disagreement from a deadline that is overdue",
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        try:
            deadline = deadline_get_for_user(user=user, pk=pk)
        except Http404:
            record_denied(user=user, object_type="escalation.deadline", object_id=pk, route="api:deadline-challenge")
            raise
        record_access(user=user, objects_or_ids=deadline, route="api:deadline-challenge")
        body = ChallengeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        response = _detail(services.deadline_challenge(deadline=deadline, by=user, **body.validated_data))
        response.status_code = status.HTTP_201_CREATED
        return response
