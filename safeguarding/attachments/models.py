"""Files attached to any object whose model registers as an attachment parent (``registry.register_attachment_parent``).

The stored name is an opaque UUID path, never the uploaded file name (which may carry personal data); files live in
Django's default storage, outside the web root, and are served only through visibility-checked views.
"""

from __future__ import annotations

import uuid
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def attachment_path(instance: Attachment, filename: str) -> str:
    """``attachments/2026/11/<uuid>``: no part of the uploaded name reaches storage."""
    now = timezone.now()
    return f"attachments/{now:%Y/%m}/{instance.pk}"


@pghistory.track(pghistory.InsertEvent(), model_name="AttachmentEvent")
class Attachment(models.Model):
    parent_type_id: Any
    uploaded_by_id: Any

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    parent_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    parent_id = models.CharField(max_length=64)
    parent = GenericForeignKey("parent_type", "parent_id")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(max_length=255, help_text="As uploaded; shown only to those who see the parent.")
    file_type = models.CharField(max_length=10, help_text="The allow-list entry the content matched (pdf, docx …).")
    content_type = models.CharField(max_length=120, help_text="Ours, from the allow-list; never the browser's.")
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [
            # Listing one parent's files (the attachment panel, action evidence).
            models.Index(fields=["parent_type", "parent_id", "uploaded_at"], name="attachment_parent_idx"),
        ]

    def __str__(self) -> str:
        return f"Attachment {self.pk}"

    @property
    def size_display(self) -> str:
        size = float(self.size)
        for unit in ("bytes", "KB", "MB"):
            if size < 1024 or unit == "MB":
                return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
            size /= 1024
        return f"{size:.1f} MB"  # pragma: no cover
