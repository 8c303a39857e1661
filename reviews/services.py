"""Writes for reviews: the SAR lifecycle (named transitions with guards), chronology requests, recommendations,
action-plan items (tracked actions on the clock engine), improvement themes and learning events.

Every service is keyword-only and atomic; models are change-tracked (pghistory) and each lifecycle step writes a
timeline event. Notifications carry no personal data (the review's reference only).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils import timezone

from cases import nhs
from escalation import services as clocks
from reviews.models import (
    MANDATORY_BASES,
    PUBLISHED_STATUSES,
    ActionUpdate,
    Attendance,
    Basis,
    ChronologyRequest,
    ChronologyStatus,
    Decision,
    EventFormat,
    EventKind,
    ImprovementTheme,
    LearningEvent,
    Methodology,
    OwnerFlag,
    ParallelProcess,
    Recommendation,
    Review,
    ReviewAction,
    ReviewStatus,
    TimelineEntry,
)
from reviews.selectors import is_business_manager, unit_agency
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions import services as actions
from safeguarding.actions.models import OPEN_STATUSES, ActionStatus
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import (
    agency_leads,
    agency_of,
    area_of_agency,
    case_working_agency_id,
    members_with_role,
)
from safeguarding.roles import Role, reaches_case_data
from safeguarding.sharing import requests
from safeguarding.sharing.codes import LawfulBasisArt6, Purpose
from safeguarding.sharing.models import InformationRequest, RequestOutcome

ACKNOWLEDGEMENT = "sar_acknowledgement"
CHRONOLOGY = "information_request"  # the platform's information-request clock holds chronology answers
DECISION = "sar_decision"
ACTION_DUE = "action_due"
S45_PURPOSE = "care_act_s45"

S = ReviewStatus
# transition name → (allowed from, to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "acknowledge": ((S.REFERRAL_RECEIVED,), S.SCREENING),
    "request_chronologies": ((S.SCREENING, S.AWAITING_CHRONOLOGIES), S.AWAITING_CHRONOLOGIES),
    "refer_to_panel": ((S.SCREENING, S.AWAITING_CHRONOLOGIES), S.DECISION_PENDING),
    "commission": ((S.DECISION_PENDING,), S.COMMISSIONED),
    "decline": ((S.DECISION_PENDING,), S.DECLINED),
    "agree_terms": ((S.COMMISSIONED,), S.IN_REVIEW),
    "submit_draft": ((S.IN_REVIEW,), S.DRAFT),
    "finalise": ((S.DRAFT,), S.FINAL),
    "publish": ((S.FINAL,), S.PUBLISHED),
    "start_monitoring": ((S.PUBLISHED,), S.MONITORING),
    "close": ((S.MONITORING,), S.CLOSED),
}
TRANSITION_LABELS = {
    "acknowledge": "Acknowledge the referral and start screening",
    "request_chronologies": "Request chronologies from agencies",
    "refer_to_panel": "Refer to the panel for a decision",
    "commission": "Commission a review",
    "decline": "Decline a review",
    "agree_terms": "Terms of reference agreed: start the review",
    "submit_draft": "Submit the draft report",
    "finalise": "Finalise the report",
    "publish": "Publish the report",
    "start_monitoring": "Start monitoring the action plan",
    "close": "Close the review",
}


def _end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _event(review: Review, kind: str, summary: str, by: User | None, at: datetime | None = None) -> None:
    TimelineEntry.objects.create(review=review, kind=kind, summary=summary[:300], by=by, at=at or timezone.now())


def _business_managers(review: Review) -> list[User]:
    return list(members_with_role(review.business_unit, Role.SAB_BUSINESS_MANAGER))


def _is_unit(user: User, review: Review) -> bool:
    unit = unit_agency(user)
    return unit is not None and unit.pk == review.business_unit_id


def _require_unit(user: User, review: Review, what: str) -> None:
    if not _is_unit(user, review):
        raise ActionForbidden(f"Only the SAB business unit can {what}.")


def _bump(review: Review, fields: list[str], expected_version: int | None = None) -> Review:
    qs = Review.objects.filter(pk=review.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(**{name: getattr(review, name) for name in fields}, version=F("version") + 1)
    if not updated:
        raise TransitionNotAllowed("This review was changed by someone else. Reload it and try again.")
    review.refresh_from_db()
    return review


def _next_reference(now: datetime) -> str:
    prefix = f"SAR-{now.year}-"
    last = Review.objects.filter(reference__startswith=prefix).aggregate(m=Max("reference"))["m"]
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:03d}"


# --- referral ------------------------------------------------------------------------------------------------


@transaction.atomic
def review_refer(
    *,
    by: User,
    basis: str,
    concern_about_joint_working: bool,
    care_and_support_needs: bool = False,
    serious_abuse_or_neglect: bool = False,
    case: Any = None,
    adult_name: str = "",
    enquiry_ref: str = "",
    supporting_information: str = "",
    nhs_number: str = "",
    area: Area | None = None,
    now: datetime | None = None,
) -> Review:
    """Refer an adult for a SAR (s44). The acknowledgement runs on the clock (5 working days by default)."""
    now = now or timezone.now()
    agency = agency_of(by)
    if agency is None or not reaches_case_data(by.roles) or by.has_role(Role.COMMISSIONER):
        raise ActionForbidden("Only staff of a partner agency can refer for a review.")
    if case is not None and not registry.is_visible(case, user=by):
        raise Http404("Not found")
    errors: dict[str, list[str]] = {}
    if basis not in Basis.values:
        errors["basis"] = ["Choose the s44 condition the referral meets"]
    if basis in MANDATORY_BASES and not concern_about_joint_working:
        errors["concern_about_joint_working"] = [
            "A mandatory review needs concern about how agencies worked together to protect the adult"
        ]
    digits = ""
    if nhs_number.strip():
        try:
            digits = nhs.validate(nhs_number)
        except nhs.InvalidNhsNumber as exc:
            errors["nhs_number"] = [str(exc)]
    elif case is not None:
        digits = case.adult.nhs_number
    if case is None and not adult_name.strip():
        errors["adult_name"] = ["Name the adult, or link the referral to their case"]
    area = area or (case.area if case is not None else None) or area_of_agency(agency)
    if area is None or area.business_unit_id is None:
        errors["area"] = ["No Safeguarding Adults Board business unit covers your agency"]
    if errors:
        raise InvalidInput("The referral is not complete", errors=errors)
    assert area is not None and area.business_unit is not None
    review = Review.objects.create(
        reference=_next_reference(now),
        area=area,
        business_unit=area.business_unit,
        referrer=by,
        referrer_agency=agency,
        referred_at=now,
        case=case,
        adult_name=adult_name.strip() if case is None else "",
        nhs_number=digits,
        basis=basis,
        care_and_support_needs=care_and_support_needs,
        serious_abuse_or_neglect=serious_abuse_or_neglect,
        concern_about_joint_working=concern_about_joint_working,
        enquiry_ref=enquiry_ref.strip(),
        supporting_information=supporting_information.strip(),
    )
    _event(review, EventKind.REFERRED, f"Referred by {agency.name}", by, now)
    clocks.start_clock(
        subject=review,
        kind=ACKNOWLEDGEMENT,
        policy_key=ACKNOWLEDGEMENT,
        start=now,
        holder_agency=review.business_unit,
        holder_role=Role.SAB_BUSINESS_MANAGER,
        area=area,
    )
    notify(
        recipients=_business_managers(review),
        kind="sar_referral",
        title=f"New SAR referral {review.reference}",
        target=review,
        dedupe_key=f"sar:{review.pk}:referred",
    )
    return review


# --- chronology requests -------------------------------------------------------------------------------------


def chronology_request_create(
    *, review: Review, agency: Agency, by: User, questions: str = "", now: datetime | None = None
) -> ChronologyRequest:
    """Ask one agency for its chronology: an information request with the Care Act s45 purpose, naming the adult
    by NHS number, linked to the review (``source_object``); the request's own clock holds the answer."""
    now = now or timezone.now()
    existing = (
        ChronologyRequest.objects.filter(review=review, agency=agency)
        .exclude(status=ChronologyStatus.CANCELLED)
        .first()
    )
    if existing is not None:
        return existing
    if not review.nhs_number:
        raise InvalidInput.field(
            "nhs_number", "Record the adult's NHS number first: chronology requests name the adult by it"
        )
    what = f"Your agency's chronology of involvement with the adult for SAR {review.reference}."
    if questions.strip():
        what += f" {questions.strip()}"
    info_request = requests.information_request_create(
        by=by,
        holder_agency=agency,
        purpose=Purpose.SAR_S45,
        lawful_basis=LawfulBasisArt6.LEGAL_OBLIGATION,
        what=what,
        why="The Safeguarding Adults Board is screening a review referral under Care Act section 44; "
        "section 45 requires partners to supply the information it asks for.",
        nhs_number=review.nhs_number,
        source_object=review,
        now=now,
    )
    chronology_request = ChronologyRequest.objects.create(
        review=review,
        agency=agency,
        information_request=info_request,
        questions=questions.strip(),
        requested_by=by,
        requested_at=now,
    )
    _event(review, EventKind.CHRONOLOGY_REQUESTED, f"Chronology requested from {agency.name}", by, now)
    return chronology_request


CHRONOLOGY_REASONS = "Chronology supplied to the Safeguarding Adults Board under Care Act section 45."


@transaction.atomic
def chronology_respond(*, request: ChronologyRequest, by: User, chronology: str) -> ChronologyRequest:
    """The agency asked answers with its chronology (the case's redacted export helps prepare it): the information
    request is answered with the chronology as its response, which marks this request received."""
    agency = agency_of(by)
    if agency is None or agency.pk != request.agency_id or not reaches_case_data(by.roles):
        raise ActionForbidden("Only the agency asked can answer with its chronology.")
    if request.status != ChronologyStatus.REQUESTED:
        raise TransitionNotAllowed("This chronology request has already been answered or was cancelled.")
    if not chronology.strip():
        raise InvalidInput.field("chronology", "Enter the chronology")
    requests.information_request_respond(
        request=request.information_request,
        by=by,
        outcome=RequestOutcome.DISCLOSE,
        reasons=CHRONOLOGY_REASONS,
        response_text=chronology.strip(),
    )
    request.refresh_from_db()
    return request


def on_information_request(info_request: InformationRequest, event: str) -> None:
    """Listener on the platform's information requests: a chronology request follows its information request."""
    linked = ChronologyRequest.objects.select_related("review", "agency").filter(information_request=info_request)
    chronology_request = linked.first()
    if chronology_request is None or chronology_request.status != ChronologyStatus.REQUESTED:
        return
    review = chronology_request.review
    if event == "responded":
        refused = info_request.outcome == RequestOutcome.REFUSE
        chronology_request.status = ChronologyStatus.REFUSED if refused else ChronologyStatus.RECEIVED
        chronology_request.chronology = info_request.reasons if refused else info_request.response_text
        chronology_request.responded_at = info_request.responded_at
        chronology_request.responded_by = info_request.responded_by
        chronology_request.save(update_fields=["status", "chronology", "responded_at", "responded_by"])
        _event(
            review,
            EventKind.CHRONOLOGY_RECEIVED,
            f"Chronology {'refused by' if refused else 'received from'} {chronology_request.agency.name}",
            info_request.responded_by,
        )
        notify(
            recipients=_business_managers(review),
            kind="sar_chronology_received",
            title=f"Chronology {'refused' if refused else 'received'} for SAR {review.reference}",
            target=review,
            dedupe_key=f"sar-chronology:{chronology_request.pk}:received",
        )
    elif event == "withdrawn":
        chronology_request.status = ChronologyStatus.CANCELLED
        chronology_request.save(update_fields=["status"])


# --- the lifecycle -------------------------------------------------------------------------------------------


def available_transitions(review: Review, user: User) -> list[str]:
    """The transitions the user could take now (guards on content are checked when taken)."""
    names = [name for name, (sources, _) in TRANSITIONS.items() if review.status in sources]
    return [name for name in names if _may_take(review, user, name)]


def _may_take(review: Review, user: User, name: str) -> bool:
    if name in ("commission", "decline"):
        return _is_unit(user, review) and user.has_role(Role.SAB_CHAIR, Role.SAB_BUSINESS_MANAGER)
    if name == "submit_draft":
        return _is_unit(user, review) or review.reviewer_id == user.pk
    return _is_unit(user, review)


@transaction.atomic
def review_transition(
    *,
    review: Review,
    by: User,
    transition: str,
    rationale: str = "",
    other_review: str = "",
    agencies: Sequence[Agency] = (),
    questions: str = "",
    expected_version: int | None = None,
) -> Review:
    """Take a named transition (``TRANSITIONS``). 409 when not allowed from the current status; 403 for the role."""
    if transition not in TRANSITIONS:
        raise InvalidInput.field("transition", f"Unknown transition: {transition}")
    review = Review.objects.select_for_update().get(pk=review.pk)
    sources, target = TRANSITIONS[transition]
    if not _may_take(review, by, transition):
        raise ActionForbidden("You cannot take this step on this review.")
    if review.status not in sources:
        raise TransitionNotAllowed(
            f"A review that is {ReviewStatus(review.status).label.lower()} cannot be moved on that way."
        )
    now = timezone.now()
    fields = ["status"]
    if transition == "acknowledge":
        review.acknowledged_at = now
        fields.append("acknowledged_at")
        clocks.meet_clock(subject=review, kind=ACKNOWLEDGEMENT, by=by)
        notify(
            recipients=[review.referrer],
            kind="sar_acknowledged",
            title=f"Your SAR referral {review.reference} was acknowledged",
            target=review,
            dedupe_key=f"sar:{review.pk}:acknowledged",
        )
    elif transition == "request_chronologies":
        if not agencies:
            raise InvalidInput.field("agencies", "Choose the agencies to ask for a chronology")
        for agency in agencies:
            chronology_request_create(review=review, agency=agency, by=by, questions=questions, now=now)
    elif transition == "refer_to_panel":
        clocks.start_clock(
            subject=review,
            kind=DECISION,
            policy_key=DECISION,
            start=now,
            holder_agency=review.business_unit,
            holder_role=Role.SAB_CHAIR,
            area=review.area,
        )
    elif transition in ("commission", "decline"):
        if not rationale.strip():
            raise InvalidInput.field("rationale", "Give the rationale for the decision")
        review.decision = Decision.COMMISSIONED if transition == "commission" else Decision.DECLINED
        review.decision_at, review.decision_by, review.rationale = now, by, rationale.strip()
        review.other_review = other_review.strip()
        fields += ["decision", "decision_at", "decision_by", "rationale", "other_review"]
        clocks.meet_clock(subject=review, kind=DECISION, by=by)
        if transition == "decline":
            for pending in review.chronology_requests.filter(status=ChronologyStatus.REQUESTED):
                requests.information_request_withdraw(
                    request=pending.information_request, by=by, reason="The review was declined"
                )
        notify(
            recipients=[review.referrer],
            kind="sar_decision",
            title=f"Decision on SAR referral {review.reference}: {Decision(review.decision).label.lower()}",
            target=review,
            dedupe_key=f"sar:{review.pk}:decision",
        )
    elif transition == "agree_terms":
        errors: dict[str, list[str]] = {}
        if not review.methodology:
            errors["methodology"] = ["Choose the methodology"]
        if review.reviewer_id is None:
            errors["reviewer"] = ["Appoint the reviewer"]
        if not review.terms_of_reference.strip():
            errors["terms_of_reference"] = ["Record the terms of reference"]
        if errors:
            raise InvalidInput("The review cannot start yet", errors=errors)
    elif transition == "submit_draft":
        if not review.draft_report.strip():
            raise InvalidInput.field("draft_report", "Write the draft report first")
    elif transition == "publish":
        if not review.executive_summary.strip():
            raise InvalidInput.field("executive_summary", "Write the executive summary first")
        review.published_at = now
        review.annual_report_year = review.annual_report_year or (now.year if now.month >= 4 else now.year - 1)
        fields += ["published_at", "annual_report_year"]
    elif transition == "start_monitoring":
        if not ReviewAction.objects.filter(recommendation__review=review).exists():
            raise InvalidInput.field("actions", "Add the action plan (at least one item) first")
    elif transition == "close":
        unfinished = (
            ReviewAction.objects.filter(recommendation__review=review)
            .exclude(status__in=(ActionStatus.VERIFIED, ActionStatus.CANCELLED))
            .count()
        )
        if unfinished:
            raise TransitionNotAllowed(f"{unfinished} action-plan item(s) are not yet verified.")
        review.closed_at = now
        fields.append("closed_at")
    review.status = target
    review = _bump(review, fields, expected_version)
    _event(review, EventKind.TRANSITION, f"{ReviewStatus(target).label}", by, now)
    return review


EDITABLE_BY_UNIT = {
    "methodology",
    "reviewer",
    "terms_of_reference",
    "panel_members",
    "family_involvement",
    "person_informed",
    "parallel_processes",
    "draft_report",
    "executive_summary",
}
EDITABLE_BY_REVIEWER = {"draft_report", "executive_summary", "family_involvement"}


@transaction.atomic
def review_update(*, review: Review, by: User, expected_version: int | None = None, **changes: Any) -> Review:
    """Record the review's details (the business unit; the reviewer for the report and family involvement)."""
    allowed = (
        EDITABLE_BY_UNIT if _is_unit(by, review) else EDITABLE_BY_REVIEWER if review.reviewer_id == by.pk else set()
    )
    if not allowed:
        raise ActionForbidden("Only the SAB business unit or the review's reviewer can change it.")
    unknown = set(changes) - allowed
    if unknown:
        raise ActionForbidden(f"You cannot change: {', '.join(sorted(unknown))}.")
    if review.status in PUBLISHED_STATUSES and {"draft_report", "executive_summary"} & set(changes):
        raise TransitionNotAllowed("The report is published and cannot be changed.")
    errors: dict[str, list[str]] = {}
    if "methodology" in changes and changes["methodology"] not in ("", *Methodology.values):
        errors["methodology"] = ["Choose a methodology from the list"]
    reviewer = changes.get("reviewer")
    if reviewer is not None and not reviewer.has_role(Role.SAR_REVIEWER):
        errors["reviewer"] = ["The reviewer must hold the SAR reviewer role"]
    if "parallel_processes" in changes and set(changes["parallel_processes"]) - set(ParallelProcess.values):
        errors["parallel_processes"] = ["Choose parallel processes from the list"]
    panel = changes.pop("panel_members", None)
    if panel is not None and any(p.has_role(Role.COMMISSIONER) or not reaches_case_data(p.roles) for p in panel):
        errors["panel_members"] = ["Panel members are senior representatives of partner agencies"]
    if errors:
        raise InvalidInput("Check the review's details", errors=errors)
    for name, value in changes.items():
        setattr(review, name, value.strip() if isinstance(value, str) else value)
    review = _bump(review, list(changes), expected_version)
    if panel is not None:
        review.panel_members.set(panel)
    if changes or panel is not None:
        named = sorted([*changes, *(["panel_members"] if panel is not None else [])])
        _event(review, EventKind.UPDATED, "Updated: " + ", ".join(n.replace("_", " ") for n in named), by)
    return review


# --- recommendations and action-plan items -------------------------------------------------------------------


@transaction.atomic
def recommendation_add(*, review: Review, by: User, text: str, finding: str = "") -> Recommendation:
    # Locked (no-key) and re-read first: numbering is serialised on the review's row, and the state checked below
    # is the state the recommendation is added in.
    review = Review.objects.select_for_update(no_key=True).get(pk=review.pk)
    _require_unit(by, review, "add recommendations")
    if review.is_referral or review.status == ReviewStatus.CLOSED:
        raise TransitionNotAllowed("Recommendations belong to a commissioned review that is not closed.")
    if not text.strip():
        raise InvalidInput.field("text", "Write the recommendation")
    number = (review.recommendations.aggregate(m=Max("number"))["m"] or 0) + 1
    recommendation = Recommendation.objects.create(
        review=review, number=number, text=text.strip(), finding=finding.strip(), created_by=by
    )
    _event(review, EventKind.RECOMMENDATION, f"Recommendation {number} added", by)
    return recommendation


@transaction.atomic
def review_action_create(
    *,
    recommendation: Recommendation,
    by: User,
    owner_agency: Agency,
    description: str,
    due_date: date,
    owner_person: User | None = None,
    impact_measure: str = "",
) -> ReviewAction:
    """An action-plan item; its due date runs on the clock (``action_due``: escalation when overdue)."""
    review = recommendation.review
    _require_unit(by, review, "add action-plan items")
    if review.status == ReviewStatus.CLOSED:
        raise TransitionNotAllowed("The review is closed.")
    if due_date is None:
        raise InvalidInput.field("due_date", "Give the due date")
    kwargs = actions.action_create_kwargs(
        owner_agency=owner_agency,
        owner_person=owner_person,
        description=description,
        due_date=due_date,
        created_by=by,
    )
    item = ReviewAction.objects.create(recommendation=recommendation, impact_measure=impact_measure.strip(), **kwargs)
    clocks.start_clock(
        subject=item,
        kind=ACTION_DUE,
        policy_key="default_action_due",
        due_at=_end_of(due_date),
        holder_user=owner_person,
        holder_agency=owner_agency,
        area=review.area,
    )
    recipients = [owner_person] if owner_person is not None else agency_leads(owner_agency)
    notify(
        recipients=recipients,
        kind="sar_action",
        title=f"A SAR action-plan item for SAR {review.reference} is assigned to you",
        target=item,
        dedupe_key=f"sar-action:{item.pk}:assigned",
    )
    return item


def _may_update(item: ReviewAction, user: User) -> bool:
    own = case_working_agency_id(user)
    owner = item.owner_person_id == user.pk or (own is not None and own == item.owner_agency_id)
    return owner or _is_unit(user, item.recommendation.review)


@transaction.atomic
def review_action_update(
    *,
    action: ReviewAction,
    by: User,
    note: str,
    owner_flag: str | None = None,
    impact_measure: str | None = None,
    expected_version: int | None = None,
) -> ReviewAction:
    """A progress update by the owner (or the business unit, which also marks it reviewed). Starts an open item."""
    if not _may_update(action, by):
        raise ActionForbidden("Only the item's owner or the SAB business unit can update it.")
    if action.status not in OPEN_STATUSES:
        raise TransitionNotAllowed("Only an open item can be updated.")
    if not note.strip():
        raise InvalidInput.field("note", "Describe the progress")
    if owner_flag is not None and owner_flag not in OwnerFlag.values:
        raise InvalidInput.field("owner_flag", "Choose on track, at risk or off track")
    now = timezone.now()
    values: dict[str, Any] = {"last_update_at": now}
    if owner_flag is not None:
        values["owner_flag"] = owner_flag
    if impact_measure is not None:
        values["impact_measure"] = impact_measure.strip()
    if _is_unit(by, action.recommendation.review):
        values["last_reviewed_at"] = now
    if action.status == ActionStatus.OPEN:
        values["status"] = ActionStatus.IN_PROGRESS
    qs = ReviewAction.objects.filter(pk=action.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    if not qs.update(**values, version=F("version") + 1):
        raise TransitionNotAllowed("This item was changed by someone else. Reload it and try again.")
    ActionUpdate.objects.create(action=action, note=note.strip(), owner_flag=owner_flag or "", by=by, at=now)
    action.refresh_from_db()
    return action


@transaction.atomic
def review_action_complete(
    *,
    action: ReviewAction,
    by: User,
    evidence_notes: str,
    evidence_files: Sequence[UploadedFile[Any]] = (),
    expected_version: int | None = None,
) -> ReviewAction:
    """The owner records evidence of completion (notes and files); the business manager then verifies it."""
    done = actions.action_complete(
        action=action,
        by=by,
        evidence_notes=evidence_notes,
        evidence_files=evidence_files,
        expected_version=expected_version,
    )
    review = done.recommendation.review
    notify(
        recipients=[m for m in _business_managers(review) if m != by],
        kind="sar_action_evidence",
        title=f"Evidence to verify for an action-plan item of SAR {review.reference}",
        target=done,
        dedupe_key=f"sar-action:{done.pk}:completed:{done.version}",
    )
    return done


@transaction.atomic
def review_action_verify(*, action: ReviewAction, by: User) -> ReviewAction:
    """The SAB business manager verifies the evidence: the item turns Blue."""
    verified = actions.action_verify(
        action=action, by=by, may_verify=lambda a, u: is_business_manager(user=u, review=a.recommendation.review)
    )
    ReviewAction.objects.filter(pk=verified.pk).update(last_reviewed_at=verified.verified_at)
    verified.refresh_from_db()
    return verified


@transaction.atomic
def review_action_reopen(*, action: ReviewAction, by: User, reason: str) -> ReviewAction:
    """The business manager sends completed work back when the evidence does not show completion."""
    if not is_business_manager(user=by, review=action.recommendation.review):
        raise ActionForbidden("Only the SAB business manager can return evidence.")
    if action.status != ActionStatus.COMPLETED:
        raise TransitionNotAllowed("Only a completed item awaiting verification can be returned.")
    if not reason.strip():
        raise InvalidInput.field("reason", "Say why the evidence is not enough")
    ReviewAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.IN_PROGRESS,
        completed_at=None,
        completed_by=None,
        last_update_at=timezone.now(),
        version=F("version") + 1,
    )
    ActionUpdate.objects.create(action=action, note=f"Evidence returned: {reason.strip()}", by=by)
    action.refresh_from_db()
    review = action.recommendation.review
    clocks.start_clock(
        subject=action,
        kind=ACTION_DUE,
        policy_key="default_action_due",
        due_at=_end_of(action.due_date) if action.due_date else None,
        holder_user=action.owner_person,
        holder_agency=action.owner_agency,
        area=review.area,
    )
    return action


@transaction.atomic
def review_action_cancel(*, action: ReviewAction, by: User, reason: str) -> ReviewAction:
    """The business unit cancels an item (superseded or no longer needed), with the reason; its clock stops."""
    if not _is_unit(by, action.recommendation.review):
        raise ActionForbidden("Only the SAB business unit can cancel an action-plan item.")
    if action.status in (ActionStatus.VERIFIED, ActionStatus.CANCELLED):
        raise TransitionNotAllowed("A verified or cancelled item cannot be cancelled.")
    if not reason.strip():
        raise InvalidInput.field("reason", "Give the reason for cancelling the item")
    ReviewAction.objects.filter(pk=action.pk).update(
        status=ActionStatus.CANCELLED,
        cancelled_reason=reason.strip(),
        last_update_at=timezone.now(),
        version=F("version") + 1,
    )
    clocks.cancel_clock(subject=action, kind=ACTION_DUE, reason=reason.strip(), by=by)
    ActionUpdate.objects.create(action=action, note=f"Cancelled: {reason.strip()}", by=by)
    action.refresh_from_db()
    return action


# --- improvement themes and learning events ------------------------------------------------------------------


def _unit_area(by: User) -> Area:
    unit = unit_agency(by)
    area = Area.objects.filter(business_unit=unit).first() if unit is not None else None
    if area is None:
        raise ActionForbidden("Only the SAB business unit can record learning.")
    return area


@transaction.atomic
def theme_create(
    *,
    by: User,
    title: str,
    description: str = "",
    reviews: Iterable[Review] = (),
    actions_addressing: Iterable[ReviewAction] = (),
) -> ImprovementTheme:
    area = _unit_area(by)
    if not title.strip():
        raise InvalidInput.field("title", "Name the theme")
    try:
        with transaction.atomic():
            theme = ImprovementTheme.objects.create(area=area, title=title.strip(), description=description.strip())
    except IntegrityError as exc:
        raise InvalidInput.field("title", "A theme with this title already exists") from exc
    theme_link(theme=theme, by=by, reviews=reviews, actions_addressing=actions_addressing)
    return theme


@transaction.atomic
def theme_link(
    *,
    theme: ImprovementTheme,
    by: User,
    reviews: Iterable[Review] = (),
    actions_addressing: Iterable[ReviewAction] = (),
) -> ImprovementTheme:
    area = _unit_area(by)
    if theme.area_id != area.pk:
        raise ActionForbidden("This theme belongs to another board.")
    reviews, items = list(reviews), list(actions_addressing)
    if any(r.area_id != area.pk for r in reviews) or any(a.recommendation.review.area_id != area.pk for a in items):
        raise InvalidInput.field("reviews", "Link only reviews and items of this board")
    theme.reviews.add(*reviews)
    theme.actions.add(*items)
    return theme


@transaction.atomic
def learning_event_create(
    *,
    by: User,
    title: str,
    format: str,
    held_on: date,
    summary: str = "",
    reviews: Iterable[Review] = (),
    themes: Iterable[ImprovementTheme] = (),
    attendance: dict[Agency, int] | None = None,
) -> LearningEvent:
    """A joint learning event (briefing, workshop…) with attendance counted by agency."""
    area = _unit_area(by)
    errors: dict[str, list[str]] = {}
    if not title.strip():
        errors["title"] = ["Name the event"]
    if format not in EventFormat.values:
        errors["format"] = ["Choose the format"]
    if any(count < 0 for count in (attendance or {}).values()):
        errors["attendance"] = ["Attendance cannot be negative"]
    if errors:
        raise InvalidInput("Check the learning event", errors=errors)
    event = LearningEvent.objects.create(
        area=area, title=title.strip(), format=format, held_on=held_on, summary=summary.strip(), created_by=by
    )
    event.reviews.set([r for r in reviews if r.area_id == area.pk])
    event.themes.set([t for t in themes if t.area_id == area.pk])
    Attendance.objects.bulk_create(
        Attendance(event=event, agency=agency, attendees=count) for agency, count in (attendance or {}).items() if count
    )
    return event
