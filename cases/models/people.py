"""People: one row per human across all agencies (adults at risk, people alleged to cause harm, carers…)."""

from __future__ import annotations

import uuid

import pghistory
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from cases.codes import Ethnicity, Gender, IdentifierSystem, NhsNumberStatus, PrimarySupportReason


@pghistory.track()
class Person(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Lower-cased, accent-free "given family" for duplicate hints (same normalised name and date of birth).
    normalised_name = models.CharField(max_length=210, db_index=True, editable=False)
    # Normalised name and aliases, for search by any name the adult is known by.
    search_text = models.TextField(editable=False, default="")
    date_of_birth = models.DateField(null=True, blank=True)
    identifier_system = models.CharField(
        max_length=20, choices=IdentifierSystem.choices, default=IdentifierSystem.NHS_NUMBER
    )
    nhs_number = models.CharField("NHS number", max_length=10, blank=True, db_index=True)
    nhs_number_status = models.CharField(max_length=2, choices=NhsNumberStatus.choices, blank=True)
    address = models.TextField(blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.NOT_KNOWN)
    ethnicity = models.CharField(max_length=50, choices=Ethnicity.choices, default=Ethnicity.NOT_KNOWN)
    primary_support_reason = models.CharField(
        max_length=30, choices=PrimarySupportReason.choices, default=PrimarySupportReason.NOT_KNOWN
    )
    autism_or_learning_disability = models.BooleanField(
        default=False, help_text="Learning, developmental or intellectual disability, including autism (SAC SG1e)"
    )
    asperger_or_high_functioning_autism = models.BooleanField(default=False)
    communication_needs = models.TextField(blank=True)
    created_by_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from")
    merged_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["normalised_name", "date_of_birth"], name="person_name_dob_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


class PersonMerge(models.Model):
    """An audited merge of two records of the same person; ``moved`` lists every repointed row so it can be undone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged_by = models.ForeignKey("safeguarding.User", on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField()
    moved = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        "safeguarding.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"Merge {self.merged_id} → {self.kept_id}"
