"""Routes a domain app would have, reduced to what the platform tests need."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from safeguarding import registry
from safeguarding.audit.services import record_access, record_denied
from tests.testapp.models import Widget


def _widget_or_denied(request: HttpRequest, pk: str, route: str) -> Any:
    try:
        return registry.get_visible_or_404(Widget, user=request.user, pk=pk)  # type: ignore[arg-type]
    except Http404:
        record_denied(user=request.user, object_type=Widget, object_id=pk, route=route)  # type: ignore[arg-type]
        raise


def widget_detail(request: HttpRequest, pk: str) -> HttpResponse:
    widget = _widget_or_denied(request, pk, "testapp:widget")
    record_access(user=request.user, objects_or_ids=widget, route="testapp:widget")  # type: ignore[arg-type]
    return HttpResponse(f"Widget {widget.name}")


def widget_detail_atomic(request: HttpRequest, pk: str) -> HttpResponse:
    """A read inside a transaction that a 404 rolls back (as ATOMIC_REQUESTS or a locking read would)."""
    with transaction.atomic():
        Widget.objects.filter(pk__in=[]).update(name="x")  # make the transaction do some work first
        widget = _widget_or_denied(request, pk, "testapp:widget-atomic")
        record_access(user=request.user, objects_or_ids=widget, route="testapp:widget-atomic")  # type: ignore[arg-type]
        return HttpResponse(f"Widget {widget.name}")


def widget_panel(request: HttpRequest) -> HttpResponse:
    return HttpResponse('<p class="govuk-body">Widgets panel</p>')


def widget_case_panel(request: HttpRequest, case_id: str) -> HttpResponse:
    return HttpResponse('<p class="govuk-body">Widgets on this case</p>')


class WidgetRename(APIView):
    class Input(serializers.Serializer[None]):
        name = serializers.CharField(max_length=100)

    @extend_schema(request=Input, responses={200: None}, exclude=True)
    def post(self, request: Request, pk: str) -> Response:
        widget = registry.get_visible_or_404(Widget, user=request.user, pk=pk)  # type: ignore[arg-type]
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        Widget.objects.filter(pk=widget.pk).update(name=data.validated_data["name"])
        return Response({"id": str(widget.pk), "name": data.validated_data["name"]})
