"""Lifecycle of every tracked action kind (plan, meeting and review actions share it)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES, Action, ActionStatus
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.organisations.selectors import agency_of

A = TypeVar("A", bound=Action)

# Hooks a kind's owner may register (e.g. the clock engine meeting an action's deadline on completion).
_on_change: list[Callable[[Action, str], None]] = []


def register_action_listener(listener: Callable[[Action, str], None]) -> None:
    """``listener(action, event)`` runs inside the service's transaction after each change."""
    _on_change.append(listener)


def _emit(action: Action, event: str) -> None:
    for listener in _on_change:
        listener(action, event)


def action_visibility(model: type[A], parent_model: type[models.Model]) -> Callable[[User], QuerySet[A]]:
    """Visible to its owner agency and to those who can see its parent (through the parent's own rule).

    Owner-agency visibility reaches only case-working roles: an action's description may hold personal data, which
    commissioner, auditor and agency-admin roles never see.
    """
    from safeguarding import registry
    from safeguarding.roles import reaches_case_data

    def visible(user: User) -> QuerySet[A]:
        agency = agency_of(user)
        parents = registry.visible(parent_model, user=user).values("pk")
        condition = Q(**{f"{model.parent_field}__in": parents})
        if agency is not None and reaches_case_data(user.roles):
            condition |= Q(owner_agency=agency)
        return model._default_manager.filter(condition)

    return visible


def _may_update(action: Action, user: User) -> bool:
    agency = agency_of(user)
    return action.owner_person_id == user.pk or (agency is not None and action.owner_agency_id == agency.pk)


def _save(action: A, fields: list[str], expected_version: int | None = None) -> A:
    """Optimistic update: refuses (409) when someone changed the action since ``expected_version``."""
    action.last_update_at = timezone.now()
    qs = type(action)._default_manager.filter(pk=action.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    values = {name: getattr(action, name) for name in [*fields, "last_update_at"]}
    updated = qs.update(**values, version=F("version") + 1)
    if not updated:
        raise TransitionNotAllowed("This action was changed by someone else. Reload it and try again.")
    action.refresh_from_db()
    return action


@transaction.atomic
def action_start(*, action: A, by: User) -> A:
    if not _may_update(action, by):
        raise ActionForbidden("Only the action's owner or owning agency can update it.")
    if action.status != ActionStatus.OPEN:
        raise TransitionNotAllowed(f"An action that is {ActionStatus(action.status).label.lower()} cannot be started.")
    action.status = ActionStatus.IN_PROGRESS
    action = _save(action, ["status"])
    _emit(action, "started")
    return action


@transaction.atomic
def action_complete(
    *,
    action: A,
    by: User,
    evidence_notes: str,
    evidence_files: Sequence[UploadedFile[Any]] = (),
    expected_version: int | None = None,
) -> A:
    """Completion needs evidence: notes, and optionally files attached to the action (its kind must register as an
    attachment parent). Any refused file refuses the whole completion."""
    if not _may_update(action, by):
        raise ActionForbidden("Only the action's owner or owning agency can complete it.")
    if action.status not in OPEN_STATUSES:
        raise TransitionNotAllowed(
            f"An action that is {ActionStatus(action.status).label.lower()} cannot be completed."
        )
    if not evidence_notes or not evidence_notes.strip():
        raise InvalidInput.field("evidence_notes", "Describe the evidence that the action is complete")
    if evidence_files:
        from safeguarding.attachments.services import attachment_add

        for uploaded in evidence_files:
            attachment_add(parent=action, uploaded_file=uploaded, by=by)
    action.status = ActionStatus.COMPLETED
    action.evidence_notes = evidence_notes.strip()
    action.completed_at = timezone.now()
    action.completed_by = by
    action = _save(action, ["status", "evidence_notes", "completed_at", "completed_by"], expected_version)
    _emit(action, "completed")
    return action


@transaction.atomic
def action_verify(*, action: A, by: User, may_verify: Callable[[A, User], bool] | None = None) -> A:
    """Verification by someone other than the completer (the kind decides who: a lead, the SAB manager…)."""
    if may_verify is not None and not may_verify(action, by):
        raise ActionForbidden("You cannot verify this action.")
    if action.status != ActionStatus.COMPLETED:
        raise TransitionNotAllowed("Only a completed action can be verified.")
    if getattr(action, "completed_by_id", None) == by.pk:
        raise ActionForbidden("Someone other than the person who completed an action must verify it.")
    action.status = ActionStatus.VERIFIED
    action.verified_at = timezone.now()
    action.verified_by = by
    action = _save(action, ["status", "verified_at", "verified_by"])
    _emit(action, "verified")
    return action


@transaction.atomic
def action_cancel(*, action: A, by: User, reason: str) -> A:
    if not _may_update(action, by):
        raise ActionForbidden("Only the action's owner or owning agency can cancel it.")
    if action.status in (ActionStatus.VERIFIED, ActionStatus.CANCELLED):
        raise TransitionNotAllowed(
            f"An action that is {ActionStatus(action.status).label.lower()} cannot be cancelled."
        )
    if not reason or not reason.strip():
        raise InvalidInput.field("reason", "Give the reason for cancelling the action")
    action.status = ActionStatus.CANCELLED
    action.cancelled_reason = reason.strip()
    action = _save(action, ["status", "cancelled_reason"])
    _emit(action, "cancelled")
    return action


def action_create_kwargs(
    *, owner_agency: Any, owner_person: User | None, description: str, due_date: Any, created_by: User
) -> dict[str, Any]:
    """Validated common fields for creating any action kind (the kind's own service adds its parent)."""
    if not description or not description.strip():
        raise InvalidInput.field("description", "Describe the action")
    if owner_person is not None and agency_of(owner_person) != owner_agency:
        raise InvalidInput.field("owner_person", "The owner must work for the owning agency")
    return {
        "owner_agency": owner_agency,
        "owner_person": owner_person,
        "description": description.strip(),
        "due_date": due_date,
        "created_by": created_by,
    }
