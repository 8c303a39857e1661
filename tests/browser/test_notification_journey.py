from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safeguarding.notifications.models import Notification
from safeguarding.notifications.services import notify
from tests.browser.conftest import Journey
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_opens_the_notification_centre_and_acknowledges_a_high_risk_notification(
    journey: Journey,
) -> None:
    user = UserFactory()
    urgent = notify(
        recipients=[user], kind="risk", title="High-risk concern SG-2026-000201", requires_ack=True, email=False
    )[0]
    notify(recipients=[user], kind="info", title="Referral SG-2026-000202 accepted", email=False)
    journey.sign_in(user.email)
    journey.page.wait_for_url("**/my-work/")
    expect(journey.page.locator("#notification-badge .app-badge")).to_have_text("2")
    journey.page.locator("#notification-badge a").click()
    journey.page.wait_for_url("**/notifications/")
    expect(journey.page.get_by_role("heading", name="Notifications")).to_be_visible()
    journey.check_accessible("notification centre")

    row = journey.page.locator(f"#notification-{urgent.pk}")
    expect(row.get_by_text("Needs acknowledging")).to_be_visible()
    row.get_by_role("button", name="Acknowledge").click()  # htmx swaps the row in place
    expect(journey.page.locator(f"#notification-{urgent.pk}").get_by_text("Acknowledged")).to_be_visible()
    assert journey.page.url.endswith("/notifications/")  # no full page load
    journey.check_accessible("notification centre after acknowledging")
    urgent.refresh_from_db()
    assert urgent.acknowledged_at is not None and urgent.read_at is not None

    journey.page.get_by_role("link", name="Referral SG-2026-000202 accepted").click()
    expect(journey.page.get_by_role("heading", name="Referral SG-2026-000202 accepted")).to_be_visible()
    journey.check_accessible("notification detail")
    assert Notification.objects.filter(recipient=user, read_at=None).count() == 0
