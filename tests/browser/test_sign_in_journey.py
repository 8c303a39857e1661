from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_signs_in_with_password_and_totp_and_lands_on_my_work(journey: Journey) -> None:
    user = UserFactory(full_name="Priya Tester")
    journey.sign_in(user.email)
    journey.page.wait_for_url("**/my-work/")
    expect(journey.page.get_by_role("heading", name="My work")).to_be_visible()
    assert "Priya Tester" in journey.page.locator("header").inner_text()
    journey.check_accessible("my work")


def test_a_wrong_password_shows_the_error_summary(journey: Journey) -> None:
    user = UserFactory()
    journey.goto("/accounts/sign-in/")
    journey.page.get_by_label("Email address").fill(user.email)
    journey.page.get_by_label("Password").fill("not-the-password-at-all")
    journey.page.get_by_role("button", name="Continue").click()
    expect(journey.page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("sign-in with error")


def test_first_sign_in_sets_up_an_authenticator(journey: Journey) -> None:
    from tests.helpers import totp_code

    user = UserFactory(with_device=False)
    journey.goto("/accounts/sign-in/")
    journey.page.get_by_label("Email address").fill(user.email)
    journey.page.get_by_label("Password").fill("correct-horse-battery-staple-42")
    journey.page.get_by_role("button", name="Continue").click()
    journey.page.wait_for_url("**/set-up-authenticator/")
    journey.check_accessible("authenticator set-up")
    key = journey.page.locator("#totp-key").inner_text().strip()
    journey.page.get_by_label("Security code").fill(totp_code(key))
    journey.page.get_by_role("button", name="Confirm and continue").click()
    journey.page.wait_for_url("**/recovery-codes/")
    journey.check_accessible("recovery codes")
    journey.page.get_by_role("link", name="I have saved my codes").click()
    journey.page.wait_for_url("**/my-work/")
