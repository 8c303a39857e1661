"""Commissioner assurance: staff training records (domain §2.15) and signed evidence packs (§6.2).

Metrics themselves are not stored: they are computed from the other apps on request (``assurance.metrics``). A pack
freezes the figures it reports (already suppressed, since a pack leaves the provider) so that what the leads sign
is what the commissioner reads, and the hash of that extract is printed on the cover.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone


class TrainingLevel(models.TextChoices):
    L1 = "L1", "Level 1 (all staff)"
    L2 = "L2", "Level 2 (regular patient or public contact)"
    L3 = "L3", "Level 3 (registered staff who assess, plan or intervene)"
    L4 = "L4", "Level 4 (specialist roles)"
    L5 = "L5", "Level 5 (named and designated professionals)"
    BOARD = "board", "Board level"


class TrainingTopic(models.TextChoices):
    SAFEGUARDING_ADULTS = "safeguarding_adults", "Adult safeguarding"
    PREVENT = "prevent", "Prevent"


@pghistory.track()
class TrainingRecord(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records")
    role = models.CharField(max_length=200, blank=True, help_text="The staff member's job role when trained.")
    topic = models.CharField(max_length=30, choices=TrainingTopic.choices, default=TrainingTopic.SAFEGUARDING_ADULTS)
    required_level = models.CharField(max_length=10, choices=TrainingLevel.choices)
    course = models.CharField(max_length=200)
    completed_at = models.DateField()
    expires_at = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-completed_at", "id"]
        indexes = [models.Index(fields=["agency", "topic", "expires_at"], name="training_agency_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("completed_at")), name="training_expiry")
        ]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} {self.required_level} ({self.completed_at:%Y-%m-%d})"


class PackStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed off"


class RenderStatus(models.TextChoices):
    NONE = "none", "Not rendered"
    QUEUED = "queued", "Queued"
    RENDERING = "rendering", "Rendering"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class Signatory(models.TextChoices):
    SAFEGUARDING_LEAD = "safeguarding_lead", "Named safeguarding lead"
    EXECUTIVE_LEAD = "executive_lead", "Executive lead"


NARRATIVE_FIELDS = ("assurance_statement", "risks", "learning_from_reviews", "system_leadership")


@pghistory.track()
class EvidencePack(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=30, help_text="YYYY-Qn, YYYY, or from..to (ISO dates).")
    period_start = models.DateField()
    period_end = models.DateField(help_text="Inclusive.")
    number = models.PositiveIntegerField(help_text="The pack's version for this agency and period (1, 2, …).")
    status = models.CharField(max_length=10, choices=PackStatus.choices, default=PackStatus.DRAFT)
    # Narrative, written by the provider's leads.
    assurance_statement = models.TextField(blank=True)
    risks = models.TextField(blank=True)
    learning_from_reviews = models.TextField(blank=True)
    system_leadership = models.TextField(blank=True)
    # The frozen, suppressed figures and the SHA-256 of their canonical JSON (the "data extract").
    figures = models.JSONField(default=dict)
    figures_sha256 = models.CharField(max_length=64)
    # Sign-off by name.
    safeguarding_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    safeguarding_lead_name = models.CharField(max_length=200, blank=True)
    safeguarding_lead_signed_at = models.DateTimeField(null=True, blank=True)
    executive_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    executive_lead_name = models.CharField(max_length=200, blank=True)
    executive_lead_signed_at = models.DateTimeField(null=True, blank=True)
    # Rendering (the pdf queue) and the stored file.
    render_status = models.CharField(max_length=10, choices=RenderStatus.choices, default=RenderStatus.NONE)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    render_requested_at = models.DateTimeField(null=True, blank=True)
    render_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(upload_to="assurance/packs/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    manifest = models.JSONField(default=dict, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    render_error = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Edit counter for ETags (not the pack's number).")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period", "number"], name="evidencepack_unique_number")
        ]
        indexes = [models.Index(fields=["agency", "status"], name="evidencepack_agency_idx")]

    def __str__(self) -> str:
        return f"Evidence pack {self.period} v{self.number}"

    @property
    def reference(self) -> str:
        return f"EP-{self.period}-v{self.number}"

    @property
    def is_signed(self) -> bool:
        return self.status == PackStatus.SIGNED

    @property
    def is_ready(self) -> bool:
        return self.render_status == RenderStatus.READY and bool(self.pdf)
