"""A tiny subject model for the clock engine's tests: something owned by an agency, optionally in an area."""

from __future__ import annotations

import uuid

from django.db import models


class Subject(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=40)
    owning_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey("safeguarding.Area", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    def __str__(self) -> str:
        return self.reference


class BreachRecord(models.Model):
    """Written by the test kinds' breach handler, inside the firing transaction: counts handler side effects."""

    deadline_id = models.UUIDField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"breach of {self.deadline_id}"
