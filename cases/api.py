"""Cases API (thin: validate, call one selector or service, serialise). Invisible → 404; out of scope → 404;
a forbidden action on a visible case → 403; a transition not allowed now → 409."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from cases import selectors, services
from cases import serializers as s
from cases.models import Case, CaseStatus, Concern, Person
from cases.selectors import Scope
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView, with_etag
from safeguarding.api.concurrency import check_if_match
from safeguarding.api.pagination import DeferredJoinCursorPagination
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency, Area, Team
from safeguarding.requests import is_uuid, request_user
from safeguarding.roles import reaches_case_data


def _require_case_worker(user: User) -> None:
    """A collection route the role may not use at all (e.g. a commissioner creating a case): 403."""
    if not reaches_case_data(user.roles):
        raise ActionForbidden("Your role does not work with case records.")


def visible_case(request: Request, case_id: Any, *, min_scope: Scope = Scope.SUMMARY) -> tuple[Case, Scope]:
    return selectors.case_get_for_user(
        user=request_user(request),
        case_id=case_id,
        route=request.resolver_match.view_name,  # type: ignore[union-attr]
        min_scope=min_scope,
    )


# --- cases ----------------------------------------------------------------------------------------------------


class CaseListCreate(AuditedListView):
    """Cases you can see (own agency and live shares). Filters are opt-in: `status`, `risk_level`, `mine=1`, `team`."""

    serializer_class = s.CaseSummarySerializer
    ordering = ("-updated_at", "-id")
    pagination_class = DeferredJoinCursorPagination  # the page's ids from the covering index, then the rows

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        qs = selectors.case_list_for_paging(user=user).select_related(
            "owning_agency", "area", "lead_practitioner", "adult", "team"
        )
        params = self.request.query_params
        if params.get("status") in CaseStatus.values:
            qs = qs.filter(status=params["status"])
        if params.get("risk_level"):
            qs = qs.filter(risk_level=params["risk_level"])
        if params.get("mine") == "1":
            qs = qs.filter(lead_practitioner=user)
        if params.get("team"):
            qs = qs.filter(team_id=params["team"]) if is_uuid(params["team"]) else qs.none()
        return qs

    def list_context(self, rows: Sequence[Any]) -> dict[str, Any]:
        return {
            **self.get_serializer_context(),
            "scopes": selectors.case_scopes_for_user(user=request_user(self.request), cases=rows),
        }

    @extend_schema(
        request=s.CaseCreateSerializer,
        responses={201: s.CaseSerializer},
        examples=[
            OpenApiExample(
                "A concern about a new person",
                request_only=True,
                value={
                    "adult": {
                        "given_name": "Alex",
                        "family_name": "Example",
                        "date_of_birth": "1970-04-01",
                        "nhs_number": "943 476 5919",
                    },
                    "concern": {
                        "identified_at": "2026-11-20T10:00:00Z",
                        "what_happened": "…",
                        "abuse_types": ["financial_material"],
                        "location_of_risk": "own_home",
                        "source_of_risk": "other_known",
                        "immediate_risk": False,
                        "consent_to_raise": "given",
                        "adult_views": "…",
                        "desired_outcomes": ["To feel safe at home"],
                    },
                },
            )
        ],
        summary='Log a concern (creates a raised case, or a draft with "draft": true; joins an open case)',
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        _require_case_worker(user)
        body = s.CaseCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("adult_id"):
            adult = selectors.person_list_for_user(user=user).filter(pk=data["adult_id"]).first()
            if adult is None:
                raise InvalidInput.field("adult_id", "No person you can see has this id")
        else:
            adult = None
        area = Area.objects.filter(pk=data["area_id"]).first() if data.get("area_id") else None
        team = Team.objects.filter(pk=data["team_id"]).first() if data.get("team_id") else None
        from django.db import transaction

        with transaction.atomic():
            if adult is None:
                adult = services.person_create(by=user, **data["adult"])
            logged = services.concern_log(
                by=user, adult=adult, concern=data["concern"], area=area, team=team, draft=data["draft"]
            )
        case, scope = visible_case(request, logged.case.pk)
        response = Response(s.case_representation(case, scope, {"request": request}), status=status.HTTP_201_CREATED)
        return with_etag(response, case)


class CaseDetail(ApiView):
    @extend_schema(responses=s.CaseSerializer, summary="A case (fields follow your scope)")
    def get(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        return with_etag(Response(s.case_representation(case, scope, {"request": request})), case)

    @extend_schema(
        request=s.CaseUpdateSerializer,
        responses=s.CaseSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        summary="Change the risk picture, Think Family flags or mental-health context (owning agency; If-Match)",
    )
    def patch(self, request: Request, pk: str) -> Response:
        case, scope = visible_case(request, pk)
        version = check_if_match(request, case)
        body = s.CaseUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        case = services.case_update(
            case=case, by=request_user(request), expected_version=version, **body.validated_data
        )
        return with_etag(Response(s.case_representation(case, scope, {"request": request})), case)


class CaseTransition(ApiView):
    @extend_schema(
        request=s.TransitionSerializer,
        responses=s.CaseSerializer,
        summary="Apply a named transition (409 with the reason when not allowed now)",
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        case, scope = visible_case(request, pk)
        body = s.TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["transition"] == "record_la_decision":
            _record_decision(case, user, data)
        else:
            services.case_transition(
                case=case, by=user, transition=data["transition"], reason=data["reason"], note=data["note"]
            )
        case, scope = visible_case(request, pk)
        return with_etag(Response(s.case_representation(case, scope, {"request": request})), case)


def _record_decision(case: Case, user: User, data: dict[str, Any]) -> Concern:
    required = [
        "received_at",
        "criterion_care_support_needs",
        "criterion_abuse_or_risk",
        "criterion_unable_to_protect",
        "decision",
    ]
    missing = {name: ["This field is required."] for name in required if name not in data}
    if missing:
        raise InvalidInput(errors=missing)
    concerns = case.concerns.filter(decision="")
    concern = concerns.filter(pk=data["concern_id"]).first() if data.get("concern_id") else concerns.first()
    if concern is None:
        raise InvalidInput.field("concern_id", "There is no undecided concern on this case")
    lead = None
    if data.get("enquiry_lead_agency_id"):
        lead = Agency.objects.filter(pk=data["enquiry_lead_agency_id"], active=True).first()
        if lead is None:
            raise InvalidInput.field("enquiry_lead_agency_id", "Choose an active agency")
    return services.record_la_decision(
        concern=concern,
        by=user,
        received_at=data["received_at"],
        criterion_care_support_needs=data["criterion_care_support_needs"],
        criterion_abuse_or_risk=data["criterion_abuse_or_risk"],
        criterion_unable_to_protect=data["criterion_unable_to_protect"],
        decision=data["decision"],
        not_s42_reasons=data.get("not_s42_reasons", []),
        alternative_responses=data.get("alternative_responses", []),
        rationale=data.get("rationale", ""),
        enquiry_lead_agency=lead,
    )


class CaseSearch(ApiView):
    @extend_schema(
        request=s.SearchSerializer,
        responses=s.CaseSummarySerializer(many=True),
        summary="Search cases by name, date of birth, NHS number or reference (POST: nothing in the URL)",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = s.SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        qs = selectors.case_search(user=user, **body.validated_data).select_related(
            "owning_agency", "area", "lead_practitioner", "adult", "team"
        )
        rows = list(qs[:50])
        count = selectors.capped_count(qs)
        record_access(user=user, objects_or_ids=rows, object_type=Case, route="api:case-search", purpose="search")
        scopes = selectors.case_scopes_for_user(user=user, cases=rows)
        data = s.CaseSummarySerializer(rows, many=True, context={"request": request, "scopes": scopes}).data
        return Response(
            {
                "count": count if count <= selectors.SEARCH_CAP else None,
                "count_display": f"{selectors.SEARCH_CAP:,}+" if count > selectors.SEARCH_CAP else f"{count:,}",
                "results": data,
            }
        )


# --- nested resources (full scope; writes need contribute or the owner) ---------------------------------------------


class CaseNestedList(ApiView, generics.ListAPIView):  # type: ignore[type-arg]
    """A list under a case: fetched through the visible case, whose read is the one access row."""


class CaseChronology(CaseNestedList):
    serializer_class = s.ChronologyEntrySerializer
    ordering = ("-event_date", "-created_at")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        case, _ = visible_case(self.request, self.kwargs["pk"], min_scope=Scope.FULL)
        return selectors.chronology_for_case(case=case)

    @extend_schema(
        request=s.ChronologyInputSerializer,
        responses={201: s.ChronologyEntrySerializer},
        summary="Add a chronology entry (contribute scope; back-dating allowed)",
    )
    def post(self, request: Request, pk: str) -> Response:
        case, _ = visible_case(request, pk, min_scope=Scope.FULL)
        body = s.ChronologyInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        entry = services.chronology_add(case=case, by=request_user(request), **body.validated_data)
        return Response(s.ChronologyEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


def current_enquiry(request: Request, pk: str) -> Any:
    case, _ = visible_case(request, pk, min_scope=Scope.FULL)
    enquiry = case.enquiries.select_related("lead_agency").order_by("-started_at").first()
    if enquiry is None:
        raise Http404("Not found")
    return enquiry


class CaseEnquiry(ApiView):
    @extend_schema(responses=s.EnquirySerializer, summary="The case's current enquiry")
    def get(self, request: Request, pk: str) -> Response:
        enquiry = current_enquiry(request, pk)
        return with_etag(Response(s.EnquirySerializer(enquiry).data), enquiry)

    @extend_schema(
        request=s.EnquiryUpdateSerializer,
        responses=s.EnquirySerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        summary="Update the enquiry (its lead agency or the local authority; If-Match)",
    )
    def patch(self, request: Request, pk: str) -> Response:
        enquiry = current_enquiry(request, pk)
        version = check_if_match(request, enquiry)
        body = s.EnquiryUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        enquiry = services.enquiry_update(
            enquiry=enquiry, by=request_user(request), expected_version=version, **body.validated_data
        )
        return with_etag(Response(s.EnquirySerializer(enquiry).data), enquiry)


class CaseEnquiryConclude(ApiView):
    @extend_schema(
        request=None,
        responses=s.EnquirySerializer,
        summary="Conclude the enquiry (guards of domain §3.2; manager sign-off)",
    )
    def post(self, request: Request, pk: str) -> Response:
        enquiry = services.enquiry_conclude(
            enquiry=current_enquiry(request, pk),
            by=request_user(request),
            notes=str(dict(request.data).get("notes", "")),
        )
        return with_etag(Response(s.EnquirySerializer(enquiry).data), enquiry)


class CasePlans(CaseNestedList):
    serializer_class = s.PlanSerializer
    ordering = ("-created_at",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        case, _ = visible_case(self.request, self.kwargs["pk"], min_scope=Scope.FULL)
        return case.plans.select_related("lead_agency").prefetch_related(
            "actions__owner_agency", "actions__owner_person"
        )

    @extend_schema(
        request=s.PlanInputSerializer, responses={201: s.PlanSerializer}, summary="Start a safeguarding plan"
    )
    def post(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        case, _ = visible_case(request, pk, min_scope=Scope.FULL)
        body = s.PlanInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        lead = case.owning_agency
        if data.get("lead_agency_id"):
            lead = get_object_or_404(Agency, pk=data["lead_agency_id"], active=True)
        plan = services.plan_create(
            case=case, by=user, lead_agency=lead, risks=data["risks"], review_date=data["review_date"]
        )
        return Response(s.PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


def _visible_plan(request: Request, pk: str, plan_id: str) -> Any:
    case, _ = visible_case(request, pk, min_scope=Scope.FULL)
    plan = case.plans.filter(pk=plan_id).first() if is_uuid(plan_id) else None
    if plan is None:
        raise Http404("Not found")
    return plan


class CasePlanReview(ApiView):
    @extend_schema(request=s.PlanReviewSerializer, responses=s.PlanSerializer, summary="Review (or close) a plan")
    def post(self, request: Request, pk: str, plan_id: str) -> Response:
        plan = _visible_plan(request, pk, plan_id)
        body = s.PlanReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        plan = services.plan_review(plan=plan, by=request_user(request), **body.validated_data)
        return Response(s.PlanSerializer(plan).data)


class CasePlanActions(ApiView):
    @extend_schema(
        request=s.PlanActionInputSerializer,
        responses={201: s.PlanActionSerializer},
        summary="Add an action to a plan (risk, action, by whom, by when)",
    )
    def post(self, request: Request, pk: str, plan_id: str) -> Response:
        user = request_user(request)
        plan = _visible_plan(request, pk, plan_id)
        body = s.PlanActionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        owner_agency = plan.lead_agency
        if data.get("owner_agency_id"):
            owner_agency = get_object_or_404(Agency, pk=data["owner_agency_id"], active=True)
        owner_person = None
        if data.get("owner_person_id"):
            owner_person = User.objects.filter(pk=data["owner_person_id"], is_active=True).first()
            if owner_person is None:
                raise InvalidInput.field("owner_person_id", "Choose an active user")
        action = services.plan_action_add(
            plan=plan,
            by=user,
            owner_agency=owner_agency,
            owner_person=owner_person,
            description=data["description"],
            due_date=data.get("due_date"),
        )
        return Response(s.PlanActionSerializer(action).data, status=status.HTTP_201_CREATED)


class CaseCapacity(CaseNestedList):
    serializer_class = s.CapacitySerializer
    ordering = ("-assessed_at",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        case, _ = visible_case(self.request, self.kwargs["pk"], min_scope=Scope.FULL)
        return case.capacity_assessments.select_related("assessor")

    @extend_schema(
        request=s.CapacityInputSerializer,
        responses={201: s.CapacitySerializer},
        summary="Record a decision-specific capacity assessment",
    )
    def post(self, request: Request, pk: str) -> Response:
        case, _ = visible_case(request, pk, min_scope=Scope.FULL)
        body = s.CapacityInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        person: Person | None = case.adult
        if data.get("person_id"):
            person = selectors.person_list_for_user(user=request_user(request)).filter(pk=data.pop("person_id")).first()
        if person is None:
            raise InvalidInput.field("person_id", "No person you can see has this id")
        data.pop("person_id", None)
        assessment = services.capacity_assessment_record(case=case, by=request_user(request), person=person, **data)
        return Response(s.CapacitySerializer(assessment).data, status=status.HTTP_201_CREATED)


class CaseDash(CaseNestedList):
    serializer_class = s.DashSerializer
    ordering = ("-completed_at",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        case, _ = visible_case(self.request, self.kwargs["pk"], min_scope=Scope.FULL)
        return case.dash_assessments.select_related("completed_by")

    @extend_schema(
        request=s.DashInputSerializer,
        responses={201: s.DashSerializer},
        summary="Record a DASH risk identification checklist (24 answers: yes, no or not_known)",
    )
    def post(self, request: Request, pk: str) -> Response:
        case, _ = visible_case(request, pk, min_scope=Scope.FULL)
        body = s.DashInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        dash = services.dash_record(case=case, by=request_user(request), **body.validated_data)
        return Response(s.DashSerializer(dash).data, status=status.HTTP_201_CREATED)


# --- people ---------------------------------------------------------------------------------------------------


class PersonListCreate(AuditedListView):
    """People you can see: only through a case you can see."""

    serializer_class = s.PersonSerializer
    ordering = ("family_name", "given_name", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.person_list_for_user(user=request_user(self.request))

    @extend_schema(
        request=s.PersonWriteSerializer,
        responses={201: s.PersonSerializer},
        summary="Record a person (to log a concern about them next)",
    )
    def post(self, request: Request) -> Response:
        _require_case_worker(request_user(request))
        body = s.PersonWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        person = services.person_create(by=request_user(request), **body.validated_data)
        return Response(s.PersonSerializer(person).data, status=status.HTTP_201_CREATED)


def _visible_person(request: Request, pk: str) -> Person:
    user = request_user(request)
    person = selectors.person_list_for_user(user=user).filter(pk=pk).first() if is_uuid(pk) else None
    route = request.resolver_match.view_name  # type: ignore[union-attr]
    if person is None:
        record_denied(user=user, object_type=Person, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=person, route=route)
    return person


class PersonDetail(ApiView):
    @extend_schema(responses=s.PersonSerializer, summary="A person you can see")
    def get(self, request: Request, pk: str) -> Response:
        person = _visible_person(request, pk)
        return with_etag(Response(s.PersonSerializer(person).data), person)

    @extend_schema(
        request=s.PersonPatchSerializer,
        responses=s.PersonSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        summary="Correct a person's details (an agency owning a case about them; If-Match)",
    )
    def patch(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        person = _visible_person(request, pk)
        version = check_if_match(request, person)
        agency = user.agency_membership.agency_id if user.agency_membership else None
        owns = (
            Case.objects.filter(owning_agency_id=agency).filter(adult=person).exists()
            or Case.objects.filter(owning_agency_id=agency, people__person=person).exists()
        )
        if not owns:
            raise ActionForbidden("Only an agency that owns a case about this person can change their details.")
        body = s.PersonPatchSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        person = services.person_update(person=person, by=user, expected_version=version, **body.validated_data)
        return with_etag(Response(s.PersonSerializer(person).data), person)


class PersonMergeView(ApiView):
    @extend_schema(
        request=s.MergeSerializer,
        responses=s.PersonSerializer,
        summary="Merge a duplicate into this person (safeguarding leads; both must be visible)",
    )
    def post(self, request: Request, pk: str) -> Response:
        keep = _visible_person(request, pk)
        body = s.MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        merge = _visible_person(request, str(body.validated_data["merge_id"]))
        services.person_merge(keep=keep, merge=merge, by=request_user(request), reason=body.validated_data["reason"])
        keep.refresh_from_db()
        return Response(s.PersonSerializer(keep).data)


class PersonSearch(ApiView):
    @extend_schema(
        request=s.SearchSerializer,
        responses=s.PersonSerializer(many=True),
        summary="Search people you can see (and possible duplicates) by name, date of birth or NHS number",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = s.SearchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        qs = selectors.person_list_for_user(user=user)
        if data.get("nhs_number"):
            qs = qs.filter(nhs_number=data["nhs_number"])
        if data.get("date_of_birth"):
            qs = qs.filter(date_of_birth=data["date_of_birth"])
        for term in selectors.normalise_name(data.get("text", ""), "").split():
            qs = qs.filter(search_text__contains=term)
        rows = list(qs.order_by("family_name", "given_name")[:50])
        count = selectors.capped_count(qs)
        record_access(user=user, objects_or_ids=rows, object_type=Person, route="api:person-search", purpose="search")
        return Response(
            {
                "count_display": f"{selectors.SEARCH_CAP:,}+" if count > selectors.SEARCH_CAP else f"{count:,}",
                "results": s.PersonSerializer(rows, many=True).data,
            }
        )
