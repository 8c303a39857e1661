"""Redacted exports of a shareable record (a case summary and chronology) as PDF (WeasyPrint) or JSON.

Asking answers at once with a queued job; a worker renders it. The file holds only what the requester's scope
allows (the record's app builds the payload for a scope), is watermarked with the recipient, the requester and the
time, and its SHA-256 is stored; each download writes an access-log row carrying that hash. Break-glass access is
read-only on screen and never exports. An export with more rows than ``EXPORT_ALERT_ROWS`` alerts the agency's leads
(checklist B2).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.notifications.services import notify
from safeguarding.organisations.selectors import agency_leads, agency_of
from safeguarding.queue import enqueue_on_commit
from safeguarding.sharing.break_glass import access_is_break_glass_only
from safeguarding.sharing.models import ExportFormat, ExportStatus, RecordExport
from safeguarding.sharing.registry import shareable_for

DEFAULT_ALERT_ROWS = 500
MARKING = "OFFICIAL-SENSITIVE"


def exports_for(*, user: User, obj: models.Model) -> models.QuerySet[RecordExport]:
    """A user's own exports of ``obj`` (nobody else downloads them)."""
    return RecordExport.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk, requested_by=user
    ).defer("content")


@transaction.atomic
def export_request(
    *, user: User, obj: models.Model, scope: str, fmt: str, recipient: str, purpose: str
) -> RecordExport:
    """Queue an export of ``obj`` at ``scope`` (the caller's scope on it, checked by the caller's selector)."""
    shareable = shareable_for(type(obj))
    if shareable.export_payload is None:
        raise ActionForbidden("This record cannot be exported.")
    if access_is_break_glass_only(user=user, obj=obj):
        raise ActionForbidden("Emergency (break-glass) access is read only and cannot be exported.")
    errors: dict[str, list[str]] = {}
    if fmt not in ExportFormat.values:
        errors["format"] = ["Choose PDF or JSON"]
    if not (recipient or "").strip():
        errors["recipient"] = ["Say who the export is for (it is printed on every page)"]
    if len((purpose or "").strip()) < 10:
        errors["purpose"] = ["Say what the export is for (for example, the strategy meeting on 12 March)"]
    if errors:
        raise InvalidInput("The export cannot be made as it stands.", errors=errors)
    export = RecordExport.objects.create(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        requested_by=user,
        requester_agency=agency_of(user),
        format=fmt,
        scope=scope,
        recipient=recipient.strip(),
        purpose=purpose.strip(),
    )
    from safeguarding.sharing.tasks import render_export

    enqueue_on_commit(render_export, str(export.pk))
    return export


def watermark(export: RecordExport, at: datetime) -> str:
    agency = export.requester_agency.name if export.requester_agency else ""
    return (
        f"{MARKING} · Prepared for {export.recipient} · by {export.requested_by.full_name}"
        f"{', ' + agency if agency else ''} · {timezone.localtime(at):%d %B %Y %H:%M}"
    )


def render(export: RecordExport, *, now: datetime | None = None) -> tuple[bytes, int]:
    """The file's bytes and its number of table rows."""
    now = now or timezone.now()
    obj: Any = export.subject
    payload = shareable_for(type(obj)).export_payload(obj, export.scope)  # type: ignore[misc]
    mark = watermark(export, now)
    meta = {
        "export_id": str(export.pk),
        "generated_at": now.isoformat(),
        "scope": export.scope,
        "recipient": export.recipient,
        "purpose": export.purpose,
        "watermark": mark,
        "marking": MARKING,
    }
    rows = sum(len(s.get("rows", [])) for s in payload.get("sections", []))
    if export.format == ExportFormat.JSON:
        return json.dumps({**meta, **payload}, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode(), rows
    from weasyprint import HTML

    html = render_to_string("sharing/export.html", {"p": payload, "meta": meta})
    return bytes(HTML(string=html).write_pdf()), rows


def export_render(*, export_id: Any, now: datetime | None = None) -> RecordExport | None:
    """The worker's step: render, hash and store (idempotent: a finished export is left alone)."""
    now = now or timezone.now()
    with transaction.atomic():
        export = RecordExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.status != ExportStatus.QUEUED:
            return export
        try:
            content, rows = render(export, now=now)
        except Exception as exc:  # a broken render is recorded on the job, not retried forever
            export.status = ExportStatus.FAILED
            export.error = type(exc).__name__[:300]
            export.completed_at = now
            export.save(update_fields=["status", "error", "completed_at"])
            return export
        export.content = content
        export.sha256 = hashlib.sha256(content).hexdigest()
        export.row_count = rows
        export.status = ExportStatus.READY
        export.completed_at = now
        export.save(update_fields=["content", "sha256", "row_count", "status", "completed_at"])
        limit = int(getattr(settings, "EXPORT_ALERT_ROWS", DEFAULT_ALERT_ROWS))
        if export.row_count > limit and export.requester_agency is not None:
            notify(
                recipients=agency_leads(export.requester_agency),
                kind="bulk_export",
                title=f"Large export: {export.requested_by.full_name} exported {export.row_count} rows",
                requires_ack=True,
                dedupe_key=f"bulk-export:{export.pk}",
            )
    return export


def export_download(*, export: RecordExport, user: User, route: str) -> bytes:
    """The file, for its requester only; audited with the document's SHA-256."""
    if export.requested_by_id != user.pk or export.status != ExportStatus.READY or export.content is None:
        raise LookupError("Not downloadable")
    record_access(
        user=user,
        objects_or_ids=[export.subject_id],
        object_type=export.subject_type.model_class() or "unknown",
        route=route,
        purpose=f"export: {export.purpose}"[:100],
        document_sha256=export.sha256,
    )
    return bytes(export.content)
