"""DASH risk identification checklists (SafeLives) and the chronology."""

from __future__ import annotations

import uuid

import pghistory
from django.conf import settings
from django.db import models
from django.utils import timezone


class DashQuestionSet(models.Model):
    """The 24 questions as versioned data. Short labels ship with the service; the operator may load the licensed
    SafeLives wording (``manage.py load_dash_questions``)."""

    version = models.CharField(max_length=40, unique=True)
    questions = models.JSONField(help_text='[{"number": 1, "label": "…", "text": "…"}, …] — 24 entries')
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"DASH questions {self.version}"


class DashBand(models.TextChoices):
    STANDARD = "standard", "Standard (0–9)"
    MEDIUM = "medium", "Medium (10–13)"
    HIGH = "high", "High (14 or more)"


def dash_band(yes_count: int) -> str:
    if yes_count >= 14:
        return DashBand.HIGH
    if yes_count >= 10:
        return DashBand.MEDIUM
    return DashBand.STANDARD


@pghistory.track()
class DashAssessment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dash_assessments")
    question_set = models.ForeignKey(DashQuestionSet, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(help_text='{"1": "yes" | "no" | "not_known", …}')
    comments = models.JSONField(default=dict, blank=True)
    yes_count = models.PositiveSmallIntegerField()
    band = models.CharField(max_length=10, choices=DashBand.choices)
    professional_judgement = models.TextField(
        blank=True, help_text="Concerns that raise the level (never lower it): write them out."
    )
    completed_at = models.DateTimeField(default=timezone.now)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    completed_by_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-completed_at"]

    def __str__(self) -> str:
        return f"DASH {self.yes_count} ({self.get_band_display()})"


class EntryType(models.TextChoices):
    NOTE = "note", "Case note"
    CONTACT = "contact", "Contact with the adult"
    INCIDENT = "incident", "Incident"
    MEETING = "meeting", "Meeting"
    DECISION = "decision", "Decision"
    REFERRAL = "referral", "Referral"
    ASSESSMENT = "assessment", "Assessment"
    STATUS = "status", "Case status change"
    INFORMATION_SHARING = "information_sharing", "Information sharing"
    OTHER = "other", "Other"


@pghistory.track()
class ChronologyEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="chronology")
    event_date = models.DateTimeField(help_text="When it happened (back-dating allowed).")
    entry_type = models.CharField(max_length=30, choices=EntryType.choices, default=EntryType.NOTE)
    summary = models.TextField()
    significant = models.BooleanField(default=False)
    automatic = models.BooleanField(default=False, help_text="Written by the service (a transition, a referral…).")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-event_date", "-created_at"]
        indexes = [models.Index(fields=["case", "-event_date"], name="chronology_case_date_idx")]
        verbose_name_plural = "chronology entries"

    def __str__(self) -> str:
        return f"{self.event_date:%Y-%m-%d} {self.get_entry_type_display()}"
