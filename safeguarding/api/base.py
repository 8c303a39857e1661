"""Shared API view pieces: audited lists, ETags, and the pghistory actor for token-authenticated requests."""

from __future__ import annotations

from typing import Any

import pghistory
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding.audit.services import record_access


class ApiView(APIView):
    """Base for the project's API views: change events carry the authenticated user (sessions and tokens)."""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.user.is_authenticated:
            # Token-authenticated requests are only known to DRF; pghistory merges this into the request context.
            self._history = pghistory.context(user=str(request.user.pk))
            self._history.__enter__()

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        history = getattr(self, "_history", None)
        if history is not None:
            history.__exit__(None, None, None)
            self._history = None
        return super().finalize_response(request, response, *args, **kwargs)


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

    def list_context(self, rows: list[Any]) -> dict[str, Any]:
        return self.get_serializer_context()


def with_etag(response: Response, obj: Any) -> Response:
    response["ETag"] = f'"{obj.pk}-{obj.version}"'
    return response
