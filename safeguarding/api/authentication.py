"""API authentication: a browser session counts only once MFA is verified; integrations use hashed tokens."""

from __future__ import annotations

import binascii
from hmac import compare_digest
from typing import Any

from django.http import HttpRequest
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework import exceptions
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

    def authenticate_credentials(self, token: bytes) -> tuple[Any, Any]:
        """knox's check, reading the token's user with their membership and agency in the same query: every API view
        needs the caller's agency and roles, so that is one round trip per request rather than three."""
        key = token.decode("utf-8")
        candidates = get_token_model().objects.filter(token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH])
        for auth_token in candidates.select_related("user__membership__agency"):
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(key)
            except (TypeError, binascii.Error) as exc:
                raise exceptions.AuthenticationFailed("Invalid token.") from exc
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed("Invalid token.")

    def authenticate_header(self, request: Request) -> str:
        return "Token"
