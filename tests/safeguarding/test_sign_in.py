from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from safeguarding.accounts.models import AuthEvent, AuthEventType, RecoveryCode, UserSession
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory
from tests.helpers import signed_in, totp_code

pytestmark = pytest.mark.django_db

SIGN_IN = reverse("accounts:sign-in")
VERIFY = reverse("accounts:mfa-verify")
ENROL = reverse("accounts:mfa-enrol")
MY_WORK = reverse("web:my-work")


def code_for(key_b32: str, at: float | None = None, offset_steps: int = 0) -> str:
    return totp_code(key_b32, at=at, offset_steps=offset_steps)


def password_step(client: Client, email: str, password: str = TEST_PASSWORD) -> object:
    return client.post(SIGN_IN, {"email": email, "password": password})


def test_first_sign_in_enrols_an_authenticator_then_lands_on_my_work() -> None:
    user = UserFactory(with_device=False)
    client = Client()
    response = password_step(client, user.email)
    assert response.status_code == 302 and response["Location"] == reverse("accounts:mfa")
    response = client.get(reverse("accounts:mfa"))
    assert response["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert b"<svg" in page.content
    key = re.search(rb'id="totp-key">([A-Z2-7]+)<', page.content).group(1).decode()
    response = client.post(ENROL, {"code": code_for(key)})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:recovery-codes")
    codes_page = client.get(response["Location"])
    assert codes_page.status_code == 200
    assert RecoveryCode.objects.filter(user=user, used_at=None).count() == 10
    assert client.get(MY_WORK).status_code == 200
    assert TOTPDevice.objects.get(user=user).confirmed
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.MFA_ENROLLED).exists()


def test_enrolment_refuses_a_wrong_code_with_an_error_summary() -> None:
    user = UserFactory(with_device=False)
    client = Client()
    password_step(client, user.email)
    client.get(ENROL)
    response = client.post(ENROL, {"code": "000000"})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert client.get(MY_WORK).status_code == 302


def test_sign_in_with_password_and_code_reaches_my_work_with_a_new_session_key() -> None:
    user = UserFactory()
    client = Client()
    client.get(SIGN_IN)
    password_step(client, user.email)
    key_after_password = client.session.session_key
    response = client.post(VERIFY, {"code": code_for(TEST_TOTP_KEY)})
    assert response.status_code == 302 and response["Location"] == MY_WORK
    assert client.session.session_key != key_after_password
    assert client.get(MY_WORK).status_code == 200
    assert UserSession.objects.filter(user=user, ended_at=None).count() == 1


def test_wrong_code_is_refused() -> None:
    user = UserFactory()
    client = Client()
    password_step(client, user.email)
    response = client.post(VERIFY, {"code": "123456" if code_for(TEST_TOTP_KEY) != "123456" else "654321"})
    assert response.status_code == 400
    assert client.get(MY_WORK).status_code == 302
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.MFA_FAILURE).count() == 1


def test_a_code_cannot_be_used_twice() -> None:
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False):
        code = code_for(TEST_TOTP_KEY)
        first = Client()
        password_step(first, user.email)
        assert first.post(VERIFY, {"code": code}).status_code == 302
        second = Client()
        password_step(second, user.email)
        response = second.post(VERIFY, {"code": code})
        assert response.status_code == 400
        assert second.get(MY_WORK).status_code == 302


def test_a_code_two_steps_old_is_refused() -> None:
    user = UserFactory()
    client = Client()
    password_step(client, user.email)
    old = code_for(TEST_TOTP_KEY, offset_steps=-2)
    assert client.post(VERIFY, {"code": old}).status_code == 400


def test_recovery_code_signs_in_once() -> None:
    from safeguarding.accounts.services import recovery_codes_issue

    user = UserFactory()
    codes = recovery_codes_issue(user=user)
    client = Client()
    password_step(client, user.email)
    response = client.post(reverse("accounts:mfa-recovery"), {"recovery_code": codes[0]})
    assert response.status_code == 302
    other = Client()
    password_step(other, user.email)
    assert other.post(reverse("accounts:mfa-recovery"), {"recovery_code": codes[0]}).status_code == 400


def _normalise(body: bytes) -> str:
    text = body.decode()
    text = re.sub(r'nonce="[^"]+"', 'nonce=""', text)
    text = re.sub(r'name="email" value="[^"]*"', 'name="email"', text)
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", text)


def test_eleven_failures_lock_the_account_even_with_the_right_password_and_unknown_accounts_look_the_same() -> None:
    user = UserFactory()
    known, unknown = Client(), Client()
    known_bodies, unknown_bodies = [], []
    for _ in range(10):
        known_bodies.append(password_step(known, user.email, "wrong-password-123").content)
        unknown_bodies.append(password_step(unknown, "nobody@example.test", "wrong-password-123").content)
    eleventh = password_step(known, user.email, TEST_PASSWORD)
    assert eleventh.status_code == 429
    assert known.get(MY_WORK).status_code == 302
    eleventh_unknown = password_step(unknown, "nobody@example.test", TEST_PASSWORD)
    assert _normalise(eleventh.content) == _normalise(eleventh_unknown.content)
    assert _normalise(known_bodies[0]) == _normalise(unknown_bodies[0])
    assert AuthEvent.objects.filter(user=user, event_type=AuthEventType.LOCKOUT).exists()


def test_lockout_lifts_after_five_minutes() -> None:
    user = UserFactory()
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(10):
            password_step(client, user.email, "wrong-password-123")
        assert password_step(client, user.email).status_code == 429
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        assert password_step(client, user.email).status_code == 302


def test_idle_timeout_after_fifteen_minutes_but_not_fourteen() -> None:
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(user)
        assert client.get(MY_WORK).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14), tick=False):
        assert client.get(MY_WORK).status_code == 200
    with time_machine.travel(start + timedelta(minutes=14 + 16), tick=False):
        response = client.get(MY_WORK)
        assert response.status_code == 302
        assert response["Location"].startswith(SIGN_IN)


def test_background_polling_does_not_extend_the_idle_timeout() -> None:
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(user)
        client.get(MY_WORK)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get(MY_WORK, headers={"X-Background-Poll": "1"}).status_code == 200
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        assert client.get(MY_WORK).status_code == 302


def test_absolute_limit_of_ten_hours_even_when_active() -> None:
    user = UserFactory()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client = signed_in(user)
    for minutes in range(10, 600, 10):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(MY_WORK).status_code == 200
    with time_machine.travel(start + timedelta(hours=10, minutes=5), tick=False):
        assert client.get(MY_WORK).status_code == 302


def test_sign_out_clears_the_session_and_site_data() -> None:
    user = UserFactory()
    client = signed_in(user)
    old_cookie = client.cookies["sessionid"].value
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert '"cookies"' in response["Clear-Site-Data"]
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get(MY_WORK).status_code == 302


def test_password_reset_ends_at_the_security_code_prompt(mailoutbox: list) -> None:
    user = UserFactory()
    client = Client()
    client.post(reverse("accounts:password-reset"), {"email": user.email})
    assert len(mailoutbox) == 1
    body = mailoutbox[0].body
    assert user.full_name not in body
    link = re.search(r"https?://[^/]+(/accounts/password-reset/[^\s]+)", body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a-brand-new-passphrase-2026"
    response = client.post(
        form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa")
    assert client.get(MY_WORK).status_code == 302  # still needs the security code


def test_password_rules_need_twelve_characters_and_refuse_common_passwords() -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("short-pw-1")
    with pytest.raises(ValidationError):
        validate_password("password1234")
    validate_password("x" * 64 + "-a-long-passphrase")


def test_enrolment_link_sets_a_password_once_and_leads_to_authenticator_setup() -> None:
    from safeguarding.accounts.services import enrolment_link_issue

    user = UserFactory(with_device=False, password=None)
    link = enrolment_link_issue(user=user)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    password = "a-first-passphrase-for-me"
    response = client.post(f"/{path}", {"new_password": password, "confirm_password": password})
    assert response.status_code == 302 and response["Location"] == ENROL
    assert Client().get(f"/{path}").status_code == 404
