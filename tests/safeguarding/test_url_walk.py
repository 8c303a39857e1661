"""Deny by default: walk every URL pattern (admin and DRF routes included) as anonymous and as a user who has
entered a password but not passed MFA. Only the routes listed here are public."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory
from tests.helpers import password_only

pytestmark = pytest.mark.django_db

# Reachable without signing in (route name → why).
PUBLIC = {
    "accounts:sign-in": "the sign-in page",
    "accounts:enrol-link": "one-time enrolment links (404 unless the token is valid)",
    "accounts:signed-out": "confirmation after signing out",
    "accounts:password-reset": "starting a password reset",
    "accounts:password-reset-sent": "password reset confirmation",
    "accounts:password-reset-confirm": "password reset links (ends at the MFA prompt)",
    "healthz": "load balancer health check (no data)",
}
# Reachable after the password step, before MFA.
HALF_AUTHENTICATED = {
    "accounts:mfa",
    "accounts:mfa-verify",
    "accounts:mfa-enrol",
    "accounts:mfa-recovery",
    "accounts:sign-out",
    "accounts:recovery-codes",
}
# A fixed id, so every xdist worker collects the same test ids.
SAMPLE = {"int": "1", "str": "x", "uuid": "00000000-0000-4000-8000-000000000001", "slug": "x", "path": "x"}


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), f"{namespace}{entry.name}" if entry.name else ""


def _concrete(route: str) -> str:
    import re

    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "").replace("\\", "")
    path = re.sub(r"\.\(\?P<format>[^)]*\)/?\??", "", path)
    return "/" + path.lstrip("/")


def all_routes() -> list[tuple[str, str]]:
    seen = {}
    for route, name in _walk(get_resolver()):
        if "(?P<format>" in route or route.endswith(".<format>"):
            continue
        seen[_concrete(route)] = name
    return sorted(seen.items())


def _refused(response: object, *, allow_404: bool = False) -> bool:
    status = response.status_code  # type: ignore[attr-defined]
    if status in (401, 403):
        return True
    if status == 302:
        location = response["Location"]  # type: ignore[index]
        return location.startswith("/accounts/sign-in") or location.startswith("/accounts/sign-in/security-code")
    if status == 405:
        return True  # method not allowed answers before any view logic runs
    return allow_404 and status == 404


@pytest.mark.parametrize(("path", "name"), all_routes())
def test_route_refuses_anonymous_users(path: str, name: str) -> None:
    if name in PUBLIC:
        return
    client = Client()
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert _refused(response), f"{method.upper()} {path} ({name}) answered {response.status_code} anonymously"


@pytest.mark.parametrize(("path", "name"), all_routes())
def test_route_refuses_password_only_sessions(path: str, name: str) -> None:
    if name in PUBLIC or name in HALF_AUTHENTICATED:
        return
    client = password_only(UserFactory())
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert _refused(response), f"{method.upper()} {path} ({name}) answered {response.status_code} before MFA"


def test_the_public_list_names_only_existing_routes() -> None:
    names = {name for _, name in all_routes()}
    assert set(PUBLIC) <= names
    assert names >= HALF_AUTHENTICATED
