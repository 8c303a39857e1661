"""Journeys: answer an information request; break glass and review it. axe-core finds no violation on any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safeguarding.roles import Role
from tests.browser.conftest import Journey
from tests.cases.factories import World
from tests.factories import TEST_TOTP_KEY, UserFactory
from tests.helpers import totp_code

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])
NHS = "9434765919"


def test_ask_by_nhs_number_and_answer_with_a_summary_share(journey: Journey) -> None:
    world = World()
    case = world.case(person=world.person(nhs_number=NHS))

    # The police officer asks the trust, naming the person by NHS number.
    police = journey.new_user_session(world.officer.email)
    police.goto("/information-requests/new/")
    police.check_accessible("ask for information")
    police.page.get_by_role("button", name="Send the request").click()
    expect(police.page.locator(".govuk-error-summary")).to_be_visible()
    police.check_accessible("ask for information with errors")
    police.page.get_by_label("Which agency are you asking?").select_option(label=world.trust.name)
    police.page.get_by_label("Purpose").select_option("police_investigation")
    police.page.get_by_label("Lawful basis for asking (UK GDPR Article 6)").select_option("6_1_e_public_task")
    police.page.get_by_label("NHS number (if you are not asking about a case you can see)").fill("943 476 5919")
    police.page.get_by_label("What information do you need?").fill("Safeguarding concerns and risk assessments.")
    police.page.get_by_label("Why do you need it?").fill("We are investigating an assault on this adult.")
    police.page.get_by_role("button", name="Send the request").click()
    expect(police.page.locator(".govuk-notification-banner")).to_contain_text("sent")
    expect(police.page.get_by_text(case.reference)).to_have_count(0)
    police.check_accessible("sent request")

    # The trust's safeguarding lead answers from the list, sharing a summary of its case.
    journey.sign_in(world.lead.email)
    journey.page.wait_for_url("**/my-work/")
    journey.goto("/information-requests/?box=received")
    journey.check_accessible("received requests")
    journey.page.locator("table a").first.click()
    journey.check_accessible("request to answer")
    page = journey.page
    page.get_by_label("Disclose in part").check()
    page.get_by_label("Your reasons").fill("The police need the risk picture; the chronology is withheld for now.")
    page.get_by_label("Which of your agency's records do you share?").select_option(label=f"Case {case.reference}")
    page.get_by_label("Summary", exact=True).check()
    page.get_by_label("Identity and contact details").check()
    page.get_by_label("UK GDPR Article 6 lawful basis").select_option("6_1_e_public_task")
    page.get_by_label("Consent given").check()
    page.get_by_label("If the adult has not been told, why not?").fill("We will tell her at the next visit.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("answer")
    expect(page.get_by_text("Partly shared").first).to_be_visible()
    journey.check_accessible("answered request")

    # The officer now sees the shared case from the request.
    police.page.reload()
    police.page.get_by_role("link", name=f"Case {case.reference}").click()
    expect(police.page.locator("h1")).to_contain_text(case.adult.full_name)
    police.check_accessible("shared case")


def test_break_glass_out_of_hours_then_the_owning_lead_reviews_it(journey: Journey) -> None:
    world = World()
    case = world.case(person=world.person(nhs_number=NHS))
    ooh = UserFactory(agency=world.la, roles=[Role.OUT_OF_HOURS_PRACTITIONER])

    other = journey.new_user_session(ooh.email)
    other.goto("/emergency-access/")
    other.check_accessible("emergency access")
    other.page.get_by_label("NHS number").fill(NHS)
    other.page.get_by_role("button", name="Look up").click()
    other.check_accessible("look-up results")
    other.page.get_by_role("link", name=f"Request emergency access to {case.reference}").click()
    other.check_accessible("emergency access form")
    other.page.get_by_label("Out-of-hours emergency, owning agency unavailable").check()
    other.page.get_by_label("Explain why you need emergency access").fill(
        "Adult found injured at 2am; the trust's crisis team cannot be reached."
    )
    other.page.get_by_label("Code from your authenticator app").fill(totp_code(TEST_TOTP_KEY))
    other.page.get_by_role("button", name="Open emergency access").click()
    expect(other.page.locator(".govuk-notification-banner")).to_contain_text("Emergency access")
    expect(other.page.locator("h1")).to_contain_text(case.adult.full_name)
    expect(other.page.locator(".govuk-warning-text")).to_contain_text("read only")
    other.check_accessible("case under emergency access")
    other.page.get_by_role("button", name="End emergency access now").click()
    expect(other.page.locator(".govuk-notification-banner")).to_contain_text("has ended")
    other.check_accessible("emergency access ended")

    journey.sign_in(world.lead.email)
    journey.page.wait_for_url("**/my-work/")
    journey.goto("/emergency-access/")
    journey.check_accessible("review queue")
    journey.page.locator("main ul.govuk-list a").first.click()
    journey.check_accessible("review page")
    journey.page.get_by_label("Justified", exact=True).check()
    journey.page.get_by_label("Review note").fill("Out of hours; the crisis line was down that night.")
    journey.page.get_by_role("button", name="Record the review").click()
    expect(journey.page.locator(".govuk-notification-banner")).to_contain_text("recorded")
    journey.check_accessible("reviewed access")
