"""Referral journeys: a MARAC referral from a DASH (referrer, then the coordinator), and the local authority
acknowledging and deciding an s42 concern. axe-core finds no WCAG 2.2 AA violation on any page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Referral
from tests.browser.conftest import Journey
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_a_marac_referral_from_a_dash_is_sent_and_listed_by_the_coordinator(journey: Journey) -> None:
    world = ReferralWorld()
    case = world.case()
    harmer = world.harm_person(case)
    world.dash(case, yes=16, judgement="Threats to kill after separation.")
    page = journey.page
    journey.sign_in(world.practitioner.email)
    page.wait_for_url("**/my-work/")
    journey.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Refer to MARAC (from the DASH)").click()
    expect(page.locator(".govuk-inset-text")).to_contain_text("16 ticks")
    expect(page.get_by_label("Professional judgement")).to_have_value("Threats to kill after separation.")
    journey.check_accessible("MARAC referral form")
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("MARAC referral form with errors")
    page.get_by_label(harmer.full_name).check()
    today = timezone.localdate()
    page.locator("[name=incident_date_0]").fill(str(today.day))
    page.locator("[name=incident_date_1]").fill(str(today.month))
    page.locator("[name=incident_date_2]").fill(str(today.year))
    page.locator("[name=victim_informed][value=no]").check()
    page.get_by_label("Safe contact number").fill("07700 900123")
    page.get_by_label("Why are you referring, and what are you asking for?").fill("High risk domestic abuse.")
    page.locator("[name=consent_status][value=not_sought]").check()
    page.get_by_label("If referring without consent, why?").select_option("seeking_consent_would_increase_risk")
    page.get_by_label("Why referring without consent is justified here").fill("Telling her would alert him.")
    page.locator("[name=adult_informed][value=no]").check()
    page.get_by_label("If not, why not?").fill("It would increase the risk to her.")
    page.get_by_label("Why sharing the record is necessary and proportionate").fill(
        "She is at high risk of serious harm from her former partner."
    )
    page.get_by_role("button", name="Save and check").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Draft saved")
    expect(page.locator("main")).to_contain_text("Visible high risk")
    journey.check_accessible("MARAC referral draft")
    page.get_by_role("button", name="Send the referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Referral sent")
    referral = Referral.objects.get(case=case)
    assert referral.state == "referred" and referral.recipient_user == world.coordinator

    coordinator = journey.new_user_session(world.coordinator.email)
    coordinator.goto("/referrals/marac/")
    expect(coordinator.page.locator("main")).to_contain_text(referral.reference)
    coordinator.check_accessible("MARAC queue")
    coordinator.page.get_by_role("link", name=referral.reference).click()
    coordinator.check_accessible("MARAC referral for the coordinator")
    sitting = today + timezone.timedelta(days=7)
    coordinator.page.locator("[name=list-intended_sitting_date_0]").fill(str(sitting.day))
    coordinator.page.locator("[name=list-intended_sitting_date_1]").fill(str(sitting.month))
    coordinator.page.locator("[name=list-intended_sitting_date_2]").fill(str(sitting.year))
    coordinator.page.get_by_role("button", name="List the referral").click()
    expect(coordinator.page.locator(".govuk-notification-banner")).to_contain_text("listed")
    coordinator.check_accessible("listed MARAC referral")
    referral.refresh_from_db()
    assert referral.state == "listed" and referral.intended_sitting_date == sitting


def test_the_local_authority_acknowledges_and_decides_an_s42_concern(journey: Journey) -> None:
    world = ReferralWorld()
    referral = world.s42()
    page = journey.page
    journey.sign_in(world.la_manager.email)
    page.wait_for_url("**/my-work/")
    journey.goto("/referrals/")
    expect(page.locator("main")).to_contain_text(referral.reference)
    journey.check_accessible("referrals received")
    page.get_by_role("link", name=referral.reference).click()
    journey.check_accessible("s42 referral")
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("acknowledged")
    page.get_by_role("link", name="Record the decision").click()
    journey.check_accessible("decision form")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("decision form with errors")
    for name in ("criterion_care_support_needs", "criterion_abuse_or_risk", "criterion_unable_to_protect"):
        page.locator(f"[name={name}][value=yes]").check()
    page.locator("[name=decision][value=s42_enquiry]").check()
    page.get_by_label("Rationale").fill("All three criteria are met.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Decision recorded")
    journey.check_accessible("decided s42 referral")
    referral.refresh_from_db()
    assert referral.state == "closed"
    journey.goto(f"/cases/{referral.case_id}/")
    expect(page.locator("main")).to_contain_text("Section 42 enquiry")
