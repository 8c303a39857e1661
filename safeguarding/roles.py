"""Roles are capabilities: what a user may do. They never give access to case data on their own.

Case data is reached only through membership of the owning agency and recorded sharing decisions, and never at all
by the commissioner, auditor or agency_admin roles (``NON_CASE_ROLES``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    ENQUIRY_OFFICER = "enquiry_officer", "Enquiry officer"
    TEAM_MANAGER = "team_manager", "Team manager"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead (named or designated professional)"
    LA_SAFEGUARDING_MANAGER = "la_safeguarding_manager", "Local authority safeguarding manager"
    CALDICOTT_GUARDIAN = "caldicott_guardian", "Caldicott guardian"
    IDVA = "idva", "Independent domestic violence advocate"
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    MARAC_REPRESENTATIVE = "marac_representative", "MARAC representative"
    MEETING_CHAIR = "meeting_chair", "Meeting chair"
    MAPPA_ATTENDEE = "mappa_attendee", "MAPPA attendee"
    OUT_OF_HOURS_PRACTITIONER = "out_of_hours_practitioner", "Out-of-hours practitioner"
    DIRECTOR = "director", "Director"
    EXECUTIVE_LEAD = "executive_lead", "Executive lead"
    SAB_BUSINESS_MANAGER = "sab_business_manager", "SAB business manager"
    SAB_CHAIR = "sab_chair", "SAB independent chair"
    SAR_PANEL_MEMBER = "sar_panel_member", "SAR panel member"
    SAR_REVIEWER = "sar_reviewer", "SAR reviewer (external)"
    COMMISSIONER = "commissioner", "Commissioner"
    AGENCY_ADMIN = "agency_admin", "Agency administrator"
    AUDITOR = "auditor", "Auditor"


# Roles that never reach case data, whatever their agency and whatever is shared with it.
NON_CASE_ROLES: frozenset[str] = frozenset({Role.COMMISSIONER, Role.AUDITOR, Role.AGENCY_ADMIN})

# Roles that work with cases: own-agency membership and group grants reach users holding one of these.
CASE_WORKING_ROLES: frozenset[str] = frozenset(r.value for r in Role) - NON_CASE_ROLES - {Role.SAR_REVIEWER}

# Roles that may record sharing decisions for their own agency's cases (configurable per deployment).
SHARING_DECIDER_ROLES: frozenset[str] = frozenset(
    {
        Role.PRACTITIONER,
        Role.ENQUIRY_OFFICER,
        Role.TEAM_MANAGER,
        Role.SAFEGUARDING_LEAD,
        Role.CALDICOTT_GUARDIAN,
        Role.LA_SAFEGUARDING_MANAGER,
        Role.IDVA,
    }
)

LEAD_ROLES: frozenset[str] = frozenset({Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER})
MANAGER_ROLES: frozenset[str] = frozenset({Role.TEAM_MANAGER, *LEAD_ROLES, Role.DIRECTOR})


def has_any_role(roles: Iterable[str], wanted: Iterable[str]) -> bool:
    return not set(roles).isdisjoint(set(wanted))


def reaches_case_data(roles: Iterable[str]) -> bool:
    """True when a user holding ``roles`` may be reached by own-agency access or group grants."""
    return has_any_role(roles, CASE_WORKING_ROLES)
