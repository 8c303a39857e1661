"""In-app notifications (and their emails). Titles carry opaque references only, never names or case content."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Priority(models.TextChoices):
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(max_length=60)
    title = models.CharField(max_length=200, help_text="Opaque references only: no names, no case content.")
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    requires_ack = models.BooleanField(default=False)
    read_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Idempotency: a side effect retried (a redelivered task, a second sweeper) finds its key already used.
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 (NULL = no key; unique when set)
    escalated_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations",
        help_text="Set on the copy sent to a deputy or lead when the original went unacknowledged.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The header's unread count and the notification centre.
            models.Index(fields=["recipient", "read_at", "created_at"], name="notification_inbox_idx"),
            models.Index(
                fields=["requires_ack", "created_at"],
                name="notification_unacked_idx",
                condition=models.Q(requires_ack=True, acknowledged_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                name="notification_unique_dedupe",
                condition=models.Q(dedupe_key__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def awaiting_ack(self) -> bool:
        return self.requires_ack and self.acknowledged_at is None
