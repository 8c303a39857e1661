"""Raising, escalating and resolving professional disagreements, and challenging system inaction.

Stages 1–4 (domain §3.6): practitioners; managers; safeguarding leads; director and SAB independent chair. Each
stage's holders on both sides come from the organisation data (line managers, the area's directory; deputies when
a holder is inactive) and each stage runs on the clock engine: an unresolved stage escalates itself at its deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from escalation import services as clocks
from escalation.disagreements.models import (
    STAGE_LABELS,
    TOP_STAGE,
    Category,
    Disagreement,
    DisagreementNote,
    DisagreementStage,
    DisagreementStatus,
)
from escalation.models import Deadline, DeadlineStatus
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Priority
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, Area, Position
from safeguarding.organisations.selectors import (
    agency_of,
    area_of_agency,
    available,
    directory_holder,
    members_with_role,
)
from safeguarding.roles import Role, reaches_case_data

STAGE_KIND = "disagreement_stage_{}"


def stage_kind(stage: int) -> str:
    return STAGE_KIND.format(stage)


# --- who holds each stage ------------------------------------------------------------------------------------


def _first(*candidates: Any) -> User | None:
    for candidate in candidates:
        if isinstance(candidate, User):
            person = available(candidate)
            if person is not None:
                return person
        elif candidate is not None:
            for user in candidate:
                person = available(user)
                if person is not None:
                    return person
    return None


def _line_manager(user: User | None) -> User | None:
    membership = user.agency_membership if user is not None else None
    return membership.line_manager if membership is not None else None


def _lead(agency: Agency, area: Area | None) -> User | None:
    return _first(
        directory_holder(area=area, position=Position.SAFEGUARDING_LEAD, agency=agency),
        members_with_role(agency, Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER),
    )


def _director(agency: Agency, area: Area | None) -> User | None:
    return _first(
        directory_holder(area=area, position=Position.DIRECTOR, agency=agency),
        members_with_role(agency, Role.DIRECTOR),
        _lead(agency, area),
    )


def stage_holders(disagreement: Disagreement, stage: int) -> tuple[User | None, User | None]:
    """(raiser side, respondent side) for ``stage``, each falling back up the ladder when nobody holds it."""
    area = disagreement.area
    raiser, contact = disagreement.raised_by, disagreement.respondent_contact
    ours, theirs = disagreement.raiser_agency, disagreement.respondent_agency
    if stage == 1:
        return _first(raiser, _lead(ours, area)), _first(contact, _lead(theirs, area))
    if stage == 2:
        return (
            _first(_line_manager(raiser), members_with_role(ours, Role.TEAM_MANAGER), _lead(ours, area)),
            _first(_line_manager(contact), members_with_role(theirs, Role.TEAM_MANAGER), _lead(theirs, area)),
        )
    if stage == 3:
        return _lead(ours, area), _lead(theirs, area)
    return _director(ours, area), _director(theirs, area)


def sab_chair(disagreement: Disagreement) -> User | None:
    return directory_holder(area=disagreement.area, position=Position.SAB_CHAIR, agency=None)


# --- who may do what -------------------------------------------------------------------------------------------


def is_party(disagreement: Disagreement, user: User) -> bool:
    agency = agency_of(user)
    return bool(
        agency is not None
        and reaches_case_data(user.roles)
        and agency.pk in (disagreement.raiser_agency_id, disagreement.respondent_agency_id)
    )


def current_holders(disagreement: Disagreement) -> list[User]:
    stage = disagreement.stages.filter(stage=disagreement.stage).first()
    people = [stage.raiser_holder, stage.respondent_holder] if stage else []
    if disagreement.stage == TOP_STAGE:
        people.append(sab_chair(disagreement))
    return [p for p in people if p is not None]


def may_act(disagreement: Disagreement, user: User) -> bool:
    """The current stage's holders, and the leads of either agency, resolve or escalate."""
    if not is_party(disagreement, user):
        return user in current_holders(disagreement)
    return user in current_holders(disagreement) or user.has_role(
        Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER, Role.DIRECTOR
    )


# --- the services ---------------------------------------------------------------------------------------------


def _agency_can_see(agency: Agency, subject: models.Model) -> bool:
    """Whether anyone working in ``agency`` can see ``subject`` (the owning agency always counts)."""
    if registry.owner_agency_id_of(subject) == agency.pk:
        return True
    members = agency.memberships.select_related("user").filter(user__is_active=True)[:200]
    return any(registry.is_visible(subject, user=m.user) for m in members if reaches_case_data(m.roles))


def _open_stage(disagreement: Disagreement, stage: int, *, now: datetime, by: User | None) -> DisagreementStage:
    raiser_side, respondent_side = stage_holders(disagreement, stage)
    deadline = clocks.start_clock(
        subject=disagreement,
        kind=stage_kind(stage),
        policy_key=f"escalation_stage_{stage}",
        start=now,
        holder_user=respondent_side,
        holder_agency=disagreement.respondent_agency,
        area=disagreement.area,
    )
    row = DisagreementStage.objects.create(
        disagreement=disagreement,
        stage=stage,
        raiser_holder=raiser_side,
        respondent_holder=respondent_side,
        opened_at=now,
        due_at=deadline.due_at,
    )
    people = [raiser_side, respondent_side] + ([sab_chair(disagreement)] if stage == TOP_STAGE else [])
    notify(
        recipients=[p for p in people if p is not None and p != by],
        kind="disagreement_stage",
        title=f"Professional disagreement {disagreement.reference} is at {STAGE_LABELS[stage].lower()}",
        target=disagreement,
        priority=Priority.HIGH if disagreement.immediate_risk else Priority.NORMAL,
        dedupe_key=f"disagreement:{disagreement.pk}:stage:{stage}",
    )
    return row


@transaction.atomic
def disagreement_raise(
    *,
    by: User,
    subject: models.Model,
    respondent_agency: Agency,
    category: str,
    disputed: str,
    resolution_sought: str,
    immediate_risk: bool = False,
    adult_views: str = "",
    respondent_contact: User | None = None,
    start_stage: int = 1,
    source_deadline: Deadline | None = None,
    now: datetime | None = None,
) -> Disagreement:
    """Raise a disagreement about something the raiser can see, with an agency that can also see it or owns it."""
    now = now or timezone.now()
    if not registry.is_visible(subject, user=by):
        raise Http404("Not found")
    agency = agency_of(by)
    if agency is None or not reaches_case_data(by.roles):
        raise ActionForbidden("Your role does not raise professional disagreements.")
    errors: dict[str, list[str]] = {}
    if category not in Category.values:
        errors["category"] = ["Choose the category of disagreement"]
    if not disputed.strip():
        errors["disputed"] = ["Describe what is disputed"]
    if not resolution_sought.strip():
        errors["resolution_sought"] = ["Say what resolution you are seeking"]
    if respondent_agency.pk == agency.pk:
        errors["respondent_agency"] = ["Disagreements within one agency follow that agency's own policy"]
    elif not respondent_agency.active or not _agency_can_see(respondent_agency, subject):
        errors["respondent_agency"] = ["Choose an agency that owns or can see this record"]
    if respondent_contact is not None and agency_of(respondent_contact) != respondent_agency:
        errors["respondent_contact"] = ["The contact must work for the agency you disagree with"]
    if errors:
        raise InvalidInput("The disagreement cannot be raised as it stands.", errors=errors)
    disagreement = Disagreement.objects.create(
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=str(subject.pk),
        subject_label=registry.object_label(subject)[:200],
        case_id=registry.case_id_of(subject),
        category=category,
        disputed=disputed.strip(),
        resolution_sought=resolution_sought.strip(),
        immediate_risk=immediate_risk,
        adult_views=adult_views.strip(),
        raised_by=by,
        raiser_agency=agency,
        respondent_agency=respondent_agency,
        respondent_contact=respondent_contact,
        area=area_of_agency(agency),
        stage=start_stage,
        opened_at=now,
        source_deadline=source_deadline,
        source_delay_reason=source_deadline.reason_for_delay if source_deadline is not None else "",
    )
    _open_stage(disagreement, start_stage, now=now, by=by)
    if immediate_risk:
        lead = _lead(agency, disagreement.area)
        notify(
            recipients=[lead] if lead is not None and lead != by else [],
            kind="disagreement_immediate_risk",
            title=f"Immediate risk: professional disagreement {disagreement.reference} raised by your agency",
            target=disagreement,
            requires_ack=True,
            dedupe_key=f"disagreement:{disagreement.pk}:own-lead",
        )
    return disagreement


def _close_stage(
    disagreement: Disagreement, *, now: datetime, outcome: str, automatic: bool = False, reason: str = ""
) -> None:
    DisagreementStage.objects.filter(disagreement=disagreement, stage=disagreement.stage, closed_at=None).update(
        closed_at=now,
        outcome=outcome,
        escalated_automatically=automatic,
        escalation_reason=reason,
    )


@transaction.atomic
def disagreement_escalate(
    *, disagreement: Disagreement, by: User | None, reason: str, automatic: bool = False, now: datetime | None = None
) -> Disagreement:
    """Move to the next stage. "Escalate now" is always open to the parties when risk is immediate."""
    now = now or timezone.now()
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if not automatic:
        assert by is not None
        allowed = may_act(disagreement, by) or (disagreement.immediate_risk and is_party(disagreement, by))
        if not allowed:
            raise ActionForbidden("Only the stage's holders or the agencies' leads can escalate this disagreement.")
        if not reason.strip():
            raise InvalidInput.field("reason", "Say why you are escalating")
    if not disagreement.is_open:
        raise TransitionNotAllowed("This disagreement has been resolved.")
    if disagreement.stage >= TOP_STAGE:
        raise TransitionNotAllowed("This disagreement is already at stage 4, with the director and SAB chair.")
    _close_stage(
        disagreement, now=now, outcome=f"Escalated: {reason.strip()}", automatic=automatic, reason=reason.strip()
    )
    if not automatic:
        clocks.cancel_clock(subject=disagreement, kind=stage_kind(disagreement.stage), reason="Escalated", by=by)
    disagreement.stage += 1
    Disagreement.objects.filter(pk=disagreement.pk).update(stage=disagreement.stage)
    if by is not None:
        DisagreementNote.objects.create(
            disagreement=disagreement,
            stage=disagreement.stage - 1,
            author=by,
            author_agency=agency_of(by) or disagreement.raiser_agency,
            text=f"Escalated to {STAGE_LABELS[disagreement.stage].lower()}: {reason.strip()}",
        )
    _open_stage(disagreement, disagreement.stage, now=now, by=by)
    return disagreement


@transaction.atomic
def disagreement_resolve(
    *, disagreement: Disagreement, by: User, agreement: str, lessons_learned: str, now: datetime | None = None
) -> Disagreement:
    now = now or timezone.now()
    disagreement = Disagreement.objects.select_for_update().get(pk=disagreement.pk)
    if not may_act(disagreement, by):
        raise ActionForbidden("Only the stage's holders or the agencies' leads can resolve this disagreement.")
    if not disagreement.is_open:
        raise TransitionNotAllowed("This disagreement has already been resolved.")
    errors: dict[str, list[str]] = {}
    if not agreement.strip():
        errors["agreement"] = ["Record what was agreed"]
    if not lessons_learned.strip():
        errors["lessons_learned"] = ["Record the lessons learned, including why it was not resolved earlier"]
    if errors:
        raise InvalidInput(errors=errors)
    _close_stage(disagreement, now=now, outcome=f"Resolved: {agreement.strip()}")
    clocks.meet_clock(subject=disagreement, kind=stage_kind(disagreement.stage), by=by)
    Disagreement.objects.filter(pk=disagreement.pk).update(
        status=DisagreementStatus.RESOLVED,
        resolved_at=now,
        resolved_by=by,
        agreement=agreement.strip(),
        lessons_learned=lessons_learned.strip(),
    )
    disagreement.refresh_from_db()
    notify(
        recipients=[disagreement.raised_by, *current_holders(disagreement)],
        kind="disagreement_resolved",
        title=f"Professional disagreement {disagreement.reference} has been resolved",
        target=disagreement,
        dedupe_key=f"disagreement:{disagreement.pk}:resolved",
    )
    return disagreement


@transaction.atomic
def disagreement_note(*, disagreement: Disagreement, by: User, text: str) -> DisagreementNote:
    """A note on the current stage by either side: every stage is written down and visible to both."""
    if not is_party(disagreement, by):
        raise ActionForbidden("Only the two agencies involved can add to this disagreement.")
    if not text.strip():
        raise InvalidInput.field("text", "Write the note")
    agency = agency_of(by)
    assert agency is not None
    return DisagreementNote.objects.create(
        disagreement=disagreement, stage=disagreement.stage, author=by, author_agency=agency, text=text.strip()
    )


@transaction.atomic
def deadline_challenge(
    *,
    deadline: Deadline,
    by: User,
    category: str,
    disputed: str,
    resolution_sought: str,
    immediate_risk: bool = False,
) -> Disagreement:
    """Challenge system inaction: from a breached deadline on something the user can see, a disagreement starting at
    stage 2 with the deadline's holder agency as respondent, linked to the breach and its reason for delay."""
    if deadline.status != DeadlineStatus.BREACHED or deadline.breached_at is None:
        raise TransitionNotAllowed("Only an overdue deadline can be challenged.")
    if deadline.holder_agency is None:
        raise TransitionNotAllowed("Nobody holds this deadline, so there is no agency to challenge.")
    subject = deadline.subject
    if subject is None:
        raise Http404("Not found")
    if Disagreement.objects.filter(source_deadline=deadline, status=DisagreementStatus.OPEN).exists():
        raise TransitionNotAllowed("This overdue deadline has already been challenged.")
    return disagreement_raise(
        by=by,
        subject=subject,
        respondent_agency=deadline.holder_agency,
        category=category,
        disputed=disputed,
        resolution_sought=resolution_sought,
        immediate_risk=immediate_risk,
        respondent_contact=deadline.holder_user if deadline.holder_user_id else None,
        start_stage=2,
        source_deadline=deadline,
    )


def on_stage_breach(*, deadline: Deadline, now: datetime) -> None:
    """Clock-engine breach handler: an unresolved stage escalates itself (stage 4 stays overdue, with its holders
    told by the engine's ladder)."""
    disagreement = Disagreement.objects.filter(pk=deadline.subject_id).first()
    if disagreement is None or not disagreement.is_open or disagreement.stage >= TOP_STAGE:
        return
    Deadline.objects.filter(pk=deadline.pk).update(cancelled_at=now, cancel_reason="Escalated automatically")
    deadline.status = DeadlineStatus.CANCELLED
    deadline.next_action_at = None
    disagreement_escalate(
        disagreement=disagreement,
        by=None,
        automatic=True,
        now=now,
        reason=f"Not resolved by the stage {disagreement.stage} deadline",
    )
