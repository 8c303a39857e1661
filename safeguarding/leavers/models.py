"""A leaver's open work, put on their line manager's reassignment list when their account is deactivated."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class ReassignmentItem(models.Model):
    leaver_id: Any
    manager_id: Any
    agency_id: Any

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    leaver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reassignment_items",
        help_text="The leaver's line manager; blank when they had none (their agency's leads see the item).",
    )
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=60, help_text="The leaver-work provider that listed it.")
    label = models.CharField(max_length=200, help_text="A people-facing reference, never names or case content.")
    url = models.CharField(max_length=300, blank=True)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "kind", "label"]
        constraints = [
            # Deactivating twice (or a retried request) cannot list the same work twice.
            models.UniqueConstraint(fields=["leaver", "kind", "object_id"], name="reassignment_unique_item"),
        ]
        indexes = [
            # The manager's open list and My-work panel.
            models.Index(
                fields=["manager", "created_at"], name="reassignment_open_idx", condition=models.Q(resolved_at=None)
            ),
        ]

    def __str__(self) -> str:
        return self.label
