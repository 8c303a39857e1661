"""Referrals between agencies (issue 8): s42 concerns to the local authority, MARAC referrals, MAPPA information and
service referrals — one ``Referral`` model with kind-specific fields — and the ``MappaNominal`` a responsible
authority tells the trust about (domain §2.11, never a copy of ViSOR).

Every referral is about a case owned by the sending agency. Sending records one sharing decision on the case (its own
decision, ``source="referral"``, ``source_id`` = the referral's id); declining or withdrawing revokes only that one.
Fields are written only by ``referrals.services``.
"""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from referrals.codes import (
    HarmRelationship,
    Kind,
    MappaCategory,
    MappaLevel,
    MappaRequestType,
    MaracCriterion,
    NominalStatus,
    ServiceType,
    State,
    VictimConsent,
)


@pghistory.track()
class Referral(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="People-facing reference, e.g. RF-2026-000123")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="referrals")
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    sender_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="referrals_sent")
    sender_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recipient_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A named recipient (the area's MARAC coordinator for a MARAC referral).",
    )
    reason = models.TextField(help_text="Why the referral is made and what is asked of the recipient.")
    urgent = models.BooleanField(default=False)
    # The sender's basis for sharing (consent position, lawful basis, conditions, rationale), recorded with the draft
    # and turned into the referral's own sharing decision on sending.
    sharing_basis = models.JSONField(default=dict, blank=True)
    # The referral's own sharing decision (recorded on sending; revoked on decline or withdrawal).
    sharing_decision = models.ForeignKey(
        "safeguarding.SharingDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Lifecycle.
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    # --- s42 concern -----------------------------------------------------------------------------------------------
    concern = models.ForeignKey(
        "cases.Concern", on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    decision_recorded_at = models.DateTimeField(null=True, blank=True)

    # --- MARAC (domain §2.10) --------------------------------------------------------------------------------------
    dash = models.ForeignKey(
        "cases.DashAssessment", on_delete=models.PROTECT, null=True, blank=True, related_name="marac_referrals"
    )
    victim = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="marac_referrals_as_victim"
    )
    persons_causing_harm = models.ManyToManyField(
        "cases.Person", blank=True, related_name="marac_referrals_as_causing_harm"
    )
    harm_relationship = models.CharField(max_length=20, choices=HarmRelationship.choices, blank=True)
    criteria = ArrayField(models.CharField(max_length=30, choices=MaracCriterion.choices), default=list, blank=True)
    dash_yes_count = models.PositiveSmallIntegerField(null=True, blank=True)
    professional_judgement = models.TextField(blank=True, help_text="Written out when it is a criterion.")
    police_callouts_12m = models.PositiveSmallIntegerField(null=True, blank=True)
    da_incidents_12m = models.PositiveSmallIntegerField(null=True, blank=True)
    incident_date = models.DateField(null=True, blank=True, help_text="The date of the incident behind the referral.")
    is_repeat = models.BooleanField(default=False)
    previous_referral = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="repeats"
    )
    repeat_rule_text = models.TextField(blank=True, help_text="The repeat rule in force when the flag was set.")
    victim_informed = models.BooleanField(null=True, blank=True)
    victim_consent = models.CharField(max_length=20, choices=VictimConsent.choices, blank=True)
    safe_contact_number = models.CharField(max_length=40, blank=True)
    safe_to_call = models.CharField(max_length=200, blank=True, help_text="When and how it is safe to call.")
    safe_contact_notes = models.TextField(blank=True)
    idva_referred = models.BooleanField(default=False)
    idva_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    children_in_household = models.BooleanField(default=False)
    adults_at_risk_in_household = models.BooleanField(default=False)
    equality_monitoring = models.JSONField(default=dict, blank=True, help_text="BME, disability, LGBT, gender.")
    intended_sitting_date = models.DateField(null=True, blank=True)
    listed_at = models.DateTimeField(null=True, blank=True)
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    not_listed_reason = models.TextField(blank=True)
    challenge = models.TextField(blank=True, help_text="The referrer's challenge of a decision not to list.")
    challenged_at = models.DateTimeField(null=True, blank=True)
    emergency_reason = models.TextField(blank=True)
    heard_at = models.DateTimeField(null=True, blank=True)
    heard_meeting_id = models.UUIDField(null=True, blank=True, help_text="The meeting that heard it (meetings app).")

    # --- MAPPA information (domain §2.11) --------------------------------------------------------------------------
    mappa_request = models.CharField(max_length=10, choices=MappaRequestType.choices, blank=True)
    mappa_subject = models.ForeignKey(
        "cases.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="mappa_referrals"
    )
    mappa_category = models.CharField(max_length=40, choices=MappaCategory.choices, blank=True)
    mappa_level = models.CharField(max_length=40, choices=MappaLevel.choices, blank=True)
    mappa_lead_agency = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    visor_reference = models.CharField(max_length=40, blank=True)
    nominal = models.ForeignKey(
        "referrals.MappaNominal", on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )

    # --- service referral ------------------------------------------------------------------------------------------
    service_type = models.CharField(max_length=30, choices=ServiceType.choices, blank=True)
    service_detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["sender_agency", "-updated_at"], name="referral_sender_idx"),
            models.Index(fields=["recipient_agency", "state"], name="referral_recipient_idx"),
            models.Index(fields=["recipient_user", "state"], name="referral_recipient_user_idx"),
            models.Index(fields=["kind", "area", "state"], name="referral_kind_area_idx"),
            models.Index(fields=["-updated_at", "-id"], name="referral_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_marac(self) -> bool:
        return self.kind == Kind.MARAC


class ReferralLogEntry(models.Model):
    """One line of a referral's timeline (sent, acknowledged, listed…), written by the services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="log")
    event = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_log_idx")]

    LABELS = {
        "created": "Drafted",
        "sent": "Sent",
        "acknowledged": "Acknowledged",
        "accepted": "Accepted",
        "declined": "Declined",
        "withdrawn": "Withdrawn",
        "closed": "Closed",
        "decision": "Local authority decision",
        "listed": "Listed for a MARAC",
        "not_listed": "Not listed",
        "challenged": "Challenged by the referrer",
        "emergency": "Listed for an emergency MARAC",
        "heard": "Heard at MARAC",
        "actions_open": "Actions open",
        "idva_referred": "Referred to an IDVA alongside",
    }

    def __str__(self) -> str:
        return f"{self.event} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return self.LABELS.get(self.event, self.event.replace("_", " ").capitalize())


@pghistory.track()
class MappaNominal(models.Model):
    """A person the responsible authority manages under MAPPA, as far as it tells the trust (never ViSOR itself)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="People-facing reference, e.g. MN-2026-000001")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="mappa_nominals")
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="mappa_nominals"
    )
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    responsible_authority = models.ForeignKey(
        "safeguarding.Agency", on_delete=models.PROTECT, related_name="mappa_nominals"
    )
    named_agencies = models.ManyToManyField(
        "safeguarding.Agency",
        blank=True,
        related_name="mappa_nominals_shared",
        help_text="The agencies the responsible authority names: the only others who see MAPPA material.",
    )
    category = models.CharField(max_length=40, choices=MappaCategory.choices)
    level = models.CharField(max_length=40, choices=MappaLevel.choices, blank=True)
    status = models.CharField(max_length=20, choices=NominalStatus.choices, default=NominalStatus.IDENTIFIED)
    lead_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    visor_reference = models.CharField(max_length=40, blank=True)
    inclusion_end_basis = models.CharField(max_length=200, blank=True)
    critical_public_protection_case = models.BooleanField(default=False)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    next_review_due = models.DateTimeField(null=True, blank=True)
    exited_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["responsible_authority", "status"], name="nominal_ra_status_idx")]

    def __str__(self) -> str:
        return self.reference
