"""Safeguarding Adult Reviews (Care Act s44; domain §2.13, §3.7): referrals, screening with chronology requests,
the panel's decision, the review itself, recommendations and their action plans (tracked actions with a RAG
rating), improvement themes that recur across reviews and joint learning events.

One ``Review`` row carries a SAR from referral to closure (``stage`` tells a referral from a commissioned review).
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from safeguarding.actions.models import Action

HISTORY_CONTEXT = pghistory.ContextJSONField()


class ReviewStatus(models.TextChoices):
    REFERRAL_RECEIVED = "referral_received", "Referral received"
    SCREENING = "screening", "Screening"
    AWAITING_CHRONOLOGIES = "awaiting_chronologies", "Awaiting chronologies"
    DECISION_PENDING = "decision_pending", "Panel decision pending"
    COMMISSIONED = "commissioned", "Commissioned"
    DECLINED = "declined", "Declined"
    IN_REVIEW = "in_review", "In review"
    DRAFT = "draft", "Draft report"
    FINAL = "final", "Final report"
    PUBLISHED = "published", "Published"
    MONITORING = "action_plan_monitoring", "Action plan monitoring"
    CLOSED = "closed", "Closed"


REFERRAL_STATUSES = (
    ReviewStatus.REFERRAL_RECEIVED,
    ReviewStatus.SCREENING,
    ReviewStatus.AWAITING_CHRONOLOGIES,
    ReviewStatus.DECISION_PENDING,
    ReviewStatus.DECLINED,
)
# After publication the report is public and agencies see it.
PUBLISHED_STATUSES = (ReviewStatus.PUBLISHED, ReviewStatus.MONITORING, ReviewStatus.CLOSED)


class Basis(models.TextChoices):
    CONDITION1_DIED = "mandatory_condition1_died", "Mandatory: the adult died and abuse or neglect is suspected"
    CONDITION2_ALIVE = (
        "mandatory_condition2_serious_harm_alive",
        "Mandatory: the adult is alive and experienced serious abuse or neglect",
    )
    DISCRETIONARY = "discretionary", "Discretionary"


MANDATORY_BASES = (Basis.CONDITION1_DIED, Basis.CONDITION2_ALIVE)


class Decision(models.TextChoices):
    COMMISSIONED = "commissioned", "Commissioned"
    DECLINED = "declined", "Declined"


class ParallelProcess(models.TextChoices):
    CORONER = "coroner", "Coroner's inquest"
    POLICE = "police", "Police investigation"
    DHR = "domestic_homicide_review", "Domestic homicide review"
    SERIOUS_INCIDENT = "serious_incident", "Serious incident investigation"


class Methodology(models.TextChoices):
    LEARNING_TOGETHER = "learning_together", "Learning Together (systems)"
    SIGNIFICANT_INCIDENT = "significant_incident_learning", "Significant incident learning process"
    ROOT_CAUSE = "root_cause_analysis", "Root cause analysis"
    RAPID_REVIEW = "rapid_review", "Rapid review"
    TRADITIONAL = "traditional", "Traditional (chronology and IMRs)"
    OTHER = "other", "Other proportionate approach"


@pghistory.track(context_field=HISTORY_CONTEXT)
class Review(models.Model):
    """A SAR from referral to closure."""

    area_id: Any
    business_unit_id: Any
    reviewer_id: Any
    case_id: Any
    referrer_agency_id: Any

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    reference = models.CharField(max_length=20, unique=True)
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    business_unit = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=30, choices=ReviewStatus.choices, default=ReviewStatus.REFERRAL_RECEIVED)
    # Referral
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    referrer_agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    adult_name = models.CharField(max_length=200, help_text="When no case exists; otherwise the case's adult.")
    nhs_number = models.CharField(
        "NHS number", max_length=10, blank=True, help_text="Chronology requests name the adult by it."
    )
    enquiry_ref = models.CharField(max_length=60, blank=True)
    basis = models.CharField(max_length=45, choices=Basis.choices)
    care_and_support_needs = models.BooleanField(default=False)
    serious_abuse_or_neglect = models.BooleanField(default=False)
    concern_about_joint_working = models.BooleanField(default=False)
    supporting_information = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Decision (the SAB chair, on the panel's recommendation)
    decision = models.CharField(max_length=20, choices=Decision.choices, blank=True)
    decision_at = models.DateTimeField(null=True, blank=True)
    decision_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True)
    other_review = models.TextField(blank=True, help_text="When declined: any other review or learning route.")
    # The review
    methodology = models.CharField(max_length=40, choices=Methodology.choices, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    terms_of_reference = models.TextField(blank=True)
    panel_members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    family_involvement = models.TextField(blank=True)
    person_informed = models.BooleanField(default=False)
    parallel_processes = ArrayField(
        models.CharField(max_length=40, choices=ParallelProcess.choices), default=list, blank=True
    )
    draft_report = models.TextField(blank=True, help_text="Restricted to the panel and reviewer until publication.")
    executive_summary = models.TextField(blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    annual_report_year = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-referred_at"]
        indexes = [models.Index(fields=["business_unit", "status"], name="review_unit_status_idx")]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_referral(self) -> bool:
        return self.status in REFERRAL_STATUSES

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED_STATUSES

    @property
    def died(self) -> bool:
        return self.basis == Basis.CONDITION1_DIED

    @property
    def adult_label(self) -> str:
        if self.case_id is not None and self.case is not None:
            return str(self.case.adult)
        return self.adult_name


class EventKind(models.TextChoices):
    REFERRED = "referred", "Referral received"
    TRANSITION = "transition", "Stage changed"
    CHRONOLOGY_REQUESTED = "chronology_requested", "Chronology requested"
    CHRONOLOGY_RECEIVED = "chronology_received", "Chronology received"
    UPDATED = "updated", "Details updated"
    RECOMMENDATION = "recommendation", "Recommendation added"


class TimelineEntry(models.Model):
    """The review's timeline: what happened, when, by whom (no restricted content)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="timeline")
    kind = models.CharField(max_length=30, choices=EventKind.choices)
    summary = models.CharField(max_length=300)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return self.summary


class ChronologyStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RECEIVED = "received", "Received"
    REFUSED = "refused", "Refused"
    CANCELLED = "cancelled", "Cancelled"


@pghistory.track(context_field=HISTORY_CONTEXT)
class ChronologyRequest(models.Model):
    """A request to one agency for its chronology during screening: sent as an information request with the
    Care Act s45 purpose (the platform's request, on its own clock), linked here to the review.

    Restricted: the panel, the reviewer and the business unit see every one; the agency asked sees its own.
    """

    review_id: Any
    agency_id: Any

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="chronology_requests")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    information_request = models.OneToOneField(
        "safeguarding.InformationRequest", on_delete=models.PROTECT, related_name="sar_chronology"
    )
    questions = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ChronologyStatus.choices, default=ChronologyStatus.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    chronology = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "agency"],
                condition=~models.Q(status="cancelled"),
                name="chronology_request_once_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"Chronology request {str(self.pk)[:8].upper()}"


@pghistory.track(context_field=HISTORY_CONTEXT)
class Recommendation(models.Model):
    review_id: Any

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="recommendations")
    number = models.PositiveSmallIntegerField()
    finding = models.TextField(blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["review", "number"]
        constraints = [models.UniqueConstraint(fields=["review", "number"], name="recommendation_number_once")]

    def __str__(self) -> str:
        return f"Recommendation {self.number}"

    @property
    def ref(self) -> str:
        return f"R{self.number}"


class OwnerFlag(models.TextChoices):
    NONE = "", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"


class Rag(models.TextChoices):
    BLUE = "blue", "Blue: completed and verified"
    RED = "red", "Red: overdue or off track"
    AMBER = "amber", "Amber: at risk"
    GREEN = "green", "Green: on track"
    NONE = "none", "Cancelled"


@pghistory.track(context_field=HISTORY_CONTEXT)
class ReviewAction(Action):
    """An action-plan item: a tracked action answering a recommendation, with a RAG computed in SQL."""

    parent_field: ClassVar[str] = "recommendation"
    recommendation_id: Any

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    owner_flag = models.CharField(max_length=12, choices=OwnerFlag.choices, blank=True, default=OwnerFlag.NONE)
    impact_measure = models.TextField(blank=True)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta(Action.Meta):
        indexes = [models.Index(fields=["owner_agency", "status"], name="review_action_owner_idx")]

    @property
    def reference(self) -> str:
        return f"{self.recommendation.ref}-{str(self.pk)[:4].upper()}"


class ActionUpdate(models.Model):
    """A progress update by the owner (each one counts as an update for the 30-day rule)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    action = models.ForeignKey(ReviewAction, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField()
    owner_flag = models.CharField(max_length=12, choices=OwnerFlag.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "id"]

    def __str__(self) -> str:
        return f"Update {self.at:%Y-%m-%d}"


class ImprovementTheme(models.Model):
    """A theme that recurs across reviews, linked to the items that address it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    reviews = models.ManyToManyField(Review, blank=True, related_name="themes")
    actions = models.ManyToManyField(ReviewAction, blank=True, related_name="themes")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["area", "title"], name="theme_title_once_per_area")]

    def __str__(self) -> str:
        return self.title


class EventFormat(models.TextChoices):
    BRIEFING = "briefing", "Briefing"
    WORKSHOP = "workshop", "Workshop"
    CONFERENCE = "conference", "Conference"
    SEVEN_MINUTE = "seven_minute_briefing", "7-minute briefing"


class LearningEvent(models.Model):
    """A joint learning event (briefing, workshop) with attendance by agency."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey("safeguarding.Area", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    format = models.CharField(max_length=30, choices=EventFormat.choices)
    held_on = models.DateField()
    summary = models.TextField(blank=True)
    reviews = models.ManyToManyField(Review, blank=True, related_name="learning_events")
    themes = models.ManyToManyField(ImprovementTheme, blank=True, related_name="learning_events")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    event = models.ForeignKey(LearningEvent, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey("safeguarding.Agency", on_delete=models.PROTECT, related_name="+")
    attendees = models.PositiveIntegerField()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["event", "agency"], name="attendance_once_per_agency")]

    def __str__(self) -> str:
        return f"{self.attendees} attended"
