"""Shared API view pieces: audited lists and ETags."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.audit.services import record_access


class ApiView(APIView):
    """Base for the project's API views (the authentication classes set the change-history actor)."""


class AuditedListView(ApiView, generics.ListAPIView):  # type: ignore[type-arg]
    """A list whose returned rows are written to the access log (one row per request, the ids on the page)."""

    audit_route = ""
    audit_purpose = ""

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page) if page is not None else list(queryset)
        record_access(
            user=request.user,  # type: ignore[arg-type]
            objects_or_ids=rows,
            object_type=queryset.model,
            route=self.audit_route or request.resolver_match.view_name,  # type: ignore[union-attr]
            purpose=self.audit_purpose,
        )
        data = self.get_serializer(rows, many=True, context=self.list_context(rows)).data
        return self.get_paginated_response(data) if page is not None else Response({"results": data})

    def list_context(self, rows: Sequence[Any]) -> dict[str, Any]:
        return dict(self.get_serializer_context())


def with_etag(response: Response, obj: Any) -> Response:
    response["ETag"] = f'"{obj.pk}-{obj.version}"'
    return response
