from __future__ import annotations

import pytest
from playwright.sync_api import expect

from cases.models import Case
from safeguarding.notifications.models import Notification
from safeguarding.roles import Role
from tests.browser.conftest import Journey
from tests.cases.factories import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_a_practitioner_logs_a_concern_page_by_page_and_lands_on_the_case(journey: Journey) -> None:
    world = World()
    lead = UserFactory(agency=world.trust, roles=[Role.SAFEGUARDING_LEAD])
    page = journey.page
    journey.sign_in(world.practitioner.email)
    page.wait_for_url("**/my-work/")
    journey.goto("/cases/")
    journey.check_accessible("case list")
    page.get_by_role("link", name="Log a concern").click()

    # The adult: a page with an error first, then the answers.
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("adult page with errors")
    page.get_by_label("First name").fill("Morgan")
    page.get_by_label("Last name").fill("Testperson")
    page.get_by_label("Day").fill("4")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("1961")
    page.get_by_label("NHS number").fill("943 476 5918")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("not valid")
    page.get_by_label("NHS number").fill("943 476 5919")
    page.get_by_role("button", name="Continue").click()

    # What happened.
    page.wait_for_url("**/what-happened/")
    journey.check_accessible("what happened")
    page.get_by_label("Day").fill("20")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("What happened?").fill("Found at home without heating; bills unpaid.")
    page.get_by_label("Own home").check()
    page.get_by_label("Someone known to the adult").check()
    page.get_by_role("button", name="Continue").click()

    # Abuse types.
    page.wait_for_url("**/abuse-types/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("at least one")
    journey.check_accessible("abuse types with errors")
    page.get_by_label("Financial or material abuse").check()
    page.get_by_label("Neglect and acts of omission").check()
    page.get_by_role("button", name="Continue").click()

    # Immediate risk.
    page.wait_for_url("**/immediate-risk/")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("keep the adult safe")
    page.get_by_label("What has been done to keep the adult safe now?").fill("Emergency heater; daily visits.")
    page.get_by_role("button", name="Continue").click()

    # Consent and views.
    page.wait_for_url("**/consent/")
    journey.check_accessible("consent")
    page.get_by_label("The adult consented").check()
    page.locator("#id_adult_aware").check()
    page.get_by_label("What are the adult's views?").fill("Wants to stay at home.")
    page.get_by_role("button", name="Continue").click()

    # Check your answers, then raise it.
    page.wait_for_url("**/check/")
    journey.check_accessible("check your answers")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Morgan Testperson")
    page.get_by_role("button", name="Raise the concern").click()
    page.wait_for_url("**/cases/*/")
    expect(page.locator("h1")).to_have_text("Morgan Testperson")
    journey.check_accessible("case page")

    case = Case.objects.get(adult__family_name="Testperson")
    assert case.status == "raised" and case.concerns.get().immediate_risk
    assert Notification.objects.filter(recipient=lead, kind="immediate_risk", requires_ack=True).exists()

    # Add a chronology entry inline (htmx), with validation first.
    page.get_by_text("Add an entry").click()
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.locator("#chronology .govuk-error-summary")).to_be_visible()
    page.locator("#chronology").get_by_label("What happened").fill("Telephoned the adult's sister.")
    page.locator("#chronology").get_by_label("Day").fill("21")
    page.locator("#chronology").get_by_label("Month").fill("11")
    page.locator("#chronology").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Add to the chronology").click()
    expect(page.locator("#chronology")).to_contain_text("Telephoned the adult's sister.")
    journey.check_accessible("case page after htmx update")


def test_the_case_page_shows_each_section_and_the_share_form_is_accessible(journey: Journey) -> None:
    world = World()
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    journey.sign_in(world.practitioner.email)
    journey.page.wait_for_url("**/my-work/")
    journey.goto(f"/cases/{case.pk}/")
    for heading in ("Summary", "Risk picture", "Enquiry", "Chronology", "Who can see this and why"):
        expect(journey.page.get_by_role("heading", name=heading)).to_be_visible()
    journey.check_accessible("case page with an enquiry")
    journey.page.get_by_role("link", name="Record a sharing decision").click()
    journey.check_accessible("share form")
    journey.page.get_by_role("button", name="Record the decision").click()
    expect(journey.page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("share form with errors")
