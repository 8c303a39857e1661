"""Reviews API (thin: validate, call one selector or service, serialise). Invisible → 404 (commissioners see no
review, chronology, item or learning event at all); a sub-resource outside the caller's part of a visible review
→ 404; a forbidden action → 403; a transition not allowed now → 409."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from reviews import selectors, services
from reviews import serializers as s
from reviews.models import Recommendation, Review, ReviewAction
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView, with_etag
from safeguarding.api.concurrency import check_if_match
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency
from safeguarding.requests import request_user, route_name


def _review(request: Request, pk: Any) -> Review:
    return selectors.review_get_for_user(user=request_user(request), pk=pk, route=route_name(request))


def _review_body(request: Request, review: Review) -> Response:
    review = Review.objects.select_related("referrer_agency", "reviewer", "case__adult").get(pk=review.pk)
    if selectors.has_full_access(user=request_user(request), review=review):
        review = (
            Review.objects.prefetch_related("panel_members", "timeline__by")
            .select_related("referrer_agency", "reviewer", "case__adult")
            .get(pk=review.pk)
        )
        data = s.ReviewBoardSerializer(review).data
    else:
        data = s.ReviewAgencySerializer(review).data
    return with_etag(Response(data), review)


def _agencies(ids: list[Any], field: str) -> list[Agency]:
    found = list(Agency.objects.filter(pk__in=ids, active=True))
    if len(found) != len(set(ids)):
        raise InvalidInput.field(field, "Choose active agencies")
    return found


def _users(ids: list[Any], field: str) -> list[User]:
    found = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(found) != len(set(ids)):
        raise InvalidInput.field(field, "Choose active users")
    return found


# --- reviews ---------------------------------------------------------------------------------------------------


class ReviewListCreate(AuditedListView):
    """Referrals and reviews you can see. Opt-in filter: `stage=referral|review`, `status`."""

    serializer_class = s.ReviewSummarySerializer
    ordering = ("-referred_at", "-id")

    @extend_schema(
        parameters=[
            OpenApiParameter("stage", enum=["referral", "review"], required=False),
            OpenApiParameter("status", str, required=False),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        params = self.request.query_params
        qs = selectors.filter_stage(
            selectors.review_list_for_user(user=request_user(self.request)), params.get("stage")
        )
        if params.get("status"):
            qs = qs.filter(status=params["status"])
        return qs.select_related("referrer_agency")

    @extend_schema(
        request=s.ReferSerializer,
        responses={201: s.ReviewBoardSerializer},
        summary="Refer an adult for a Safeguarding Adults Review (Care Act s44)",
        examples=[
            OpenApiExample(
                "Mandatory, the adult died",
                request_only=True,
                value={
                    "basis": "mandatory_condition1_died",
                    "concern_about_joint_working": True,
                    "care_and_support_needs": True,
                    "serious_abuse_or_neglect": True,
                    "case_id": "3f0c1d9e-6d0b-4c1e-9a57-0c1f5e1d2a10",
                    "supporting_information": "Three agencies missed visits in the fortnight before.",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = s.ReferSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        user = request_user(request)
        case = None
        case_id = data.pop("case_id", None)
        if case_id is not None:
            from cases.models import Case

            case = registry.visible(Case, user=user).filter(pk=case_id).first()
            if case is None:
                record_denied(user=user, object_type=Case, object_id=case_id, route=route_name(request))
                raise InvalidInput.field("case_id", "Choose a case you can see")
        review = services.review_refer(by=user, case=case, **data)
        record_access(user=user, objects_or_ids=review, route=route_name(request))
        response = _review_body(request, review)
        response.status_code = status.HTTP_201_CREATED
        return response


class ReviewDetail(ApiView):
    @extend_schema(
        responses=s.ReviewBoardSerializer,
        summary="A review: in full for its board; the header (and, once published, the summary) for agencies",
    )
    def get(self, request: Request, pk: str) -> Response:
        return _review_body(request, _review(request, pk))

    @extend_schema(
        request=s.ReviewUpdateSerializer,
        responses=s.ReviewBoardSerializer,
        summary="Record the review's details (If-Match required): business unit; reviewer for the report",
    )
    def patch(self, request: Request, pk: str) -> Response:
        review = _review(request, pk)
        version = check_if_match(request, review)
        body = s.ReviewUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if "reviewer_id" in data:
            data["reviewer"] = _users([data.pop("reviewer_id")], "reviewer_id")[0]
        if "panel_member_ids" in data:
            data["panel_members"] = _users(data.pop("panel_member_ids"), "panel_member_ids")
        review = services.review_update(review=review, by=request_user(request), expected_version=version, **data)
        return _review_body(request, review)


class ReviewTransition(ApiView):
    @extend_schema(
        request=s.ReviewTransitionSerializer,
        responses=s.ReviewBoardSerializer,
        summary="Take a named step of the SAR lifecycle (409 when not allowed now; 403 for your role)",
        examples=[
            OpenApiExample(
                "Commission",
                request_only=True,
                value={"transition": "commission", "rationale": "Mandatory criteria met."},
            ),
            OpenApiExample(
                "Request chronologies",
                request_only=True,
                value={"transition": "request_chronologies", "agency_ids": ["…", "…"]},
            ),
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        review = _review(request, pk)
        body = s.ReviewTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        agencies = _agencies(data.pop("agency_ids"), "agency_ids") if data.get("agency_ids") else []
        data.pop("agency_ids", None)
        review = services.review_transition(review=review, by=request_user(request), agencies=agencies, **data)
        return _review_body(request, review)


def _board_or_published(request: Request, review: Review) -> None:
    """Recommendations are the board's until the report is published (then every agency that sees it)."""
    if not (review.is_published or selectors.has_full_access(user=request_user(request), review=review)):
        raise Http404("Not found")


class ReviewRecommendations(ApiView):
    @extend_schema(responses=s.RecommendationSerializer(many=True), summary="The review's recommendations")
    def get(self, request: Request, pk: str) -> Response:
        review = _review(request, pk)
        _board_or_published(request, review)
        rows = list(review.recommendations.all())
        return Response({"results": s.RecommendationSerializer(rows, many=True).data})

    @extend_schema(
        request=s.RecommendationCreateSerializer,
        responses={201: s.RecommendationSerializer},
        summary="Add a recommendation (the business unit)",
    )
    def post(self, request: Request, pk: str) -> Response:
        review = _review(request, pk)
        body = s.RecommendationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        rec = services.recommendation_add(review=review, by=request_user(request), **body.validated_data)
        return Response(s.RecommendationSerializer(rec).data, status=status.HTTP_201_CREATED)


class ReviewChronologies(ApiView):
    @extend_schema(
        responses=s.ChronologySerializer(many=True),
        summary="Chronology requests: all of them for the board; your agency's own otherwise",
    )
    def get(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        review = _review(request, pk)
        rows = list(selectors.chronologies_for_review(user=user, review=review))
        record_access(user=user, objects_or_ids=rows, route=route_name(request), purpose="SAR chronologies")
        return Response({"results": s.ChronologySerializer(rows, many=True).data})


class ChronologyRespond(ApiView):
    @extend_schema(
        request=s.ChronologyRespondSerializer,
        responses=s.ChronologySerializer,
        summary="Answer your agency's chronology request (answers the information request behind it)",
    )
    def post(self, request: Request, pk: str, request_id: str) -> Response:
        user = request_user(request)
        review = _review(request, pk)
        found = selectors.chronologies_for_review(user=user, review=review).filter(pk=request_id).first()
        if found is None:
            record_denied(
                user=user, object_type="reviews.chronologyrequest", object_id=request_id, route=route_name(request)
            )
            raise Http404("Not found")
        body = s.ChronologyRespondSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        done = services.chronology_respond(request=found, by=user, chronology=body.validated_data["chronology"])
        return Response(s.ChronologySerializer(done).data)


# --- action-plan items ---------------------------------------------------------------------------------------


def _item(request: Request, pk: Any) -> ReviewAction:
    return selectors.review_action_get_for_user(user=request_user(request), pk=pk, route=route_name(request))


def _item_body(item: ReviewAction) -> Response:
    fresh = (
        selectors.with_rag(ReviewAction.objects.filter(pk=item.pk))
        .select_related("recommendation__review", "owner_agency", "owner_person")
        .get()
    )
    return with_etag(Response(s.ReviewActionSerializer(fresh).data), fresh)


class ReviewActionListCreate(AuditedListView):
    """Action-plan items you can see with their RAG, Red first. Opt-in filters: `rag`, `review`, `mine=1`."""

    serializer_class = s.ReviewActionSerializer
    ordering = ("rag_order", "due_date", "id")

    @extend_schema(
        parameters=[
            OpenApiParameter("rag", enum=["red", "amber", "green", "blue", "none"], required=False),
            OpenApiParameter("review", str, required=False),
            OpenApiParameter("mine", enum=["1"], required=False),
        ]
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        params = self.request.query_params
        qs = selectors.review_actions_rated(user=user)
        if params.get("rag"):
            qs = qs.filter(rag=params["rag"])  # type: ignore[misc]
        if params.get("review"):
            try:
                qs = qs.filter(recommendation__review_id=params["review"])
            except Exception as exc:
                raise InvalidInput.field("review", "Give a review id") from exc
        if params.get("mine") == "1":
            from safeguarding.organisations.selectors import agency_of

            qs = qs.filter(owner_agency=agency_of(user))
        return qs

    @extend_schema(
        request=s.ReviewActionCreateSerializer,
        responses={201: s.ReviewActionSerializer},
        summary="Add an action-plan item to a recommendation (the business unit)",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = s.ReviewActionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        rec = (
            Recommendation.objects.select_related("review")
            .filter(pk=data["recommendation_id"], review__in=selectors.board_reviews(user=user))
            .first()
        )
        if rec is None:
            record_denied(
                user=user, object_type=Recommendation, object_id=data["recommendation_id"], route=route_name(request)
            )
            raise Http404("Not found")
        owner_person = _users([data["owner_person_id"]], "owner_person_id")[0] if data.get("owner_person_id") else None
        item = services.review_action_create(
            recommendation=rec,
            by=user,
            owner_agency=_agencies([data["owner_agency_id"]], "owner_agency_id")[0],
            owner_person=owner_person,
            description=data["description"],
            due_date=data["due_date"],
            impact_measure=data["impact_measure"],
        )
        response = _item_body(item)
        response.status_code = status.HTTP_201_CREATED
        return response


class ReviewActionDetail(ApiView):
    @extend_schema(responses=s.ReviewActionSerializer, summary="An action-plan item with its RAG")
    def get(self, request: Request, pk: str) -> Response:
        return _item_body(_item(request, pk))

    @extend_schema(
        request=s.ReviewActionUpdateSerializer,
        responses=s.ReviewActionSerializer,
        summary="A progress update by the owner (If-Match required): note, flag (at risk / off track), impact",
    )
    def patch(self, request: Request, pk: str) -> Response:
        item = _item(request, pk)
        version = check_if_match(request, item)
        body = s.ReviewActionUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        item = services.review_action_update(
            action=item,
            by=request_user(request),
            note=data["note"],
            owner_flag=data.get("owner_flag"),
            impact_measure=data.get("impact_measure"),
            expected_version=version,
        )
        return _item_body(item)


class ReviewActionEvidence(ApiView):
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        request={"multipart/form-data": s.EvidenceSerializer, "application/json": s.EvidenceSerializer},
        responses=s.ReviewActionSerializer,
        summary="Record evidence of completion (notes and files): the item awaits the business manager's check",
    )
    def post(self, request: Request, pk: str) -> Response:
        item = _item(request, pk)
        body = s.EvidenceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        item = services.review_action_complete(
            action=item,
            by=request_user(request),
            evidence_notes=body.validated_data["evidence_notes"],
            evidence_files=files,
        )
        return _item_body(item)


class ReviewActionVerify(ApiView):
    @extend_schema(
        request=None,
        responses=s.ReviewActionSerializer,
        summary="Verify the evidence (the SAB business manager): the item turns Blue",
    )
    def post(self, request: Request, pk: str) -> Response:
        item = _item(request, pk)
        return _item_body(services.review_action_verify(action=item, by=request_user(request)))


class ReviewActionCancel(ApiView):
    @extend_schema(
        request=s.CancelSerializer,
        responses=s.ReviewActionSerializer,
        summary="Cancel an item with the reason (the SAB business unit)",
    )
    def post(self, request: Request, pk: str) -> Response:
        item = _item(request, pk)
        body = s.CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return _item_body(
            services.review_action_cancel(action=item, by=request_user(request), reason=body.validated_data["reason"])
        )


# --- learning events -----------------------------------------------------------------------------------------


class LearningEventListCreate(AuditedListView):
    """Joint learning events in your area (none for commissioners)."""

    serializer_class = s.LearningEventSerializer
    ordering = ("-held_on", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return selectors.learning_event_list_for_user(user=request_user(self.request)).prefetch_related(
            "attendance__agency", "reviews", "themes"
        )

    @extend_schema(
        request=s.LearningEventCreateSerializer,
        responses={201: s.LearningEventSerializer},
        summary="Record a joint learning event with attendance by agency (the business unit)",
    )
    def post(self, request: Request) -> Response:
        user = request_user(request)
        body = s.LearningEventCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if selectors.unit_agency(user) is None:
            raise ActionForbidden("Only the SAB business unit records learning events.")
        reviews = list(selectors.board_reviews(user=user).filter(pk__in=data["review_ids"]))
        agencies = {str(a.pk): a for a in Agency.objects.filter(pk__in=[r["agency_id"] for r in data["attendance"]])}
        attendance = {
            agencies[str(r["agency_id"])]: r["attendees"] for r in data["attendance"] if str(r["agency_id"]) in agencies
        }
        event = services.learning_event_create(
            by=user,
            title=data["title"],
            format=data["format"],
            held_on=data["held_on"],
            summary=data["summary"],
            reviews=reviews,
            attendance=attendance,
        )
        return Response(s.LearningEventSerializer(event).data, status=status.HTTP_201_CREATED)


class LearningEventDetail(ApiView):
    @extend_schema(responses=s.LearningEventSerializer, summary="A learning event")
    def get(self, request: Request, pk: str) -> Response:
        user = request_user(request)
        event = selectors.learning_event_list_for_user(user=user).filter(pk=pk).first()
        if event is None:
            record_denied(user=user, object_type="reviews.learningevent", object_id=pk, route=route_name(request))
            raise Http404("Not found")
        return Response(s.LearningEventSerializer(event).data)
