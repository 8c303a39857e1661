"""The clock engine's tables: calendar overrides, timescale policies, deadlines and their history.

A deadline's *business* status (pending → met | breached | cancelled) is kept apart from its *claim* state (idle or
claimed under a lease by a sweep). The sweep claims rows whose ``next_action_at`` has come; a task then records the
breach or climbs one rung of the ladder and hands the row back (idle, with the next rung's time). The database is the
source of truth: a lost broker message only delays a firing until the lease expires and the sweep reclaims the row.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from safeguarding.organisations.models import Nation

# Change history (django-pghistory, append-only) with the acting user and request id denormalised on each event.
# Passed explicitly: the platform's PGHISTORY_CONTEXT_FIELD setting is a dotted string, which pghistory 3.9 rejects.
HISTORY_CONTEXT = pghistory.ContextJSONField()


class OverrideAction(models.TextChoices):
    ADD_NON_WORKING = "add", "Add a non-working day"
    REMOVE_NON_WORKING = "remove", "Remove a non-working day (it becomes a working day)"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), context_field=HISTORY_CONTEXT
)
class CalendarOverride(models.Model):
    """A local change to a nation's bank holidays: a proclamation or closure (add), or a day not observed (remove)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    day = models.DateField()
    action = models.CharField(max_length=10, choices=OverrideAction.choices)
    reason = models.CharField(max_length=300)
    area = models.ForeignKey(
        "safeguarding.Area",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_overrides",
        help_text="Blank: the whole nation. Otherwise only deadlines in this area.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["nation", "area", "day"], name="calendar_override_one_per_day", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%d %b %Y} {self.get_action_display().lower()} ({self.get_nation_display()})"


class Basis(models.TextChoices):
    WORKING_DAYS = "working_days", "Working days"
    CALENDAR_DAYS = "calendar_days", "Calendar days"
    WORKING_HOURS = "working_hours", "Working hours (the agency's business hours)"
    HOURS = "hours", "Hours (clock time)"
    FIXED = "fixed", "A fixed time set when the clock started"


@pghistory.track(context_field=HISTORY_CONTEXT)
class TimescalePolicy(models.Model):
    """One version of one timescale for one area (blank area: the national default). Versions are never edited:
    a change is a new version, and open deadlines using the key are recomputed once it is active."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(
        "safeguarding.Area", on_delete=models.CASCADE, null=True, blank=True, related_name="timescale_policies"
    )
    key = models.CharField(max_length=60)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    amount = models.IntegerField(help_text="Negative amounts count backwards (e.g. contributions before a meeting).")
    version = models.PositiveIntegerField()
    active_from = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When open deadlines were recomputed for this version (None: not yet, e.g. it becomes active in the future).
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["area__name", "key", "-version"]
        verbose_name_plural = "timescale policies"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "key", "version"], name="timescale_policy_unique_version", nulls_distinct=False
            )
        ]
        indexes = [
            models.Index(fields=["key", "area", "active_from"], name="timescale_policy_lookup_idx"),
            # Used by the sweep: versions that have become active but whose deadlines are not yet recomputed.
            models.Index(
                fields=["active_from"], name="timescale_policy_unapplied_idx", condition=models.Q(applied_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}: {self.amount} {self.get_basis_display().lower()}"


class DeadlineStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    MET = "met", "Met"
    BREACHED = "breached", "Overdue"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (DeadlineStatus.PENDING, DeadlineStatus.BREACHED)


class ClaimState(models.TextChoices):
    IDLE = "idle", "Idle"
    CLAIMED = "claimed", "Claimed by a sweep"


DEADLINE_HISTORY_FIELDS = [
    "status",
    "due_at",
    "escalation_level",
    "cycle",
    "holder_user",
    "holder_agency",
    "holder_role",
    "reason_for_delay",
    "policy_version",
]


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(condition=pghistory.AnyChange(*DEADLINE_HISTORY_FIELDS)),
    fields=["kind", "subject_type", "subject_id", *DEADLINE_HISTORY_FIELDS],
    context_field=HISTORY_CONTEXT,
    model_name="DeadlineChange",
)
class Deadline(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=60)
    # Foreign keys below without their own index are covered by a composite index, or are never filtered on: each
    # index costs every claim and release (the sweep's UPDATEs cannot be HOT), so only queried ones are kept.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+", db_index=False)
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    area = models.ForeignKey(
        "safeguarding.Area", on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    nation = models.CharField(max_length=20, choices=Nation.choices)
    basis = models.CharField(max_length=20, choices=Basis.choices)
    policy_key = models.CharField(max_length=60, blank=True)
    policy = models.ForeignKey(
        TimescalePolicy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="deadlines",
        help_text="The policy version used (blank: the national default in code, or a fixed time).",
    )
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    original_due_at = models.DateTimeField(help_text="The first due time, kept for audit through recomputes.")

    status = models.CharField(max_length=10, choices=DeadlineStatus.choices, default=DeadlineStatus.PENDING)
    escalation_level = models.PositiveSmallIntegerField(
        default=0, help_text="0 before the breach; 1 once the holder is told; each rung above adds one."
    )
    # Bumped by each extension: side-effect keys include it, so a deadline breached again after an extension
    # notifies again, while a redelivered task within one cycle cannot.
    cycle = models.PositiveSmallIntegerField(default=0)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_index=False,
        related_name="held_deadlines",
    )
    holder_agency = models.ForeignKey(
        "safeguarding.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="held_deadlines",
    )
    holder_role = models.CharField(max_length=40, blank=True)
    reason_for_delay = models.TextField(blank=True)
    reason_recorded_at = models.DateTimeField(null=True, blank=True)
    reason_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    met_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, db_index=False, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    # Claim state and lease: the sweep's bookkeeping, separate from the business status above. ``attempts`` counts
    # failed firings (an error, or a worker lost while firing the row), not claims: a row reclaimed because its
    # message waited out the lease in a long queue is never parked for it.
    claim_state = models.CharField(max_length=10, choices=ClaimState.choices, default=ClaimState.IDLE)
    claim_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_action_at = models.DateTimeField(
        null=True, blank=True, help_text="When the sweep should next act: the due time, then each rung's time."
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # Used by the sweep: claimable rows in the order they come due.
            models.Index(
                fields=["next_action_at"],
                name="deadline_claimable_idx",
                condition=models.Q(claim_state="idle", next_action_at__isnull=False),
            ),
            # Used by the sweep's lease reclaim.
            models.Index(
                fields=["lease_expires_at"], name="deadline_lease_idx", condition=models.Q(claim_state="claimed")
            ),
            models.Index(fields=["subject_type", "subject_id"], name="deadline_subject_idx"),
            # "My work": what I hold, by status and due time.
            models.Index(fields=["holder_user", "status", "due_at"], name="deadline_holder_idx"),
            # "My work" for deadlines held by an agency and role rather than a person.
            models.Index(
                fields=["holder_agency", "status", "due_at"],
                name="deadline_holder_agency_idx",
                condition=models.Q(holder_user__isnull=True),
            ),
            # The API's cursor order.
            models.Index(fields=["-created_at", "id"], name="deadline_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "kind"],
                condition=models.Q(status__in=["pending", "breached"]),
                name="deadline_one_open_per_subject_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(claim_state="idle") | models.Q(lease_expires_at__isnull=False),
                name="deadline_claim_has_lease",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} due {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def reference(self) -> str:
        """An opaque reference for notification titles and emails (never names or case content)."""
        return f"DL-{str(self.pk)[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def needs_reason(self) -> bool:
        return self.breached_at is not None and not self.reason_for_delay

    def kind_label(self) -> str:
        from escalation.kinds import kind_label

        return kind_label(self.kind)


@pghistory.track(context_field=HISTORY_CONTEXT)
class DeadlineExtension(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="extensions")
    old_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()
    reason = models.TextField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"Extended to {self.new_due_at:%Y-%m-%d}"


class EventType(models.TextChoices):
    STARTED = "started", "Started"
    RECOMPUTED = "recomputed", "Due date recomputed (policy or calendar changed)"
    EXTENDED = "extended", "Extended"
    BREACHED = "breached", "Overdue"
    ESCALATED = "escalated", "Escalated"
    RUNG_SKIPPED = "rung_skipped", "Escalation step skipped (nobody to tell)"
    REASON_RECORDED = "reason_recorded", "Reason for delay recorded"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"
    REASSIGNED = "reassigned", "Holder changed"


class DeadlineEvent(models.Model):
    """The history shown on the deadline page. Breaches and escalations are unique per (cycle, level)."""

    id = models.BigAutoField(primary_key=True)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    event_type = models.CharField(max_length=20, choices=EventType.choices)
    cycle = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    rung = models.CharField(max_length=40, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    due_at = models.DateTimeField(null=True, blank=True, help_text="The due time after this event.")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "event_type", "cycle", "level"],
                condition=models.Q(event_type__in=["breached", "escalated", "rung_skipped"]),
                name="deadline_event_fires_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} at {self.at:%Y-%m-%d %H:%M}"


class DeadlineRecipient(models.Model):
    """Who was told at each level of each cycle: the history's "escalated to whom" and "escalated to me"."""

    id = models.BigAutoField(primary_key=True)
    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="recipients")
    cycle = models.PositiveSmallIntegerField(default=0)
    level = models.PositiveSmallIntegerField()
    rung = models.CharField(max_length=40)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_escalations")
    notified_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["notified_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "cycle", "level", "user"], name="deadline_recipient_once_per_level"
            )
        ]
        indexes = [models.Index(fields=["user", "level"], name="deadline_recipient_user_idx")]

    def __str__(self) -> str:
        return f"Level {self.level} to {self.user_id}"


class FiringDelivery(models.Model):
    """How many times a batch's task has started (one row per claim token), and the row it was firing when a
    redelivered task works one row at a time. A worker that dies mid-task (out of memory, killed) has its message
    delivered again; this lets the next delivery step over the row that was being fired, and give up after a few
    deliveries, so one poisonous row can neither crash workers forever nor hold up its batch."""

    token = models.UUIDField(primary_key=True)
    deliveries = models.PositiveIntegerField(default=0)
    suspect_id = models.UUIDField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self) -> str:
        return f"batch {self.token}: {self.deliveries} deliveries"


class DueItemFiring(models.Model):
    """Idempotency ledger for kinds that bring a due-query instead of deadline rows: one row per effect."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    level = models.PositiveSmallIntegerField()
    fired_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "level"], name="due_item_fires_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} level {self.level}"


# Professional disagreements live in their own sub-package; Django finds their models through this module.
from escalation.disagreements.models import (  # noqa: E402, F401
    Disagreement,
    DisagreementNote,
    DisagreementStage,
)
