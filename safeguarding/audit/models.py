"""The access log: one row per read of personal data, append-only and hash-chained per actor agency.

Triggers refuse UPDATE and DELETE on the log and its chain. TRUNCATE is left to the production database role's
privileges (README, "Audit"), so test teardown can still empty the tables.
"""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone


class Outcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"


class AccessLog(models.Model):
    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency_id = models.UUIDField(null=True, blank=True, help_text="The actor's agency when the read happened.")
    roles = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    object_type = models.CharField(max_length=100)
    object_ids = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    subject_agency_ids = ArrayField(models.UUIDField(), default=list, blank=True)
    route = models.CharField(max_length=200)
    purpose = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.ALLOWED)
    break_glass = models.BooleanField(default=False)
    break_glass_reason = models.CharField(max_length=500, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            # "Who viewed this record": object ids are matched with the array-overlap operator.
            GinIndex(fields=["object_ids"], name="accesslog_object_ids_gin"),
            # "What did this user view in a period" and the bulk-access detector.
            models.Index(fields=["user", "occurred_at"], name="accesslog_user_time_idx"),
            models.Index(fields=["object_type", "occurred_at"], name="accesslog_type_time_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="accesslog_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
            # Every row, whoever inserts it, is queued for the chainer in the inserting statement itself: one round
            # trip per audited read, and no row can be committed without being queued. ON CONFLICT: during a rolling
            # deploy, processes of the previous release still queue the row themselves.
            pgtrigger.Trigger(
                name="accesslog_queue_for_chain",
                when=pgtrigger.After,
                operation=pgtrigger.Insert,
                func=(
                    "INSERT INTO safeguarding_accesschainpending (entry_id) VALUES (NEW.id) "
                    "ON CONFLICT (entry_id) DO NOTHING; RETURN NULL;"
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.route} {self.outcome}"


class AccessChainLink(models.Model):
    """The hash chain over access-log rows, one chain per actor agency (``chain_key``).

    Written only by the single chainer after commit, so positions follow the chainer's order, not the sequence
    (sequence order is not commit order) and reads never wait for a chain lock.
    """

    id = models.BigAutoField(primary_key=True)
    chain_key = models.CharField(max_length=40, help_text="The actor agency's id, or 'none'.")
    position = models.BigIntegerField()
    entry_id = models.BigIntegerField(unique=True, help_text="AccessLog.id (not a foreign key: deletion must show).")
    prev_hash = models.CharField(max_length=64)
    row_hash = models.CharField(max_length=64)
    chained_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain_key", "position"], name="chain_unique_position")]
        triggers = [
            pgtrigger.Protect(name="chainlink_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.chain_key}#{self.position}"


class AccessChainPending(models.Model):
    """Queue of access-log rows the chainer has not yet linked. Not audit data itself: rows are deleted once
    linked."""

    entry_id = models.BigIntegerField(primary_key=True)

    def __str__(self) -> str:
        return f"pending {self.entry_id}"
