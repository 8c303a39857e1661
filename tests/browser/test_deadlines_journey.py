"""A practitioner sees an overdue deadline on "My work", opens it and gives the reason for the delay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation import services
from escalation.engine import deadline_sweep, fire_deadlines
from tests.browser.conftest import Journey
from tests.clocktestapp.models import Subject
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_overdue_deadline_asks_its_holder_for_a_reason(journey: Journey) -> None:
    agency = AgencyFactory()
    holder = UserFactory(agency=agency, full_name="Priya Holder")
    subject = Subject.objects.create(reference="S-1", owning_agency=agency)
    deadline = services.start_clock(
        subject=subject, kind="clocktest_response", holder_user=holder, due_at=timezone.now() - timedelta(hours=1)
    )
    now = timezone.now()
    for batch in deadline_sweep(now=now, enqueue=False).batches:
        fire_deadlines(ids=batch.ids, now=now, token=batch.token)

    journey.sign_in(holder.email)
    journey.page.wait_for_url("**/my-work/")
    panel = journey.page.locator("#deadlines-panel")
    expect(panel).to_contain_text("Reason for delay needed")
    journey.check_accessible("my work with deadlines")

    panel.get_by_role("link", name=deadline.reference).first.click()
    journey.page.wait_for_url(f"**/deadlines/{deadline.pk}/")
    expect(journey.page.get_by_role("heading", name="Test response")).to_be_visible()
    journey.check_accessible("deadline page")

    journey.page.get_by_role("button", name="Save the reason").click()
    expect(journey.page.locator(".govuk-error-summary")).to_contain_text("Give the reason for the delay")
    journey.check_accessible("deadline page with an error")

    journey.page.get_by_label("Why was this deadline missed?").fill("Waiting for the GP's records")
    journey.page.get_by_role("button", name="Save the reason").click()
    expect(journey.page.locator(".govuk-notification-banner")).to_contain_text("Reason for delay recorded")
    journey.check_accessible("deadline page after the reason")
    deadline.refresh_from_db()
    assert deadline.reason_for_delay == "Waiting for the GP's records"
