from cases.models.assessments import ChronologyEntry, DashAssessment, DashBand, DashQuestionSet, EntryType, dash_band
from cases.models.cases import OPEN_CASE_STATUSES, Case, CasePerson, CaseStatus, ClosureReason
from cases.models.concerns import Concern
from cases.models.enquiries import (
    CapacityAssessment,
    CapacityOutcome,
    Enquiry,
    EnquiryStatus,
    PlanAction,
    PlanStatus,
    SafeguardingPlan,
)
from cases.models.grants import CASE_GRANT_CODENAMES, CaseGroupObjectPermission, CaseUserObjectPermission
from cases.models.people import Person, PersonMerge

__all__ = [
    "CASE_GRANT_CODENAMES",
    "OPEN_CASE_STATUSES",
    "CapacityAssessment",
    "CapacityOutcome",
    "Case",
    "CaseGroupObjectPermission",
    "CasePerson",
    "CaseStatus",
    "CaseUserObjectPermission",
    "ChronologyEntry",
    "ClosureReason",
    "Concern",
    "DashAssessment",
    "DashBand",
    "DashQuestionSet",
    "Enquiry",
    "EnquiryStatus",
    "EntryType",
    "Person",
    "PersonMerge",
    "PlanAction",
    "PlanStatus",
    "SafeguardingPlan",
    "dash_band",
]
