"""Safeguarding concerns (domain §2.3) and the local authority's decision record on each."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cases.codes import (
    AbuseType,
    AlternativeResponse,
    ConsentNotSoughtReason,
    ConsentToRaise,
    LaDecision,
    LocationOfRisk,
    NotS42Reason,
    SourceOfRisk,
    TriState,
)


@pghistory.track()
class Concern(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="concerns")
    identified_at = models.DateTimeField(help_text="When the abuse or neglect was identified (feeds metric M2).")
    raised_at = models.DateTimeField(null=True, blank=True)
    raising_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    raising_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    what_happened = models.TextField()
    abuse_types = ArrayField(models.CharField(max_length=30, choices=AbuseType.choices), default=list)
    location_of_risk = models.CharField(max_length=30, choices=LocationOfRisk.choices)
    source_of_risk = models.CharField(max_length=30, choices=SourceOfRisk.choices)
    immediate_risk = models.BooleanField(default=False)
    immediate_actions = models.TextField(blank=True, help_text="What was done at once to keep the adult safe.")
    adult_aware = models.BooleanField(default=True)
    adult_aware_reason = models.TextField(blank=True, help_text="Why the adult does not know, when they do not.")
    consent_to_raise = models.CharField(max_length=40, choices=ConsentToRaise.choices)
    consent_not_sought_reason = models.CharField(max_length=40, choices=ConsentNotSoughtReason.choices, blank=True)
    consent_not_sought_detail = models.TextField(blank=True)
    capacity_assessment = models.ForeignKey(
        "cases.CapacityAssessment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        help_text="The assessment behind a lacks-capacity conclusion.",
    )
    adult_views = models.TextField(blank=True, help_text="The adult's views, in their words where possible (MSP).")
    desired_outcomes = models.JSONField(default=list, blank=True)
    domestic_abuse_disclosed = models.BooleanField(default=False)
    # The local authority's decision record, written only by cases.services.record_la_decision.
    received_by_la_at = models.DateTimeField(null=True, blank=True)
    criterion_care_support_needs = models.CharField(max_length=10, choices=TriState.choices, blank=True)
    criterion_abuse_or_risk = models.CharField(max_length=10, choices=TriState.choices, blank=True)
    criterion_unable_to_protect = models.CharField(max_length=10, choices=TriState.choices, blank=True)
    decision = models.CharField(max_length=20, choices=LaDecision.choices, blank=True)
    not_s42_reasons = ArrayField(
        models.CharField(max_length=40, choices=NotS42Reason.choices), default=list, blank=True
    )
    alternative_responses = ArrayField(
        models.CharField(max_length=40, choices=AlternativeResponse.choices), default=list, blank=True
    )
    decision_rationale = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    referrer_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-identified_at"]

    def __str__(self) -> str:
        return f"Concern identified {self.identified_at:%Y-%m-%d}"

    @property
    def decided(self) -> bool:
        return bool(self.decision)
