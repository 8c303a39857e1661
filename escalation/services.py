"""Writes of the clock engine: start, meet, extend and cancel clocks; reasons for delay; policies and overrides.

Other apps call these (never the models directly). Each runs in one transaction; the sweep and its tasks live in
``escalation.engine``. A deadline's area and nation, in order:

1. ``area=`` passed to :func:`start_clock`;
2. the kind's ``area_of(subject)`` (see ``escalation.kinds.register_kind``);
3. the subject's ``clock_area`` attribute (a property or a method), else its ``area`` attribute, if it is an
   ``Area`` — so a case model need only expose ``area``;
4. none: the nation is the holder agency's (England and Wales when unknown), and policies and directory look-ups
   use the holder agency's first area.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone

from escalation.calendar import ENGLAND_AND_WALES, calendar_changing, invalidate_calendars
from escalation.kinds import Kind, get_kind
from escalation.models import (
    OPEN_STATUSES,
    Basis,
    CalendarOverride,
    Deadline,
    DeadlineEvent,
    DeadlineExtension,
    DeadlineStatus,
    EventType,
    OverrideAction,
    TimescalePolicy,
)
from escalation.policies import DEFAULT_POLICIES, EffectivePolicy, compute_due, resolve_policy
from escalation.selectors import may_act_on
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.organisations.models import Agency, Area, Nation
from safeguarding.organisations.selectors import agency_of, area_of_agency


def _subject_key(subject: models.Model) -> tuple[ContentType, str]:
    if subject.pk is None:
        raise InvalidInput.field("subject", "A clock needs a saved subject")
    return ContentType.objects.get_for_model(subject), str(subject.pk)


def subject_area(subject: models.Model, kind: Kind) -> Area | None:
    """The area a subject belongs to, through the kind's hook or the subject's own attributes."""
    if kind.area_of is not None:
        return kind.area_of(subject)
    for attribute in ("clock_area", "area"):
        value = getattr(subject, attribute, None)
        if callable(value):
            value = value()
        if isinstance(value, Area):
            return value
    return None


def open_deadlines_for(subject: models.Model, kind: str | None = None) -> QuerySet[Deadline]:
    subject_type, subject_id = _subject_key(subject)
    qs = Deadline.objects.filter(subject_type=subject_type, subject_id=subject_id, status__in=OPEN_STATUSES)
    return qs.filter(kind=kind) if kind is not None else qs


def _event(
    deadline: Deadline, event_type: str, *, at: datetime, by: User | None = None, detail: str = ""
) -> DeadlineEvent:
    return DeadlineEvent.objects.create(
        deadline=deadline,
        event_type=event_type,
        at=at,
        cycle=deadline.cycle,
        by=by,
        due_at=deadline.due_at,
        detail=detail,
    )


def start_clock(
    *,
    subject: models.Model,
    kind: str,
    policy_key: str | None = None,
    start: datetime | None = None,
    holder_user: User | None = None,
    holder_agency: Agency | None = None,
    holder_role: str | None = None,
    area: Area | None = None,
    due_at: datetime | None = None,
) -> Deadline:
    """Start the ``kind`` clock on ``subject`` (idempotent: an open one is returned unchanged).

    The due time is ``due_at`` when given (basis "fixed"), else ``policy_key`` (or the kind's) applied from
    ``start`` (default now) with the area's policy version. The holder is a person, an agency, or an agency and a
    role (``holder_role``: anyone there holding that role); a person's agency is filled in from their membership.
    """
    entry = get_kind(kind)
    if not entry.has_rows:
        raise InvalidInput.field("kind", f"{kind} is a due-query kind: it has no deadline rows")
    subject_type, subject_id = _subject_key(subject)
    existing = open_deadlines_for(subject, kind).first()
    if existing is not None:
        return existing
    if holder_user is None and holder_agency is None:
        raise InvalidInput.field("holder", "A clock needs a holder: a person or an agency")
    if holder_agency is None and holder_user is not None:
        holder_agency = agency_of(holder_user)
    now = timezone.now()
    start = start or now
    named_area = area or subject_area(subject, entry)
    if named_area is not None:
        nation = named_area.nation
    else:
        nation = holder_agency.nation if holder_agency is not None else ENGLAND_AND_WALES
    effective_area = named_area or (area_of_agency(holder_agency) if holder_agency is not None else None)

    policy: EffectivePolicy | None = None
    key = policy_key or entry.policy_key or ""
    if due_at is None:
        if not key:
            raise InvalidInput.field("policy_key", f"{kind} has no policy: pass policy_key or due_at")
        if key not in DEFAULT_POLICIES and not TimescalePolicy.objects.filter(key=key).exists():
            raise InvalidInput.field("policy_key", f"Unknown timescale policy: {key}")
        policy = resolve_policy(key=key, area=effective_area, at=start)
        due_at = compute_due(
            start=start,
            basis=policy.basis,
            amount=policy.amount,
            nation=nation,
            area=effective_area,
            hours_of=holder_agency,
        )
    deadline = Deadline(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        area=effective_area,
        nation=nation if nation in Nation.values else ENGLAND_AND_WALES,
        basis=policy.basis if policy else Basis.FIXED,
        policy_key=key if policy else "",
        policy=policy.row if policy else None,
        policy_version=policy.version if policy else None,
        started_at=start,
        due_at=due_at,
        original_due_at=due_at,
        holder_user=holder_user,
        holder_agency=holder_agency,
        holder_role=holder_role or "",
        next_action_at=due_at,
        created_at=now,
        updated_at=now,
    )
    try:
        with transaction.atomic():
            deadline.save(force_insert=True)
            detail = f"{policy.amount} {Basis(policy.basis).label.lower()} (policy v{policy.version})" if policy else ""
            _event(deadline, EventType.STARTED, at=now, detail=detail)
    except IntegrityError:
        # Another request started the same clock a moment ago: theirs stands.
        found = open_deadlines_for(subject, kind).first()
        if found is None:
            raise
        return found
    return deadline


@transaction.atomic
def meet_clock(*, subject: models.Model, kind: str, by: User | None = None) -> Deadline | None:
    """Stop the open ``kind`` clock on ``subject``: met (late if it had breached). None when no clock is open."""
    deadline = open_deadlines_for(subject, kind).select_for_update().first()
    if deadline is None:
        return None
    now = timezone.now()
    deadline.status = DeadlineStatus.MET
    deadline.met_at = now
    deadline.met_by = by
    deadline.next_action_at = None
    deadline.updated_at = now
    deadline.save(update_fields=["status", "met_at", "met_by", "next_action_at", "updated_at"])
    late = deadline.breached_at is not None
    _event(deadline, EventType.MET, at=now, by=by, detail="Met late" if late else "Met on time")
    return deadline


@transaction.atomic
def cancel_clock(*, subject: models.Model, kind: str | None = None, reason: str, by: User | None = None) -> int:
    """Cancel the open clocks on ``subject`` (of ``kind`` when given), e.g. when a case closes. Returns how many."""
    if not reason or not reason.strip():
        raise InvalidInput.field("reason", "Give the reason for cancelling the clock")
    now = timezone.now()
    count = 0
    for deadline in open_deadlines_for(subject, kind).select_for_update().order_by("pk"):
        deadline.status = DeadlineStatus.CANCELLED
        deadline.cancelled_at = now
        deadline.cancel_reason = reason.strip()
        deadline.next_action_at = None
        deadline.updated_at = now
        deadline.save(update_fields=["status", "cancelled_at", "cancel_reason", "next_action_at", "updated_at"])
        _event(deadline, EventType.CANCELLED, at=now, by=by, detail=reason.strip())
        count += 1
    return count


def reassign_holder(
    *, subjects: Iterable[models.Model], holder_user: User, by: User | None = None, kind: str | None = None
) -> int:
    """Open clocks on ``subjects`` follow a new holder (e.g. a case's new lead practitioner). Only clocks held by a
    person in the new holder's agency move: a clock held by another agency stays with that agency."""
    membership = holder_user.agency_membership
    if membership is None:
        raise InvalidInput.field("holder_user", "The new holder must belong to an agency")
    now = timezone.now()
    count = 0
    for subject in subjects:
        for deadline in open_deadlines_for(subject, kind).select_for_update().order_by("pk"):
            if (
                deadline.holder_agency_id not in (None, membership.agency_id)
                or deadline.holder_user_id == holder_user.pk
            ):
                continue
            previous = deadline.holder_user
            deadline.holder_user = holder_user
            deadline.holder_agency_id = membership.agency_id
            deadline.updated_at = now
            deadline.save(update_fields=["holder_user", "holder_agency", "updated_at"])
            _event(
                deadline,
                EventType.REASSIGNED,
                at=now,
                by=by,
                detail=f"From {previous.full_name if previous else 'the agency'} to {holder_user.full_name}",
            )
            count += 1
    return count


def _locked(deadline: Deadline) -> Deadline:
    return Deadline.objects.select_for_update().get(pk=deadline.pk)


@transaction.atomic
def extend_clock(*, deadline: Deadline, new_due_at: datetime, reason: str, by: User) -> Deadline:
    """Move an open deadline's due time later, with a reason (audited). A breached deadline becomes pending again
    and its ladder starts afresh from the new due time; its breach stays in the history."""
    deadline = _locked(deadline)
    if not may_act_on(deadline, by):
        raise ActionForbidden("Only the holder, their managers or those it was escalated to can extend it.")
    if not deadline.is_open:
        raise TransitionNotAllowed(f"A deadline that is {deadline.get_status_display().lower()} cannot be extended.")
    errors: dict[str, list[str]] = {}
    if not reason or not reason.strip():
        errors["reason"] = ["Give the reason for the extension"]
    now = timezone.now()
    if new_due_at <= now:
        errors["due_at"] = ["The new due date must be in the future"]
    elif new_due_at <= deadline.due_at:
        errors["due_at"] = ["The new due date must be later than the current one"]
    if errors:
        raise InvalidInput(errors=errors)
    old_due = deadline.due_at
    DeadlineExtension.objects.create(
        deadline=deadline, old_due_at=old_due, new_due_at=new_due_at, reason=reason.strip(), by=by, at=now
    )
    deadline.due_at = new_due_at
    deadline.status = DeadlineStatus.PENDING
    deadline.escalation_level = 0
    deadline.cycle += 1
    deadline.next_action_at = new_due_at
    deadline.updated_at = now
    deadline.save(update_fields=["due_at", "status", "escalation_level", "cycle", "next_action_at", "updated_at"])
    _event(deadline, EventType.EXTENDED, at=now, by=by, detail=reason.strip())
    return deadline


@transaction.atomic
def record_delay_reason(*, deadline: Deadline, reason: str, by: User) -> Deadline:
    """The holder's reason why a deadline was missed: data for assurance (kept in the history each time)."""
    deadline = _locked(deadline)
    if not may_act_on(deadline, by):
        raise ActionForbidden("Only the holder, their managers or those it was escalated to can give the reason.")
    if deadline.breached_at is None:
        raise TransitionNotAllowed("A reason for delay is asked for only once a deadline is overdue.")
    if not reason or not reason.strip():
        raise InvalidInput.field("reason", "Give the reason for the delay")
    now = timezone.now()
    deadline.reason_for_delay = reason.strip()
    deadline.reason_recorded_at = now
    deadline.reason_recorded_by = by
    deadline.updated_at = now
    deadline.save(update_fields=["reason_for_delay", "reason_recorded_at", "reason_recorded_by", "updated_at"])
    _event(deadline, EventType.REASON_RECORDED, at=now, by=by, detail=reason.strip())
    return deadline


# --- recomputing open deadlines ---------------------------------------------------------------------------------


def _recompute(deadline: Deadline, *, policy: EffectivePolicy | None, now: datetime, why: str) -> bool:
    """Recompute one pending deadline's due time from its start (the original due time is kept)."""
    if policy is None:
        if not deadline.policy_key:
            return False
        policy = resolve_policy(key=deadline.policy_key, area=deadline.area, at=now)
    due = compute_due(
        start=deadline.started_at,
        basis=policy.basis,
        amount=policy.amount,
        nation=deadline.nation,
        area=deadline.area,
        hours_of=deadline.holder_agency,
    )
    changed_policy = (policy.row.pk if policy.row else None) != deadline.policy_id
    if due == deadline.due_at and not changed_policy:
        return False
    previous = deadline.due_at
    deadline.due_at = due
    deadline.next_action_at = due
    deadline.basis = policy.basis
    deadline.policy = policy.row
    deadline.policy_version = policy.version
    deadline.updated_at = now
    deadline.save(update_fields=["due_at", "next_action_at", "basis", "policy", "policy_version", "updated_at"])
    _event(
        deadline, EventType.RECOMPUTED, at=now, detail=f"{why}: due {previous:%d %b %Y %H:%M} → {due:%d %b %Y %H:%M}"
    )
    return True


def _recomputable() -> QuerySet[Deadline]:
    # Pending only: a breach already happened and was told; extended deadlines keep the date someone chose.
    return Deadline.objects.filter(status=DeadlineStatus.PENDING, extensions__isnull=True).exclude(basis=Basis.FIXED)


def apply_policy(*, policy: TimescalePolicy, now: datetime) -> int:
    """Recompute the pending deadlines that now fall under ``policy`` (call inside a transaction)."""
    candidates = _recomputable().filter(policy_key=policy.key)
    if policy.area_id is not None:
        candidates = candidates.filter(area_id=policy.area_id)
    count = 0
    for deadline in candidates.select_for_update(of=("self",)).select_related("area", "holder_agency").order_by("pk"):
        effective = resolve_policy(key=policy.key, area=deadline.area, at=now)
        if effective.row is None or effective.row.pk != policy.pk:
            continue  # the area has its own newer version, or this one is not in force for it
        count += _recompute(deadline, policy=effective, now=now, why=f"Policy {policy.key} v{policy.version}")
    TimescalePolicy.objects.filter(pk=policy.pk).update(applied_at=now)
    return count


def apply_due_policies(*, now: datetime) -> int:
    """Apply every policy version that has become active and is not yet applied (the sweep calls this)."""
    count = 0
    pending = TimescalePolicy.objects.filter(applied_at=None, active_from__lte=now).order_by("active_from", "pk")
    for policy in pending:
        with transaction.atomic():
            count += apply_policy(policy=policy, now=now)
    return count


@transaction.atomic
def policy_change(
    *,
    key: str,
    area: Area | None,
    basis: str,
    amount: int,
    by: User | None,
    active_from: datetime | None = None,
    note: str = "",
) -> TimescalePolicy:
    """A new version of ``key`` for ``area`` (blank: the national row). Applied at once when already active."""
    errors: dict[str, list[str]] = {}
    if key not in DEFAULT_POLICIES:
        errors["key"] = [f"Unknown timescale: {key}"]
    if basis not in Basis.values or basis == Basis.FIXED:
        errors["basis"] = ["Choose working days, calendar days, working hours or hours"]
    if errors:
        raise InvalidInput(errors=errors)
    now = timezone.now()
    # Serialise concurrent changes of one key for one area: the unique (area, key, version) also guards this.
    if area is not None:
        Area.objects.select_for_update().filter(pk=area.pk).first()
    latest = TimescalePolicy.objects.filter(area=area, key=key).order_by("-version").first()
    policy = TimescalePolicy.objects.create(
        area=area,
        key=key,
        basis=basis,
        amount=amount,
        version=(latest.version + 1) if latest else 1,
        active_from=active_from or now,
        note=note,
        created_by=by,
        created_at=now,
    )
    if policy.active_from <= now:
        apply_policy(policy=policy, now=now)
        policy.refresh_from_db()
    return policy


def _recompute_for_calendar(*, nation: str, area: Area | None, now: datetime) -> int:
    candidates = (
        _recomputable()
        .filter(nation=nation, basis__in=[Basis.WORKING_DAYS, Basis.WORKING_HOURS])
        .select_related("area", "holder_agency", "policy")
    )
    if area is not None:
        candidates = candidates.filter(area=area)
    count = 0
    for deadline in candidates.select_for_update(of=("self",)).order_by("pk"):
        policy = (
            EffectivePolicy(
                deadline.policy_key,
                deadline.policy.basis,
                deadline.policy.amount,
                deadline.policy.version,
                deadline.policy,
            )
            if deadline.policy is not None
            else None
        )
        count += _recompute(deadline, policy=policy, now=now, why="Working-day calendar changed")
    return count


@transaction.atomic
def calendar_override_save(
    *,
    nation: str,
    day: Any,
    action: str,
    reason: str,
    area: Area | None = None,
    by: User | None = None,
    override: CalendarOverride | None = None,
) -> CalendarOverride:
    """Add or change a local override; calendars everywhere are refreshed and pending deadlines recomputed."""
    errors: dict[str, list[str]] = {}
    if nation not in Nation.values:
        errors["nation"] = ["Choose a nation"]
    if action not in OverrideAction.values:
        errors["action"] = ["Choose whether the day becomes non-working or working"]
    if not reason or not reason.strip():
        errors["reason"] = ["Give the reason (for example the proclamation or the closure)"]
    if area is not None and area.nation != nation:
        errors["area"] = ["The area is in another nation"]
    if errors:
        raise InvalidInput(errors=errors)
    row = override or CalendarOverride()
    if row.created_by_id is None:
        row.created_by = by
    row.nation, row.day, row.action, row.reason, row.area = nation, day, action, reason.strip(), area
    row.save()
    _after_calendar_change(nation=nation, area=area)
    return row


@transaction.atomic
def calendar_override_delete(*, override: CalendarOverride) -> None:
    nation, area = override.nation, override.area
    override.delete()
    _after_calendar_change(nation=nation, area=area)


def _after_calendar_change(*, nation: str, area: Area | None) -> None:
    # Until this transaction ends, this thread reads calendars afresh (with the uncommitted change) and caches none,
    # so a rollback leaves nothing stale; on commit every process drops its copy.
    calendar_changing()
    _recompute_for_calendar(nation=nation, area=area, now=timezone.now())
    transaction.on_commit(invalidate_calendars)
