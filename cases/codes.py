"""Code lists from the domain reference (§2.2–2.10). Codes are snake_case; labels are the official wording."""

from __future__ import annotations

from django.db import models


class IdentifierSystem(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number (England and Wales)"
    CHI_NUMBER = "chi_number", "CHI number (Scotland)"
    HC_NUMBER = "hc_number", "H&C number (Northern Ireland)"


class NhsNumberStatus(models.TextChoices):
    VERIFIED = "01", "Present and verified"
    NOT_TRACED = "02", "Present but not traced"
    TRACE_REQUIRED = "03", "Trace required"
    TRACE_ATTEMPTED = "04", "Trace attempted – no match or multiple match"
    TRACE_CONFLICT = "05", "Trace needs to be resolved (conflict)"
    TRACE_IN_PROGRESS = "06", "Trace in progress"
    NOT_PRESENT = "07", "Number not present and trace not required"
    TRACE_POSTPONED = "08", "Trace postponed"


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_KNOWN = "not_known", "Not known"


class Ethnicity(models.TextChoices):
    WHITE = "white", "White"
    MIXED = "mixed_multiple", "Mixed or multiple ethnic groups"
    ASIAN = "asian_asian_british", "Asian or Asian British"
    BLACK = "black_african_caribbean_black_british", "Black, African, Caribbean or Black British"
    OTHER = "other_ethnic_group", "Other ethnic group"
    REFUSED = "refused", "Refused"
    NOT_KNOWN = "undeclared_not_known", "Undeclared or not known"


class PrimarySupportReason(models.TextChoices):
    PHYSICAL = "physical_support", "Physical support"
    SENSORY = "sensory_support", "Sensory support"
    MEMORY = "memory_and_cognition", "Support with memory and cognition"
    LEARNING_DISABILITY = "learning_disability", "Learning disability support"
    MENTAL_HEALTH = "mental_health_support", "Mental health support"
    SOCIAL = "social_support", "Social support"
    NONE = "no_support_reason", "No support reason"
    NOT_KNOWN = "not_known", "Not known"


class AbuseType(models.TextChoices):
    """The SAC set: the statutory ten plus sexual exploitation (shown as sexual in the statutory view)."""

    PHYSICAL = "physical", "Physical abuse"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    SEXUAL = "sexual", "Sexual abuse"
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Sexual exploitation"
    PSYCHOLOGICAL = "psychological", "Psychological or emotional abuse"
    FINANCIAL = "financial_material", "Financial or material abuse"
    MODERN_SLAVERY = "modern_slavery", "Modern slavery"
    DISCRIMINATORY = "discriminatory", "Discriminatory abuse"
    ORGANISATIONAL = "organisational", "Organisational or institutional abuse"
    NEGLECT = "neglect_acts_of_omission", "Neglect and acts of omission"
    SELF_NEGLECT = "self_neglect", "Self-neglect"


def statutory_abuse_type(code: str) -> str:
    """Map the SAC code to the statutory ten (sexual exploitation is counted as sexual abuse)."""
    return AbuseType.SEXUAL if code == AbuseType.SEXUAL_EXPLOITATION else code


class LocationOfRisk(models.TextChoices):
    OWN_HOME = "own_home", "Own home"
    IN_COMMUNITY = "in_community", "In the community (excluding community services)"
    COMMUNITY_SERVICE = "community_service", "In a community service"
    CARE_HOME_NURSING = "care_home_nursing", "Care home – nursing"
    CARE_HOME_RESIDENTIAL = "care_home_residential", "Care home – residential"
    HOSPITAL_ACUTE = "hospital_acute", "Hospital – acute"
    HOSPITAL_MENTAL_HEALTH = "hospital_mental_health", "Hospital – mental health"
    HOSPITAL_COMMUNITY = "hospital_community", "Hospital – community"
    OTHER = "other", "Other"


class SourceOfRisk(models.TextChoices):
    SERVICE_PROVIDER = "service_provider", "Social care service provider"
    OTHER_KNOWN = "other_known", "Someone known to the adult"
    OTHER_UNKNOWN = "other_unknown", "Someone unknown to the adult"


class ConsentToRaise(models.TextChoices):
    GIVEN = "given", "The adult consented"
    REFUSED = "refused", "The adult refused"
    NOT_SOUGHT = "not_sought", "Consent was not sought"
    LACKS_CAPACITY = "lacks_capacity_best_interests", "The adult lacks capacity; raised in their best interests"


class ConsentNotSoughtReason(models.TextChoices):
    WOULD_INCREASE_RISK = "would_increase_risk", "Seeking consent would increase the risk"
    NOT_PRACTICABLE = "not_practicable", "It was not practicable (for example, the adult could not be found)"
    LACKS_CAPACITY = "lacks_capacity_best_interests", "The adult lacks capacity; raised in their best interests"


class TriState(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class LaDecision(models.TextChoices):
    S42 = "s42_enquiry", "Section 42 enquiry"
    OTHER = "other_enquiry", "Other safeguarding enquiry"
    NO_ENQUIRY = "no_enquiry", "No enquiry"


class NotS42Reason(models.TextChoices):
    NO_NEEDS = "no_care_and_support_needs", "No care and support needs"
    NO_ABUSE = "not_experiencing_abuse_or_neglect", "Not experiencing, or at risk of, abuse or neglect"
    ABLE_TO_PROTECT = "able_to_protect_self", "Able to protect themselves"


class AlternativeResponse(models.TextChoices):
    NO_ACTION = "no_action", "No further action"
    ADVICE = "advice_and_guidance", "Advice and guidance"
    CARE_ACT_ASSESSMENT = "care_act_assessment", "Care Act assessment"
    CASE_MANAGEMENT = "case_management", "Case management"
    CARE_REVIEW = "care_review", "Care review"
    OTHER_LA_SERVICE = "passed_to_other_la_service", "Passed to another local authority service"
    SIGNPOSTED = "signposted_external", "Signposted to an external organisation"
    ANOTHER_LA = "passed_to_another_la", "Passed to another local authority"


class EnquiryType(models.TextChoices):
    S42 = "s42", "Section 42 enquiry"
    OTHER = "other", "Other safeguarding enquiry"


class MentalCapacity(models.TextChoices):
    LACKED = "lacked_capacity", "Lacked capacity"
    DID_NOT_LACK = "did_not_lack_capacity", "Did not lack capacity"
    DONT_KNOW = "dont_know", "Don't know"
    NOT_RECORDED = "not_recorded", "Not recorded"


class MspAsked(models.TextChoices):
    OUTCOMES_EXPRESSED = "asked_outcomes_expressed", "Asked, and outcomes were expressed"
    NO_OUTCOMES = "asked_no_outcomes_expressed", "Asked, but no outcomes were expressed"
    NOT_ASKED = "not_asked", "Not asked"
    DONT_KNOW = "dont_know", "Don't know"
    NOT_RECORDED = "not_recorded", "Not recorded"


class MspAchieved(models.TextChoices):
    FULLY = "fully", "Fully achieved"
    PARTIALLY = "partially", "Partially achieved"
    NOT_ACHIEVED = "not_achieved", "Not achieved"


class RiskAssessmentOutcome(models.TextChoices):
    RISK_ACTION = "risk_identified_action_taken", "Risk identified – action taken"
    RISK_NO_ACTION = "risk_identified_no_action", "Risk identified – no action taken"
    INCONCLUSIVE_ACTION = "inconclusive_action_taken", "Risk assessment inconclusive – action taken"
    INCONCLUSIVE_NO_ACTION = "inconclusive_no_action", "Risk assessment inconclusive – no action taken"
    NO_RISK_ACTION = "no_risk_action_taken", "No risk identified – action taken"
    NO_RISK_NO_ACTION = "no_risk_no_action", "No risk identified – no action taken"
    CEASED = "ceased_at_individuals_request_no_action", "Enquiry ceased at the individual's request – no action"


RISK_IDENTIFIED = (RiskAssessmentOutcome.RISK_ACTION, RiskAssessmentOutcome.RISK_NO_ACTION)


class RiskResult(models.TextChoices):
    REMAINED = "risk_remained", "Risk remained"
    REDUCED = "risk_reduced", "Risk reduced"
    REMOVED = "risk_removed", "Risk removed"
    NOT_APPLICABLE = "not_applicable", "Not applicable"


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


class MentalHealthActStatus(models.TextChoices):
    NONE = "none", "Not detained or subject to the Act"
    INFORMAL = "informal", "Informal inpatient"
    S2 = "s2", "Section 2 (assessment)"
    S3 = "s3", "Section 3 (treatment)"
    S136 = "s136", "Section 136 (place of safety)"
    CTO = "cto", "Community treatment order"
    S117 = "s117", "Section 117 aftercare"
    GUARDIANSHIP = "guardianship", "Guardianship (section 7)"
    NOT_KNOWN = "not_known", "Not known"


class PersonRole(models.TextChoices):
    ALLEGED_SOURCE_OF_HARM = "alleged_source_of_harm", "Person alleged to cause harm"
    CARER = "carer", "Carer"
    FAMILY_MEMBER = "family_member", "Family member"
    REPRESENTATIVE = "representative", "Representative or advocate"
    CHILD_IN_HOUSEHOLD = "child_in_household", "Child in the household"
    ADULT_AT_RISK_IN_HOUSEHOLD = "adult_at_risk_in_household", "Another adult at risk in the household"
    OTHER = "other", "Other"


class Relationship(models.TextChoices):
    SPOUSE = "spouse", "Spouse"
    EX_SPOUSE = "ex_spouse", "Former spouse"
    PARTNER = "partner", "Partner"
    EX_PARTNER = "ex_partner", "Former partner"
    FAMILY = "family", "Family"
    OTHER = "other", "Other"
