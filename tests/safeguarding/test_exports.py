"""Redacted exports: 202 with a job, only the requester's scope's fields, watermark, SHA-256, audited download."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

from safeguarding.notifications.models import Notification
from safeguarding.sharing import exports
from safeguarding.sharing import services as sharing
from safeguarding.sharing.models import RecordExport
from tests.cases.cast import SHARE
from tests.cases.factories import World
from tests.helpers import api_client, assert_access_rows

pytestmark = pytest.mark.django_db
BODY = {"format": "json", "recipient": "Strategy meeting, 12 March", "purpose": "Strategy meeting pack"}


@pytest.fixture
def world() -> World:
    return World()


def _export(user: Any, case: Any, **extra: Any) -> dict[str, Any]:
    response = api_client(user).post(f"/api/v1/cases/{case.pk}/exports/", {**BODY, **extra}, format="json")
    assert response.status_code == 202, response.json()
    exports.export_render(export_id=response.json()["id"])  # what the worker does
    return response.json()


def _download(user: Any, case: Any, job: dict[str, Any]) -> Any:
    return api_client(user).get(f"/api/v1/cases/{case.pk}/exports/{job['id']}/download/")


def test_a_summary_grantee_exports_only_summary_fields(world: World) -> None:
    case = world.case()
    sharing.share_record(
        obj=case,
        decided_by=world.practitioner,
        recipient_agency=world.police,
        purpose="individual_care",
        **{**SHARE, "scope": "summary"},
    )
    job = _export(world.officer, case)
    assert job["status"] == "queued" and job["scope"] == "summary"
    content = json.loads(_download(world.officer, case, job).content)
    headings = [s["heading"] for s in content["sections"]]
    assert headings == ["Case summary", "The adult"]
    assert "Strategy meeting, 12 March" in content["watermark"] and world.officer.full_name in content["watermark"]


def test_the_owner_exports_the_chronology_and_the_download_is_audited_with_its_hash(world: World) -> None:
    case = world.case()
    job = _export(world.practitioner, case)
    export = RecordExport.objects.get(pk=job["id"])
    assert export.status == "ready" and export.sha256 == hashlib.sha256(bytes(export.content)).hexdigest()
    with assert_access_rows(2, user=world.practitioner) as rows:
        response = _download(world.practitioner, case, job)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert [r.document_sha256 for r in rows.rows] == ["", export.sha256]
    content = json.loads(response.content)
    assert "Chronology" in [s["heading"] for s in content["sections"]]
    assert _download(world.lead, case, job).status_code == 404  # a job is its requester's alone
    assert _download(world.officer, case, job).status_code == 404


def test_a_pdf_is_rendered_with_weasyprint(world: World) -> None:
    case = world.case()
    job = _export(world.practitioner, case, format="pdf")
    response = _download(world.practitioner, case, job)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["X-Content-SHA256"] == hashlib.sha256(response.content).hexdigest()


def test_exports_need_a_recipient_and_purpose_and_large_ones_alert_the_leads(world: World, settings: Any) -> None:
    case = world.case()
    bad = api_client(world.practitioner).post(f"/api/v1/cases/{case.pk}/exports/", {"format": "pdf"}, format="json")
    assert bad.status_code == 400
    settings.EXPORT_ALERT_ROWS = 0
    _export(world.practitioner, case)
    assert Notification.objects.filter(recipient=world.lead, kind="bulk_export").exists()
    assert api_client(world.officer).post(f"/api/v1/cases/{case.pk}/exports/", BODY, format="json").status_code == 404
