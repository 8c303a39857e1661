"""The interface shell: "My work", the health check and friendly error pages."""

from __future__ import annotations

import time
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safeguarding import registry
from safeguarding.accounts.middleware import public


def home(request: HttpRequest) -> HttpResponse:
    return redirect("web:my-work")


def my_work(request: HttpRequest) -> HttpResponse:
    panels = registry.my_work_panels(request.user)  # type: ignore[arg-type]
    return render(request, "web/my_work.html", {"panels": panels})


def redis_client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def beat_heartbeat_age(client: redis.Redis | None = None) -> float | None:
    client = client or redis_client()
    value = client.get(settings.BEAT_HEARTBEAT_KEY)
    if value is None:
        return None
    return round(max(0.0, time.time() - float(value)), 1)


@public
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and Redis answer, 503 when either does not. The beat age is reported, not judged."""
    body: dict[str, Any] = {"database": "ok", "redis": "ok", "beat_heartbeat_age_s": None}
    status = 200
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        body["database"] = "unavailable"
        status = 503
    try:
        client = redis_client()
        client.ping()
        body["beat_heartbeat_age_s"] = beat_heartbeat_age(client)
    except Exception:
        body["redis"] = "unavailable"
        status = 503
    return JsonResponse(body, status=status)


_API_ERRORS = {
    400: "Bad request.",
    403: "You do not have permission to do this.",
    404: "Not found.",
    500: "Something went wrong. Quote the request id if you contact support.",
}


def _error(request: HttpRequest, template: str, status: int) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _API_ERRORS[status], "errors": {}}, status=status)
    return render(request, template, {"request_id": getattr(request, "request_id", "")}, status=status)


@public
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/400.html", 400)


@public
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/403.html", 403)


@public
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, "errors/404.html", 404)


@public
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, "errors/500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(request, "errors/403.html", 403)
