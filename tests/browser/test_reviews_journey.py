from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reviews.models import Review, ReviewAction
from tests.browser.conftest import Journey
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_panel_decision_then_an_owner_updates_an_item_with_evidence_and_the_manager_verifies(journey: Journey) -> None:
    b = Board()
    referral = b.step(b.referral(), "acknowledge", "request_chronologies", "refer_to_panel")
    published = b.published()
    item = b.item(b.recommendation(published), owner=b.lead, due=timezone.localdate() + timedelta(days=10))
    page = journey.page

    # The SAB chair records the panel's decision on the referral.
    journey.sign_in(b.chair.email)
    page.wait_for_url("**/my-work/")
    journey.goto("/reviews/")
    journey.check_accessible("reviews register")
    page.get_by_role("link", name=referral.reference).click()
    journey.check_accessible("review page")
    page.get_by_role("link", name="Record the panel's decision").click()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("decision with errors")
    page.get_by_label("Commission a review").check()
    page.get_by_label("Rationale").fill("Mandatory condition 1 met; agencies' joint working is in question.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("commissioned")
    assert Review.objects.get(pk=referral.pk).status == "commissioned"

    # The owner updates the item, then records evidence of completion.
    owner = journey.new_user_session(b.lead.email)
    owner.goto("/reviews/our-actions/")
    owner.check_accessible("our actions")
    owner.goto(f"/reviews/actions/{item.pk}/")
    owner.check_accessible("item page")
    owner.page.get_by_label("Progress update").fill("Alert agreed with the GP federation.")
    owner.page.get_by_label("At risk").check()
    owner.page.get_by_role("button", name="Save the update").click()
    expect(owner.page.locator(".govuk-notification-banner")).to_contain_text("Progress update saved")
    expect(owner.page.locator("h1 + p")).to_contain_text("Amber")
    owner.page.get_by_label("Evidence of completion").fill("Alerts live since March; audit of 20 cases attached.")
    owner.page.get_by_role("button", name="Record the evidence").click()
    expect(owner.page.locator(".govuk-notification-banner")).to_contain_text("will verify")
    owner.check_accessible("item awaiting verification")

    # The SAB business manager verifies it from the tracker: it turns blue.
    manager = journey.new_user_session(b.manager_sab.email)
    manager.goto("/reviews/tracker/")
    manager.check_accessible("tracker")
    manager.goto(f"/reviews/actions/{item.pk}/")
    manager.page.get_by_role("button", name="Verify the evidence").click()
    expect(manager.page.locator("h1 + p")).to_contain_text("Blue")
    manager.check_accessible("verified item")
    assert ReviewAction.objects.get(pk=item.pk).status == "verified"


def test_refer_answer_a_chronology_and_record_learning_pages_are_accessible(journey: Journey) -> None:
    b = Board()
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    own = review.chronology_requests.get(agency=b.la)
    page = journey.page
    journey.sign_in(b.la_practitioner.email)
    page.wait_for_url("**/my-work/")
    journey.goto("/reviews/refer/")
    journey.check_accessible("referral form")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("referral form with errors")
    journey.goto(f"/reviews/chronologies/{own.pk}/")
    journey.check_accessible("chronology request")
    page.get_by_label("Your agency's chronology").fill("3 Jan: home visit, no answer. 10 Jan: case closed.")
    page.get_by_role("button", name="Send the chronology").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Chronology sent")

    manager = journey.new_user_session(b.manager_sab.email)
    manager.goto("/reviews/learning/")
    manager.check_accessible("learning page")
    manager.goto(f"/reviews/{review.pk}/details/")
    manager.check_accessible("review details form")
