"""Code lists for information-sharing decisions (domain §2.14, §5.4)."""

from __future__ import annotations

from datetime import timedelta

from django.db import models


class Direction(models.TextChoices):
    DISCLOSE = "disclose", "Disclose"
    REFUSE = "refuse", "Refuse (decision not to share)"


class Purpose(models.TextChoices):
    S42_ENQUIRY = "s42_enquiry", "Care Act section 42 enquiry"
    STRATEGY_MEETING = "strategy_meeting", "Strategy discussion or meeting"
    MARAC = "marac", "MARAC"
    MAPPA = "mappa", "MAPPA"
    SAR_S45 = "sar_s45_request", "Safeguarding Adults Review (Care Act section 45 request)"
    POLICE_INVESTIGATION = "police_investigation", "Police investigation"
    INDIVIDUAL_CARE = "individual_care", "Individual care"
    OTHER = "other", "Other"


class Scope(models.TextChoices):
    """Ordered: summary < full < contribute (full plus adding chronology entries and contributions)."""

    SUMMARY = "summary", "Summary"
    FULL = "full", "Full record (read only)"
    CONTRIBUTE = "contribute", "Full record, and adding chronology entries and contributions"


SCOPE_ORDER = {Scope.SUMMARY: 1, Scope.FULL: 2, Scope.CONTRIBUTE: 3}


class LawfulBasisArt6(models.TextChoices):
    LEGAL_OBLIGATION = "6_1_c_legal_obligation", "Article 6(1)(c) legal obligation"
    VITAL_INTERESTS = "6_1_d_vital_interests", "Article 6(1)(d) vital interests"
    PUBLIC_TASK = "6_1_e_public_task", "Article 6(1)(e) public task"
    CONSENT = "6_1_a_consent", "Article 6(1)(a) consent (rarely appropriate)"


class ConditionArt9(models.TextChoices):
    SOCIAL_PROTECTION = "9_2_b_social_protection", "Article 9(2)(b) employment, social security and social protection"
    VITAL_INTERESTS = "9_2_c_vital_interests", "Article 9(2)(c) vital interests"
    SUBSTANTIAL_PUBLIC_INTEREST = "9_2_g_substantial_public_interest", "Article 9(2)(g) substantial public interest"
    HEALTH_SOCIAL_CARE = "9_2_h_health_social_care", "Article 9(2)(h) health or social care"
    EXPLICIT_CONSENT = "9_2_a_explicit_consent", "Article 9(2)(a) explicit consent"


class DpaSchedule1Condition(models.TextChoices):
    PARA2 = "para2_health_social_care", "Schedule 1 paragraph 2: health or social care purposes"
    PARA6 = "para6_statutory_purposes", "Schedule 1 paragraph 6: statutory and government purposes"
    PARA10 = "para10_preventing_detecting_crime", "Schedule 1 paragraph 10: preventing or detecting unlawful acts"
    PARA18 = (
        "para18_safeguarding_individuals_at_risk",
        "Schedule 1 paragraph 18: safeguarding of children and individuals at risk",
    )


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    CANNOT_BE_GIVEN = "cannot_be_given", "Consent cannot be given"
    LACKS_CAPACITY = "lacks_capacity", "The adult lacks capacity to consent"


CONSENTED = (ConsentStatus.GIVEN,)


class OverrideReason(models.TextChoices):
    """Why information is shared without consent (domain §5.4)."""

    OTHERS_AT_RISK = "others_at_risk", "Other people are at risk"
    CRIME = "crime_suspected", "A serious crime is suspected"
    PUBLIC_INTEREST = "public_interest", "There is an overriding public interest"
    COERCION = "coercion_or_control", "The adult is coerced or controlled"
    LACKS_CAPACITY = "lacks_capacity", "The adult lacks capacity and sharing is in their best interests"
    WOULD_INCREASE_RISK = "seeking_consent_would_increase_risk", "Seeking consent would increase the risk"
    NOT_PRACTICABLE = "not_practicable", "Consent could not practicably be sought"


class CommonLawJustification(models.TextChoices):
    CONSENT = "consent", "Consent"
    STATUTORY_GATEWAY = "statutory_gateway", "Statutory gateway"
    PUBLIC_INTEREST = "overriding_public_interest", "Overriding public interest"


class DataItem(models.TextChoices):
    IDENTITY = "identity", "Identity and contact details"
    CONCERN = "concern", "The safeguarding concern"
    RISK = "risk", "Risk assessment and risk picture"
    HEALTH = "health", "Health, including mental health"
    CHRONOLOGY = "chronology", "Chronology"
    PLAN = "plan", "Safeguarding plan and actions"
    CRIMINAL = "criminal_offence", "Criminal offence information"
    FAMILY = "family", "Family and household"


class SpecialCategory(models.TextChoices):
    HEALTH = "health", "Health"
    SEX_LIFE = "sex_life", "Sex life or sexual orientation"
    ETHNICITY = "ethnicity", "Racial or ethnic origin"
    RELIGION = "religion", "Religious or philosophical beliefs"
    GENETIC_BIOMETRIC = "genetic_biometric", "Genetic or biometric data"


# Default expiry per purpose (configurable in settings: SHARING_DEFAULT_EXPIRY_DAYS).
DEFAULT_EXPIRY = {
    Purpose.S42_ENQUIRY: timedelta(days=90),
    Purpose.STRATEGY_MEETING: timedelta(days=60),
    Purpose.MARAC: timedelta(days=365),
    Purpose.MAPPA: timedelta(days=180),
    Purpose.SAR_S45: timedelta(days=365),
    Purpose.POLICE_INVESTIGATION: timedelta(days=90),
    Purpose.INDIVIDUAL_CARE: timedelta(days=180),
    Purpose.OTHER: timedelta(days=30),
}
MIN_RATIONALE = 20
