"""Tracked actions API across every registered kind (plan, meeting and review actions): the list of every action the
caller can see (each kind read through its own visibility rule; `?mine=1` narrows to the caller's and their agency's),
completion with evidence, and verification. Invisible actions answer 404."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions.models import Action
from safeguarding.actions.selectors import ActionKey, get_visible_action, visible_actions_page
from safeguarding.actions.services import action_complete, action_verify
from safeguarding.api.base import ApiView
from safeguarding.audit.services import record_access
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.selectors import agency_of
from safeguarding.requests import request_user
from safeguarding.roles import MANAGER_ROLES

PAGE = 50
MAX_PAGE = 200


class TrackedActionSerializer(serializers.Serializer[Any]):
    id = serializers.UUIDField()
    kind = serializers.SerializerMethodField()
    kind_label = serializers.SerializerMethodField()
    description = serializers.CharField()
    owner_agency_id = serializers.UUIDField()
    owner_agency = serializers.CharField(source="owner_agency.name")
    owner_person = serializers.CharField(source="owner_person.full_name", default=None)
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    overdue = serializers.SerializerMethodField()
    evidence_notes = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    url = serializers.SerializerMethodField()

    def get_kind(self, obj: Action) -> str:
        return obj._meta.label_lower

    def get_kind_label(self, obj: Action) -> str:
        kind = next((k for k in registry.action_kinds() if k.model is type(obj)), None)
        return kind.label if kind else ""

    def get_overdue(self, obj: Action) -> bool:
        return obj.is_overdue()

    def get_url(self, obj: Action) -> str | None:
        return registry.object_url(obj)


class CompleteInput(serializers.Serializer[Any]):
    evidence_notes = serializers.CharField(allow_blank=True)


class TrackedActionPage(serializers.Serializer[Any]):
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = TrackedActionSerializer(many=True)


def _may_verify(action: Action, user: User) -> bool:
    kind = next((k for k in registry.action_kinds() if k.model is type(action)), None)
    if kind is not None and kind.may_verify is not None:
        return bool(kind.may_verify(action, user))
    agency = agency_of(user)
    return bool(agency is not None and agency.pk == action.owner_agency_id and user.has_role(*MANAGER_ROLES))


def _cursor(direction: str, key: ActionKey) -> str:
    payload = {
        "d": direction,
        "due": key.due_date.isoformat() if key.due_date else None,
        "at": key.created_at.isoformat(),
        "id": str(key.id),
    }
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()


def _position(cursor: str) -> tuple[str, ActionKey]:
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        key = ActionKey(
            due_date=date.fromisoformat(payload["due"]) if payload["due"] else None,
            created_at=datetime.fromisoformat(payload["at"]),
            id=UUID(payload["id"]),
        )
        if payload["d"] not in ("a", "b"):
            raise ValueError(payload["d"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput.field("cursor", "Use the cursor from a next or previous link") from exc
    return payload["d"], key


class ActionList(ApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("mine", str, description="1: only actions you or your agency own"),
            OpenApiParameter("status", str, description="open, in_progress, completed, verified or cancelled"),
            OpenApiParameter("cursor", str, description="The page cursor from next or previous"),
            OpenApiParameter("page_size", int, description=f"Rows per page (default {PAGE}, at most {MAX_PAGE})"),
        ],
        responses=TrackedActionPage,
        operation_id="actions_list",
        summary="Every tracked action you can see (plan, meeting and review actions), earliest due first",
    )
    def get(self, request: Request) -> Response:
        user = request_user(request)
        params = request.query_params
        direction, key = _position(params["cursor"]) if params.get("cursor") else ("a", None)
        try:
            size = min(max(int(params.get("page_size", PAGE)), 1), MAX_PAGE)
        except ValueError:
            size = PAGE
        page, more = visible_actions_page(
            user=user,
            mine=params.get("mine") == "1",
            status=params.get("status", ""),
            after=key if direction == "a" else None,
            before=key if direction == "b" else None,
            size=size,
        )
        record_access(
            user=user,
            objects_or_ids=page,
            object_type=",".join(sorted({a._meta.label_lower for a in page}))[:100] or "actions",
            route="api:action-list",
        )

        def link(to: str, action: Action) -> str:
            query = params.copy()
            query["cursor"] = _cursor(to, ActionKey.of(action))
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        # Paging forwards, there is a previous page whenever a cursor brought us here; paging back, a next one.
        has_next = more if direction == "a" else key is not None
        has_previous = key is not None if direction == "a" else more
        return Response(
            {
                "next": link("a", page[-1]) if page and has_next else None,
                "previous": link("b", page[0]) if page and has_previous else None,
                "results": TrackedActionSerializer(page, many=True).data,
            }
        )


class ActionDetail(ApiView):
    @extend_schema(responses=TrackedActionSerializer, summary="A tracked action you can see")
    def get(self, request: Request, pk: str) -> Response:
        action = get_visible_action(user=request_user(request), pk=pk, route="api:action-detail")
        return Response(TrackedActionSerializer(action).data)


class ActionComplete(ApiView):
    @extend_schema(
        request=CompleteInput,
        responses=TrackedActionSerializer,
        summary="Complete an action with evidence (its owner or owning agency)",
    )
    def post(self, request: Request, pk: str) -> Response:
        action = get_visible_action(user=request_user(request), pk=pk, route="api:action-complete")
        body = CompleteInput(data=request.data)
        body.is_valid(raise_exception=True)
        done = action_complete(
            action=action, by=request_user(request), evidence_notes=body.validated_data["evidence_notes"]
        )
        return Response(TrackedActionSerializer(done).data)


class ActionVerify(ApiView):
    @extend_schema(
        request=None,
        responses=TrackedActionSerializer,
        summary="Verify a completed action (someone other than the completer, as its kind decides)",
    )
    def post(self, request: Request, pk: str) -> Response:
        action = get_visible_action(user=request_user(request), pk=pk, route="api:action-verify")
        verified = action_verify(action=action, by=request_user(request), may_verify=_may_verify)
        return Response(TrackedActionSerializer(verified).data)
