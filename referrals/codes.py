"""Code lists for referrals (domain §2.3, §2.10, §2.11, §3.3, §3.5)."""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    S42_CONCERN = "s42_concern", "Safeguarding concern to the local authority"
    MARAC = "marac", "MARAC referral"
    MAPPA = "mappa", "MAPPA information"
    SERVICE = "service", "Service referral"


class State(models.TextChoices):
    DRAFT = "draft", "Draft"
    # s42, MAPPA and service referrals.
    SENT = "sent", "Sent"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # MARAC referrals (domain §3.3).
    REFERRED = "referred", "Referred"
    LISTED = "listed", "Listed for a MARAC"
    NOT_LISTED = "not_listed", "Not listed"
    EMERGENCY = "emergency", "Emergency MARAC"
    HEARD = "heard", "Heard at MARAC"
    ACTIONS_OPEN = "actions_open", "Actions open"
    # Every kind ends here.
    CLOSED = "closed", "Closed"


# States in which the sender may still withdraw (s42, MAPPA, service: before acceptance).
WITHDRAWABLE = (State.SENT, State.ACKNOWLEDGED)
# States where the referral still waits on the recipient.
AWAITING_RECIPIENT = (State.SENT, State.ACKNOWLEDGED, State.REFERRED)
# MARAC referrals a coordinator may put on (or keep on) a sitting's agenda.
MARAC_LISTABLE = (State.LISTED, State.EMERGENCY)
OPEN_STATES = (
    State.SENT,
    State.ACKNOWLEDGED,
    State.ACCEPTED,
    State.REFERRED,
    State.LISTED,
    State.NOT_LISTED,
    State.EMERGENCY,
    State.HEARD,
    State.ACTIONS_OPEN,
)


class MaracCriterion(models.TextChoices):
    VISIBLE_HIGH_RISK = "visible_high_risk", "Visible high risk (14 or more ticks on the DASH)"
    PROFESSIONAL_JUDGEMENT = "professional_judgement", "Professional judgement"
    POTENTIAL_ESCALATION = "potential_escalation", "Potential escalation"
    REPEAT = "repeat", "Repeat referral"


class HarmRelationship(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    EX_SPOUSE = "ex_spouse", "Former spouse"
    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Former partner"
    FAMILY = "family", "Family member"
    OTHER = "other", "Other"


class VictimConsent(models.TextChoices):
    GIVEN = "given", "The victim consented"
    NOT_GIVEN = "not_given", "The victim did not consent (referral made on risk)"
    NOT_SOUGHT = "not_sought", "Not sought (it would increase the risk)"


class MappaCategory(models.TextChoices):
    CAT1 = "cat1_registered_sexual_offender", "Category 1: registered sexual offender"
    CAT2 = "cat2_violent_or_other_sexual", "Category 2: violent or other sexual offender"
    CAT3 = "cat3_other_dangerous", "Category 3: other dangerous offender"


class MappaLevel(models.TextChoices):
    LEVEL1 = "level1_ordinary_agency", "Level 1: ordinary agency management"
    LEVEL2 = "level2_active_multi_agency", "Level 2: active multi-agency management"
    LEVEL3 = "level3_active_multi_agency_senior", "Level 3: active multi-agency management with senior oversight"


class MappaRequestType(models.TextChoices):
    NOTIFY = "notify", "Notify the responsible authority"
    ASK = "ask", "Ask the responsible authority"


class NominalStatus(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    SCREENED = "screened", "Screened"
    ACTIVE = "active", "Managed at a level"
    EXITED = "exited", "Exited MAPPA"


class ServiceType(models.TextChoices):
    HOUSING = "housing", "Housing"
    MENTAL_HEALTH_ASSESSMENT = "mental_health_assessment", "Mental health assessment"
    SUBSTANCE_MISUSE = "substance_misuse", "Substance misuse"
    DOMESTIC_ABUSE_SUPPORT = "domestic_abuse_support", "Domestic abuse support"
    CARE_ACT_ASSESSMENT = "care_act_assessment", "Care Act assessment"
    ADVOCACY = "advocacy", "Advocacy"
    FINANCIAL_SUPPORT = "financial_support", "Financial or welfare support"
    OTHER = "other", "Other"
