"""Reads about staff accounts for administrators: who they may see, and the authentication-event log."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404

from safeguarding.accounts.lifecycle import DEACTIVATE_ROLES, MFA_RESET_ROLES
from safeguarding.accounts.models import AuthEvent, User
from safeguarding.roles import Role

# Who may open the people pages of their agency (to reset an authenticator or deactivate an account).
PEOPLE_ROLES = frozenset({*MFA_RESET_ROLES, *DEACTIVATE_ROLES})
# Who may read their agency's authentication-event log.
AUTH_LOG_ROLES = frozenset({Role.AGENCY_ADMIN, Role.AUDITOR})


def may_manage_people(user: User) -> bool:
    return user.is_superuser or user.has_role(*PEOPLE_ROLES)


def may_read_auth_log(user: User) -> bool:
    return user.is_superuser or user.has_role(*AUTH_LOG_ROLES)


def people_visible(actor: User) -> QuerySet[User]:
    """Accounts ``actor`` can see at all: everyone for superusers, their own agency's people otherwise."""
    if actor.is_superuser:
        return User.objects.all()
    membership = actor.agency_membership
    if membership is None:
        return User.objects.none()
    return User.objects.filter(membership__agency_id=membership.agency_id)


def person_get_visible_or_404(*, actor: User, pk: Any) -> User:
    """Another agency's person (or a missing one) is 404; a visible person the actor may not manage is 403."""
    try:
        person = people_visible(actor).select_related("membership__agency").get(pk=pk)
    except (User.DoesNotExist, ValueError, ValidationError) as exc:
        raise Http404("Not found") from exc
    if not may_manage_people(actor):
        raise PermissionDenied
    return person


def auth_events_visible(actor: User) -> QuerySet[AuthEvent]:
    """Superusers see every event; agency admins and auditors see their own agency's people's events.

    Failures against unknown accounts belong to no agency and are shown to superusers only.
    """
    if actor.is_superuser:
        return AuthEvent.objects.all()
    membership = actor.agency_membership
    if membership is None or not may_read_auth_log(actor):
        return AuthEvent.objects.none()
    return AuthEvent.objects.filter(user__membership__agency_id=membership.agency_id)
