"""API authentication: a browser session counts only once MFA is verified; integrations use hashed tokens."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.request import Request

from safeguarding.accounts.mfa import user_is_verified


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores half-authenticated sessions (password entered, MFA not yet passed)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        underlying: HttpRequest = request._request
        if not user_is_verified(underlying.user):
            return None
        return user, None


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>``; keys are stored as digests (django-rest-knox) and die with the account.

    DRF authenticates after the middleware has opened the change-history context (with no user, since the
    request carried no session), so a token's user is named in that context here.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        result = super().authenticate(request)
        if result is not None:
            from safeguarding.audit.history import history_context_set_user

            history_context_set_user(result[0])
        return result

    def authenticate_header(self, request: Request) -> str:
        return "Token"
