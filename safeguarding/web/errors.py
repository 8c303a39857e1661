"""Service errors raised inside browser views become the right page, never a 500."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguarding.exceptions import ActionForbidden, ServiceError, TransitionNotAllowed


class ServiceErrorMiddleware:
    """ActionForbidden → the 403 page; TransitionNotAllowed → a 409 page saying why; other service errors → 400.

    Views handle field errors themselves (error summaries); this catches what escapes them. The API has its own
    exception handler.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ServiceError) or request.path.startswith("/api/"):
            return None
        if isinstance(exception, ActionForbidden):
            template, status = "errors/403.html", 403
        elif isinstance(exception, TransitionNotAllowed):
            template, status = "errors/409.html", 409
        else:
            template, status = "errors/400.html", 400
        return render(
            request,
            template,
            {"detail": exception.detail, "request_id": getattr(request, "request_id", "")},
            status=status,
        )
