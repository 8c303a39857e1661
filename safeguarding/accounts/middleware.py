"""Sign-in enforcement and session lifetimes (security checklist A1, S1, S2).

Only the views marked ``@public`` (sign-in, health) are reachable anonymously, and only those marked
``@allow_unverified`` (MFA enrolment and verification, sign-out) are reachable after the password step but before
MFA. Everything else — the admin included — needs a fully verified session. The API authenticates in DRF, where a
session counts only once MFA is verified (``VerifiedSessionAuthentication``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.utils import timezone

from safeguarding.accounts.mfa import user_is_verified
from safeguarding.accounts.models import UserSession

__all__ = ["allow_unverified", "public", "user_is_verified"]

AUTH_AT = "sg_auth_at"
LAST_ACTIVITY = "sg_last_activity"
LAST_SEEN_WRITE = "sg_last_seen_write"
BACKGROUND_POLL_HEADER = "X-Background-Poll"


def public[F: Callable[..., Any]](view: F) -> F:
    """Mark a view reachable without signing in."""
    view.sign_in_public = True  # type: ignore[attr-defined]
    return view


def allow_unverified[F: Callable[..., Any]](view: F) -> F:
    """Mark a view reachable after the password step but before MFA (enrolment, verification, sign-out)."""
    view.allow_unverified = True  # type: ignore[attr-defined]
    return view


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_drf_view(view_func: Callable[..., Any]) -> bool:
    from rest_framework.views import APIView  # late: DRF's settings import the project's authentication

    view_class = getattr(view_func, "cls", None)
    return view_class is not None and issubclass(view_class, APIView)


def _wants_fragment(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _redirect(request: HttpRequest, to: str, **params: str) -> HttpResponse:
    url = resolve_url(to)
    if params:
        url = f"{url}?{urlencode(params)}"
    if _wants_fragment(request):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, (int, float)):
        return None
    return datetime.fromtimestamp(value, tz=timezone.get_current_timezone())


class SessionTimeoutMiddleware:
    """Idle timeout (15 minutes) and absolute limit (10 hours) on browser sessions, enforced server side.

    Background polling (requests carrying ``X-Background-Poll: 1``) is answered but does not count as activity.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        session = request.session
        now = timezone.now()
        auth_at = _timestamp(session.get(AUTH_AT))
        last = _timestamp(session.get(LAST_ACTIVITY))
        if auth_at is None:
            session[AUTH_AT] = now.timestamp()
            auth_at = now
        expired_reason = None
        if now - auth_at > settings.SESSION_ABSOLUTE_TIMEOUT:
            expired_reason = "absolute_timeout"
        elif last is not None and now - last > settings.SESSION_IDLE_TIMEOUT:
            expired_reason = "idle_timeout"
        if expired_reason:
            key = session.session_key
            logout(request)
            if key:
                UserSession.objects.filter(session_key=key, ended_at=None).update(
                    ended_at=now, end_reason=expired_reason
                )
            if _is_api(request):
                return JsonResponse({"detail": "Your session has expired. Sign in again."}, status=401)
            return _redirect(request, settings.LOGIN_URL, expired="1")
        if request.headers.get(BACKGROUND_POLL_HEADER) != "1":
            session[LAST_ACTIVITY] = now.timestamp()
            last_write = _timestamp(session.get(LAST_SEEN_WRITE))
            if session.session_key and (last_write is None or (now - last_write).total_seconds() > 60):
                session[LAST_SEEN_WRITE] = now.timestamp()
                UserSession.objects.filter(session_key=session.session_key).update(last_seen_at=now)
        return self.get_response(request)


class SignInRequiredMiddleware:
    """Deny by default: every non-public view needs a signed-in user who has passed MFA."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if getattr(view_func, "sign_in_public", False):
            return None
        if _is_drf_view(view_func):
            return None  # DRF authenticates API requests (sessions only once MFA is verified, or tokens).
        user = request.user
        if not user.is_authenticated:
            return _redirect(request, settings.LOGIN_URL, next=request.get_full_path())
        if not user_is_verified(user):
            if getattr(view_func, "allow_unverified", False):
                return None
            return _redirect(request, "accounts:mfa")
        return None
