"""Referrals API: create (kind-specific ``details``), list (every visible referral; opt-in ``?box=sent|received``,
``kind``, ``state``), retrieve, and the transitions ``send|acknowledge|accept|decline|withdraw|close``,
``decision`` (s42), ``list|not-list|challenge`` (MARAC). MAPPA nominals under ``/api/v1/mappa-nominals/``.
404 for anything invisible; 403 for an action the caller may not take; 409 for a transition not allowed now."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.selectors import case_list_for_user, person_list_for_user
from referrals import selectors, services
from referrals.codes import Kind, State
from referrals.models import MappaNominal, Referral
from referrals.serializers import (
    NominalAgenciesInput,
    NominalCreateSerializer,
    NominalReviewInput,
    NominalSerializer,
    ReferralChallengeInput,
    ReferralCreateSerializer,
    ReferralDecisionInput,
    ReferralListInput,
    ReferralListSerializer,
    ReferralNoteInput,
    ReferralReasonInput,
    ReferralSerializer,
)
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView, with_etag
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user, route_name

BASIS_EXAMPLE = {
    "consent_status": "given",
    "adult_informed": True,
    "rationale": "The adult agreed that the local authority should be told, to keep them safe.",
}
CREATE_EXAMPLES = [
    OpenApiExample(
        "Safeguarding concern to the local authority (s42)",
        request_only=True,
        value={
            "case_id": "6f1c…",
            "kind": "s42_concern",
            "reason": "Neglect at home: we ask for a section 42 enquiry.",
            "sharing_basis": BASIS_EXAMPLE,
            "details": {"concern": "c0a1…"},
            "send": True,
        },
    ),
    OpenApiExample(
        "MARAC referral (pre-filled from the case's latest DASH)",
        request_only=True,
        value={
            "case_id": "6f1c…",
            "kind": "marac",
            "reason": "High-risk domestic abuse from a former partner.",
            "sharing_basis": {
                "consent_status": "not_sought",
                "override_reason": "seeking_consent_would_increase_risk",
                "override_detail": "Telling the victim now would alert the person causing harm.",
                "adult_informed": False,
                "adult_not_informed_reason": "It would increase the risk to the victim.",
                "rationale": "High risk of serious harm: MARAC needs the referral to plan for safety.",
            },
            "details": {
                "persons_causing_harm": ["9b2e…"],
                "harm_relationship": "ex_partner",
                "incident_date": "2026-11-20",
                "da_incidents_12m": 3,
                "police_callouts_12m": 2,
                "victim_informed": False,
                "victim_consent": "not_sought",
                "safe_contact_number": "07700 900123",
                "safe_to_call": "Weekdays 10am to 2pm",
                "idva_referred": True,
            },
        },
    ),
    OpenApiExample(
        "MAPPA information to the responsible authority",
        request_only=True,
        value={
            "case_id": "6f1c…",
            "kind": "mappa",
            "reason": "Our patient's former partner may be managed under MAPPA: we ask for information.",
            "recipient_agency_id": "a7d3…",
            "sharing_basis": BASIS_EXAMPLE,
            "details": {
                "mappa_request": "ask",
                "mappa_subject": "9b2e…",
                "mappa_category": "cat2_violent_or_other_sexual",
                "mappa_level": "level2_active_multi_agency",
                "visor_reference": "",
            },
        },
    ),
    OpenApiExample(
        "Service referral (housing)",
        request_only=True,
        value={
            "case_id": "6f1c…",
            "kind": "service",
            "reason": "Needs rehousing away from the person causing harm.",
            "recipient_agency_id": "44be…",
            "sharing_basis": BASIS_EXAMPLE,
            "details": {"service_type": "housing", "service_detail": "Emergency accommodation"},
        },
    ),
]


def _get(request: Request, pk: Any) -> Referral:
    return selectors.referral_get_for_user(user=request_user(request), referral_id=pk, route=route_name(request))


def _detail(referral: Referral, code: int = status.HTTP_200_OK) -> Response:
    referral = (
        Referral.objects.select_related("sender_agency", "sender_user", "recipient_agency", "recipient_user")
        .prefetch_related("persons_causing_harm", "log__by", "log__agency")
        .get(pk=referral.pk)
    )
    return with_etag(Response(ReferralSerializer(referral).data, status=code), referral)


def _agency(value: Any, field: str) -> Agency | None:
    if not value:
        return None
    agency = Agency.objects.filter(pk=value).first()
    if agency is None:
        raise InvalidInput.field(field, "No agency has this id")
    return agency


class ReferralListCreate(AuditedListView):
    """Every referral you can see. Opt-in filters: `box=sent|received`, `kind`, `state`."""

    serializer_class = ReferralListSerializer
    ordering = ("-updated_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        params = self.request.query_params
        box = params.get("box")
        if box == "sent":
            qs = selectors.referrals_sent(user=user)
        elif box == "received":
            qs = selectors.referrals_received(user=user)
        else:
            qs = selectors.referral_list_for_user(user=user)
        if params.get("kind") in Kind.values:
            qs = qs.filter(kind=params["kind"])
        if params.get("state") in State.values:
            qs = qs.filter(state=params["state"])
        return qs.select_related("sender_agency", "recipient_agency", "recipient_user")

    @extend_schema(
        parameters=[
            OpenApiParameter("box", str, enum=["sent", "received"], required=False),
            OpenApiParameter("kind", str, enum=Kind.values, required=False),
            OpenApiParameter("state", str, enum=State.values, required=False),
        ],
        summary="Every referral you can see",
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=ReferralCreateSerializer,
        responses={201: ReferralSerializer},
        summary="Create a referral about a case your agency owns (a draft, or sent at once with `send`)",
        examples=CREATE_EXAMPLES,
    )
    def post(self, request: Request) -> Response:
        body = ReferralCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request_user(request)
        case = case_list_for_user(user=user).select_related("area").filter(pk=data["case_id"]).first()
        if case is None:
            record_denied(user=user, object_type="cases.case", object_id=data["case_id"], route=route_name(request))
            raise Http404("Not found")
        with transaction.atomic():  # with ``send``, a referral that cannot be sent is not kept as a draft either
            referral = self._create(user, case, data)
        record_access(user=user, objects_or_ids=referral, route=route_name(request))
        return _detail(referral, status.HTTP_201_CREATED)

    def _create(self, user: User, case: Any, data: dict[str, Any]) -> Referral:
        referral = services.referral_create(
            by=user,
            case=case,
            kind=data["kind"],
            reason=data["reason"],
            recipient_agency=_agency(data.get("recipient_agency_id"), "recipient_agency_id"),
            urgent=data["urgent"],
            sharing_basis=data["sharing_basis"],
            details=data["details"],
        )
        if data["send"]:
            referral = services.referral_send(referral=referral, by=user)
        return referral


class ReferralDetail(ApiView):
    @extend_schema(responses=ReferralSerializer, summary="A referral with its kind's fields and its timeline")
    def get(self, request: Request, pk: str) -> Response:
        return _detail(_get(request, pk))


def _transition(
    input_class: type | None, call: Callable[[Referral, User, dict[str, Any]], Referral], summary: str
) -> type[ApiView]:
    class Transition(ApiView):
        @extend_schema(request=input_class, responses=ReferralSerializer, summary=summary)
        def post(self, request: Request, pk: str) -> Response:
            referral = _get(request, pk)
            data: dict[str, Any] = {}
            if input_class is not None:
                body = input_class(data=request.data)
                body.is_valid(raise_exception=True)
                data = dict(body.validated_data)
            return _detail(call(referral, request_user(request), data))

    Transition.__name__ = Transition.__qualname__ = "Referral" + summary.split(":")[0].title().replace(" ", "")
    return Transition


def _decision(referral: Referral, by: User, data: dict[str, Any]) -> Referral:
    lead = _agency(data.pop("enquiry_lead_agency_id", None), "enquiry_lead_agency_id")
    return services.referral_record_decision(referral=referral, by=by, enquiry_lead_agency=lead, **data)


ReferralSend = _transition(None, lambda r, u, d: services.referral_send(referral=r, by=u), "Send: share and notify")
ReferralAcknowledge = _transition(
    None, lambda r, u, d: services.referral_acknowledge(referral=r, by=u), "Acknowledge: the recipient has it"
)
ReferralAccept = _transition(
    ReferralNoteInput,
    lambda r, u, d: services.referral_accept(referral=r, by=u, **d),
    "Accept: taken on (s42: for triage)",
)
ReferralDecline = _transition(
    ReferralReasonInput, lambda r, u, d: services.referral_decline(referral=r, by=u, **d), "Decline: with a reason"
)
ReferralWithdraw = _transition(
    ReferralReasonInput,
    lambda r, u, d: services.referral_withdraw(referral=r, by=u, **d),
    "Withdraw: before acceptance",
)
ReferralClose = _transition(
    ReferralNoteInput, lambda r, u, d: services.referral_close(referral=r, by=u, **d), "Close: an accepted referral"
)
ReferralDecision = _transition(ReferralDecisionInput, _decision, "Decision: the local authority's s42 decision")
ReferralList = _transition(
    ReferralListInput, lambda r, u, d: services.marac_list(referral=r, by=u, **d), "List: for a MARAC sitting"
)
ReferralNotList = _transition(
    ReferralReasonInput, lambda r, u, d: services.marac_not_list(referral=r, by=u, **d), "Not list: with the reason"
)
ReferralChallenge = _transition(
    ReferralChallengeInput,
    lambda r, u, d: services.marac_challenge(referral=r, by=u, **d),
    "Challenge: a decision not to list",
)


# --- MAPPA nominals ---------------------------------------------------------------------------------------------------


def _nominal(request: Request, pk: Any) -> MappaNominal:
    return selectors.nominal_get_for_user(user=request_user(request), nominal_id=pk, route=route_name(request))


def _nominal_detail(nominal: MappaNominal, code: int = status.HTTP_200_OK) -> Response:
    nominal = (
        MappaNominal.objects.select_related("responsible_authority", "lead_agency")
        .prefetch_related("named_agencies")
        .get(pk=nominal.pk)
    )
    return with_etag(Response(NominalSerializer(nominal).data, status=code), nominal)


class NominalListCreate(AuditedListView):
    """MAPPA nominals you can see: your agency is their responsible authority or is named by it."""

    serializer_class = NominalSerializer
    ordering = ("-updated_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return (
            selectors.nominal_list_for_user(user=request_user(self.request))
            .select_related("responsible_authority", "lead_agency")
            .prefetch_related("named_agencies")
        )

    @extend_schema(
        request=NominalCreateSerializer,
        responses={201: NominalSerializer},
        summary="Record a MAPPA nominal (responsible authorities only)",
        examples=[
            OpenApiExample(
                "A level 2 nominal",
                request_only=True,
                value={
                    "person_id": "9b2e…",
                    "category": "cat2_violent_or_other_sexual",
                    "level": "level2_active_multi_agency",
                    "lead_agency_id": "a7d3…",
                    "named_agency_ids": ["12fe…"],
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = NominalCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request_user(request)
        person = person_list_for_user(user=user).filter(pk=data["person_id"]).first()
        if person is None:
            record_denied(user=user, object_type="cases.person", object_id=data["person_id"], route=route_name(request))
            raise Http404("Not found")
        case = None
        if data.get("case_id"):
            case = case_list_for_user(user=user).filter(pk=data["case_id"]).first()
            if case is None:
                raise Http404("Not found")
        lead = _agency(data["lead_agency_id"], "lead_agency_id")
        assert lead is not None
        named = list(Agency.objects.filter(pk__in=data["named_agency_ids"]))
        if len(named) != len(set(data["named_agency_ids"])):
            raise InvalidInput.field("named_agency_ids", "No agency has one of these ids")
        nominal = services.nominal_create(
            by=user,
            person=person,
            case=case,
            category=data["category"],
            level=data["level"],
            lead_agency=lead,
            visor_reference=data["visor_reference"],
            inclusion_end_basis=data["inclusion_end_basis"],
            critical_public_protection_case=data["critical_public_protection_case"],
            named_agencies=named,
        )
        record_access(user=user, objects_or_ids=nominal, route=route_name(request))
        return _nominal_detail(nominal, status.HTTP_201_CREATED)


class NominalDetail(ApiView):
    @extend_schema(responses=NominalSerializer, summary="A MAPPA nominal")
    def get(self, request: Request, pk: str) -> Response:
        return _nominal_detail(_nominal(request, pk))


class NominalReview(ApiView):
    @extend_schema(request=NominalReviewInput, responses=NominalSerializer, summary="Record a review and the level now")
    def post(self, request: Request, pk: str) -> Response:
        nominal = _nominal(request, pk)
        body = NominalReviewInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _nominal_detail(
            services.nominal_review(nominal=nominal, by=request_user(request), level=body.validated_data["level"])
        )


class NominalExit(ApiView):
    @extend_schema(
        request=ReferralReasonInput, responses=NominalSerializer, summary="End MAPPA management (with the basis)"
    )
    def post(self, request: Request, pk: str) -> Response:
        nominal = _nominal(request, pk)
        body = ReferralReasonInput(data=request.data)
        body.is_valid(raise_exception=True)
        return _nominal_detail(
            services.nominal_exit(nominal=nominal, by=request_user(request), reason=body.validated_data["reason"])
        )


class NominalAgencies(ApiView):
    @extend_schema(
        request=NominalAgenciesInput,
        responses=NominalSerializer,
        summary="Name the agencies that may see the nominal (responsible authority only; replaces the list)",
    )
    def post(self, request: Request, pk: str) -> Response:
        nominal = _nominal(request, pk)
        body = NominalAgenciesInput(data=request.data)
        body.is_valid(raise_exception=True)
        ids = set(body.validated_data["named_agency_ids"])
        agencies = list(Agency.objects.filter(pk__in=ids))
        if len(agencies) != len(ids):
            raise InvalidInput.field("named_agency_ids", "No agency has one of these ids")
        return _nominal_detail(
            services.nominal_name_agencies(nominal=nominal, by=request_user(request), agencies=agencies)
        )
