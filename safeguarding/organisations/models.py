"""Organisations and the people who work in them (domain reference §2.1, §5.1)."""

from __future__ import annotations

import uuid
from datetime import time

import pghistory
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.postgres.fields import ArrayField
from django.db import models

from safeguarding.roles import Role


class AgencyType(models.TextChoices):
    LOCAL_AUTHORITY_ASC = "local_authority_asc", "Local authority adult social care"
    NHS_MENTAL_HEALTH_TRUST = "nhs_mental_health_trust", "NHS mental health trust"
    NHS_ACUTE_TRUST = "nhs_acute_trust", "NHS acute trust"
    NHS_COMMUNITY = "nhs_community", "NHS community services"
    GP_PRACTICE = "gp_practice", "GP practice"
    ICB = "icb", "Integrated care board"
    POLICE = "police", "Police"
    PROBATION = "probation", "Probation"
    PRISON = "prison", "Prison"
    YOUTH_OFFENDING = "youth_offending", "Youth offending"
    HOUSING_AUTHORITY = "housing_authority", "Housing authority"
    REGISTERED_SOCIAL_LANDLORD = "registered_social_landlord", "Registered social landlord"
    JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
    IDVA_SERVICE = "idva_service", "IDVA service"
    DOMESTIC_ABUSE_SERVICE = "domestic_abuse_service", "Domestic abuse service"
    CARE_PROVIDER = "care_provider", "Care provider"
    VOLUNTARY_SECTOR = "voluntary_sector", "Voluntary sector"
    SAB_BUSINESS_UNIT = "sab_business_unit", "Safeguarding Adults Board business unit"
    OTHER = "other", "Other"


class Nation(models.TextChoices):
    ENGLAND_AND_WALES = "england-and-wales", "England and Wales"
    SCOTLAND = "scotland", "Scotland"
    NORTHERN_IRELAND = "northern-ireland", "Northern Ireland"


class MappaRole(models.TextChoices):
    RESPONSIBLE_AUTHORITY = "responsible_authority", "Responsible authority"
    DUTY_TO_COOPERATE = "duty_to_cooperate", "Duty to cooperate"
    NONE = "none", "None"


# Agencies whose involvement is itself sensitive: excluded from break-glass look-ups and similar.
RESTRICTED_AGENCY_TYPES = frozenset({AgencyType.IDVA_SERVICE, AgencyType.DOMESTIC_ABUSE_SERVICE})


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AgencyEvent")
class Agency(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    agency_type = models.CharField(max_length=40, choices=AgencyType.choices)
    ods_code = models.CharField("ODS code", max_length=10, blank=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND_AND_WALES)
    mappa_role = models.CharField(max_length=30, choices=MappaRole.choices, default=MappaRole.NONE)
    restricted = models.BooleanField(
        default=False, help_text="IDVA and domestic-abuse services, whose involvement itself is sensitive."
    )
    active = models.BooleanField(default=True)
    business_hours_start = models.TimeField(default=time(9, 0))
    business_hours_end = models.TimeField(default=time(17, 0))
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    commissions = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="commissioned_by",
        blank=True,
        help_text="Agencies this (commissioner) agency commissions.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="AreaEvent")
class Area(models.Model):
    """A Safeguarding Adults Board footprint, also the MARAC area."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    nation = models.CharField(max_length=20, choices=Nation.choices, default=Nation.ENGLAND_AND_WALES)
    business_unit = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="business_unit_of",
        null=True,
        blank=True,
        limit_choices_to={"agency_type": AgencyType.SAB_BUSINESS_UNIT},
    )
    agencies = models.ManyToManyField(Agency, related_name="areas", blank=True)
    observe_ad_hoc_holidays = models.BooleanField(
        default=True,
        help_text="Whether ad hoc bank holidays (royal proclamations) are non-working days here.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="TeamEvent")
class Team(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["agency__name", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="team_unique_name_per_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.name})"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="MembershipEvent"
)
class Membership(models.Model):
    """A user's place in one agency: team, roles (capabilities), line manager and deputy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships")
    roles = ArrayField(models.CharField(max_length=40, choices=Role.choices), default=list, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deputising_for",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["agency"], name="membership_agency_idx")]

    def __str__(self) -> str:
        return f"{self.user} at {self.agency}"


# Many-to-many links carry access consequences (a commissioner's reach, an area's member agencies), so their
# additions and removals are recorded too, through proxies of the auto-created link tables.
@pghistory.track(
    pghistory.InsertEvent("commission.add"),
    pghistory.DeleteEvent("commission.remove"),
    obj_field=None,
    model_name="AgencyCommissionEvent",
)
class AgencyCommission(Agency.commissions.through):  # type: ignore[name-defined]
    class Meta:
        proxy = True


@pghistory.track(
    pghistory.InsertEvent("member.add"),
    pghistory.DeleteEvent("member.remove"),
    obj_field=None,
    model_name="AreaAgencyEvent",
)
class AreaAgency(Area.agencies.through):  # type: ignore[name-defined]
    class Meta:
        proxy = True


class Position(models.TextChoices):
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    LA_SAFEGUARDING_MANAGER = "la_safeguarding_manager", "LA safeguarding manager"
    DIRECTOR = "director", "Director"
    EXECUTIVE_LEAD = "executive_lead", "Executive lead"
    SAB_CHAIR = "sab_chair", "SAB independent chair"
    SAB_BUSINESS_MANAGER = "sab_business_manager", "SAB business manager"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    MARAC_CHAIR = "marac_chair", "MARAC chair"
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott guardian"


@pghistory.track(
    pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), model_name="DirectoryEntryEvent"
)
class DirectoryEntry(models.Model):
    """Who holds decision-making authority in an area, per agency where it applies, with a deputy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="directory")
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="directory_entries",
        help_text="Blank for area-wide positions such as the SAB chair.",
    )
    position = models.CharField(max_length=40, choices=Position.choices)
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="positions_held")
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="positions_deputised",
    )

    class Meta:
        ordering = ["area__name", "agency__name", "position"]
        verbose_name_plural = "directory entries"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "agency", "position"],
                name="directory_unique_position",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_position_display()} — {self.area}"
