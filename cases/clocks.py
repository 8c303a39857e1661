"""The cases app's timescales on the clock engine: enquiry completion, plan reviews and plan actions.

Kinds are registered from ``CasesConfig.ready()``; services call the functions below inside their transaction.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from escalation import services as clocks
from escalation.kinds import register_kind

ENQUIRY_COMPLETION = "enquiry_completion"
PLAN_REVIEW = "plan_review"
ACTION_DUE = "action_due"  # the clock engine's kind for every tracked action (it stops itself on completion)


def register() -> None:
    register_kind(ENQUIRY_COMPLETION, label="Enquiry completion", policy_key="enquiry_completion")
    register_kind(PLAN_REVIEW, label="Safeguarding plan review", policy_key="plan_review")


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def enquiry_started(*, enquiry: Any, by: Any) -> None:
    case = enquiry.case
    clocks.start_clock(
        subject=enquiry,
        kind=ENQUIRY_COMPLETION,
        policy_key="enquiry_completion",
        start=enquiry.started_at,
        holder_user=case.lead_practitioner if case.owning_agency_id == enquiry.lead_agency_id else None,
        holder_agency=enquiry.lead_agency,
        area=case.area,
    )


def enquiry_ended(*, enquiry: Any, by: Any) -> None:
    clocks.meet_clock(subject=enquiry, kind=ENQUIRY_COMPLETION, by=by)


def plan_review_scheduled(*, plan: Any) -> None:
    case = plan.case
    clocks.start_clock(
        subject=plan,
        kind=PLAN_REVIEW,
        policy_key="plan_review",
        due_at=_end_of(plan.review_date),
        holder_user=case.lead_practitioner if case.owning_agency_id == plan.lead_agency_id else None,
        holder_agency=plan.lead_agency,
        area=case.area,
    )


def plan_reviewed(*, plan: Any) -> None:
    clocks.meet_clock(subject=plan, kind=PLAN_REVIEW)
    if plan.status == "active":
        plan_review_scheduled(plan=plan)


def action_scheduled(*, action: Any, area: Any) -> None:
    clocks.start_clock(
        subject=action,
        kind=ACTION_DUE,
        policy_key="default_action_due",
        due_at=_end_of(action.due_date) if action.due_date else None,
        holder_user=action.owner_person,
        holder_agency=action.owner_agency,
        area=area,
    )


def case_closed(*, case: Any, reason: str) -> None:
    """Closing a case cancels every clock on it and on its enquiries, plans and plan actions."""
    clocks.cancel_clock(subject=case, reason=reason)
    for enquiry in case.enquiries.all():
        clocks.cancel_clock(subject=enquiry, reason=reason)
    for plan in case.plans.all():
        clocks.cancel_clock(subject=plan, reason=reason)
        for action in plan.actions.all():
            clocks.cancel_clock(subject=action, reason=reason)


def holder_reassigned(*, case: Any, new_holder: Any, by: Any = None) -> None:
    """Clock holders follow the lead practitioner (enquiry and plan clocks held in the owning agency)."""
    clocks.reassign_holder(subjects=[case, *case.enquiries.all(), *case.plans.all()], holder_user=new_holder, by=by)
