"""The user's own account pages: password, email, authenticator and recovery codes (after re-authentication)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import AuthEvent, AuthEventType, RecoveryCode, UserSession
from safeguarding.accounts.services import recovery_code_use, recovery_codes_issue
from safeguarding.accounts.tasks import send_account_notice
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.helpers import signed_in, totp_code, tracked

pytestmark = pytest.mark.django_db

MY_WORK = reverse("web:my-work")


def confirmed(user: Any) -> Client:
    """A signed-in client that has just re-authenticated."""
    client = tracked(signed_in(user), user)
    response = client.post(reverse("accounts:reauth"), {"password": TEST_PASSWORD, "code": totp_code(TEST_TOTP_KEY)})
    assert response.status_code == 302
    return client


def test_the_account_page_summarises_the_account() -> None:
    user = UserFactory()
    recovery_codes_issue(user=user)
    tracked(signed_in(user), user)
    client = tracked(signed_in(user), user)
    page = client.get(reverse("accounts:account")).content.decode()
    assert user.email in page and "10 unused" in page and "1 signed in elsewhere" in page
    assert "Sign out of your other sessions" in page


def test_changing_the_password_keeps_this_session_and_ends_the_others() -> None:
    user = UserFactory()
    other = tracked(signed_in(user), user)
    client = confirmed(user)
    new = "a-completely-new-passphrase-2026"
    response = client.post(
        reverse("accounts:password-change"), {"new_password": new, "confirm_password": new}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("accounts:account")
    assert b"signed out on 1 other session" in response.content
    user.refresh_from_db()
    assert user.check_password(new)
    assert client.get(MY_WORK).status_code == 200
    assert other.get(MY_WORK).status_code == 302
    assert UserSession.objects.filter(user=user, ended_at=None).count() == 1
    assert UserSession.objects.filter(user=user, end_reason="password_changed").count() == 1
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.PASSWORD_CHANGED).exists()


def test_a_weak_password_is_refused_with_an_error_summary() -> None:
    client = confirmed(UserFactory())
    response = client.post(
        reverse("accounts:password-change"), {"new_password": "password1234", "confirm_password": "password1234"}
    )
    assert response.status_code == 400 and b"govuk-error-summary" in response.content


def test_changing_the_email_tells_the_old_address(django_capture_on_commit_callbacks: Any, mailoutbox: list) -> None:
    user = UserFactory()
    old = user.email
    client = confirmed(user)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("accounts:email-change"), {"email": "New.Address@Example.test"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new.address@example.test"
    assert len(callbacks) == 1
    send_account_notice(old, "email_changed")  # what the enqueued task does
    assert mailoutbox[0].to == [old]
    assert user.full_name not in mailoutbox[0].body and "new.address" not in mailoutbox[0].body
    event = AuthEvent.objects.get(user=user, event_type=AuthEventType.EMAIL_CHANGED)
    assert "@" not in event.detail


@pytest.mark.parametrize("taken", [True, False])
def test_an_email_already_in_use_or_unchanged_is_refused(taken: bool) -> None:
    user = UserFactory()
    address = UserFactory().email if taken else user.email
    response = confirmed(user).post(reverse("accounts:email-change"), {"email": address.upper()})
    assert response.status_code == 400 and b"govuk-error-summary" in response.content


def test_replacing_the_authenticator_confirms_the_new_app_and_issues_new_codes() -> None:
    user = UserFactory()
    old_codes = recovery_codes_issue(user=user)
    client = confirmed(user)
    page = client.get(reverse("accounts:authenticator-replace"))
    key = re.search(rb'id="totp-key">([A-Z2-7]+)<', page.content).group(1).decode()
    assert key != TEST_TOTP_KEY
    response = client.post(reverse("accounts:authenticator-replace"), {"code": totp_code(key)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:recovery-codes")
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200 and f'href="{reverse("accounts:account")}"'.encode() in codes_page.content
    devices = list(TOTPDevice.objects.filter(user=user))
    assert len(devices) == 1 and devices[0].confirmed
    assert devices[0].key != binascii.hexlify(base64.b32decode(TEST_TOTP_KEY)).decode()
    assert client.get(MY_WORK).status_code == 200  # this session rests on the new device
    assert not recovery_code_use(user=user, code=old_codes[0])
    assert RecoveryCode.objects.filter(user=user, used_at=None).count() == 10
    event = AuthEvent.objects.get(user=user, event_type=AuthEventType.MFA_RESET)
    assert event.actor == user and event.detail == "replaced by the user"


def test_a_wrong_code_keeps_the_old_authenticator() -> None:
    user = UserFactory()
    client = confirmed(user)
    client.get(reverse("accounts:authenticator-replace"))
    response = client.post(reverse("accounts:authenticator-replace"), {"code": totp_code(TEST_TOTP_KEY)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert client.get(MY_WORK).status_code == 200


def test_regenerating_recovery_codes_replaces_the_old_ones() -> None:
    user = UserFactory()
    old = recovery_codes_issue(user=user)
    client = confirmed(user)
    assert client.get(reverse("accounts:recovery-codes-regenerate")).status_code == 200
    response = client.post(reverse("accounts:recovery-codes-regenerate"))
    assert response["Location"] == reverse("accounts:recovery-codes")
    page = client.get(response["Location"]).content.decode()
    new = re.findall(r"<li>([0-9a-f]{6}-[0-9a-f]{6}-[0-9a-f]{6})</li>", page)
    assert len(new) == 10
    assert not recovery_code_use(user=user, code=old[0])
    assert recovery_code_use(user=user, code=new[0])
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.RECOVERY_CODES_ISSUED).count() == 1
    assert client.get(reverse("accounts:recovery-codes")).status_code == 302  # shown once only


def test_recovery_codes_are_stored_hashed() -> None:
    user = UserFactory()
    codes = recovery_codes_issue(user=user)
    stored = list(RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True))
    assert all(code.replace("-", "") not in h for code in codes for h in stored)
