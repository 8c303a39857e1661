from __future__ import annotations

import pytest
from playwright.sync_api import expect

from assurance import services
from assurance.models import EvidencePack
from tests.assurance.conftest import make_scene
from tests.browser.conftest import Journey

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_prepare_sign_render_with_progress_and_download_as_commissioner(journey: Journey) -> None:
    scene = make_scene()
    for _ in range(6):
        scene.concern()
    page = journey.page
    journey.sign_in(scene.world.lead.email)
    page.wait_for_url("**/my-work/")
    journey.goto("/assurance/?period=2026-Q2")
    expect(page.locator("h1")).to_have_text("Assurance metrics")
    expect(page.locator("#metric-m1")).to_contain_text("6")
    journey.check_accessible("metrics page (provider)")

    page.get_by_role("link", name="Evidence packs").first.click()
    page.get_by_label("Period").fill("2026-Q2")
    page.get_by_role("button", name="Prepare a draft pack").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("prepared")
    page.get_by_label("Assurance statement").fill("The trust met its safeguarding duties this quarter.")
    page.get_by_label("Risks").fill("Level 3 training is behind the local target.")
    page.get_by_role("button", name="Save the narrative").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Narrative saved")
    journey.check_accessible("draft pack")
    page.get_by_role("button", name="Sign off as named safeguarding lead").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Signed off")

    pack = EvidencePack.objects.get()
    executive = journey.new_user_session(scene.executive.email)
    executive.goto(f"/assurance/packs/{pack.pk}/")
    executive.page.get_by_role("button", name="Sign off as executive lead").click()
    expect(executive.page.locator(".govuk-notification-banner")).to_contain_text("Both leads have signed")

    page.reload()
    page.get_by_role("button", name="Render the PDF").click()
    expect(page.locator("#render-progress")).to_contain_text("Rendering")
    journey.check_accessible("rendering in progress")
    services.pack_render(pack_id=pack.pk)  # the pdf worker's job (tests/assurance/test_worker.py runs a real one)
    expect(page.get_by_role("link", name="Download the PDF")).to_be_visible(timeout=15_000)
    journey.check_accessible("pack ready")

    commissioner = journey.new_user_session(scene.commissioner.email)
    commissioner.goto("/assurance/?period=2026-Q2")
    expect(commissioner.page.locator("#metric-m1")).to_contain_text("5")  # 6 rounded to the nearest 5
    commissioner.check_accessible("metrics page (commissioner)")
    commissioner.goto("/assurance/packs/")
    commissioner.page.get_by_role("link", name="2026-Q2, version 1").click()
    commissioner.check_accessible("signed pack (commissioner)")
    with commissioner.page.expect_download() as info:
        commissioner.page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == "evidence-pack-2026-Q2-v1.pdf"
    with open(download.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"
