"""Logging concerns, the case lifecycle and the local authority's decision.

draft —submit→ raised —record_la_decision→ enquiry (s42 or other) | closed (no enquiry, alternative responses);
enquiry —start_plan→ plan —conclude→ closed; enquiry —conclude→ closed; any open state —close(reason)→ closed;
closed —reopen(reason)→ raised. Each transition writes a chronology entry; closing cancels the case's clocks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import clocks
from cases.codes import (
    AbuseType,
    AlternativeResponse,
    ConsentNotSoughtReason,
    ConsentToRaise,
    EnquiryType,
    LaDecision,
    LocationOfRisk,
    NotS42Reason,
    SourceOfRisk,
    TriState,
)
from cases.models import (
    OPEN_CASE_STATUSES,
    Case,
    CaseStatus,
    ClosureReason,
    Concern,
    Enquiry,
    EnquiryStatus,
    EntryType,
    Person,
)
from cases.selectors import Scope, case_list_for_user
from cases.services.common import (
    acting_agency,
    chronology_record,
    local_authority_ids,
    next_reference,
    optimistic_update,
    require_owner,
    require_scope,
)
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, Area, Team
from safeguarding.organisations.selectors import agency_leads
from safeguarding.roles import LEAD_ROLES

CONCERN_FIELDS = (
    "identified_at",
    "what_happened",
    "abuse_types",
    "location_of_risk",
    "source_of_risk",
    "immediate_risk",
    "immediate_actions",
    "adult_aware",
    "adult_aware_reason",
    "consent_to_raise",
    "consent_not_sought_reason",
    "consent_not_sought_detail",
    "adult_views",
    "desired_outcomes",
    "domestic_abuse_disclosed",
    "capacity_assessment",
)

CASE_EDITABLE_FIELDS = (
    "risk_level",
    "current_risks",
    "protective_factors",
    "children_in_household",
    "adults_at_risk_in_household",
    "think_family_notes",
    "mha_status",
    "care_coordinator",
    "crisis_plan",
    "safety_plan",
)


def clean_concern(data: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Validate a concern (domain §2.3, §5.4). Raises ``InvalidInput`` with every field error at once."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: data.get(k) for k in CONCERN_FIELDS if k in data}

    identified = cleaned.get("identified_at")
    if not identified:
        errors["identified_at"] = ["Enter when the concern was identified"]
    elif identified > now:
        errors["identified_at"] = ["The date the concern was identified must be today or in the past"]
    if not (cleaned.get("what_happened") or "").strip():
        errors["what_happened"] = ["Describe what happened"]
    abuse = list(cleaned.get("abuse_types") or [])
    if not abuse:
        errors["abuse_types"] = ["Select at least one type of abuse or neglect"]
    elif any(a not in AbuseType.values for a in abuse):
        errors["abuse_types"] = ["Select types of abuse from the list"]
    cleaned["abuse_types"] = list(dict.fromkeys(abuse))
    if cleaned.get("location_of_risk") not in LocationOfRisk.values:
        errors["location_of_risk"] = ["Select where the risk is"]
    if cleaned.get("source_of_risk") not in SourceOfRisk.values:
        errors["source_of_risk"] = ["Select the source of the risk"]
    consent = cleaned.get("consent_to_raise")
    if consent not in ConsentToRaise.values:
        errors["consent_to_raise"] = ["Select whether the adult consented to the concern being raised"]
    if consent == ConsentToRaise.NOT_SOUGHT:
        if cleaned.get("consent_not_sought_reason") not in ConsentNotSoughtReason.values:
            errors["consent_not_sought_reason"] = ["Select why consent was not sought"]
    else:
        cleaned["consent_not_sought_reason"] = ""
    lacks_capacity = consent == ConsentToRaise.LACKS_CAPACITY or (
        cleaned.get("consent_not_sought_reason") == ConsentNotSoughtReason.LACKS_CAPACITY
    )
    if (
        lacks_capacity
        and not cleaned.get("capacity_assessment")
        and not (cleaned.get("consent_not_sought_detail") or "").strip()
    ):
        errors["consent_not_sought_detail"] = [
            "A capacity assessment must come before a lacks-capacity conclusion: link one, or describe it"
        ]
    if cleaned.get("adult_aware") is False and not (cleaned.get("adult_aware_reason") or "").strip():
        errors["adult_aware_reason"] = ["Say why the adult does not know about the concern"]
    if cleaned.get("immediate_risk") and not (cleaned.get("immediate_actions") or "").strip():
        errors["immediate_actions"] = ["Say what has been done to keep the adult safe now"]
    outcomes = cleaned.get("desired_outcomes")
    if outcomes is not None and not isinstance(outcomes, list):
        errors["desired_outcomes"] = ["Desired outcomes must be a list"]
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


@dataclass(frozen=True)
class LoggedConcern:
    case: Case
    concern: Concern
    joined_existing_case: bool


def _area_for(agency: Agency, area: Area | None) -> Area:
    areas = list(agency.areas.all())
    if area is not None:
        if area not in areas:
            raise InvalidInput.field("area", "Choose an area your agency belongs to")
        return area
    if len(areas) == 1:
        return areas[0]
    if not areas:
        raise InvalidInput.field("area", "Your agency does not belong to a safeguarding area yet")
    raise InvalidInput.field("area", "Your agency sits in several areas: choose one")


@transaction.atomic
def concern_log(
    *,
    by: User,
    adult: Person,
    concern: dict[str, Any],
    area: Area | None = None,
    team: Team | None = None,
    draft: bool = False,
    now: datetime | None = None,
) -> LoggedConcern:
    """Log a concern about ``adult``. It joins the agency's open case for the adult, or opens a new case."""
    now = now or timezone.now()
    agency = acting_agency(by)
    cleaned = clean_concern(concern, now=now)
    if team is not None and team.agency_id != agency.pk:
        raise InvalidInput.field("team", "Choose a team in your agency")
    existing = (
        Case.objects.select_for_update()
        .filter(owning_agency=agency, adult=adult, status__in=OPEN_CASE_STATUSES)
        .first()
    )
    joined = existing is not None
    if existing is None:
        membership = by.agency_membership
        try:
            with transaction.atomic():
                case = Case.objects.create(
                    reference=next_reference(now),
                    owning_agency=agency,
                    area=_area_for(agency, area),
                    team=team or (membership.team if membership else None),
                    lead_practitioner=by,
                    adult=adult,
                    status=CaseStatus.DRAFT if draft else CaseStatus.RAISED,
                    opened_at=now,
                    updated_at=now,
                    created_by=by,
                )
        except IntegrityError:  # another concern opened the case a moment ago: join it
            case = Case.objects.select_for_update().get(
                owning_agency=agency, adult=adult, status__in=OPEN_CASE_STATUSES
            )
            joined = True
    else:
        case = existing
    record = Concern.objects.create(
        case=case,
        raising_agency=agency,
        raising_user=by,
        raised_at=None if draft and not joined else now,
        **cleaned,
    )
    summary = "Concern raised" if not draft else "Concern drafted"
    if joined:
        summary = "A further concern was raised and joined this case"
    chronology_record(
        case=case,
        summary=summary,
        entry_type=EntryType.STATUS,
        agency=agency,
        by=by,
        event_date=cleaned["identified_at"],
        significant=bool(cleaned.get("immediate_risk")),
        automatic=True,
    )
    if cleaned.get("immediate_risk") and case.status != CaseStatus.DRAFT:
        _alert_immediate_risk(case, agency)
    return LoggedConcern(case=case, concern=record, joined_existing_case=joined)


def _alert_immediate_risk(case: Case, agency: Agency) -> None:
    notify(
        recipients=agency_leads(agency),
        kind="immediate_risk",
        title=f"Immediate risk reported on case {case.reference}",
        target=case,
        requires_ack=True,
        dedupe_key=f"immediate-risk:{case.pk}:{timezone.now():%Y%m%d%H%M}",
    )


@transaction.atomic
def case_update(*, case: Case, by: User, expected_version: int | None = None, **fields: Any) -> Case:
    """Change the case core (risk picture, Think Family, mental-health context): the owning agency only."""
    require_owner(case, by, "change the case")
    unknown = set(fields) - set(CASE_EDITABLE_FIELDS)
    if unknown:
        raise InvalidInput(errors={name: ["This field cannot be changed here"] for name in sorted(unknown)})
    from cases.codes import MentalHealthActStatus, RiskLevel

    errors: dict[str, list[str]] = {}
    if "risk_level" in fields and fields["risk_level"] not in RiskLevel.values:
        errors["risk_level"] = ["Select a risk level"]
    if "mha_status" in fields and fields["mha_status"] not in MentalHealthActStatus.values:
        errors["mha_status"] = ["Select a Mental Health Act status"]
    if errors:
        raise InvalidInput(errors=errors)
    now = timezone.now()
    values = dict(fields, updated_at=now)
    if {"risk_level", "current_risks", "protective_factors"} & set(fields):
        values["risk_updated_at"] = now
    return optimistic_update(case, fields=values, expected_version=expected_version)


# --- transitions -------------------------------------------------------------------------------------------------

TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "submit": ((CaseStatus.DRAFT,), CaseStatus.RAISED),
    "start_plan": ((CaseStatus.ENQUIRY,), CaseStatus.PLAN),
    "conclude": ((CaseStatus.ENQUIRY, CaseStatus.PLAN), CaseStatus.CLOSED),
    "close": (tuple(OPEN_CASE_STATUSES), CaseStatus.CLOSED),
    "reopen": ((CaseStatus.CLOSED,), CaseStatus.RAISED),
}
CLOSE_REASONS = (ClosureReason.DUPLICATE, ClosureReason.WITHDRAWN, ClosureReason.CEASED_AT_REQUEST)


def allowed_transitions(case: Case) -> list[str]:
    names = [name for name, (sources, _) in TRANSITIONS.items() if case.status in sources]
    if case.status == CaseStatus.RAISED:
        names.insert(0, "record_la_decision")
    return names


@transaction.atomic
def case_transition(
    *, case: Case, by: User, transition: str, reason: str = "", note: str = "", now: datetime | None = None
) -> Case:
    """Apply a named transition; 409 (``TransitionNotAllowed``) with the reason when it is not allowed now."""
    now = now or timezone.now()
    case = Case.objects.select_for_update().get(pk=case.pk)
    if transition == "record_la_decision":
        raise TransitionNotAllowed("Record the local authority's decision on the concern with its own form or route.")
    if transition not in TRANSITIONS:
        raise InvalidInput.field("transition", f"Unknown transition: {transition}")
    sources, target = TRANSITIONS[transition]
    if case.status not in sources:
        raise TransitionNotAllowed(
            f"A case that is {case.get_status_display().lower()} cannot be {transition.replace('_', ' ')}ed."
            if transition != "submit"
            else "Only a draft case can be submitted."
        )
    if transition in ("start_plan", "conclude"):
        _require_enquiry_rights(case, by)
    else:
        require_owner(case, by, transition.replace("_", " ") + " it")
    agency = acting_agency(by)
    values: dict[str, Any] = {"status": target, "updated_at": now}
    summary = ""
    if transition == "submit":
        _guard_submit(case)
        Concern.objects.filter(case=case, raised_at=None).update(raised_at=now)
        summary = "Draft submitted: concern raised"
    elif transition == "start_plan":
        if not case.enquiries.filter(status=EnquiryStatus.OPEN).exists() and not case.enquiries.exists():
            raise TransitionNotAllowed("A plan follows an enquiry: there is no enquiry on this case.")
        summary = "Safeguarding plan stage started"
    elif transition == "conclude":
        open_enquiries = case.enquiries.filter(status=EnquiryStatus.OPEN)
        if open_enquiries.exists():
            raise TransitionNotAllowed("Conclude the enquiry (outcomes, MSP and sign-off) before concluding the case.")
        if case.plans.filter(status="active").exists():
            raise TransitionNotAllowed("Close or review the active safeguarding plan before concluding the case.")
        values.update(closure_reason=ClosureReason.CONCLUDED, closed_at=now, closure_note=note)
        summary = "Case concluded and closed"
    elif transition == "close":
        if reason not in CLOSE_REASONS:
            raise InvalidInput.field(
                "reason", "Give the reason for closing: duplicate, withdrawn or ceased at the adult's request"
            )
        values.update(closure_reason=reason, closed_at=now, closure_note=note)
        summary = f"Case closed: {ClosureReason(reason).label.lower()}"
    elif transition == "reopen":
        if not (reason or note).strip():
            raise InvalidInput.field("reason", "Give the reason for reopening the case")
        if Case.objects.filter(
            owning_agency=case.owning_agency, adult=case.adult, status__in=OPEN_CASE_STATUSES
        ).exists():
            raise TransitionNotAllowed("The adult already has an open case in your agency: add the concern there.")
        values.update(closure_reason="", closed_at=None, closure_note="")
        summary = f"Case reopened: {(reason or note).strip()}"
    Case.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    if note and transition != "reopen":
        summary = f"{summary}. {note.strip()}"
    chronology_record(
        case=case, summary=summary, entry_type=EntryType.STATUS, agency=agency, by=by, event_date=now, automatic=True
    )
    if case.status == CaseStatus.CLOSED:
        clocks.case_closed(case=case, reason=summary)
    return case


def _guard_submit(case: Case) -> None:
    concern = case.concerns.order_by("-created_at").first()
    if concern is None:
        raise TransitionNotAllowed("A draft needs a concern before it can be submitted.")


def _require_enquiry_rights(case: Case, by: User) -> None:
    agency = acting_agency(by)
    enquiry = case.enquiries.order_by("-started_at").first()
    allowed = {case.owning_agency_id, *local_authority_ids(case)}
    if enquiry is not None:
        allowed.add(enquiry.lead_agency_id)
    if agency.pk not in allowed:
        raise ActionForbidden("Only the enquiry's lead agency or the local authority can do this.")
    require_scope(case, by, Scope.CONTRIBUTE, "move this case on")


# --- the local authority's decision ---------------------------------------------------------------------------


@transaction.atomic
def concern_received_by_la(*, concern: Concern, at: datetime, by: User) -> Concern:
    """Record when the local authority received ``concern`` (the LA clock starts at receipt, domain §4). Called by
    the referrals capability when an s42 referral is sent; the first receipt stands (idempotent)."""
    concern = Concern.objects.select_for_update().select_related("case").get(pk=concern.pk)
    if concern.case.owning_agency_id != acting_agency(by).pk:
        raise ActionForbidden("Only the agency that owns the case can send its concern to the local authority.")
    if concern.decided:
        raise TransitionNotAllowed("The local authority has already decided on this concern.")
    if concern.received_by_la_at is None:
        Concern.objects.filter(pk=concern.pk).update(received_by_la_at=at)
        concern.refresh_from_db()
    return concern


@transaction.atomic
def record_la_decision(
    *,
    concern: Concern,
    by: User,
    received_at: datetime,
    criterion_care_support_needs: str,
    criterion_abuse_or_risk: str,
    criterion_unable_to_protect: str,
    decision: str,
    not_s42_reasons: Iterable[str] = (),
    alternative_responses: Iterable[str] = (),
    rationale: str = "",
    enquiry_lead_agency: Agency | None = None,
    referrer_told_at: datetime | None = None,
    now: datetime | None = None,
) -> Concern:
    """The local authority's decision on a concern (domain §3.1 guards). Called by the referrals capability, or by
    the owning agency when it is itself the local authority. Moves the case to ``enquiry`` or closes it."""
    now = now or timezone.now()
    concern = Concern.objects.select_for_update().select_related("case").get(pk=concern.pk)
    case = Case.objects.select_for_update().select_related("area").get(pk=concern.case_id)
    agency = acting_agency(by)
    if agency.pk not in local_authority_ids(case):
        raise ActionForbidden("Only the local authority for the case's area can record this decision.")
    if concern.decided:
        raise TransitionNotAllowed("A decision has already been recorded on this concern.")
    if case.status != CaseStatus.RAISED:
        raise TransitionNotAllowed(
            f"A decision can be recorded only on a raised case, not one that is {case.get_status_display().lower()}."
        )
    errors: dict[str, list[str]] = {}
    criteria = {
        "criterion_care_support_needs": criterion_care_support_needs,
        "criterion_abuse_or_risk": criterion_abuse_or_risk,
        "criterion_unable_to_protect": criterion_unable_to_protect,
    }
    for name, value in criteria.items():
        if value not in TriState.values:
            errors[name] = ["Answer each of the three criteria"]
    if decision not in LaDecision.values:
        errors["decision"] = ["Select the decision"]
    reasons = list(dict.fromkeys(not_s42_reasons))
    responses = list(dict.fromkeys(alternative_responses))
    if any(r not in NotS42Reason.values for r in reasons):
        errors["not_s42_reasons"] = ["Select reasons from the list"]
    if any(r not in AlternativeResponse.values for r in responses):
        errors["alternative_responses"] = ["Select responses from the list"]
    if decision in (LaDecision.OTHER, LaDecision.NO_ENQUIRY) and not reasons:
        errors["not_s42_reasons"] = ["Say why this is not a section 42 enquiry"]
    if decision == LaDecision.NO_ENQUIRY:
        if not responses:
            errors["alternative_responses"] = ["Select at least one alternative response"]
        elif AlternativeResponse.NO_ACTION in responses and len(responses) > 1:
            errors["alternative_responses"] = ["'No further action' cannot be combined with other responses"]
    if decision == LaDecision.S42 and not all(v == TriState.YES for v in criteria.values()):
        errors["decision"] = ["A section 42 enquiry needs all three criteria met"]
    if received_at > now:
        errors["received_at"] = ["The date received must be today or in the past"]
    if errors:
        raise InvalidInput(errors=errors)
    Concern.objects.filter(pk=concern.pk).update(
        received_by_la_at=received_at,
        decision=decision,
        not_s42_reasons=reasons,
        alternative_responses=responses if decision == LaDecision.NO_ENQUIRY else [],
        decision_rationale=rationale.strip(),
        decided_by=by,
        decided_at=now,
        referrer_told_at=referrer_told_at,
        **criteria,
    )
    concern.refresh_from_db()
    if decision == LaDecision.NO_ENQUIRY:
        Case.objects.filter(pk=case.pk).update(
            status=CaseStatus.CLOSED, closure_reason=ClosureReason.NO_ENQUIRY, closed_at=now, updated_at=now
        )
        summary = "Local authority decided no enquiry is needed; case closed with alternative responses: " + ", ".join(
            AlternativeResponse(r).label.lower() for r in responses
        )
    else:
        lead = enquiry_lead_agency or agency
        enquiry = Enquiry.objects.create(
            case=case,
            concern=concern,
            enquiry_type=EnquiryType.S42 if decision == LaDecision.S42 else EnquiryType.OTHER,
            lead_agency=lead,
            caused_by_la=lead.pk != agency.pk,
            started_at=now,
            desired_outcomes=concern.desired_outcomes,
            created_by=by,
        )
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.ENQUIRY, updated_at=now)
        summary = f"Local authority decided: {LaDecision(decision).label.lower()}, led by {lead.name}"
        clocks.enquiry_started(enquiry=enquiry, by=by)
    case.refresh_from_db()
    chronology_record(
        case=case,
        summary=summary,
        entry_type=EntryType.DECISION,
        agency=agency,
        by=by,
        event_date=now,
        significant=True,
        automatic=True,
    )
    if case.status == CaseStatus.CLOSED:
        clocks.case_closed(case=case, reason=summary)
    return concern


# --- work management -------------------------------------------------------------------------------------------


@transaction.atomic
def case_reassign(*, case: Case, by: User, lead_practitioner: User | None = None, team: Team | None = None) -> Case:
    """Reassign the lead practitioner and/or team (audited; clock holders follow)."""
    require_owner(case, by, "reassign it")
    if not (by.has_role(*LEAD_ROLES, "team_manager") or by.pk == case.lead_practitioner_id):
        raise ActionForbidden("Only a team manager or lead can reassign cases.")
    values: dict[str, Any] = {"updated_at": timezone.now()}
    changes = []
    if lead_practitioner is not None:
        if (
            lead_practitioner.agency_membership is None
            or lead_practitioner.agency_membership.agency_id != case.owning_agency_id
        ):
            raise InvalidInput.field("lead_practitioner", "Choose someone in the owning agency")
        if not lead_practitioner.is_active:
            raise InvalidInput.field("lead_practitioner", "Choose someone whose account is active")
        values["lead_practitioner"] = lead_practitioner
        changes.append(f"lead practitioner now {lead_practitioner.full_name}")
    if team is not None:
        if team.agency_id != case.owning_agency_id:
            raise InvalidInput.field("team", "Choose a team in the owning agency")
        values["team"] = team
        changes.append(f"team now {team.name}")
    if not changes:
        raise InvalidInput.field("lead_practitioner", "Choose a new lead practitioner or team")
    Case.objects.filter(pk=case.pk).update(**values)
    case.refresh_from_db()
    chronology_record(
        case=case,
        summary="Reassigned: " + "; ".join(changes),
        entry_type=EntryType.STATUS,
        agency=acting_agency(by),
        by=by,
        automatic=True,
    )
    if lead_practitioner is not None:
        clocks.holder_reassigned(case=case, new_holder=lead_practitioner, by=by)
    return case


def open_cases_led_by(user: User) -> Any:
    return Case.objects.filter(lead_practitioner=user, status__in=OPEN_CASE_STATUSES)


def visible_open_case(user: User, case_id: Any) -> Case | None:
    return case_list_for_user(user=user).filter(pk=case_id, status__in=OPEN_CASE_STATUSES).first()
