"""Break-glass (checklist B1): emergency read-only access outside a legitimate relationship.

A permitted role looks a person up by exact NHS number (the look-up lists matching records without content, never
those of restricted agencies or MAPPA material, and is itself audited), then opens one record with a reason code, a
reason of at least 20 characters and a fresh authenticator code. That records a ``full`` (read-only) decision for the
user through the engine, expiring after 60 minutes, so the record is in the user's lists exactly for that time; the
owning agency's leads are told at once (acknowledgement required) and the access waits in their review queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.accounts.services import confirmed_device
from safeguarding.audit.models import AccessLog
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency
from safeguarding.organisations.selectors import agency_leads, agency_of
from safeguarding.roles import LEAD_ROLES, Role
from safeguarding.sharing.codes import (
    ConsentStatus,
    DataItem,
    Direction,
    LawfulBasisArt6,
    OverrideReason,
    Purpose,
    Scope,
)
from safeguarding.sharing.models import BreakGlassAccess, BreakGlassReason, BreakGlassReview, SharingDecision
from safeguarding.sharing.registry import break_glass_exclusions, shareable_for, shareables
from safeguarding.sharing.requests import _nhs_valid
from safeguarding.sharing.services import recompute_grants

SOURCE = "break_glass"
LOOKUP_ROUTE = "break-glass-lookup"
LOOKUP_PURPOSE = "break_glass_lookup"
MIN_REASON = 20
DEFAULT_ROLES = (Role.SAFEGUARDING_LEAD, Role.OUT_OF_HOURS_PRACTITIONER)
REVIEWER_ROLES = (*LEAD_ROLES, Role.CALDICOTT_GUARDIAN)


def window() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "BREAK_GLASS_MINUTES", 60)))


def break_glass_roles() -> tuple[str, ...]:
    return tuple(getattr(settings, "BREAK_GLASS_ROLES", DEFAULT_ROLES))


def may_break_glass(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(*break_glass_roles()))


@dataclass(frozen=True)
class LookupResult:
    obj: Any
    reference: str
    holding_agency: Agency
    already_visible: bool


def _candidates(model: type[models.Model], nhs_number: str) -> QuerySet[Any]:
    shareable = shareable_for(model)
    if shareable.find_by_nhs_number is None:
        return model._default_manager.none()
    qs = shareable.find_by_nhs_number(nhs_number)
    if shareable.break_glass_excluded is not None:
        qs = shareable.break_glass_excluded(qs)
    for exclude in break_glass_exclusions():
        qs = exclude(qs)
    return qs


def break_glass_lookup(*, user: User, nhs_number: str, route: str = LOOKUP_ROUTE) -> list[LookupResult]:
    """Records about the person with this exact NHS number, without content. 403 for roles that may not break glass;
    the look-up is audited (the ids returned, purpose ``break_glass_lookup``)."""
    if not may_break_glass(user):
        raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
    digits = _nhs_valid(nhs_number)
    if digits is None:
        raise InvalidInput.field("nhs_number", "Enter a valid 10-digit NHS number")
    results: list[LookupResult] = []
    for shareable in shareables():
        found = list(_candidates(shareable.model, digits))
        visible_ids = set(
            registry.visible(shareable.model, user=user)
            .filter(pk__in=[o.pk for o in found])
            .values_list("pk", flat=True)
        )
        agencies = Agency.objects.in_bulk([shareable.owner_agency_id(o) for o in found])
        results += [
            LookupResult(
                obj=o,
                reference=str(getattr(o, "reference", "") or shareable.label(o)),
                holding_agency=agencies[shareable.owner_agency_id(o)],
                already_visible=o.pk in visible_ids,
            )
            for o in found
        ]
        record_access(
            user=user,
            objects_or_ids=[o.pk for o in found],
            object_type=shareable.model,
            route=route,
            purpose=LOOKUP_PURPOSE,
        )
    return results


def in_recent_lookup(*, user: User, obj: models.Model, now: datetime | None = None) -> bool:
    """Whether ``obj`` was among the results of one of the user's look-ups in the last hour (and is still not
    excluded): break-glass opens only records a look-up returned."""
    now = now or timezone.now()
    looked_up = AccessLog.objects.filter(
        user=user,
        purpose=LOOKUP_PURPOSE,
        object_ids__contains=[str(obj.pk)],
        occurred_at__gte=now - timedelta(hours=1),
    ).exists()
    if not looked_up:
        return False
    shareable = shareable_for(type(obj))
    if shareable.find_by_nhs_number is None:
        return False
    excluded = shareable.model._default_manager.filter(pk=obj.pk)
    if shareable.break_glass_excluded is not None:
        excluded = shareable.break_glass_excluded(excluded)
    for exclude in break_glass_exclusions():
        excluded = exclude(excluded)
    return excluded.exists()


@transaction.atomic
def break_glass_open(
    *, user: User, obj: models.Model, reason_code: str, reason: str, otp: str, now: datetime | None = None
) -> BreakGlassAccess:
    """Open emergency read-only access to ``obj`` for 60 minutes. Raises ActionForbidden (403) for other roles,
    TransitionNotAllowed (409) when the record is already visible, LookupError when the record was not among the
    user's look-up results (the API answers 404), InvalidInput (400) without a reason code, a 20-character reason
    and a valid authenticator code."""
    now = now or timezone.now()
    if not may_break_glass(user):
        raise ActionForbidden("Your role cannot use emergency (break-glass) access.")
    if registry.is_visible(obj, user=user):
        raise TransitionNotAllowed("You can already see this record: emergency access is not needed.")
    if not in_recent_lookup(user=user, obj=obj, now=now):
        raise LookupError("Not among the user's look-up results")
    errors: dict[str, list[str]] = {}
    if reason_code not in BreakGlassReason.values:
        errors["reason_code"] = ["Choose the reason"]
    if len((reason or "").strip()) < MIN_REASON:
        errors["reason"] = [f"Explain why you need emergency access (at least {MIN_REASON} characters)"]
    device = confirmed_device(user)
    code = (otp or "").strip().replace(" ", "")
    if not code:
        errors["otp"] = ["Enter the code from your authenticator app"]
    elif device is None or not device.verify_token(code):
        errors["otp"] = ["The code is not valid. Enter the current code from your authenticator app"]
    if errors:
        raise InvalidInput("Emergency access needs a reason and a fresh authenticator code.", errors=errors)
    shareable = shareable_for(type(obj))
    owner_id = shareable.owner_agency_id(obj)
    expires = now + window()
    decision = SharingDecision.objects.create(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        owner_agency_id=owner_id,
        direction=Direction.DISCLOSE,
        recipient_user=user,
        purpose=Purpose.OTHER,
        purpose_detail=f"Emergency (break-glass) access: {BreakGlassReason(reason_code).label}",
        scope=Scope.FULL,
        data_items=[DataItem.IDENTITY, DataItem.CONCERN, DataItem.RISK, DataItem.CHRONOLOGY, DataItem.PLAN],
        lawful_basis_art6=LawfulBasisArt6.VITAL_INTERESTS,
        consent_status=ConsentStatus.NOT_SOUGHT,
        override_reason=OverrideReason.NOT_PRACTICABLE,
        override_detail=reason.strip(),
        rationale=reason.strip(),
        decided_by=user,
        decided_at=now,
        adult_not_informed_reason="Emergency access: the owning agency decides whether and how to tell the adult.",
        expires_at=expires,
        source=SOURCE,
        created_at=now,
    )
    access = BreakGlassAccess.objects.create(
        user=user,
        user_agency=agency_of(user),
        subject_type=decision.subject_type,
        subject_id=obj.pk,
        owner_agency_id=owner_id,
        reason_code=reason_code,
        reason=reason.strip(),
        opened_at=now,
        expires_at=expires,
        decision=decision,
    )
    SharingDecision.objects.filter(pk=decision.pk).update(source_id=str(access.pk))
    recompute_grants(obj=obj, recipient_agency=None, recipient_user=user, now=now)
    record_access(
        user=user,
        objects_or_ids=obj,
        route="break-glass-open",
        purpose="break_glass",
        break_glass=True,
        break_glass_reason=f"{reason_code}: {reason.strip()}",
    )
    user_agency = agency_of(user)
    notify(
        recipients=agency_leads(Agency.objects.get(pk=owner_id)),
        kind="break_glass",
        title=f"Emergency (break-glass) access to {shareable.label(obj)} by {user.full_name}"
        + (f", {user_agency.name}" if user_agency else ""),
        target=access,
        requires_ack=True,
        dedupe_key=f"break-glass:{access.pk}",
        now=now,
    )
    return access


@transaction.atomic
def break_glass_end(*, access: BreakGlassAccess, by: User, now: datetime | None = None) -> BreakGlassAccess:
    """End one's own emergency access before its hour is up (least privilege: done is done). The break-glass decision
    is revoked, so the grant goes at once; the access stays on record, still due its review."""
    now = now or timezone.now()
    access = BreakGlassAccess.objects.select_for_update().select_related("decision").get(pk=access.pk)
    if access.user_id != by.pk:
        raise ActionForbidden("Only the person who opened emergency access can end it.")
    if access.decision.revoked_at is not None or access.expires_at <= now:
        raise TransitionNotAllowed("This emergency access has already ended.")
    SharingDecision.objects.filter(pk=access.decision_id).update(
        revoked_at=now, revoked_by=by, revoked_reason="Emergency access ended early by the person who opened it."
    )
    obj: Any = access.subject
    recompute_grants(obj=obj, recipient_agency=None, recipient_user=by, now=now)
    return access


def active_break_glass(*, user: User, obj: models.Model, now: datetime | None = None) -> BreakGlassAccess | None:
    now = now or timezone.now()
    return (
        BreakGlassAccess.objects.filter(
            user=user,
            subject_type=ContentType.objects.get_for_model(obj),
            subject_id=obj.pk,
            expires_at__gt=now,
            decision__revoked_at=None,
        )
        .order_by("-expires_at")
        .first()
    )


def access_is_break_glass_only(*, user: User, obj: models.Model, now: datetime | None = None) -> bool:
    """True when ``user`` reaches ``obj`` only through break-glass: restricted material (MARAC research, MAPPA
    minutes) checks this and stays closed."""
    if active_break_glass(user=user, obj=obj, now=now) is None:
        return False
    shareable = shareable_for(type(obj))
    own = agency_of(user)
    if own is not None and own.pk == shareable.owner_agency_id(obj):
        return False
    now = now or timezone.now()
    other = SharingDecision.objects.filter(
        subject_type=ContentType.objects.get_for_model(obj),
        subject_id=obj.pk,
        direction=Direction.DISCLOSE,
        revoked_at=None,
        expires_at__gt=now,
    ).exclude(source=SOURCE)
    return not other.filter(Q(recipient_user=user) | Q(recipient_agency=own, recipient_user=None)).exists()


def is_reviewer(user: User, access: BreakGlassAccess) -> bool:
    own = agency_of(user)
    return bool(own is not None and own.pk == access.owner_agency_id and user.has_role(*REVIEWER_ROLES))


def break_glass_visible_to(user: User) -> QuerySet[BreakGlassAccess]:
    """The owning agency's leads (and Caldicott guardian) see its break-glass accesses; a user sees their own."""
    if not user.is_authenticated or not user.is_active:
        return BreakGlassAccess.objects.none()
    condition = Q(user=user)
    own = agency_of(user)
    if own is not None and user.has_role(*REVIEWER_ROLES):
        condition |= Q(owner_agency=own)
    return BreakGlassAccess.objects.filter(condition).select_related(
        "user", "user_agency", "owner_agency", "reviewed_by", "decision"
    )


@transaction.atomic
def break_glass_review(*, access: BreakGlassAccess, by: User, outcome: str, note: str) -> BreakGlassAccess:
    """A lead of the owning agency records whether the access was justified."""
    access = BreakGlassAccess.objects.select_for_update().get(pk=access.pk)
    if not is_reviewer(by, access):
        raise ActionForbidden("Only the owning agency's safeguarding leads review emergency access.")
    if access.review_status != BreakGlassReview.PENDING:
        raise TransitionNotAllowed("This access has already been reviewed.")
    errors: dict[str, list[str]] = {}
    if outcome not in (BreakGlassReview.JUSTIFIED, BreakGlassReview.NOT_JUSTIFIED):
        errors["outcome"] = ["Choose whether the access was justified"]
    if not (note or "").strip():
        errors["note"] = ["Record what you found"]
    if errors:
        raise InvalidInput("The review cannot be recorded as it stands.", errors=errors)
    access.review_status = outcome
    access.review_note = note.strip()
    access.reviewed_by = by
    access.reviewed_at = timezone.now()
    access.save(update_fields=["review_status", "review_note", "reviewed_by", "reviewed_at"])
    if outcome == BreakGlassReview.NOT_JUSTIFIED:
        notify(
            recipients=[access.user],
            kind="break_glass_not_justified",
            title=f"Your emergency access {access.reference} was reviewed as not justified",
            target=access,
            dedupe_key=f"break-glass-review:{access.pk}",
        )
    return access
