"""Information-sharing decisions (domain §2.14). The decision *is* the permission: grants are derived from the live
decisions by the engine, never written by anything else."""

from __future__ import annotations

import uuid
from typing import Any

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from safeguarding.sharing.codes import (
    CommonLawJustification,
    ConditionArt9,
    ConsentStatus,
    DataItem,
    Direction,
    DpaSchedule1Condition,
    LawfulBasisArt6,
    OverrideReason,
    Purpose,
    Scope,
    SpecialCategory,
)


@pghistory.track()
class SharingDecision(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What is shared: a registered shareable object (a case), by generic relation so the engine imports no app.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.UUIDField()
    subject = GenericForeignKey("subject_type", "subject_id")
    owner_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    recipient_agency = models.ForeignKey(
        "safeguarding.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sharing_decisions_received",
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    purpose_detail = models.CharField(max_length=300, blank=True)
    scope = models.CharField(max_length=12, choices=Scope.choices, blank=True)
    data_items = ArrayField(models.CharField(max_length=30, choices=DataItem.choices), default=list, blank=True)
    data_items_detail = models.TextField(blank=True, help_text="What exactly is shared: the minimum necessary.")
    special_category = ArrayField(
        models.CharField(max_length=30, choices=SpecialCategory.choices), default=list, blank=True
    )
    lawful_basis_art6 = models.CharField(max_length=30, choices=LawfulBasisArt6.choices, blank=True)
    condition_art9 = models.CharField(max_length=40, choices=ConditionArt9.choices, blank=True)
    dpa_sch1_condition = models.CharField(max_length=50, choices=DpaSchedule1Condition.choices, blank=True)
    consent_status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    override_reason = models.CharField(max_length=40, choices=OverrideReason.choices, blank=True)
    override_detail = models.TextField(blank=True)
    capacity_assessment_id = models.UUIDField(
        null=True, blank=True, help_text="The capacity assessment behind a lacks-capacity override."
    )
    common_law_justification = models.CharField(max_length=30, choices=CommonLawJustification.choices, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Optional approver: the Caldicott guardian or information governance lead.",
    )
    adult_informed = models.BooleanField(default=False)
    adult_informed_at = models.DateTimeField(null=True, blank=True)
    adult_not_informed_reason = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_reason = models.TextField(blank=True)
    # Where the decision came from (a referral, a meeting invitation, an information request…): opaque to the engine.
    source = models.CharField(max_length=40, default="manual")
    source_id = models.CharField(max_length=64, blank=True)
    agreement = models.ForeignKey(
        "safeguarding.SharingAgreement", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "decided_at"], name="decision_subject_idx"),
            models.Index(fields=["recipient_agency", "subject_id"], name="decision_recipient_agency_idx"),
            models.Index(fields=["recipient_user", "subject_id"], name="decision_recipient_user_idx"),
            # Used by the expiry sweep.
            models.Index(
                fields=["expires_at"],
                name="decision_expiry_idx",
                condition=models.Q(revoked_at__isnull=True, direction="disclose"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient_agency__isnull=False) | models.Q(recipient_user__isnull=False),
                name="decision_has_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} for {self.get_purpose_display()}"

    def is_live(self, at: Any = None) -> bool:
        at = at or timezone.now()
        return (
            self.direction == Direction.DISCLOSE
            and self.revoked_at is None
            and (self.expires_at is None or self.expires_at > at)
        )

    @property
    def status(self) -> str:
        if self.direction == Direction.REFUSE:
            return "refused"
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "live"

    @property
    def recipient_label(self) -> str:
        if self.recipient_user_id:
            return str(self.recipient_user)
        return str(self.recipient_agency)


class SharingAgreement(models.Model):
    """An information-sharing agreement in an area: purpose, signatory agencies, review date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="sharing_agreements")
    title = models.CharField(max_length=200)
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    signatories = models.ManyToManyField("safeguarding.Agency", related_name="sharing_agreements", blank=True)
    review_date = models.DateField()
    active = models.BooleanField(default=True)
    document_reference = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["area__name", "title"]

    def __str__(self) -> str:
        return self.title


class RequestStatus(models.TextChoices):
    """Domain §3.8: requested → under_consideration → approved_shared | approved_partial | refused."""

    REQUESTED = "requested", "Requested"
    UNDER_CONSIDERATION = "under_consideration", "Under consideration"
    APPROVED_SHARED = "approved_shared", "Shared"
    APPROVED_PARTIAL = "approved_partial", "Partly shared"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


OPEN_REQUEST_STATUSES = (RequestStatus.REQUESTED, RequestStatus.UNDER_CONSIDERATION)


class RequestOutcome(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    PARTIAL = "partial", "Disclose in part"
    REFUSE = "refuse", "Refuse"


@pghistory.track()
class InformationRequest(models.Model):
    """One agency asks another for information (domain §3.8), about a record it can see or about a person named by
    what the requester already knows (an NHS number). The requester learns nothing about the holder's records until
    the holder answers."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requesting_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    holder_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, related_name="information_requests_received"
    )
    purpose = models.CharField(max_length=30, choices=Purpose.choices)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasisArt6.choices)
    what = models.TextField(help_text="What information is asked for: the minimum necessary.")
    why = models.TextField(help_text="Why it is needed.")
    # About a registered shareable record the requester can see (a case), by generic relation…
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    subject_id = models.UUIDField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # …or about a person named by an identifier the requester already holds.
    nhs_number = models.CharField(max_length=10, blank=True)
    # Where the request came from (e.g. a SAR referral asking for chronologies): opaque to the engine.
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    source_id = models.CharField(max_length=64, blank=True)
    source_object = GenericForeignKey("source_type", "source_id")
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.REQUESTED)
    due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    considered_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=RequestOutcome.choices, blank=True)
    reasons = models.TextField(blank=True, help_text="The holder's reasons: for refusing, or for what is withheld.")
    response_text = models.TextField(blank=True, help_text="Information given in the answer itself, if any.")
    # The record disclosed (when the answer shares one) and the engine's decision that made it visible.
    record_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    record_id = models.UUIDField(null=True, blank=True)
    record = GenericForeignKey("record_type", "record_id")
    decision = models.ForeignKey(
        SharingDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="information_requests"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requesting_agency", "-created_at"], name="inforeq_requester_idx"),
            models.Index(fields=["holder_agency", "-created_at"], name="inforeq_holder_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="inforeq_subject_idx"),
            models.Index(fields=["source_type", "source_id"], name="inforeq_source_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject_id__isnull=False) | ~models.Q(nhs_number=""),
                name="inforeq_names_a_record_or_person",
            ),
            models.CheckConstraint(
                condition=~models.Q(requesting_agency=models.F("holder_agency")), name="inforeq_other_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"Information request {self.reference}"

    @property
    def reference(self) -> str:
        return f"IR-{self.id.hex[:8].upper()}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES


class BreakGlassReason(models.TextChoices):
    IMMEDIATE_RISK = "immediate_risk", "Immediate risk to the adult or others"
    OUT_OF_HOURS_EMERGENCY = "out_of_hours_emergency", "Out-of-hours emergency, owning agency unavailable"
    URGENT_CARE = "urgent_care", "Urgent care or treatment decision"
    POLICE_EMERGENCY = "police_emergency", "Emergency police response"


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", "Awaiting review"
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


class BreakGlassVerdict(models.TextChoices):
    JUSTIFIED = "justified", "Justified"
    NOT_JUSTIFIED = "not_justified", "Not justified"


@pghistory.track()
class BreakGlassAccess(models.Model):
    """Emergency read-only access outside a legitimate relationship (checklist B1): a short-lived ``full`` decision
    recorded through the engine, an alert to the owning agency's leads, and a review that a lead completes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    user_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.UUIDField()
    subject = GenericForeignKey("subject_type", "subject_id")
    owner_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    reason_code = models.CharField(max_length=30, choices=BreakGlassReason.choices)
    reason = models.TextField()
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    decision = models.OneToOneField(SharingDecision, on_delete=models.PROTECT, related_name="break_glass")
    review_status = models.CharField(max_length=20, choices=BreakGlassReview.choices, default=BreakGlassReview.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["owner_agency", "review_status"], name="breakglass_review_idx"),
            models.Index(fields=["user", "subject_id", "expires_at"], name="breakglass_user_idx"),
        ]

    def __str__(self) -> str:
        return f"Break-glass access {self.reference}"

    @property
    def reference(self) -> str:
        return f"BG-{self.id.hex[:8].upper()}"

    def is_active(self, at: Any = None) -> bool:
        return self.decision.revoked_at is None and self.expires_at > (at or timezone.now())


class ExportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    JSON = "json", "JSON"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class RecordExport(models.Model):
    """A redacted export of a record (a case summary and chronology) for a strategy meeting, a court or a review:
    only what the requester's scope allows, watermarked with the recipient and time, its SHA-256 kept."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.UUIDField()
    subject = GenericForeignKey("subject_type", "subject_id")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requester_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    format = models.CharField(max_length=4, choices=ExportFormat.choices)
    scope = models.CharField(max_length=12, help_text="The requester's scope when asked: what the file may hold.")
    recipient = models.CharField(max_length=200, help_text="Who the export is for (printed in the watermark).")
    purpose = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    content = models.BinaryField(null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True)
    row_count = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_id", "requested_by"], name="export_subject_user_idx")]

    def __str__(self) -> str:
        return f"Export {self.id.hex[:8].upper()} ({self.get_format_display()})"

    @property
    def filename(self) -> str:
        return f"export-{self.id.hex[:8]}.{self.format}"
