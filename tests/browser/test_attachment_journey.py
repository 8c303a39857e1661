from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from safeguarding.attachments.models import Attachment
from tests.browser.conftest import Journey
from tests.factories import UserFactory, WidgetFactory
from tests.helpers import signed_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_adds_a_file_and_a_refused_one_shows_the_error_summary(journey: Journey, tmp_path: Path) -> None:
    widget = WidgetFactory()
    user = UserFactory(agency=widget.agency)
    bad = tmp_path / "tool.exe"
    bad.write_bytes(b"MZ\x90\x00")
    good = tmp_path / "visit-notes.txt"
    good.write_text("Visited at 10:00, all well.")
    journey.use_session(signed_in(user))
    journey.goto(f"/attachments/for/testapp.widget/{widget.pk}/")
    expect(journey.page.get_by_text("No files have been added.")).to_be_visible()
    journey.check_accessible("files")

    journey.page.get_by_label("Upload a file").set_input_files(str(bad))
    journey.page.get_by_role("button", name="Add file").click()  # htmx: the 422 fragment is swapped in
    expect(journey.page.locator("#attachment-panel .govuk-error-summary")).to_be_visible()
    expect(journey.page.locator("#attachment-panel .govuk-error-message")).to_contain_text("must be a PDF")
    journey.check_accessible("files with an error")

    journey.page.get_by_label("Upload a file").set_input_files(str(good))
    journey.page.get_by_role("button", name="Add file").click()
    expect(journey.page.get_by_role("link", name="visit-notes.txt (download)")).to_be_visible()
    journey.check_accessible("files after adding one")
    assert Attachment.objects.get().original_name == "visit-notes.txt"
