"""Reads for the sharing engine: the grant part of each shareable's visibility rule, scopes, and "who can see
this and why". Every check filters on ``expires_at > now``, so access ends exactly on time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.organisations.selectors import user_group_ids
from safeguarding.roles import reaches_case_data
from safeguarding.sharing.codes import SCOPE_ORDER, Direction, Scope
from safeguarding.sharing.models import SharingDecision
from safeguarding.sharing.registry import Shareable, shareable_for


def _reached(user: User) -> tuple[list[int], bool]:
    """The groups whose grants reach ``user`` and whether named-user grants do: case-working roles only."""
    if not user.is_authenticated or not user.is_active:
        return [], False
    return user_group_ids(user), reaches_case_data(user.roles)


def granted_ids(
    model: type[models.Model], user: User, *, now: datetime | None = None, min_scope: str = Scope.SUMMARY
) -> QuerySet[Any] | None:
    """The ids of ``model`` rows a live grant gives ``user`` (group grants for the user's agency, named grants), of at
    least ``min_scope``, as one ``UNION ALL`` subquery; ``None`` when no grant can reach the user.

    An id subquery rather than a correlated ``EXISTS``: "ORDER BY updated_at LIMIT 50" over ``own OR EXISTS(…)`` walks
    the whole table for a user who sees few records, while ``id IN (own UNION ALL granted)`` reads only their rows.
    """
    shareable = shareable_for(model)
    now = now or timezone.now()
    groups, named = _reached(user)
    live: dict[str, Any] = {"expires_at__gt": now}
    if min_scope != Scope.SUMMARY:
        live["permission__codename__in"] = [
            codename
            for scope, codename in shareable.codenames.items()
            if SCOPE_ORDER[Scope(scope)] >= SCOPE_ORDER[Scope(min_scope)]
        ]
    parts: list[QuerySet[Any]] = []
    if groups:
        parts.append(
            shareable.group_grant_model._default_manager.filter(group_id__in=groups, **live).values("content_object_id")
        )
    if named:
        parts.append(shareable.user_grant_model._default_manager.filter(user=user, **live).values("content_object_id"))
    if not parts:
        return None
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


def grant_exists_q(
    model: type[models.Model], user: User, *, now: datetime | None = None, min_scope: str = Scope.SUMMARY
) -> Q:
    """The same grants as ``granted_ids`` as a correlated ``EXISTS``: the shape that pages fastest for a user who sees
    many records (PostgreSQL walks the ordering index and stops at the page's end)."""
    shareable = shareable_for(model)
    now = now or timezone.now()
    groups, named = _reached(user)
    live: dict[str, Any] = {"content_object": OuterRef("pk"), "expires_at__gt": now}
    if min_scope != Scope.SUMMARY:
        live["permission__codename__in"] = [
            codename
            for scope, codename in shareable.codenames.items()
            if SCOPE_ORDER[Scope(scope)] >= SCOPE_ORDER[Scope(min_scope)]
        ]
    condition = Q(pk__in=[])
    if groups:
        condition |= Q(Exists(shareable.group_grant_model._default_manager.filter(group_id__in=groups, **live)))
    if named:
        condition |= Q(Exists(shareable.user_grant_model._default_manager.filter(user=user, **live)))
    return condition


def grant_visibility_q(
    model: type[models.Model], user: User, *, now: datetime | None = None, min_scope: str = Scope.SUMMARY
) -> Q:
    """The grant half of ``model``'s visibility rule: a live group grant for the user's agency or a named grant
    (of at least ``min_scope``: sub-resources such as the chronology need ``full``)."""
    ids = granted_ids(model, user, now=now, min_scope=min_scope)
    return Q(pk__in=ids) if ids is not None else Q(pk__in=[])


def _grant_rows(shareable: Shareable, user: User, object_ids: list[Any], now: datetime) -> list[tuple[Any, str]]:
    groups, named = _reached(user)
    rows: list[tuple[Any, str]] = []
    if groups:
        rows += list(
            shareable.group_grant_model._default_manager.filter(
                content_object_id__in=object_ids, group_id__in=groups, expires_at__gt=now
            ).values_list("content_object_id", "permission__codename")
        )
    if named:
        rows += list(
            shareable.user_grant_model._default_manager.filter(
                content_object_id__in=object_ids, user=user, expires_at__gt=now
            ).values_list("content_object_id", "permission__codename")
        )
    return rows


def granted_scopes(
    model: type[models.Model], user: User, object_ids: list[Any], *, now: datetime | None = None
) -> dict[Any, str]:
    """The widest live scope ``user`` holds through grants on each object (absent when none)."""
    if not object_ids:
        return {}
    shareable = shareable_for(model)
    best: dict[Any, str] = {}
    for object_id, codename in _grant_rows(shareable, user, object_ids, now or timezone.now()):
        scope = shareable.scope_for_codename(codename)
        if object_id not in best or SCOPE_ORDER[Scope(scope)] > SCOPE_ORDER[Scope(best[object_id])]:
            best[object_id] = scope
    return best


def decisions_for_subject(obj: models.Model) -> QuerySet[SharingDecision]:
    from django.contrib.contenttypes.models import ContentType

    return SharingDecision.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj), subject_id=obj.pk
    ).select_related("recipient_agency", "recipient_user", "decided_by", "approved_by", "revoked_by")


def decisions_visible_to(obj: models.Model, user: User, *, is_owner: bool) -> QuerySet[SharingDecision]:
    """All of a record's decisions for its owning agency; only those addressed to the caller for a recipient."""
    qs = decisions_for_subject(obj)
    if is_owner:
        return qs
    agency_id = user.agency_membership.agency_id if user.agency_membership else None
    return qs.filter(Q(recipient_agency_id=agency_id) | Q(recipient_user=user))


@dataclass
class Recipient:
    label: str
    kind: str  # "agency" or "user"
    scope: str | None  # the live scope, None when no live grant
    expires_at: datetime | None
    decisions: list[SharingDecision] = field(default_factory=list)


def who_can_see(obj: models.Model, *, now: datetime | None = None) -> list[Recipient]:
    """Each recipient with the decisions behind its access (live first; expired, revoked and refused kept)."""
    now = now or timezone.now()
    recipients: dict[tuple[str, Any], Recipient] = {}
    for decision in decisions_for_subject(obj).order_by("-decided_at"):
        key = (
            ("user", decision.recipient_user_id)
            if decision.recipient_user_id
            else ("agency", decision.recipient_agency_id)
        )
        if key not in recipients:
            recipients[key] = Recipient(label=decision.recipient_label, kind=key[0], scope=None, expires_at=None)
        recipient = recipients[key]
        recipient.decisions.append(decision)
        if decision.direction == Direction.DISCLOSE and decision.is_live(now):
            if recipient.scope is None or SCOPE_ORDER[Scope(decision.scope)] > SCOPE_ORDER[Scope(recipient.scope)]:
                recipient.scope = decision.scope
            if recipient.expires_at is None or (decision.expires_at and decision.expires_at > recipient.expires_at):
                recipient.expires_at = decision.expires_at
    return sorted(recipients.values(), key=lambda r: (r.scope is None, r.label))
