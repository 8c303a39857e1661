"""A case: one adult's safeguarding episode in one owning agency."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.codes import MentalHealthActStatus, PersonRole, Relationship, RiskLevel


class CaseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    RAISED = "raised", "Concern raised"
    ENQUIRY = "enquiry", "Enquiry"
    PLAN = "plan", "Safeguarding plan"
    CLOSED = "closed", "Closed"


OPEN_CASE_STATUSES = (CaseStatus.DRAFT, CaseStatus.RAISED, CaseStatus.ENQUIRY, CaseStatus.PLAN)


class ClosureReason(models.TextChoices):
    NO_ENQUIRY = "no_enquiry", "No enquiry needed (alternative responses recorded)"
    CONCLUDED = "concluded", "Enquiry concluded"
    DUPLICATE = "duplicate", "Duplicate"
    WITHDRAWN = "withdrawn", "Withdrawn"
    CEASED_AT_REQUEST = "ceased_at_request", "Ceased at the adult's request"


@pghistory.track()
class Case(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True, help_text="People-facing reference, e.g. SG-2026-000123")
    owning_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="cases")
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey("safeguarding.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    lead_practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="lead_cases"
    )
    adult = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="cases_as_adult")
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.RAISED)
    closure_reason = models.CharField(max_length=30, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(blank=True)
    # The shared risk picture.
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, default=RiskLevel.MEDIUM)
    current_risks = models.TextField(blank=True)
    protective_factors = models.TextField(blank=True)
    risk_updated_at = models.DateTimeField(null=True, blank=True)
    # Think Family.
    children_in_household = models.BooleanField(default=False)
    adults_at_risk_in_household = models.BooleanField(default=False)
    think_family_notes = models.TextField(blank=True)
    # Mental-health context.
    mha_status = models.CharField(
        "Mental Health Act status",
        max_length=20,
        choices=MentalHealthActStatus.choices,
        default=MentalHealthActStatus.NONE,
    )
    care_coordinator = models.CharField(max_length=200, blank=True)
    crisis_plan = models.TextField(blank=True)
    safety_plan = models.TextField(blank=True)
    opened_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("view_case_summary", "View a case's summary (sharing scope)"),
            ("contribute_case", "Contribute to a case (sharing scope)"),
        ]
        indexes = [
            # Own-agency lists, newest first; with the id included, the owned half of the visibility rule
            # (``owning_agency_id = … → id``) is read from the index alone.
            models.Index(fields=["owning_agency", "-updated_at"], include=["id"], name="case_agency_updated_cov_idx"),
            # Case lists walk this index for the page's ids (``safeguarding.api.pagination``, deferred join); with the
            # owning agency included, the walk tests ownership without reading the table.
            models.Index(fields=["-updated_at", "-id"], include=["owning_agency"], name="case_updated_cov_idx"),
            models.Index(fields=["lead_practitioner", "status"], name="case_lead_status_idx"),
            models.Index(fields=["team", "status"], name="case_team_status_idx"),
        ]
        constraints = [
            # A new concern about an adult with an open case in the same agency joins that case.
            models.UniqueConstraint(
                fields=["owning_agency", "adult"],
                condition=models.Q(status__in=["draft", "raised", "enquiry", "plan"]),
                name="case_one_open_per_adult_per_agency",
            )
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CASE_STATUSES


@pghistory.track()
class CasePerson(models.Model):
    """Another person in the case, with their role (the adult at risk is ``Case.adult``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("cases.Person", on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(max_length=40, choices=PersonRole.choices)
    relationship = models.CharField(max_length=20, choices=Relationship.choices, blank=True)
    notes = models.TextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="caseperson_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.case_id}"
