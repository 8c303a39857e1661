from __future__ import annotations

import pytest
from playwright.sync_api import expect

from escalation.disagreements.models import Disagreement
from tests.browser.conftest import Journey
from tests.escalation.test_disagreements import Parties

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_raise_a_disagreement_escalate_it_and_resolve_it(journey: Journey) -> None:
    parties = Parties()
    page = journey.page
    journey.sign_in(parties.world.practitioner.email)
    page.wait_for_url("**/my-work/")
    journey.goto(f"/cases/{parties.case.pk}/")
    page.get_by_role("link", name="Raise a professional disagreement about this case").click()
    journey.check_accessible("raise a disagreement")
    page.get_by_role("button", name="Raise the disagreement").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    journey.check_accessible("raise with errors")
    page.get_by_label("Which agency do you disagree with?").select_option(label=parties.world.la.name)
    page.get_by_label("Threshold or section 42 criteria").check()
    page.get_by_label("What is disputed?").fill("The enquiry was narrowed without talking to us.")
    page.get_by_label("What resolution are you seeking?").fill("A joint strategy discussion this week.")
    page.get_by_role("button", name="Raise the disagreement").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("raised at stage 1")
    journey.check_accessible("disagreement page")

    page.get_by_label("Why are you escalating?").fill("No reply from the practitioner.")
    page.get_by_role("button", name="Escalate to the next stage").click()
    expect(page.locator("h1 + p")).to_contain_text("Stage 2")
    disagreement = Disagreement.objects.get()
    assert disagreement.stage == 2

    lead = journey.new_user_session(parties.world.lead.email)
    lead.goto("/disagreements/")
    lead.check_accessible("escalations page")
    lead.goto(f"/disagreements/{disagreement.pk}/")
    lead.page.get_by_label("What was agreed?").fill("Joint strategy discussion on Thursday.")
    lead.page.get_by_label("Lessons learned").fill("Talk before changing an enquiry's scope.")
    lead.page.get_by_role("button", name="Record the resolution").click()
    expect(lead.page.locator(".govuk-notification-banner")).to_contain_text("resolved")
    lead.check_accessible("resolved disagreement")
    disagreement.refresh_from_db()
    assert disagreement.status == "resolved"
