"""Re-authentication within five minutes before credential changes (checklist S4)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from safeguarding.accounts.models import AuthEvent, AuthEventType, UserSession
from safeguarding.accounts.reauth import require_recent_auth
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.helpers import api_client, signed_in, totp_code, tracked

pytestmark = pytest.mark.django_db

REAUTH = reverse("accounts:reauth")
EMAIL = reverse("accounts:email-change")


def reauthenticate(client: Client, next_url: str = "", *, at: float | None = None) -> Any:
    return client.post(REAUTH, {"password": TEST_PASSWORD, "code": totp_code(TEST_TOTP_KEY, at=at), "next": next_url})


def test_a_credential_page_without_recent_auth_sends_you_to_confirm_and_back() -> None:
    client = signed_in(UserFactory())
    response = client.get(EMAIL)
    assert response.status_code == 302 and response["Location"] == f"{REAUTH}?next=%2Faccounts%2Femail%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'name="next" value="/accounts/email/"' in page.content
    response = reauthenticate(client, "/accounts/email/")
    assert response.status_code == 302 and response["Location"] == EMAIL
    assert client.get(EMAIL).status_code == 200


def test_posting_a_change_without_recent_auth_changes_nothing() -> None:
    user = UserFactory()
    response = signed_in(user).post(EMAIL, {"email": "new.address@example.test"})
    assert response.status_code == 302 and response["Location"].startswith(REAUTH)
    user.refresh_from_db()
    assert user.email != "new.address@example.test"


def test_the_confirmation_lasts_five_minutes() -> None:
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(user)
        reauthenticate(client, at=start.timestamp())
    with time_machine.travel(start + timedelta(minutes=4, seconds=50), tick=False):
        assert client.get(EMAIL).status_code == 200
    with time_machine.travel(start + timedelta(minutes=5, seconds=10), tick=False):
        assert client.get(EMAIL).status_code == 302


def test_a_sign_in_a_moment_ago_counts_as_recent() -> None:
    user = UserFactory()
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": user.email, "password": TEST_PASSWORD})
    client.post(reverse("accounts:mfa-verify"), {"code": totp_code(TEST_TOTP_KEY)})
    assert client.get(EMAIL).status_code == 200


def test_a_wrong_password_or_code_is_refused_and_recorded() -> None:
    user = UserFactory()
    client = signed_in(user)
    response = client.post(REAUTH, {"password": "not-my-password-at-all", "code": totp_code(TEST_TOTP_KEY)})
    assert response.status_code == 400 and b"govuk-error-summary" in response.content
    wrong = "123456" if totp_code(TEST_TOTP_KEY) != "123456" else "654321"
    response = client.post(REAUTH, {"password": TEST_PASSWORD, "code": wrong})
    assert response.status_code == 400
    details = list(AuthEvent.objects.filter(user=user).values_list("event_type", "detail"))
    assert (AuthEventType.SIGN_IN_FAILURE, "re-authentication") in details
    assert (AuthEventType.MFA_FAILURE, "re-authentication") in details
    assert client.get(EMAIL).status_code == 302


def test_re_authenticating_rotates_the_session_key_and_keeps_the_session_listed() -> None:
    user = UserFactory()
    client = tracked(signed_in(user), user)
    old_key = client.session.session_key
    reauthenticate(client)
    assert client.session.session_key != old_key
    assert UserSession.objects.filter(user=user, session_key=client.session.session_key, ended_at=None).exists()
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.REAUTHENTICATED).count() == 1


def test_a_next_address_off_this_site_is_ignored() -> None:
    client = signed_in(UserFactory())
    response = reauthenticate(client, "https://evil.example/steal")
    assert response["Location"] == reverse("accounts:account")


def test_htmx_requests_without_recent_auth_get_403_with_a_redirect_header() -> None:
    response = signed_in(UserFactory()).post(EMAIL, {"email": "x@example.test"}, headers={"HX-Request": "true"})
    assert response.status_code == 403 and response["HX-Redirect"].startswith(REAUTH)


def test_the_api_answers_403_without_recent_auth_and_200_with_it() -> None:
    user = UserFactory()
    client = api_client(user)
    response = client.post("/api/v1/me/email/", {"email": "changed@example.test"}, format="json")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Confirm your password and security code before making this change.",
        "errors": {},
    }
    client.post(REAUTH, {"password": TEST_PASSWORD, "code": totp_code(TEST_TOTP_KEY)})
    response = client.post("/api/v1/me/email/", {"email": "changed@example.test"}, format="json")
    assert response.status_code == 200 and response.json() == {"email": "changed@example.test"}


def test_an_api_token_can_never_change_credentials() -> None:
    user = UserFactory()
    out = StringIO()
    call_command("issue_api_token", user.email, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip().splitlines()[-1]}")
    response = client.post("/api/v1/me/email/", {"email": "changed@example.test"}, format="json")
    assert response.status_code == 403
    assert "API tokens cannot" in response.json()["detail"]


def test_require_recent_auth_marks_the_views_it_protects() -> None:
    from safeguarding.accounts import account_views, people_views

    for view in (
        account_views.email_change,
        account_views.password_change,
        account_views.authenticator_replace,
        account_views.recovery_codes_regenerate,
        people_views.person_mfa_reset,
    ):
        assert getattr(view, "requires_recent_auth", False), view.__name__
    assert require_recent_auth(lambda request: None).requires_recent_auth  # type: ignore[attr-defined]
