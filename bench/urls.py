"""The service's URLs plus two benchmark-only endpoints (used only when ``ROOT_URLCONF=bench.urls``):

- ``/bench/cases-unfiltered/``: the case list API with the visibility filter removed (same table, ordering,
  serializer and pagination), the baseline for the filtered list;
- ``/bench/bare/``: a bare authenticated JSON response, the baseline for the audited detail.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response

from cases.api import CaseListCreate
from cases.models import Case
from safeguarding.api.base import ApiView
from safeguarding.urls import urlpatterns as service_urlpatterns


class UnfilteredCaseList(CaseListCreate):
    def get_queryset(self):  # type: ignore[no-untyped-def]
        return Case.objects.select_related("owning_agency", "area", "lead_practitioner", "adult", "team")

    def list_context(self, rows: Any) -> dict[str, Any]:
        from cases.selectors import Scope

        return {**self.get_serializer_context(), "scopes": {c.pk: Scope.OWNER for c in rows}}


class Bare(ApiView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns = [
    path("bench/cases-unfiltered/", UnfilteredCaseList.as_view(), name="bench-unfiltered"),
    path("bench/bare/", Bare.as_view(), name="bench-bare"),
    *service_urlpatterns,
]
handler404 = "safeguarding.web.views.page_not_found"
handler500 = "safeguarding.web.views.server_error"
