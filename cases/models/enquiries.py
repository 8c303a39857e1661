"""Enquiries (s42 or other), safeguarding plans with their tracked actions, and capacity assessments."""

from __future__ import annotations

import uuid
from typing import ClassVar

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.codes import (
    EnquiryType,
    MentalCapacity,
    MspAchieved,
    MspAsked,
    RiskAssessmentOutcome,
    RiskResult,
)
from safeguarding.actions.models import Action


class EnquiryStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONCLUDED = "concluded", "Concluded"
    CEASED = "ceased_at_request", "Ceased at the adult's request"


@pghistory.track()
class Enquiry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="enquiries")
    concern = models.ForeignKey("cases.Concern", on_delete=models.PROTECT, related_name="enquiries")
    enquiry_type = models.CharField(max_length=10, choices=EnquiryType.choices)
    lead_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    caused_by_la = models.BooleanField(default=False, help_text="The LA caused another organisation to enquire.")
    scope = models.TextField(blank=True, help_text="Nature, scope and lines of enquiry.")
    status = models.CharField(max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.OPEN)
    started_at = models.DateTimeField(default=timezone.now)
    concluded_at = models.DateTimeField(null=True, blank=True)
    mental_capacity = models.CharField(max_length=30, choices=MentalCapacity.choices, blank=True)
    advocacy_support = models.BooleanField(
        null=True, blank=True, help_text="When the adult lacked capacity: supported by an advocate, family or friend."
    )
    msp_asked = models.CharField(max_length=40, choices=MspAsked.choices, blank=True)
    msp_achieved = models.CharField(max_length=20, choices=MspAchieved.choices, blank=True)
    desired_outcomes = models.JSONField(default=list, blank=True)
    risk_assessment_outcome = models.CharField(max_length=50, choices=RiskAssessmentOutcome.choices, blank=True)
    risk_result = models.CharField(max_length=20, choices=RiskResult.choices, blank=True)
    conclusion_notes = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_at"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.get_enquiry_type_display()} ({self.get_status_display()})"


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    CLOSED = "closed", "Closed"


@pghistory.track()
class SafeguardingPlan(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="plans")
    enquiry = models.ForeignKey(Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans")
    lead_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    risks = models.TextField(help_text="The risks the plan addresses.")
    review_date = models.DateField()
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.ACTIVE)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    review_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Safeguarding plan ({self.get_status_display()})"


@pghistory.track()
class PlanAction(Action):
    """Risk, action, by whom, by when (domain §2.9)."""

    parent_field: ClassVar[str] = "plan"
    plan = models.ForeignKey(SafeguardingPlan, on_delete=models.CASCADE, related_name="actions")

    class Meta(Action.Meta):
        indexes = [models.Index(fields=["owner_agency", "status", "due_date"], name="planaction_owner_idx")]


class CapacityOutcome(models.TextChoices):
    HAS_CAPACITY = "has_capacity", "Has capacity for this decision"
    LACKS_CAPACITY = "lacks_capacity", "Lacks capacity for this decision"


@pghistory.track()
class CapacityAssessment(models.Model):
    """A decision-specific, time-specific Mental Capacity Act assessment."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="capacity_assessments")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="+")
    decision = models.TextField(help_text="The specific decision capacity was assessed for.")
    assessed_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=CapacityOutcome.choices)
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessor_role = models.CharField(max_length=200, blank=True)
    reasoning = models.TextField(help_text="How the two-stage test was applied.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_at"]

    def __str__(self) -> str:
        return f"Capacity: {self.get_outcome_display()}"
