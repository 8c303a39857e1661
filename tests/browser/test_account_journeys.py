from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from safeguarding.accounts.models import AuthEventType, UserSession
from safeguarding.accounts.services import auth_event_record
from safeguarding.roles import Role
from tests.browser.conftest import Journey
from tests.factories import TEST_PASSWORD, TEST_TOTP_KEY, UserFactory, WidgetActionFactory, WidgetFactory
from tests.helpers import signed_in, totp_code, tracked

pytestmark = pytest.mark.django_db(transaction=True)

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_a_user_sees_their_sessions_and_ends_another_one(journey: Journey) -> None:
    user = UserFactory()
    elsewhere = tracked(signed_in(user), user, FIREFOX)
    UserSession.objects.filter(user=user).update(created_at=timezone.now() - timedelta(hours=2))
    journey.sign_in(user.email)
    journey.page.wait_for_url("**/my-work/")
    journey.page.get_by_role("link", name="Your account").click()
    journey.page.wait_for_url("**/accounts/")
    expect(journey.page.get_by_text("1 signed in elsewhere")).to_be_visible()
    journey.check_accessible("your account")
    journey.page.get_by_role("link", name="View your sessions").click()
    journey.page.wait_for_url("**/accounts/sessions/")
    expect(journey.page.get_by_role("cell", name="Firefox on Windows", exact=True)).to_be_visible()
    expect(journey.page.get_by_text("This session")).to_be_visible()
    journey.check_accessible("your sessions")

    other = UserSession.objects.get(user=user, user_agent=FIREFOX)
    journey.page.get_by_role("button", name="End session").click()  # htmx replaces the row
    expect(journey.page.locator(f"#session-{other.public_id}").get_by_text("Ended")).to_be_visible()
    journey.check_accessible("your sessions after ending one")
    assert isinstance(elsewhere, Client)
    assert elsewhere.get("/my-work/").status_code == 302
    journey.page.reload()
    expect(journey.page.get_by_role("button", name="End session")).to_have_count(0)


def test_the_account_pages_behind_re_authentication_are_accessible(journey: Journey) -> None:
    user = UserFactory()
    journey.use_session(signed_in(user))
    journey.goto("/accounts/email/")
    journey.page.wait_for_url("**/accounts/confirm-identity/**")
    journey.check_accessible("confirm it is you")
    journey.page.get_by_label("Password").fill("not-the-password-at-all")
    journey.page.get_by_label("Security code").fill("000000")
    journey.page.get_by_role("button", name="Continue").click()
    expect(journey.page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("confirm it is you, with errors")
    journey.page.get_by_label("Password").fill(TEST_PASSWORD)
    journey.page.get_by_label("Security code").fill(totp_code(TEST_TOTP_KEY))
    journey.page.get_by_role("button", name="Continue").click()
    journey.page.wait_for_url("**/accounts/email/")
    journey.check_accessible("change email")
    journey.page.get_by_label("New email address").fill("not-an-email")
    journey.page.get_by_role("button", name="Change email address").click()
    expect(journey.page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("change email, with errors")
    for path, label in [
        ("/accounts/password/", "change password"),
        ("/accounts/authenticator/", "replace authenticator"),
        ("/accounts/recovery-codes/new/", "new recovery codes"),
        ("/my-actions/", "my actions"),
    ]:
        journey.goto(path)
        journey.check_accessible(label)


def test_an_admins_people_pages_are_accessible(journey: Journey) -> None:
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    agency = admin.agency_membership.agency
    manager = UserFactory(agency=agency, roles=[Role.TEAM_MANAGER, Role.AGENCY_ADMIN])
    leaver = UserFactory(agency=agency, full_name="Lee Leaver")
    lost_phone = UserFactory(agency=agency)
    from safeguarding.organisations.services import membership_update

    membership_update(user=leaver, line_manager=manager)
    WidgetActionFactory(widget=WidgetFactory(agency=agency), owner_person=leaver)
    auth_event_record(event_type=AuthEventType.SIGN_IN_FAILURE, user=leaver)
    journey.use_session(signed_in(admin))
    journey.goto("/accounts/people/")
    journey.check_accessible("people")
    journey.page.get_by_role("link", name="Deactivate Lee Leaver").click()
    journey.check_accessible("deactivate")
    journey.page.get_by_label("Why is this account being deactivated?").fill("Left the agency")
    journey.page.get_by_role("button", name="Deactivate account").click()
    expect(journey.page.get_by_text("account is deactivated")).to_be_visible()
    journey.check_accessible("people after deactivating")
    journey.goto("/accounts/sign-in-events/")
    journey.check_accessible("sign-in events")
    journey.goto(f"/accounts/people/{lost_phone.pk}/reset-authenticator/")
    journey.page.get_by_label("Password").fill(TEST_PASSWORD)
    journey.page.get_by_label("Security code").fill(totp_code(TEST_TOTP_KEY))
    journey.page.get_by_role("button", name="Continue").click()
    journey.page.wait_for_url("**/reset-authenticator/")
    journey.check_accessible("reset authenticator")
    journey.page.get_by_label("In person, with photo ID").check()
    journey.page.get_by_label("Details of the check").fill("Saw their staff badge at the office")
    journey.page.get_by_role("button", name="Reset authenticator").click()
    expect(journey.page.locator("#enrolment-link")).to_be_visible()
    journey.check_accessible("authenticator reset")

    journey.page.context.clear_cookies()
    journey.use_session(signed_in(manager))
    journey.goto("/my-work/")
    expect(journey.page.locator("#panel-reassignments").get_by_text("Widget action")).to_be_visible()
    journey.check_accessible("my work with work to reassign")
    journey.goto("/reassignments/")
    journey.check_accessible("work to reassign")
    journey.page.get_by_role("button", name="Mark as reassigned").click()
    expect(journey.page.get_by_text("Reassigned", exact=True)).to_be_visible()
    journey.check_accessible("work to reassign after marking")
