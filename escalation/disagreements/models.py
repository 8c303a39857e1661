"""Professional disagreements between agencies (domain §2.12, §3.6), about any visible subject.

The subject is a generic relation resolved through the platform's visibility registry, so this package imports no
domain app. The record holds only what the raiser wrote and an opaque label of the subject: never a copy of the
subject's content, which the raiser may see only in part.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

HISTORY_CONTEXT = pghistory.ContextJSONField()


class Category(models.TextChoices):
    THRESHOLD = "threshold_s42_criteria", "Threshold or section 42 criteria"
    CASE_MANAGEMENT = "case_management", "Case management"
    PARTNER_ENGAGEMENT = "partner_engagement", "Partner engagement"
    ROLES = "roles_responsibilities", "Roles and responsibilities"
    CLOSURE_OR_INACTION = "case_closure_or_inaction", "Case closure or inaction"
    ADULT_VIEWS = "adult_views_vs_professionals", "The adult's views and professionals' views differ"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    SERVICE_PROVISION = "service_provision", "Service provision"


class DisagreementStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


STAGE_LABELS = {
    1: "Stage 1: practitioner and practitioner",
    2: "Stage 2: manager and manager",
    3: "Stage 3: safeguarding leads",
    4: "Stage 4: director and SAB independent chair",
}
TOP_STAGE = 4


@pghistory.track(context_field=HISTORY_CONTEXT)
class Disagreement(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.CharField(max_length=64)
    subject = GenericForeignKey("subject_type", "subject_id")
    subject_label = models.CharField(
        max_length=200, help_text="An opaque label of the subject (e.g. a case reference)."
    )
    case_id = models.UUIDField(null=True, blank=True, db_index=True, help_text="The case the subject belongs to.")
    category = models.CharField(max_length=40, choices=Category.choices)
    disputed = models.TextField(help_text="What is disputed, in the raiser's words.")
    resolution_sought = models.TextField()
    immediate_risk = models.BooleanField(default=False)
    adult_views = models.TextField(blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raiser_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    respondent_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    respondent_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The practitioner the raiser is disagreeing with, when known.",
    )
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    stage = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=DisagreementStatus.choices, default=DisagreementStatus.OPEN)
    # A challenge of system inaction links the breached deadline it started from (and its reason for delay).
    source_deadline = models.ForeignKey(
        "escalation.Deadline", on_delete=models.SET_NULL, null=True, blank=True, related_name="challenges"
    )
    source_delay_reason = models.TextField(blank=True)
    agreement = models.TextField(blank=True)
    lessons_learned = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["raiser_agency", "status"], name="disagreement_raiser_idx"),
            models.Index(fields=["respondent_agency", "status"], name="disagreement_respondent_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="disagreement_subject_idx"),
        ]

    def __str__(self) -> str:
        return f"Disagreement {self.reference}"

    @property
    def reference(self) -> str:
        return f"DIS-{str(self.pk)[:8].upper()}"

    @property
    def stage_label(self) -> str:
        return STAGE_LABELS[self.stage]

    @property
    def is_open(self) -> bool:
        return self.status == DisagreementStatus.OPEN


@pghistory.track(context_field=HISTORY_CONTEXT)
class DisagreementStage(models.Model):
    """One stage of the ladder, written down and visible to both sides."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="stages")
    stage = models.PositiveSmallIntegerField()
    raiser_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    escalated_automatically = models.BooleanField(default=False)
    escalation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["stage"]
        constraints = [models.UniqueConstraint(fields=["disagreement", "stage"], name="disagreement_stage_once")]

    def __str__(self) -> str:
        return STAGE_LABELS[self.stage]


@pghistory.track(context_field=HISTORY_CONTEXT)
class DisagreementNote(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    disagreement = models.ForeignKey(Disagreement, on_delete=models.CASCADE, related_name="notes")
    stage = models.PositiveSmallIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note at stage {self.stage}"
