"""Meetings API (thin: validate, call one selector or service, serialise). An invisible meeting, an agenda item about
a case the caller cannot see, and restricted material outside the restricted audience all answer 404; a forbidden
action on a visible meeting 403; a transition not allowed now 409."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from cases.selectors import case_list_for_user
from meetings import selectors as sel
from meetings import serializers as s
from meetings import services
from meetings.models import AgendaItem, Contribution, Meeting, MeetingAction, MeetingStatus, Minutes, MinutesStatus
from safeguarding.accounts.models import User
from safeguarding.api.base import ApiView, AuditedListView, with_etag
from safeguarding.api.concurrency import check_if_match
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user, route_name


def _meeting(request: Request, pk: Any) -> Meeting:
    return sel.meeting_get_for_user(user=request_user(request), pk=pk, route=route_name(request))


def _results(data: Any) -> Response:
    return Response({"next": None, "previous": None, "results": data})


def _created(data: Any) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)


def _item_or_404(request: Request, meeting: Meeting, item_id: Any) -> AgendaItem | None:
    if item_id is None:
        return None
    item = sel.agenda_for_user(meeting=meeting, user=request_user(request)).filter(pk=item_id).first()
    if item is None:
        raise InvalidInput.field("agenda_item_id", "Choose an item on this meeting's agenda")
    return item


def _user_or_none(user_id: Any, field: str) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(pk=user_id, is_active=True).first()
    if found is None:
        raise InvalidInput.field(field, "No active person has this id")
    return found


def _agency(agency_id: Any, field: str) -> Agency:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise InvalidInput.field(field, "No agency has this id")
    return agency


# --- meetings ---------------------------------------------------------------------------------------------------


class MeetingListCreate(AuditedListView):
    """Meetings you can see. Opt-in filters: `status`, `meeting_type`, `mine=1` (you chair or coordinate)."""

    serializer_class = s.MeetingSerializer
    ordering = ("-scheduled_at", "id")

    def get_queryset(self):  # type: ignore[no-untyped-def]
        user = request_user(self.request)
        qs = sel.meeting_list_for_user(user=user).select_related("chair", "chair_agency", "coordinator", "area")
        params = self.request.query_params
        if params.get("status") in MeetingStatus.values:
            qs = qs.filter(status=params["status"])
        if params.get("meeting_type"):
            qs = qs.filter(meeting_type=params["meeting_type"])
        if params.get("mine") == "1":
            from django.db.models import Q

            qs = qs.filter(Q(chair=user) | Q(coordinator=user))
        return qs

    @extend_schema(
        request=s.MeetingCreateSerializer,
        responses={201: s.MeetingSerializer},
        summary="Arrange a meeting (organiser roles); the chair is a safeguarding lead or a meeting chair",
        examples=[
            OpenApiExample(
                "A MARAC sitting",
                request_only=True,
                value={
                    "meeting_type": "marac",
                    "title": "MARAC, North, March",
                    "scheduled_at": "2026-03-12T10:00:00+00:00",
                    "chair_id": "…",
                    "coordinator_id": "…",
                    "venue": "Police HQ, room 2",
                },
            )
        ],
    )
    def post(self, request: Request) -> Response:
        body = s.MeetingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        user = request_user(request)
        chair = _user_or_none(data["chair_id"], "chair_id")
        assert chair is not None
        own = agency_of(user)
        area = (
            Area.objects.filter(pk=data["area_id"]).first()
            if data.get("area_id")
            else (Area.objects.filter(agencies=own).first() if own is not None else None)
        )
        if area is None:
            raise InvalidInput.field("area_id", "Choose the area the meeting serves")
        meeting = services.meeting_create(
            by=user,
            meeting_type=data["meeting_type"],
            title=data["title"],
            area=area,
            scheduled_at=data["scheduled_at"],
            chair=chair,
            coordinator=_user_or_none(data.get("coordinator_id"), "coordinator_id"),
            venue=data["venue"],
            link=data["link"],
            action_window_days=data["action_window_days"],
        )
        record_access(user=user, objects_or_ids=meeting, route=route_name(request))
        return with_etag(_created(s.MeetingSerializer(meeting).data), meeting)


class MeetingDetail(ApiView):
    @extend_schema(responses=s.MeetingSerializer, summary="A meeting you can see")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        return with_etag(Response(s.MeetingSerializer(meeting).data), meeting)


class MeetingTransitions(ApiView):
    @extend_schema(
        request=s.MeetingTransitionSerializer,
        responses=s.MeetingSerializer,
        summary="Move the meeting on: start, hold, close, or cancel (with a reason); organisers only",
        examples=[OpenApiExample("Hold", request_only=True, value={"transition": "hold"})],
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.MeetingTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.meeting_transition(meeting=meeting, by=request_user(request), **body.validated_data)
        return with_etag(Response(s.MeetingSerializer(meeting).data), meeting)


class MeetingReschedule(ApiView):
    @extend_schema(
        request=s.MeetingRescheduleSerializer,
        responses=s.MeetingSerializer,
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True)],
        summary="Move a planned meeting to a new time, with the reason (organisers; If-Match). Contributions still "
        "owed are due again from the new date; everyone invited is told",
        examples=[
            OpenApiExample(
                "Move", request_only=True, value={"scheduled_at": "2026-12-08T10:00:00Z", "reason": "Chair unwell"}
            )
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        version = check_if_match(request, meeting)
        body = s.MeetingRescheduleSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        meeting = services.meeting_reschedule(
            meeting=meeting, by=request_user(request), expected_version=version, **body.validated_data
        )
        return with_etag(Response(s.MeetingSerializer(meeting).data), meeting)


class MeetingMetrics(ApiView):
    @extend_schema(responses=s.MetricSerializer(many=True), summary="Contribution by agency for this meeting")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        rows = sel.contribution_metrics(meetings=Meeting.objects.filter(pk=meeting.pk))
        return _results(s.MetricSerializer(rows, many=True).data)


# --- agenda -----------------------------------------------------------------------------------------------------


class Agenda(ApiView):
    @extend_schema(
        responses=s.AgendaItemSerializer(many=True),
        summary="Agenda items you can see (a case item shows once its owner has shared the case with you)",
    )
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        items = list(sel.agenda_for_user(meeting=meeting, user=request_user(request)))
        record_access(
            user=request_user(request), objects_or_ids=items, object_type=AgendaItem, route=route_name(request)
        )
        return _results(s.AgendaItemSerializer(items, many=True).data)

    @extend_schema(
        request=s.AgendaAddSerializer,
        responses={201: s.AgendaItemSerializer(many=True)},
        summary="Add a case or a listed MARAC referral, or build a MARAC agenda from the listed referrals",
        examples=[
            OpenApiExample("A case", request_only=True, value={"case_id": "…"}),
            OpenApiExample("MARAC agenda", request_only=True, value={"build_from_referrals": True}),
        ],
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        user = request_user(request)
        body = s.AgendaAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data["build_from_referrals"]:
            items = services.agenda_build_from_referrals(meeting=meeting, by=user)
        elif data.get("referral_id"):
            from referrals.selectors import referral_list_for_user

            referral = referral_list_for_user(user=user).filter(pk=data["referral_id"]).first()
            if referral is None:
                raise InvalidInput.field("referral_id", "No referral you can see has this id")
            items = [services.agenda_add_referral(meeting=meeting, by=user, referral=referral)]
        elif data.get("case_id"):
            case = case_list_for_user(user=user).filter(pk=data["case_id"]).first()
            if case is None:
                raise InvalidInput.field("case_id", "No case you can see has this id")
            items = [services.agenda_add_case(meeting=meeting, by=user, case=case, is_repeat=data["is_repeat"])]
        else:
            raise InvalidInput.field("case_id", "Give a case, a referral, or build_from_referrals")
        return _created(s.AgendaItemSerializer(items, many=True).data)


def _visible_item(request: Request, meeting: Meeting, item_id: Any) -> AgendaItem:
    item = sel.agenda_for_user(meeting=meeting, user=request_user(request)).filter(pk=item_id).first()
    if item is None:
        record_denied(user=request_user(request), object_type=AgendaItem, object_id=item_id, route=route_name(request))
        raise Http404("Not found")
    return item


class AgendaItemDetail(ApiView):
    @extend_schema(responses=s.AgendaItemSerializer, summary="An agenda item (404 until its case is shared with you)")
    def get(self, request: Request, pk: str, item_id: str) -> Response:
        item = _visible_item(request, _meeting(request, pk), item_id)
        record_access(user=request_user(request), objects_or_ids=item, route=route_name(request))
        return with_etag(Response(s.AgendaItemSerializer(item).data), item)

    @extend_schema(
        request=s.AgendaItemInput,
        responses=s.AgendaItemSerializer,
        summary="Record the discussion, the adult's views and who took part (organisers; If-Match)",
    )
    def patch(self, request: Request, pk: str, item_id: str) -> Response:
        item = _visible_item(request, _meeting(request, pk), item_id)
        version = check_if_match(request, item)
        body = s.AgendaItemInput(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.agenda_item_record(
            item=item, by=request_user(request), expected_version=version, **body.validated_data
        )
        return with_etag(Response(s.AgendaItemSerializer(item).data), item)


class AgendaItemUpdateCase(ApiView):
    @extend_schema(
        request=s.UpdateCaseInput,
        responses=s.AgendaItemSerializer,
        summary="Strategy meetings and joint risk planning forums: update the case's risk summary and review its plan",
    )
    def post(self, request: Request, pk: str, item_id: str) -> Response:
        item = _visible_item(request, _meeting(request, pk), item_id)
        body = s.UpdateCaseInput(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.agenda_item_update_case(item=item, by=request_user(request), **body.validated_data)
        return Response(s.AgendaItemSerializer(item).data)


class AgendaSharingDecision(ApiView):
    @extend_schema(
        request=s.SharingDecisionInput,
        responses=s.AgendaItemSerializer,
        summary="The owning agency's sharing decision for an agenda item (one decision per invited agency)",
    )
    def post(self, request: Request, pk: str, item_id: str) -> Response:
        meeting = _meeting(request, pk)
        item = sel.agenda_for_user(meeting=meeting, user=request_user(request)).filter(pk=item_id).first()
        if item is None:
            raise Http404("Not found")
        body = s.SharingDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        item = services.agenda_item_share(item=item, by=request_user(request), **body.validated_data)
        return Response(s.AgendaItemSerializer(item).data)


# --- invitations --------------------------------------------------------------------------------------------------


class Invitations(ApiView):
    @extend_schema(responses=s.InvitationSerializer(many=True), summary="Invited agencies and their replies")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        rows = meeting.invitations.select_related("agency", "person").order_by("agency__name")
        return _results(s.InvitationSerializer(rows, many=True).data)

    @extend_schema(
        request=s.InvitationCreateSerializer,
        responses={201: s.InvitationSerializer},
        summary="Invite an agency (and its named representative); notifies it and starts its contribution clock",
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.InvitationCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_add(
            meeting=meeting,
            by=request_user(request),
            agency=_agency(body.validated_data["agency_id"], "agency_id"),
            person=_user_or_none(body.validated_data.get("person_id"), "person_id"),
        )
        return _created(s.InvitationSerializer(invitation).data)


class InvitationRsvp(ApiView):
    @extend_schema(request=s.RsvpSerializer, responses=s.InvitationSerializer, summary="The invited agency's reply")
    def post(self, request: Request, pk: str, invitation_id: str) -> Response:
        meeting = _meeting(request, pk)
        invitation = meeting.invitations.filter(pk=invitation_id).first()
        if invitation is None:
            raise Http404("Not found")
        body = s.RsvpSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        invitation = services.invitation_rsvp(invitation=invitation, by=request_user(request), **body.validated_data)
        return Response(s.InvitationSerializer(invitation).data)


# --- attendance, contributions, decisions, actions -------------------------------------------------------------


class AttendanceView(ApiView):
    @extend_schema(responses=s.MeetingAttendanceSerializer(many=True), summary="Attendance by agency")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        rows = meeting.attendance.select_related("agency").order_by("agency__name")
        return _results(s.MeetingAttendanceSerializer(rows, many=True).data)

    @extend_schema(
        request=s.AttendanceInput,
        responses={201: s.MeetingAttendanceSerializer},
        summary="Record an agency's attendance (for MARAC and MAPPA the confidentiality acknowledgement too)",
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.AttendanceInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        row = services.attendance_record(
            meeting=meeting, by=request_user(request), agency=_agency(data.pop("agency_id"), "agency_id"), **data
        )
        return _created(s.MeetingAttendanceSerializer(row).data)


class Contributions(ApiView):
    @extend_schema(
        responses=s.ContributionSerializer(many=True),
        summary="Contributions (MARAC research: restricted audience only, 404 for anyone else)",
    )
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        user = request_user(request)
        if meeting.research_restricted:
            sel.restricted_or_404(meeting, user, route=route_name(request), what=Contribution)
        rows = list(sel.contributions_for_user(meeting=meeting, user=user).select_related("meeting"))
        record_access(user=user, objects_or_ids=rows, object_type=Contribution, route=route_name(request))
        return _results(s.ContributionSerializer(rows, many=True).data)

    @extend_schema(
        request=s.ContributionInput,
        responses={201: s.ContributionSerializer},
        summary="Your agency's contribution before the meeting (meets its contribution clock)",
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.ContributionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = _item_or_404(request, meeting, data.pop("agenda_item_id", None))
        contribution = services.contribution_submit(meeting=meeting, by=request_user(request), agenda_item=item, **data)
        return _created(s.ContributionSerializer(contribution).data)


class Decisions(ApiView):
    @extend_schema(responses=s.MeetingDecisionSerializer(many=True), summary="Decisions on items you can see")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        items = sel.agenda_for_user(meeting=meeting, user=request_user(request)).values("pk")
        from django.db.models import Q

        rows = meeting.decisions.filter(Q(agenda_item__isnull=True) | Q(agenda_item__in=items))
        return _results(s.MeetingDecisionSerializer(rows, many=True).data)

    @extend_schema(
        request=s.MeetingDecisionInput, responses={201: s.MeetingDecisionSerializer}, summary="Record a decision"
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.MeetingDecisionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        item = _item_or_404(request, meeting, data.pop("agenda_item_id", None))
        decision = services.decision_record(meeting=meeting, by=request_user(request), agenda_item=item, **data)
        return _created(s.MeetingDecisionSerializer(decision).data)


class MeetingActions(ApiView):
    @extend_schema(responses=s.MeetingActionSerializer(many=True), summary="This meeting's actions you can see")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        rows = list(sel.actions_for_meeting(meeting=meeting, user=request_user(request)))
        record_access(
            user=request_user(request), objects_or_ids=rows, object_type=MeetingAction, route=route_name(request)
        )
        return _results(s.MeetingActionSerializer(rows, many=True).data)

    @extend_schema(
        request=s.ActionInput,
        responses={201: s.MeetingActionSerializer},
        summary="Add a tracked action (owner agency and person, due on the clock engine)",
    )
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        body = s.ActionInput(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        action = services.meeting_action_add(
            meeting=meeting,
            by=request_user(request),
            owner_agency=_agency(data["owner_agency_id"], "owner_agency_id"),
            owner_person=_user_or_none(data.get("owner_person_id"), "owner_person_id"),
            description=data["description"],
            due_date=data.get("due_date"),
            agenda_item=_item_or_404(request, meeting, data.get("agenda_item_id")),
        )
        return _created(s.MeetingActionSerializer(action).data)


# --- minutes ------------------------------------------------------------------------------------------------------


def _minutes_response(minutes: Minutes) -> Response:
    minutes = Minutes.objects.select_related("meeting").prefetch_related("addenda__added_by").get(pk=minutes.pk)
    return with_etag(Response(s.MinutesSerializer(minutes).data), minutes)


def _minutes_or_404(request: Request, meeting: Meeting) -> Minutes:
    minutes = sel.minutes_for_user(meeting=meeting, user=request_user(request), route=route_name(request))
    if minutes is None:
        raise Http404("Not found")
    return minutes


class MinutesView(ApiView):
    @extend_schema(responses=s.MinutesSerializer, summary="The minutes (restricted for MARAC and MAPPA: 404 outside)")
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        return _minutes_response(_minutes_or_404(request, meeting))

    @extend_schema(
        request=s.MinutesInput,
        responses=s.MinutesSerializer,
        summary="Save the draft (organisers; If-Match needed once the draft exists)",
    )
    def put(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        current = sel.minutes_for_user(meeting=meeting, user=request_user(request), route=route_name(request))
        version = check_if_match(request, current) if current is not None else None
        body = s.MinutesInput(data=request.data)
        body.is_valid(raise_exception=True)
        minutes = services.minutes_save_draft(
            meeting=meeting, by=request_user(request), expected_version=version, **body.validated_data
        )
        return _minutes_response(minutes)


class MinutesApprove(ApiView):
    @extend_schema(request=None, responses=s.MinutesSerializer, summary="The chair approves the draft")
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        _minutes_or_404(request, meeting)
        return _minutes_response(services.minutes_approve(meeting=meeting, by=request_user(request)))


class MinutesIssue(ApiView):
    @extend_schema(request=None, responses=s.MinutesSerializer, summary="Issue approved minutes (locked from now)")
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        _minutes_or_404(request, meeting)
        return _minutes_response(services.minutes_issue(meeting=meeting, by=request_user(request)))


class MinutesAddenda(ApiView):
    @extend_schema(request=s.AddendumInput, responses={201: s.MinutesSerializer}, summary="Add an addendum")
    def post(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        minutes = _minutes_or_404(request, meeting)
        body = s.AddendumInput(data=request.data)
        body.is_valid(raise_exception=True)
        services.minutes_addendum(meeting=meeting, by=request_user(request), text=body.validated_data["text"])
        response = _minutes_response(minutes)
        response.status_code = status.HTTP_201_CREATED
        return response


class ExecutiveSummary(ApiView):
    @extend_schema(
        responses=s.ExecutiveSummarySerializer,
        summary="The executive summary of issued minutes: what anyone who can see the meeting (or a third party) gets",
    )
    def get(self, request: Request, pk: str) -> Response:
        meeting = _meeting(request, pk)
        minutes = Minutes.objects.filter(meeting=meeting, status=MinutesStatus.ISSUED).first()
        if minutes is None:
            record_denied(
                user=request_user(request), object_type=Minutes, object_id=meeting.pk, route=route_name(request)
            )
            raise Http404("Not found")
        return Response(
            s.ExecutiveSummarySerializer(
                {
                    "meeting_id": meeting.pk,
                    "meeting_type": meeting.meeting_type,
                    "marking": meeting.marking,
                    "executive_summary": minutes.executive_summary,
                    "issued_at": minutes.issued_at,
                }
            ).data
        )
