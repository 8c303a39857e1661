from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from knox.models import AuthToken
from rest_framework.test import APIClient

from safeguarding.accounts.models import AuthEvent, AuthEventType
from tests.factories import UserFactory
from tests.helpers import api_client, password_only

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"


def _issue(email: str) -> str:
    out = StringIO()
    call_command("issue_api_token", email, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def test_issue_api_token_prints_the_key_alone_on_the_last_line_and_stores_only_a_digest() -> None:
    user = UserFactory()
    key = _issue(user.email)
    assert " " not in key and len(key) >= 40
    token = AuthToken.objects.get(user=user)
    assert key not in (token.digest, token.token_key)
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.TOKEN_ISSUED).exists()


def test_token_authenticates_the_api() -> None:
    user = UserFactory()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {_issue(user.email)}")
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["id"] == str(user.pk)


def test_wrong_token_is_refused_with_401() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert client.get(ME).status_code == 401


def test_token_of_a_deactivated_user_stops_working() -> None:
    user = UserFactory()
    key = _issue(user.email)
    user.is_active = False
    user.save()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME).status_code == 401


def test_api_refuses_a_session_that_has_not_passed_mfa() -> None:
    client = password_only(UserFactory())
    assert client.get(ME).status_code in (401, 403)


def test_api_accepts_a_verified_session() -> None:
    user = UserFactory()
    assert api_client(user).get(ME).json()["roles"] == ["practitioner"]


def test_api_errors_use_the_common_body() -> None:
    response = APIClient().get(ME)
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "errors"}
    response = api_client(UserFactory()).get("/api/v1/no-such-route/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_openapi_schema_is_served_to_signed_in_users() -> None:
    response = api_client(UserFactory()).get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["openapi"].startswith("3.")


def test_api_docs_page_renders_for_signed_in_users() -> None:
    from tests.helpers import signed_in

    response = signed_in(UserFactory()).get("/api/docs/")
    assert response.status_code == 200
    assert b"/api/v1/me/" in response.content


def test_an_expired_token_is_refused_and_removed() -> None:
    from datetime import timedelta

    from django.utils import timezone

    user = UserFactory()
    key = _issue(user.email)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(ME).status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_a_token_reads_the_callers_membership_and_agency_with_the_user_in_one_query() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from safeguarding.api.authentication import ApiTokenAuthentication

    user = UserFactory()
    key = _issue(user.email)
    with CaptureQueriesContext(connection) as queries:
        found, _ = ApiTokenAuthentication().authenticate_credentials(key.encode())
        agency = found.agency_membership.agency
    assert agency == user.agency_membership.agency
    token_reads = [q for q in queries.captured_queries if "safeguarding_membership" in q["sql"]]
    assert len(token_reads) == 1 and "knox_authtoken" in token_reads[0]["sql"]


def test_a_token_of_a_user_without_a_membership_still_authenticates() -> None:
    from safeguarding.organisations.models import Membership

    user = UserFactory()
    key = _issue(user.email)
    Membership.objects.filter(user=user).delete()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(ME)
    assert response.status_code == 200 and response.json()["id"] == str(user.pk)
