"""Recent re-authentication (checklist S4): password and a current security code within ``RECENT_AUTH_WINDOW``.

Changing email, password or the authenticator — and, later, bulk exports and break-glass — need it. Use
``@require_recent_auth`` on function views (HTML: a redirect to the confirmation page, then back; API paths and
htmx: 403), ``RecentAuthRequired`` as a DRF permission, or ``check_recent_auth(request)`` inside a view.

The mark lives in the server-side session, tied to the user who earned it. API tokens have no session, so a
token-authenticated request never counts as recently authenticated: credentials cannot be changed with a token.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils import timezone
from rest_framework.permissions import BasePermission

from safeguarding.exceptions import ActionForbidden

RECENT_AUTH = "sg_recent_auth"
REAUTH_MESSAGE = "Confirm your password and security code before making this change."


class ReauthenticationRequired(ActionForbidden):
    """403: the action needs a recent re-authentication (raised by ``check_recent_auth``)."""

    default_detail = REAUTH_MESSAGE


def recent_auth_mark(request: HttpRequest, *, rotate: bool = True) -> None:
    """Record that the signed-in user has just proved their password and code (sign-in or re-authentication).

    With ``rotate`` the session key is rotated (a step-up gets a new key, checklist S2) and the session's tracking
    row follows it; sign-in passes ``rotate=False`` because it has just rotated the key itself.
    """
    user = request.user
    if rotate:
        from safeguarding.accounts.services import session_rekey

        old_key = request.session.session_key
        request.session.cycle_key()
        session_rekey(old_key=old_key, new_key=request.session.session_key)
    request.session[RECENT_AUTH] = {"user": str(user.pk), "at": timezone.now().timestamp()}


def recent_auth_at(request: HttpRequest) -> datetime | None:
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated:
        return None
    mark = session.get(RECENT_AUTH)
    if not isinstance(mark, dict) or mark.get("user") != str(user.pk) or session.get("_auth_user_id") != str(user.pk):
        return None
    at = mark.get("at")
    if not isinstance(at, (int, float)):
        return None
    return datetime.fromtimestamp(at, tz=timezone.get_current_timezone())


def has_recent_auth(request: HttpRequest) -> bool:
    at = recent_auth_at(request)
    if at is None:
        return False
    age = timezone.now() - at
    return age.total_seconds() >= -5 and age <= settings.RECENT_AUTH_WINDOW


def check_recent_auth(request: Any) -> None:
    """Raise ``ReauthenticationRequired`` (403) unless the request carries a recent re-authentication.

    Accepts a Django or DRF request. A DRF request authenticated by token never passes.
    """
    from safeguarding.api.authentication import VerifiedSessionAuthentication

    underlying = getattr(request, "_request", request)
    authenticator = getattr(request, "successful_authenticator", None)
    if authenticator is not None and not isinstance(authenticator, VerifiedSessionAuthentication):
        raise ReauthenticationRequired("Re-authentication needs a signed-in browser session; API tokens cannot.")
    if not has_recent_auth(underlying):
        raise ReauthenticationRequired()


def reauth_url(next_path: str) -> str:
    return f"{reverse('accounts:reauth')}?{urlencode({'next': next_path})}"


def require_recent_auth[F: Callable[..., HttpResponse]](view: F) -> F:
    """Decorator for function views: without a recent re-authentication, HTML requests go to the confirmation page
    (and come back afterwards); API and htmx requests get 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if has_recent_auth(request):
            return view(request, *args, **kwargs)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": REAUTH_MESSAGE, "errors": {}}, status=403)
        # A POST cannot be replayed after the detour: come back to the page that showed the form.
        target = request.get_full_path() if request.method == "GET" else request.path
        if request.headers.get("HX-Request") == "true":
            response = HttpResponse(status=403)
            response["HX-Redirect"] = reauth_url(target)
            return response
        return HttpResponseRedirect(reauth_url(target))

    wrapped.requires_recent_auth = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


class RecentAuthRequired(BasePermission):
    """DRF permission: 403 with the project's error body unless the session re-authenticated recently."""

    message = REAUTH_MESSAGE

    def has_permission(self, request: Any, view: Any) -> bool:
        check_recent_auth(request)
        return True
