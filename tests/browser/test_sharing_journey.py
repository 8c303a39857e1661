from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey
from tests.cases.factories import World

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_share_a_case_see_exactly_that_scope_elsewhere_then_revoke_it(journey: Journey) -> None:
    world = World()
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    page = journey.page

    # The owning practitioner records a summary-scope decision for the police.
    journey.sign_in(world.practitioner.email)
    page.wait_for_url("**/my-work/")
    journey.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Record a sharing decision").click()
    page.get_by_label("Who with?").select_option(label=world.police.name)
    page.get_by_label("Purpose").select_option("police_investigation")
    page.get_by_label("Summary", exact=True).check()
    page.get_by_label("Identity and contact details").check()
    page.get_by_label("UK GDPR Article 6 lawful basis").select_option("6_1_e_public_task")
    page.get_by_label("Consent given").check()
    page.get_by_label("Your rationale").fill("Police need to know who is at risk to plan a welfare visit.")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("shared")
    expect(page.locator("#visibility")).to_contain_text(world.police.name)
    journey.check_accessible("case page with a live share")

    # The police officer sees the summary only: no chronology, and 404 on the chronology route.
    police = journey.new_user_session(world.officer.email)
    police.goto(f"/cases/{case.pk}/")
    expect(police.page.locator("h1")).to_contain_text(case.adult.full_name)
    expect(police.page.get_by_text("Your agency has a summary of this case only")).to_be_visible()
    expect(police.page.get_by_role("heading", name="Chronology")).to_have_count(0)
    police.check_accessible("summary-scope case page")
    response = police.page.goto(police.base_url + f"/cases/{case.pk}/capacity/new/")
    assert response is not None and response.status == 404

    # The owner revokes; the officer's next visit answers 404.
    journey.page.get_by_role("link", name=f"Revoke the share with {world.police.name}").click()
    journey.check_accessible("revoke page")
    journey.page.get_by_label("Why are you revoking this share?").fill("The visit has happened.")
    journey.page.get_by_role("button", name="Revoke the share").click()
    expect(journey.page.locator("#visibility")).to_contain_text("no current access")
    response = police.page.goto(police.base_url + f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
    police.check_accessible("not found page")
