"""Attachments: the type allow-list (extension and content), the size limit, storage, and downloads that go
through the parent's visibility and are audited."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.db import connection
from django.http import Http404
from django.test.client import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from safeguarding.attachments import filetypes
from safeguarding.attachments.models import Attachment
from safeguarding.attachments.services import attachment_add, attachment_orphans_sweep
from safeguarding.attachments.upload import OversizedUpload, SizeCappedUploadHandler
from safeguarding.audit.models import Outcome
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.roles import Role
from safeguarding.tasks import sweep_orphaned_attachments
from tests.factories import UserFactory, WidgetFactory
from tests.helpers import api_client, assert_access_rows, signed_in

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip(
    {
        "[Content_Types].xml": b'<Override ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.document.main+xml" PartName="/word/document.xml"/>',
        "word/document.xml": b"<w:document/>",
    }
)
XLSX = _zip(
    {
        "[Content_Types].xml": b'<Override ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sheet.main+xml" PartName="/xl/workbook.xml"/>',
        "xl/workbook.xml": b"<workbook/>",
    }
)
DOCM = _zip(
    {
        "[Content_Types].xml": b'<Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>',
        "word/document.xml": b"<w:document/>",
    }
)
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document/>"})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


@pytest.fixture
def widget() -> Any:
    return WidgetFactory()


@pytest.fixture
def worker(widget: Any) -> Any:
    return UserFactory(agency=widget.agency)


# --- the allow-list ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("letter.pdf", PDF, "pdf"),
        ("photo.PNG", PNG, "png"),
        ("photo.jpeg", JPEG, "jpeg"),
        ("photo.jpg", JPEG, "jpeg"),
        ("notes.txt", "Visited at 10:00, all well \u2713".encode(), "txt"),
        ("export.csv", b"ref,date\nSG-1,2026-11-01\n", "csv"),
        ("report.docx", DOCX, "docx"),
        ("figures.xlsx", XLSX, "xlsx"),
        ("minutes.odt", ODT, "odt"),
    ],
)
def test_allowed_types_are_accepted_when_extension_and_content_agree(name: str, data: bytes, kind: str) -> None:
    file_type = filetypes.accepts(name=name, sniffed=filetypes.sniff(io.BytesIO(data)))
    assert file_type is not None and file_type.key == kind


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 32),  # not on the list at all
        ("invoice.pdf", b"MZ\x90\x00" + b"\x00" * 32),  # an executable renamed to .pdf
        ("report.docx", PDF),  # content of another allowed type
        ("report.docx", _zip({"evil.sh": b"#!/bin/sh"})),  # a plain ZIP renamed
        ("report.docx", DOCM),  # macro-enabled Word
        ("figures.xlsx", DOCX),  # a Word document renamed as a spreadsheet
        ("notes.txt", b"\x00\x01\x02binary"),  # binary content as text
        ("notes.txt", b"caf\xe9 latin-1"),  # not UTF-8
        ("archive.zip", DOCX),
        ("no-extension", PDF),
        ("page.html", b"<html><script>alert(1)</script></html>"),
    ],
)
def test_files_whose_extension_or_content_is_not_allowed_are_refused(name: str, data: bytes) -> None:
    assert filetypes.accepts(name=name, sniffed=filetypes.sniff(io.BytesIO(data))) is None


# --- adding -----------------------------------------------------------------------------------------------------


def test_attachment_add_stores_the_file_with_its_hash_uploader_and_our_content_type(widget: Any, worker: Any) -> None:
    attachment = attachment_add(parent=widget, uploaded_file=upload("Jane Doe referral.pdf", PDF), by=worker)
    attachment.refresh_from_db()
    assert attachment.parent == widget
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.size == len(PDF)
    assert attachment.uploaded_by == worker and attachment.uploaded_at is not None
    assert attachment.content_type == "application/pdf" and attachment.file_type == "pdf"
    assert attachment.original_name == "Jane Doe referral.pdf"
    # The stored name is opaque: no part of the uploaded name (which may hold personal data) reaches storage.
    assert "Jane" not in attachment.file.name and attachment.file.name.startswith("attachments/")
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF


def test_path_parts_and_control_characters_are_removed_from_the_name(widget: Any, worker: Any) -> None:
    attachment = attachment_add(parent=widget, uploaded_file=upload('..\\..\\etc/"evil"\r\n.pdf', PDF), by=worker)
    assert attachment.original_name == "evil.pdf"


def test_a_file_over_the_size_limit_is_refused(widget: Any, worker: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(InvalidInput) as caught:
        attachment_add(parent=widget, uploaded_file=upload("big.pdf", PDF + b"0" * 1024), by=worker)
    assert caught.value.errors == {"file": ["The selected file must be smaller than 1 KB"]}
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("uploaded", "message"),
    [
        (None, "Select a file"),
        (SimpleUploadedFile("empty.pdf", b""), "The selected file is empty"),
        (SimpleUploadedFile("tool.exe", b"MZ"), "The selected file must be a PDF"),
        (SimpleUploadedFile("tool.pdf", b"MZ\x90\x00"), "content does not match its type"),
    ],
)
def test_missing_empty_and_disallowed_files_are_refused_with_a_message_for_the_field(
    widget: Any, worker: Any, uploaded: Any, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        attachment_add(parent=widget, uploaded_file=uploaded, by=worker)
    assert message in caught.value.errors["file"][0]


def test_attaching_needs_the_parent_to_be_visible_and_the_rule_to_allow_it(widget: Any) -> None:
    with pytest.raises(Http404):
        attachment_add(parent=widget, uploaded_file=upload("a.pdf", PDF), by=UserFactory())
    chair = UserFactory(agency=widget.agency, roles=[Role.MEETING_CHAIR])  # sees the widget, may not attach
    with pytest.raises(ActionForbidden):
        attachment_add(parent=widget, uploaded_file=upload("a.pdf", PDF), by=chair)


def test_a_model_that_is_not_a_parent_cannot_carry_files(worker: Any) -> None:
    with pytest.raises(InvalidInput):
        attachment_add(parent=worker.agency_membership.agency, uploaded_file=upload("a.pdf", PDF), by=worker)


# --- the HTML panel and downloads ----------------------------------------------------------------------------


def panel(widget: Any) -> str:
    return reverse("attachments:panel", args=["testapp.widget", widget.pk])


def test_the_panel_lists_files_and_logs_the_ids_shown(widget: Any, worker: Any) -> None:
    a = attachment_add(parent=widget, uploaded_file=upload("one.pdf", PDF), by=worker)
    b = attachment_add(parent=widget, uploaded_file=upload("two.png", PNG), by=worker)
    client = signed_in(worker)
    with assert_access_rows(1, user=worker, object_ids=[a.pk, b.pk], outcome=Outcome.ALLOWED):
        response = client.get(panel(widget))
    assert response.status_code == 200
    assert b"one.pdf" in response.content and b"two.png" in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_the_panel_costs_the_same_queries_for_one_file_or_many(
    widget: Any, worker: Any, django_assert_num_queries: Any
) -> None:
    attachment_add(parent=widget, uploaded_file=upload("one.pdf", PDF), by=worker)
    client = signed_in(worker)
    client.get(panel(widget), headers={"HX-Request": "true"})  # warm the content-type cache
    with CaptureQueriesContext(connection) as one:
        client.get(panel(widget), headers={"HX-Request": "true"})
    for n in range(5):
        attachment_add(parent=widget, uploaded_file=upload(f"more-{n}.pdf", PDF), by=worker)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(panel(widget), headers={"HX-Request": "true"})


def test_uploading_through_the_page_adds_the_file_and_returns_to_the_record(widget: Any, worker: Any) -> None:
    response = signed_in(worker).post(
        panel(widget), {"file": upload("visit.txt", b"Visited today"), "next": "/testapp/widgets/x/"}
    )
    assert response.status_code == 302 and response["Location"] == "/testapp/widgets/x/"
    assert Attachment.objects.get().original_name == "visit.txt"


def test_a_refused_upload_shows_the_gov_uk_error_summary(widget: Any, worker: Any, settings: Any) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    client = signed_in(worker)
    response = client.post(panel(widget), {"file": upload("big.pdf", PDF)})
    assert response.status_code == 400
    assert b"govuk-error-summary" in response.content
    assert b"The selected file must be smaller than" in response.content
    fragment = client.post(panel(widget), {"file": upload("bad.exe", b"MZ")}, headers={"HX-Request": "true"})
    assert fragment.status_code == 422
    assert b"govuk-error-summary" in fragment.content and b"<html" not in fragment.content
    assert not Attachment.objects.exists()


def test_the_panel_of_an_invisible_parent_is_404_with_a_denied_row(widget: Any) -> None:
    outsider = UserFactory()
    with assert_access_rows(1, user=outsider, object_ids=[widget.pk], outcome=Outcome.DENIED):
        assert signed_in(outsider).get(panel(widget)).status_code == 404
    with assert_access_rows(1, outcome=Outcome.DENIED):
        assert signed_in(outsider).post(panel(widget), {"file": upload("a.pdf", PDF)}).status_code == 404
    with assert_access_rows(1, outcome=Outcome.DENIED):
        assert (
            signed_in(outsider).get(reverse("attachments:panel", args=["safeguarding.agency", "x"])).status_code == 404
        )
    assert not Attachment.objects.exists()


def test_someone_who_sees_the_parent_but_may_not_attach_gets_403(widget: Any) -> None:
    chair = UserFactory(agency=widget.agency, roles=[Role.MEETING_CHAIR])
    client = signed_in(chair)
    assert b"Add file" not in client.get(panel(widget)).content
    assert client.post(panel(widget), {"file": upload("a.pdf", PDF)}).status_code == 403


def test_a_download_needs_the_parent_to_be_visible_and_is_audited_with_the_hash(widget: Any, worker: Any) -> None:
    attachment = attachment_add(parent=widget, uploaded_file=upload("letter.pdf", PDF), by=worker)
    url = reverse("attachments:download", args=[attachment.pk])
    with assert_access_rows(1, user=worker, object_ids=[attachment.pk, widget.pk], outcome=Outcome.ALLOWED) as rows:
        response = signed_in(worker).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and "letter.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert rows.only().document_sha256 == attachment.sha256
    assert rows.only().subject_agency_ids == [widget.agency_id]

    outsider = UserFactory()
    with assert_access_rows(1, user=outsider, object_ids=[attachment.pk], outcome=Outcome.DENIED):
        assert signed_in(outsider).get(url).status_code == 404
    missing = reverse("attachments:download", args=["00000000-0000-4000-8000-000000000009"])
    with assert_access_rows(1, outcome=Outcome.DENIED):
        assert signed_in(worker).get(missing).status_code == 404


# --- the API ----------------------------------------------------------------------------------------------------


def test_api_upload_creates_the_attachment(widget: Any, worker: Any) -> None:
    response = api_client(worker).post(
        "/api/v1/attachments/",
        {"parent_type": "testapp.widget", "parent_id": str(widget.pk), "file": upload("report.docx", DOCX)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["parent_type"] == "testapp.widget" and body["parent_id"] == str(widget.pk)
    assert body["sha256"] == hashlib.sha256(DOCX).hexdigest() and body["file_type"] == "docx"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"parent_type": "testapp.widget", "file": ("x.exe", b"MZ")}, "file"),
        ({"parent_type": "testapp.widget", "file": ("big.pdf", PDF * 100)}, "file"),
        ({"parent_type": "testapp.widget"}, "file"),
        ({"parent_type": "safeguarding.agency", "file": ("a.pdf", PDF)}, "parent_type"),
        ({"parent_type": "nonsense", "file": ("a.pdf", PDF)}, "parent_type"),
    ],
)
def test_api_upload_errors_use_the_error_body(
    widget: Any, worker: Any, settings: Any, data: dict[str, Any], field: str
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1024
    payload: dict[str, Any] = {"parent_id": str(widget.pk), "parent_type": data["parent_type"]}
    if "file" in data:
        payload["file"] = upload(*data["file"])
    response = api_client(worker).post("/api/v1/attachments/", payload, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"} and field in body["errors"]


def test_api_upload_to_an_invisible_parent_is_404_and_to_a_forbidden_one_403(widget: Any) -> None:
    payload = {"parent_type": "testapp.widget", "parent_id": str(widget.pk)}
    outsider = UserFactory()
    with assert_access_rows(1, user=outsider, outcome=Outcome.DENIED):
        response = api_client(outsider).post(
            "/api/v1/attachments/", {**payload, "file": upload("a.pdf", PDF)}, format="multipart"
        )
    assert response.status_code == 404
    chair = UserFactory(agency=widget.agency, roles=[Role.MEETING_CHAIR])
    response = api_client(chair).post(
        "/api/v1/attachments/", {**payload, "file": upload("a.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_api_download_goes_through_the_parent_and_is_audited(widget: Any, worker: Any) -> None:
    attachment = attachment_add(parent=widget, uploaded_file=upload("sheet.csv", b"a,b\n1,2\n"), by=worker)
    url = f"/api/v1/attachments/{attachment.pk}/download/"
    with assert_access_rows(1, user=worker, object_ids=[attachment.pk, widget.pk]) as rows:
        response = api_client(worker).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert rows.only().route == "api:attachment-download"
    with assert_access_rows(1, outcome=Outcome.DENIED):
        assert api_client(UserFactory()).get(url).status_code == 404


def test_the_api_documentation_describes_the_attachment_routes() -> None:
    page = signed_in(UserFactory()).get("/api/docs/").content.decode()
    assert "Attach a file to a record" in page and "/api/v1/attachments/{id}/download/" in page


def test_an_oversized_file_is_cut_off_as_it_arrives_and_refused_with_the_size_message(
    widget: Any, worker: Any, settings: Any
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 100 * 1024
    stored: list[int] = []

    class Recording(TemporaryFileUploadHandler):
        """The handler that writes the file to disk, counting what reaches it."""

        def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
            stored.append(len(raw_data))
            super().receive_data_chunk(raw_data, start)

    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024)
    request = RequestFactory().post("/", {"file": upload("big.pdf", big)})
    request.upload_handlers = [SizeCappedUploadHandler(request), Recording(request)]
    received = request.FILES["file"]
    assert isinstance(received, OversizedUpload) and received.size > settings.ATTACHMENT_MAX_BYTES
    assert sum(stored) <= settings.ATTACHMENT_MAX_BYTES  # nothing past the limit was written anywhere

    response = signed_in(worker).post(panel(widget), {"file": upload("big.pdf", big)})
    assert response.status_code == 400
    assert b"The selected file must be smaller than 100 KB" in response.content
    assert not Attachment.objects.exists()


def test_the_daily_sweep_removes_only_old_files_no_attachment_names(widget: Any, worker: Any) -> None:
    kept = attachment_add(parent=widget, uploaded_file=upload("visit.txt", b"Visited today"), by=worker)
    orphan = default_storage.save("attachments/2026/01/00000000000000000000000000000001", ContentFile(b"x"))
    fresh = default_storage.save("attachments/2026/11/00000000000000000000000000000002", ContentFile(b"y"))
    two_days_ago = (timezone.now() - timedelta(days=2)).timestamp()
    for name in (kept.file.name, orphan):
        os.utime(default_storage.path(name), (two_days_ago, two_days_ago))

    assert attachment_orphans_sweep() == 1
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept.file.name)  # named by its row, however old
    assert default_storage.exists(fresh)  # may belong to a transaction still running
    assert sweep_orphaned_attachments.apply().get() == 0  # the beat task, idempotent
    schedule = django_settings.CELERY_BEAT_SCHEDULE["attachment-orphans"]
    assert schedule["task"] == "safeguarding.tasks.sweep_orphaned_attachments"


def test_the_sweep_has_nothing_to_do_before_any_file_is_stored() -> None:
    assert attachment_orphans_sweep() == 0
