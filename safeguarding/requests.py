"""Typed access to what every view reads from its request: the acting user, the route (for the access log), and
whether an id it carries is a UUID."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from rest_framework.request import Request

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def request_user(request: HttpRequest | Request) -> User:
    """The signed-in user (views and API views run behind sign-in, so never anonymous here)."""
    return request.user  # type: ignore[return-value]


def route_name(request: HttpRequest | Request) -> str:
    """The URL name the request resolved to, as the access log records it."""
    return request.resolver_match.view_name if request.resolver_match else ""


def is_uuid(value: Any) -> bool:
    """Whether an id from a URL or a form is a UUID at all (anything else is simply not found)."""
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
