"""Who viewed this case (checklist L1): the owning agency's safeguarding leads only (others 403; invisible 404)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import visible_case
from cases.selectors import Scope
from safeguarding.api.base import ApiView
from safeguarding.audit import views_access as access
from safeguarding.audit.api import AccessLogSerializer
from safeguarding.exceptions import ActionForbidden
from safeguarding.requests import request_user


class CaseAccessLog(ApiView, generics.ListAPIView):  # type: ignore[type-arg]
    """Every access-log row naming this case, newest first: reads, lists it appeared in, downloads, break-glass."""

    serializer_class = AccessLogSerializer
    ordering = ("-id",)

    def get_queryset(self):  # type: ignore[no-untyped-def]
        case, scope = visible_case(self.request, self.kwargs["pk"])
        if scope != Scope.OWNER or not access.may_see_who_viewed(request_user(self.request), case.owning_agency_id):
            raise ActionForbidden("Only the owning agency's safeguarding leads see who viewed this record.")
        return access.who_viewed(object_id=case.pk)

    @extend_schema(summary="Who viewed this case (the owning agency's safeguarding leads)")
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.list(request, *args, **kwargs)
