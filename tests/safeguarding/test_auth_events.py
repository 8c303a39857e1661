"""The authentication-event log (checklist L2): one row per event type, readable by admins and auditors of the
agency, filterable, and never showing passwords or codes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.accounts.models import AuthEvent, AuthEventType, User
from safeguarding.accounts.services import auth_event_record, recovery_codes_issue
from safeguarding.roles import Role
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.helpers import assert_access_rows, signed_in, totp_code

pytestmark = pytest.mark.django_db

LOG = reverse("accounts:auth-events")


def test_sign_in_success_failure_and_sign_out_are_each_one_event() -> None:
    user = UserFactory()
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": user.email, "password": "wrong-password-123"})
    client.post(reverse("accounts:sign-in"), {"email": user.email, "password": TEST_PASSWORD})
    client.post(reverse("accounts:mfa-verify"), {"code": totp_code(TEST_TOTP_KEY)})
    client.post(reverse("accounts:sign-out"))
    assert list(AuthEvent.objects.filter(user=user).order_by("id").values_list("event_type", flat=True)) == [
        AuthEventType.SIGN_IN_FAILURE,
        AuthEventType.SIGN_IN_SUCCESS,
        AuthEventType.MFA_SUCCESS,
        AuthEventType.SIGNED_OUT,
    ]


@pytest.mark.parametrize("role", [Role.AGENCY_ADMIN, Role.AUDITOR])
def test_admins_and_auditors_read_their_own_agencys_events_only(role: str) -> None:
    reader = UserFactory(roles=[role])
    colleague = UserFactory(agency=reader.agency_membership.agency)
    outsider = UserFactory()
    mine = auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=colleague)
    auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=outsider)
    auth_event_record(event_type=AuthEventType.SIGN_IN_FAILURE, identifier="nobody@example.test")
    with assert_access_rows(1, user=reader, object_ids=[mine.pk]):
        response = signed_in(reader).get(LOG)
    assert response.status_code == 200
    assert [e.pk for e in response.context["events"]] == [mine.pk]
    assert colleague.full_name.encode() in response.content and outsider.full_name.encode() not in response.content


def test_superusers_also_see_failures_against_unknown_accounts() -> None:
    root = UserFactory(roles=[])
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    unknown = auth_event_record(event_type=AuthEventType.SIGN_IN_FAILURE, identifier="nobody@example.test")
    response = signed_in(User.objects.get(pk=root.pk)).get(LOG)
    assert unknown.pk in [e.pk for e in response.context["events"]]
    assert b"nobody@example.test" not in response.content  # only a keyed digest is stored


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.SAFEGUARDING_LEAD, Role.COMMISSIONER])
def test_other_roles_may_not_read_the_log(role: str) -> None:
    assert signed_in(UserFactory(roles=[role])).get(LOG).status_code == 403


def test_the_log_is_filtered_by_person_event_and_dates() -> None:
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    agency = admin.agency_membership.agency
    alice, bob = UserFactory(agency=agency), UserFactory(agency=agency)
    base = timezone.make_aware(datetime(2026, 11, 2, 10, 0))
    for day, who, kind in [(0, alice, "sign_in_success"), (1, bob, "sign_in_success"), (2, alice, "lockout")]:
        with time_machine.travel(base + timedelta(days=day), tick=False):
            auth_event_record(event_type=AuthEventType(kind), user=who)
    client = signed_in(admin)

    def shown(**query: Any) -> list[tuple[str, str]]:
        response = client.get(LOG, query)
        assert response.status_code == 200
        return [(e.user.full_name, e.event_type) for e in response.context["events"] if e.user in (alice, bob)]

    assert shown(user=alice.pk) == [(alice.full_name, "lockout"), (alice.full_name, "sign_in_success")]
    assert shown(event_type="lockout") == [(alice.full_name, "lockout")]
    assert shown(
        date_from_0="3", date_from_1="11", date_from_2="2026", date_to_0="3", date_to_1="11", date_to_2="2026"
    ) == [(bob.full_name, "sign_in_success")]
    bad = client.get(LOG, {"date_from_0": "31", "date_from_1": "2", "date_from_2": "2026"})
    assert b"govuk-error-summary" in bad.content and bad.context["events"] == []


def test_the_log_never_shows_passwords_or_codes() -> None:
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    user = UserFactory(agency=admin.agency_membership.agency)
    secret_password = "my-secret-password-attempt"
    client = Client()
    client.post(reverse("accounts:sign-in"), {"email": user.email, "password": secret_password})
    client.post(reverse("accounts:sign-in"), {"email": user.email, "password": TEST_PASSWORD})
    wrong_code = "123456" if totp_code(TEST_TOTP_KEY) != "123456" else "654321"
    client.post(reverse("accounts:mfa-verify"), {"code": wrong_code})
    codes = recovery_codes_issue(user=user)
    client.post(reverse("accounts:mfa-recovery"), {"recovery_code": codes[0]})
    page = signed_in(admin).get(LOG).content.decode()
    assert "Sign-in failed" in page and "MFA code refused" in page and "Recovery code used" in page
    for secret in (secret_password, TEST_PASSWORD, wrong_code, codes[0], codes[0].replace("-", "")):
        assert secret not in page


def test_the_log_pages_backwards_at_a_steady_query_cost(django_assert_num_queries: Any) -> None:
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    user = UserFactory(agency=admin.agency_membership.agency)
    auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=user)
    client = signed_in(admin)
    client.get(LOG)
    with CaptureQueriesContext(connection) as one:
        client.get(LOG)
    for _ in range(60):
        auth_event_record(event_type=AuthEventType.SIGN_IN_SUCCESS, user=user, actor=admin)
    with django_assert_num_queries(len(one.captured_queries)):
        first = client.get(LOG)
    assert len(first.context["events"]) == 50 and first.context["older"]
    second = client.get(LOG, {"before": first.context["older"]})
    assert len(second.context["events"]) == 11 and not second.context["older"]
