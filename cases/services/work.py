"""Enquiries, safeguarding plans and their actions, capacity assessments, DASH checklists and the chronology."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import clocks
from cases.codes import (
    RISK_IDENTIFIED,
    MentalCapacity,
    MspAchieved,
    MspAsked,
    RiskAssessmentOutcome,
    RiskResult,
)
from cases.models import (
    CapacityAssessment,
    CapacityOutcome,
    Case,
    CaseStatus,
    ChronologyEntry,
    DashAssessment,
    DashQuestionSet,
    Enquiry,
    EnquiryStatus,
    EntryType,
    Person,
    PlanAction,
    PlanStatus,
    SafeguardingPlan,
    dash_band,
)
from cases.selectors import Scope
from cases.services.common import (
    acting_agency,
    chronology_record,
    local_authority_ids,
    optimistic_update,
    require_scope,
)
from safeguarding.accounts.models import User
from safeguarding.actions.services import action_create_kwargs
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.organisations.models import Agency
from safeguarding.roles import MANAGER_ROLES, Role

ENQUIRY_FIELDS = (
    "scope",
    "mental_capacity",
    "advocacy_support",
    "msp_asked",
    "msp_achieved",
    "desired_outcomes",
    "risk_assessment_outcome",
    "risk_result",
    "conclusion_notes",
)


def _require_enquiry_writer(enquiry: Enquiry, by: User) -> Agency:
    """Enquiry: its lead agency and the local authority (who stays accountable when it causes another to enquire)."""
    agency = acting_agency(by)
    if agency.pk != enquiry.lead_agency_id and agency.pk not in local_authority_ids(enquiry.case):
        raise ActionForbidden("Only the enquiry's lead agency or the local authority can change the enquiry.")
    require_scope(enquiry.case, by, Scope.CONTRIBUTE, "change the enquiry")
    return agency


def _clean_enquiry(values: dict[str, Any]) -> dict[str, Any]:
    choices = {
        "mental_capacity": MentalCapacity.values,
        "msp_asked": MspAsked.values,
        "msp_achieved": MspAchieved.values,
        "risk_assessment_outcome": RiskAssessmentOutcome.values,
        "risk_result": RiskResult.values,
    }
    errors = {
        name: ["Select an option from the list"]
        for name, allowed in choices.items()
        if values.get(name) not in (None, "", *allowed)
    }
    if errors:
        raise InvalidInput(errors=errors)
    return values


@transaction.atomic
def enquiry_update(*, enquiry: Enquiry, by: User, expected_version: int | None = None, **fields: Any) -> Enquiry:
    _require_enquiry_writer(enquiry, by)
    if enquiry.status != EnquiryStatus.OPEN:
        raise TransitionNotAllowed("A concluded enquiry cannot be changed.")
    unknown = set(fields) - set(ENQUIRY_FIELDS)
    if unknown:
        raise InvalidInput(errors={name: ["This field cannot be changed here"] for name in sorted(unknown)})
    return optimistic_update(enquiry, fields=_clean_enquiry(dict(fields)), expected_version=expected_version)


def enquiry_conclusion_errors(enquiry: Enquiry) -> dict[str, list[str]]:
    """The guards on concluding an enquiry (domain §3.2)."""
    errors: dict[str, list[str]] = {}
    if not enquiry.risk_assessment_outcome:
        errors["risk_assessment_outcome"] = ["Record the risk assessment outcome"]
    identified = enquiry.risk_assessment_outcome in RISK_IDENTIFIED
    if identified and not enquiry.risk_result:
        errors["risk_result"] = ["Record whether the risk remained, reduced or was removed"]
    if not identified and enquiry.risk_result:
        errors["risk_result"] = ["A risk result is recorded only when a risk was identified"]
    if not enquiry.msp_asked:
        errors["msp_asked"] = ["Record whether the adult was asked about the outcomes they wanted"]
    expressed = enquiry.msp_asked == MspAsked.OUTCOMES_EXPRESSED
    if expressed and not enquiry.msp_achieved:
        errors["msp_achieved"] = ["Record whether the adult's outcomes were achieved"]
    if not expressed and enquiry.msp_achieved:
        errors["msp_achieved"] = ["Outcomes achieved is recorded only when outcomes were expressed"]
    if not enquiry.mental_capacity:
        errors["mental_capacity"] = ["Record whether the adult lacked capacity"]
    if enquiry.mental_capacity == MentalCapacity.LACKED and enquiry.advocacy_support is None:
        errors["advocacy_support"] = [
            "Record whether the adult had an advocate, family member or friend to support them"
        ]
    return errors


@transaction.atomic
def enquiry_conclude(*, enquiry: Enquiry, by: User, notes: str = "", now: datetime | None = None) -> Enquiry:
    """Conclude with manager sign-off (the lead investigator's line manager or the chair)."""
    now = now or timezone.now()
    enquiry = Enquiry.objects.select_for_update().select_related("case").get(pk=enquiry.pk)
    agency = _require_enquiry_writer(enquiry, by)
    if enquiry.status != EnquiryStatus.OPEN:
        raise TransitionNotAllowed("This enquiry has already ended.")
    if not by.has_role(*MANAGER_ROLES, Role.MEETING_CHAIR):
        raise ActionForbidden("A manager or the chair signs off an enquiry's conclusion.")
    errors = enquiry_conclusion_errors(enquiry)
    if errors:
        raise InvalidInput("The enquiry cannot be concluded yet.", errors=errors)
    Enquiry.objects.filter(pk=enquiry.pk).update(
        status=EnquiryStatus.CONCLUDED,
        concluded_at=now,
        signed_off_by=by,
        conclusion_notes=(notes or enquiry.conclusion_notes).strip(),
    )
    enquiry.refresh_from_db()
    remains = enquiry.risk_result == RiskResult.REMAINED
    summary = f"{enquiry.get_enquiry_type_display()} concluded: {enquiry.get_risk_assessment_outcome_display().lower()}"
    if remains and not enquiry.case.plans.filter(status=PlanStatus.ACTIVE).exists():
        summary += ". Risk remains: consider whether a safeguarding plan is needed"
    chronology_record(
        case=enquiry.case,
        summary=summary,
        entry_type=EntryType.DECISION,
        agency=agency,
        by=by,
        event_date=now,
        significant=True,
        automatic=True,
    )
    clocks.enquiry_ended(enquiry=enquiry, by=by)
    return enquiry


@transaction.atomic
def enquiry_cease(*, enquiry: Enquiry, by: User, reason: str) -> Enquiry:
    """The adult, with capacity, declines the enquiry and there is no overriding risk (SAC: ceased at request)."""
    enquiry = Enquiry.objects.select_for_update().select_related("case").get(pk=enquiry.pk)
    agency = _require_enquiry_writer(enquiry, by)
    if enquiry.status != EnquiryStatus.OPEN:
        raise TransitionNotAllowed("This enquiry has already ended.")
    if not reason.strip():
        raise InvalidInput.field("reason", "Record the adult's decision and why there is no overriding risk")
    Enquiry.objects.filter(pk=enquiry.pk).update(
        status=EnquiryStatus.CEASED,
        concluded_at=timezone.now(),
        signed_off_by=by,
        risk_assessment_outcome=RiskAssessmentOutcome.CEASED,
        risk_result="",
        conclusion_notes=reason.strip(),
    )
    enquiry.refresh_from_db()
    chronology_record(
        case=enquiry.case,
        summary="Enquiry ceased at the adult's request",
        entry_type=EntryType.DECISION,
        agency=agency,
        by=by,
        significant=True,
        automatic=True,
    )
    clocks.enquiry_ended(enquiry=enquiry, by=by)
    return enquiry


# --- plans ------------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *, case: Case, by: User, lead_agency: Agency, risks: str, review_date: date, enquiry: Enquiry | None = None
) -> SafeguardingPlan:
    agency = acting_agency(by)
    case = Case.objects.select_for_update().get(pk=case.pk)
    allowed = {case.owning_agency_id, *local_authority_ids(case)}
    allowed.update(case.enquiries.values_list("lead_agency_id", flat=True))
    if agency.pk not in allowed:
        raise ActionForbidden(
            "Only the owning agency, the enquiry's lead agency or the local authority can start a plan."
        )
    require_scope(case, by, Scope.CONTRIBUTE, "start a plan")
    if case.status not in (CaseStatus.ENQUIRY, CaseStatus.PLAN):
        raise TransitionNotAllowed("A safeguarding plan follows an enquiry.")
    errors: dict[str, list[str]] = {}
    if not risks.strip():
        errors["risks"] = ["Describe the risks the plan addresses"]
    if review_date <= timezone.localdate():
        errors["review_date"] = ["The review date must be in the future"]
    if errors:
        raise InvalidInput(errors=errors)
    plan = SafeguardingPlan.objects.create(
        case=case,
        enquiry=enquiry or case.enquiries.order_by("-started_at").first(),
        lead_agency=lead_agency,
        risks=risks.strip(),
        review_date=review_date,
        created_by=by,
    )
    if case.status == CaseStatus.ENQUIRY:
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.PLAN, updated_at=timezone.now())
    chronology_record(
        case=case,
        summary=f"Safeguarding plan agreed, led by {lead_agency.name}; review by {review_date:%d %B %Y}",
        entry_type=EntryType.DECISION,
        agency=agency,
        by=by,
        significant=True,
        automatic=True,
    )
    clocks.plan_review_scheduled(plan=plan)
    return plan


def _require_plan_lead(plan: SafeguardingPlan, by: User) -> Agency:
    agency = acting_agency(by)
    if agency.pk != plan.lead_agency_id:
        raise ActionForbidden("Only the plan's lead agency can change it.")
    require_scope(plan.case, by, Scope.CONTRIBUTE, "change the plan")
    return agency


@transaction.atomic
def plan_review(
    *, plan: SafeguardingPlan, by: User, notes: str, next_review_date: date | None = None, close: bool = False
) -> SafeguardingPlan:
    agency = _require_plan_lead(plan, by)
    if plan.status != PlanStatus.ACTIVE:
        raise TransitionNotAllowed("This plan is closed.")
    errors: dict[str, list[str]] = {}
    if not notes.strip():
        errors["notes"] = ["Record what the review found"]
    if not close and (next_review_date is None or next_review_date <= timezone.localdate()):
        errors["next_review_date"] = ["Set the next review date, in the future"]
    if errors:
        raise InvalidInput(errors=errors)
    values: dict[str, Any] = {"last_reviewed_at": timezone.now(), "review_notes": notes.strip()}
    if close:
        values["status"] = PlanStatus.CLOSED
    else:
        values["review_date"] = next_review_date
    SafeguardingPlan.objects.filter(pk=plan.pk).update(**values)
    plan.refresh_from_db()
    chronology_record(
        case=plan.case,
        summary="Safeguarding plan reviewed" + ("; plan closed" if close else ""),
        entry_type=EntryType.DECISION,
        agency=agency,
        by=by,
        automatic=True,
    )
    clocks.plan_reviewed(plan=plan)
    return plan


@transaction.atomic
def plan_action_add(
    *,
    plan: SafeguardingPlan,
    by: User,
    owner_agency: Agency,
    owner_person: User | None,
    description: str,
    due_date: date | None,
) -> PlanAction:
    _require_plan_lead(plan, by)
    if plan.status != PlanStatus.ACTIVE:
        raise TransitionNotAllowed("This plan is closed.")
    if due_date is not None and due_date < timezone.localdate():
        raise InvalidInput.field("due_date", "The due date must be today or in the future")
    action = PlanAction.objects.create(
        plan=plan,
        **action_create_kwargs(
            owner_agency=owner_agency,
            owner_person=owner_person,
            description=description,
            due_date=due_date,
            created_by=by,
        ),
    )
    clocks.action_scheduled(action=action, area=plan.case.area)
    return action


# --- capacity, DASH, chronology -------------------------------------------------------------------------------


@transaction.atomic
def capacity_assessment_record(
    *,
    case: Case,
    by: User,
    person: Person,
    decision: str,
    assessed_at: datetime,
    outcome: str,
    reasoning: str,
    assessor_role: str = "",
) -> CapacityAssessment:
    require_scope(case, by, Scope.CONTRIBUTE, "record a capacity assessment")
    errors: dict[str, list[str]] = {}
    if not decision.strip():
        errors["decision"] = ["Name the specific decision capacity was assessed for"]
    if outcome not in CapacityOutcome.values:
        errors["outcome"] = ["Select the outcome"]
    if not reasoning.strip():
        errors["reasoning"] = ["Record how the two-stage test was applied"]
    if assessed_at > timezone.now():
        errors["assessed_at"] = ["The assessment date must be today or in the past"]
    if errors:
        raise InvalidInput(errors=errors)
    assessment = CapacityAssessment.objects.create(
        case=case,
        person=person,
        decision=decision.strip(),
        assessed_at=assessed_at,
        outcome=outcome,
        reasoning=reasoning.strip(),
        assessor=by,
        assessor_role=assessor_role,
    )
    chronology_record(
        case=case,
        summary=f"Mental capacity assessed ({assessment.get_outcome_display().lower()}) for: {assessment.decision}",
        entry_type=EntryType.ASSESSMENT,
        agency=acting_agency(by),
        by=by,
        event_date=assessed_at,
        automatic=True,
    )
    return assessment


DASH_ANSWERS = ("yes", "no", "not_known")


@transaction.atomic
def dash_record(
    *,
    case: Case,
    by: User,
    answers: dict[str, str],
    comments: dict[str, str] | None = None,
    professional_judgement: str = "",
) -> DashAssessment:
    require_scope(case, by, Scope.CONTRIBUTE, "record a DASH checklist")
    question_set = DashQuestionSet.objects.filter(active=True).order_by("-created_at").first()
    if question_set is None:
        raise TransitionNotAllowed("No DASH question set is loaded.")
    numbers = [str(q["number"]) for q in question_set.questions]
    errors = {f"answers.{n}": ["Answer yes, no or not known"] for n in numbers if answers.get(n) not in DASH_ANSWERS}
    extra = set(answers) - set(numbers)
    if extra:
        errors["answers"] = [f"Unknown question numbers: {', '.join(sorted(extra))}"]
    if errors:
        raise InvalidInput(errors=errors)
    yes_count = sum(1 for n in numbers if answers[n] == "yes")
    dash = DashAssessment.objects.create(
        case=case,
        question_set=question_set,
        answers={n: answers[n] for n in numbers},
        comments={k: v for k, v in (comments or {}).items() if k in numbers and v},
        yes_count=yes_count,
        band=dash_band(yes_count),
        professional_judgement=professional_judgement.strip(),
        completed_by=by,
        completed_by_agency=acting_agency(by),
    )
    chronology_record(
        case=case,
        summary=f"DASH risk checklist completed: {yes_count} yes ({dash.get_band_display()})",
        entry_type=EntryType.ASSESSMENT,
        agency=acting_agency(by),
        by=by,
        significant=dash.band == "high",
        automatic=True,
    )
    return dash


@transaction.atomic
def chronology_add(
    *,
    case: Case,
    by: User,
    summary: str,
    event_date: datetime | None = None,
    entry_type: str = EntryType.NOTE,
    significant: bool = False,
) -> ChronologyEntry:
    """A practitioner's chronology entry (anyone with contribute scope). Back-dating is allowed, not forward-dating."""
    require_scope(case, by, Scope.CONTRIBUTE, "add to the chronology")
    if entry_type not in EntryType.values:
        raise InvalidInput.field("entry_type", "Select the type of entry")
    if event_date is not None and event_date > timezone.now():
        raise InvalidInput.field("event_date", "The date must be today or in the past")
    return chronology_record(
        case=case,
        summary=summary,
        entry_type=entry_type,
        agency=acting_agency(by),
        by=by,
        event_date=event_date,
        significant=significant,
    )


def chronology_add_automatic(
    *,
    case: Case,
    summary: str,
    agency: Agency,
    entry_type: str = EntryType.OTHER,
    by: User | None = None,
    event_date: datetime | None = None,
    significant: bool = False,
) -> ChronologyEntry:
    """For later capabilities (referrals, meetings, sharing…): an automatic entry on the case's chronology."""
    return chronology_record(
        case=case,
        summary=summary,
        entry_type=entry_type,
        agency=agency,
        by=by,
        event_date=event_date,
        significant=significant,
        automatic=True,
    )
