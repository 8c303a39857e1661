"""The sweep and the firing: how due deadlines are breached and escalated exactly once.

1. **Sweep** (a beat task every minute, or ``manage.py run_clocks``): applies newly active policy versions, returns
   rows whose lease expired to idle, then claims idle rows whose ``next_action_at`` has come, in batches, with
   ``SELECT … FOR UPDATE SKIP LOCKED`` (two sweepers share the work and never take the same row), marking each batch
   ``claimed`` under a lease with a fresh claim token. One task per batch is enqueued *after commit*, carrying the
   sweep's ``now`` (so time-machine tests and ``--now`` see one consistent time). Due-query kinds get one task each.
2. **Firing** (the task): locks the batch's rows still claimed with that token, and for each one still due either
   records the breach (status, event, the holder told, the kind's ``on_breach``) or climbs one rung of the ladder;
   then hands the row back (idle, ``next_action_at`` = the next rung's time, or none). All of a row's effects commit
   in the same transaction as its new state, so a redelivered task (``acks_late`` + ``reject_on_worker_lost``) or a
   second sweeper finds nothing left to do; notifications also carry unique keys (``deadline:{id}:{cycle}:level:{n}``).
3. **Recovery**: a worker that dies mid-task has its message delivered again (``reject_on_worker_lost``); a message
   the broker loses leaves its rows claimed until the lease expires, when the next sweep reclaims and fires them.
   Nothing waits in the broker: no ETAs, no countdowns. ``attempts`` counts failed firings (not claims); a row that
   fails ``MAX_ATTEMPTS`` times is parked with its ``last_error`` for someone to look at.
"""

from __future__ import annotations

import logging
import traceback
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, connection, connections, transaction
from django.db.models import F
from django.utils import timezone

from escalation.kinds import Kind, Rung, due_query_kinds, get_kind
from escalation.models import (
    OPEN_STATUSES,
    Basis,
    ClaimState,
    Deadline,
    DeadlineEvent,
    DeadlineRecipient,
    DeadlineStatus,
    DueItemFiring,
    EventType,
    FiringDelivery,
)
from escalation.policies import EffectivePolicy, compute_due, resolve_policy
from escalation.services import apply_due_policies
from safeguarding.accounts.models import User
from safeguarding.notifications.models import Priority
from safeguarding.notifications.services import Notice, notify_many
from safeguarding.queue import enqueue_on_commit

logger = logging.getLogger(__name__)

# A row that failed to fire this many times in a row is left alone (and logged) until someone reads ``last_error``.
MAX_ATTEMPTS = 5
# A batch whose worker died this many times gives up; its rows come back when their lease expires.
MAX_DELIVERIES = 3
# How many times a batch is retried in-process after its database connection broke.
CONNECTION_RETRIES = 3


def lease_duration() -> timedelta:
    """Longer than the task time limit, so a live task never loses its rows to a reclaim."""
    return timedelta(seconds=int(getattr(settings, "CLOCKS_LEASE_SECONDS", 600)))


def default_batch_size() -> int:
    return int(getattr(settings, "CLOCKS_BATCH_SIZE", 500))


@dataclass(frozen=True)
class Batch:
    ids: list[str]
    token: str
    now: datetime


@dataclass
class SweepResult:
    claimed: int = 0
    reclaimed: int = 0
    policies_applied: int = 0
    batches: list[Batch] = field(default_factory=list)
    due_query_kinds: list[str] = field(default_factory=list)


def reclaim_expired_leases(*, now: datetime, limit: int = 10_000) -> int:
    """Return claimed rows whose lease has expired to idle (their task died or its message was lost)."""
    with transaction.atomic():
        ids = list(
            Deadline.objects.select_for_update(skip_locked=True)
            .filter(claim_state=ClaimState.CLAIMED, lease_expires_at__lte=now)
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            Deadline.objects.filter(pk__in=ids).update(
                claim_state=ClaimState.IDLE, claim_token=None, lease_expires_at=None
            )
            logger.warning("reclaimed %d deadline(s) whose lease expired", len(ids))
    return len(ids)


def claim_batch(*, now: datetime, size: int, lease: timedelta) -> Batch | None:
    """Claim up to ``size`` due rows, oldest first (call inside a transaction; the caller enqueues on commit).

    One statement locks and marks the rows (``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED LIMIT n)``):
    rows another sweeper holds are skipped, never waited for; it walks ``deadline_claimable_idx``.
    """
    candidates = (
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(claim_state=ClaimState.IDLE, next_action_at__lte=now, attempts__lt=MAX_ATTEMPTS)
        .order_by("next_action_at")
        .values("pk")[:size]
    )
    select_sql, select_params = candidates.query.sql_with_params()
    token = uuid.uuid4()
    table = Deadline._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{table}" SET "claim_state" = %s, "claim_token" = %s, "lease_expires_at" = %s '  # noqa: S608
            f'WHERE "id" IN ({select_sql}) RETURNING "id"',
            [ClaimState.CLAIMED, token, now + lease, *select_params],
        )
        ids = [row[0] for row in cursor.fetchall()]
    if not ids:
        return None
    return Batch(ids=[str(pk) for pk in ids], token=str(token), now=now)


def deadline_sweep(
    *, now: datetime, batch_size: int | None = None, max_batches: int | None = None, enqueue: bool = True
) -> SweepResult:
    """One sweep. With ``enqueue`` (the beat task) each batch's task is sent after its claim commits; without it
    (``run_clocks``) the caller fires ``result.batches`` and ``result.due_query_kinds`` itself."""
    from escalation import tasks

    result = SweepResult()
    result.policies_applied = apply_due_policies(now=now)
    result.reclaimed = reclaim_expired_leases(now=now)
    forget_old_deliveries(now=now)
    size = batch_size or default_batch_size()
    lease = lease_duration()
    while max_batches is None or len(result.batches) < max_batches:
        with transaction.atomic():
            batch = claim_batch(now=now, size=size, lease=lease)
            if batch is None:
                break
            if enqueue:
                enqueue_on_commit(tasks.fire_deadlines, batch.ids, now.isoformat(), batch.token)
        result.batches.append(batch)
        result.claimed += len(batch.ids)
    for kind in due_query_kinds():
        result.due_query_kinds.append(kind.key)
        if enqueue:
            with transaction.atomic():
                enqueue_on_commit(tasks.fire_due_query, kind.key, now.isoformat())
    return result


# --- firing ---------------------------------------------------------------------------------------------------


class _PolicyMemo:
    """Grace periods worked out once per batch, not once per row: every row of a batch shares the sweep's ``now``,
    so rows with the same policy, area, nation (and business hours) share their next rung's time."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self._found: dict[tuple[str, object], EffectivePolicy] = {}
        self._times: dict[tuple[object, ...], datetime] = {}

    def get(self, key: str, deadline: Deadline) -> EffectivePolicy:
        memo_key = (key, deadline.area_id)
        if memo_key not in self._found:
            self._found[memo_key] = resolve_policy(key=key, area=deadline.area, at=self.now)
        return self._found[memo_key]

    def grace_end(self, key: str, deadline: Deadline) -> datetime:
        policy = self.get(key, deadline)
        hours_of = deadline.holder_agency_id if policy.basis == Basis.WORKING_HOURS else None
        memo_key = (key, deadline.area_id, deadline.nation, hours_of)
        if memo_key not in self._times:
            self._times[memo_key] = compute_due(
                start=self.now,
                basis=policy.basis,
                amount=policy.amount,
                nation=deadline.nation,
                area=deadline.area,
                hours_of=deadline.holder_agency,
            )
        return self._times[memo_key]


@dataclass
class _Effects:
    """A batch's writes, made together at the end of its transaction (a few statements, not a few per row)."""

    events: list[DeadlineEvent] = field(default_factory=list)
    recipients: list[DeadlineRecipient] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def event(
        self, deadline: Deadline, event_type: str, *, at: datetime, level: int, rung: str = "", detail: str = ""
    ) -> None:
        self.events.append(
            DeadlineEvent(
                deadline=deadline,
                event_type=event_type,
                at=at,
                cycle=deadline.cycle,
                level=level,
                rung=rung,
                due_at=deadline.due_at,
                detail=detail,
            )
        )


def _rung_time(deadline: Deadline, rung: Rung, *, now: datetime, policies: _PolicyMemo) -> datetime:
    """When ``rung`` fires: its grace period after ``now`` (when the previous rung fired)."""
    if rung.grace is not None:
        return now + rung.grace
    if rung.grace_policy_key:
        return policies.grace_end(rung.grace_policy_key, deadline)
    return now


def _tell(
    deadline: Deadline, kind: Kind, rung: Rung, level: int, users: Sequence[User], *, now: datetime, effects: _Effects
) -> None:
    label = kind.label
    if level == 1:
        title = f"Overdue: {label} ({deadline.reference})"
    else:
        title = f"Escalated to you ({rung.label.lower()}): overdue {label} ({deadline.reference})"
    effects.notices.append(
        Notice(
            recipients=users,
            kind="deadline_overdue" if level == 1 else "deadline_escalated",
            title=title,
            target=deadline,
            priority=Priority.HIGH,
            dedupe_key=f"deadline:{deadline.pk}:{deadline.cycle}:level:{level}",
        )
    )
    effects.recipients.extend(
        DeadlineRecipient(deadline=deadline, cycle=deadline.cycle, level=level, rung=rung.key, user=u, notified_at=now)
        for u in users
    )
    if level > 1:
        effects.event(deadline, EventType.ESCALATED, at=now, level=level, rung=rung.key, detail=rung.label)


def _fire_row(deadline: Deadline, *, now: datetime, effects: _Effects, policies: _PolicyMemo) -> bool:
    """Breach or climb one rung. Returns False when the row no longer needs anything (met, moved, cancelled)."""
    due = deadline.next_action_at
    if deadline.status not in OPEN_STATUSES or due is None or due > now:
        if deadline.status not in OPEN_STATUSES:
            deadline.next_action_at = None
        return False
    kind = get_kind(deadline.kind)
    ladder = kind.ladder
    if deadline.status == DeadlineStatus.PENDING:
        deadline.status = DeadlineStatus.BREACHED
        deadline.breached_at = deadline.breached_at or now
        effects.event(deadline, EventType.BREACHED, at=now, level=1, rung=ladder[0].key if ladder else "")
        if kind.on_breach is not None:
            kind.on_breach(deadline=deadline, now=now)
        level = 1
    else:
        level = deadline.escalation_level + 1
    while level <= len(ladder):
        rung = ladder[level - 1]
        users = list(rung.resolve(deadline))
        if users:
            _tell(deadline, kind, rung, level, users, now=now, effects=effects)
            break
        effects.event(
            deadline, EventType.RUNG_SKIPPED, at=now, level=level, rung=rung.key, detail=f"Nobody to tell: {rung.label}"
        )
        level += 1
    deadline.escalation_level = max(1, min(level, len(ladder)))
    if level < len(ladder):
        deadline.next_action_at = _rung_time(deadline, ladder[level], now=now, policies=policies)
    else:
        deadline.next_action_at = None  # the top of the ladder: it stays overdue until met, extended or cancelled
    return True


def _save_and_release(rows: Sequence[Deadline], now: datetime) -> None:
    """Write each row's new state and hand it back (idle, no lease). Rows of a batch mostly share their new state,
    so they are grouped: one UPDATE per distinct state rather than one per row."""
    groups: dict[tuple[object, ...], list[uuid.UUID]] = defaultdict(list)
    for deadline in rows:
        state = (deadline.status, deadline.breached_at, deadline.escalation_level, deadline.next_action_at)
        groups[state].append(deadline.pk)
    for (status, breached_at, level, next_action_at), pks in groups.items():
        Deadline.objects.filter(pk__in=pks).update(
            status=status,
            breached_at=breached_at,
            escalation_level=level,
            next_action_at=next_action_at,
            claim_state=ClaimState.IDLE,
            claim_token=None,
            lease_expires_at=None,
            attempts=0,
            last_error="",
            updated_at=now,
        )


def _fire_batch(*, ids: Sequence[str], now: datetime, token: str) -> int:
    with transaction.atomic():
        rows = list(
            Deadline.objects.select_for_update(of=("self",))
            .filter(pk__in=list(ids), claim_state=ClaimState.CLAIMED, claim_token=token)
            .select_related("holder_user", "holder_agency", "area")
            .order_by("pk")
        )
        effects = _Effects()
        policies = _PolicyMemo(now)
        fired = 0
        for deadline in rows:
            fired += _fire_row(deadline, now=now, effects=effects, policies=policies)
        notify_many(notices=effects.notices, now=now)
        DeadlineEvent.objects.bulk_create(effects.events)
        DeadlineRecipient.objects.bulk_create(effects.recipients)
        _save_and_release(rows, now)
    return fired


def _drop_broken_connections() -> None:
    """Close connections after a connection error, so the retry opens a fresh one."""
    for alias in connections.all(initialized_only=True):
        if alias.in_atomic_block:
            continue
        try:
            alias.close()
        except Exception:  # closing an already broken connection may itself fail
            logger.debug("closing a broken connection failed", exc_info=True)


def fire_deadlines(*, ids: Sequence[str], now: datetime, token: str) -> int:
    """Fire one claimed batch (the task's body). Safe to run twice: rows already handled are skipped.

    First delivery: the whole batch in one transaction. A broken database connection (restart,
    ``pg_terminate_backend``) retries it on a fresh connection; any other error fires the rows one by one, so one
    bad row cannot hold up the rest (it keeps its claim, its error and a failed attempt are recorded, and the sweep
    retries it when the lease expires; after ``MAX_ATTEMPTS`` failures it is parked).

    A redelivery means the worker died during an earlier delivery (``reject_on_worker_lost``): the rows are then
    fired one per transaction, each named as the suspect before it starts, so the next delivery steps over a row
    that kills its worker; after ``MAX_DELIVERIES`` the message gives up and the lease brings the rows back.
    """
    deliveries, suspect = _count_delivery(token)
    if deliveries > MAX_DELIVERIES:
        _record_failure_of(ids, token, f"worker lost {deliveries - 1} times while firing this batch")
        return 0
    if deliveries > 1:
        logger.warning("batch %s delivered again (%d): firing its rows one at a time", token, deliveries)
        return _fire_carefully(ids=ids, now=now, token=token, suspect=suspect)
    return _fire_with_retries(ids=ids, now=now, token=token)


def _count_delivery(token: str) -> tuple[int, str | None]:
    """Count this delivery of the batch's task (committed at once, so a crash cannot undo it)."""
    table = FiringDelivery._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{table}" ("token", "deliveries", "started_at") VALUES (%s, 1, %s) '  # noqa: S608
            f'ON CONFLICT ("token") DO UPDATE SET "deliveries" = "{table}"."deliveries" + 1 '
            'RETURNING "deliveries", "suspect_id"',
            [token, timezone.now()],
        )
        deliveries, suspect = cursor.fetchone()
    return int(deliveries), str(suspect) if suspect else None


def _fire_with_retries(*, ids: Sequence[str], now: datetime, token: str) -> int:
    for attempt in range(1, CONNECTION_RETRIES + 1):
        try:
            return _fire_batch(ids=ids, now=now, token=token)
        except (OperationalError, InterfaceError):
            _drop_broken_connections()
            if attempt == CONNECTION_RETRIES:
                raise
            logger.warning("database connection lost while firing a batch; retrying (%d)", attempt)
        except Exception:
            if len(ids) == 1:
                _record_failure(ids[0], token)
                return 0
            logger.exception("a batch of %d deadline(s) failed; firing them one by one", len(ids))
            return sum(_fire_with_retries(ids=[pk], now=now, token=token) for pk in ids)
    return 0


def _fire_carefully(*, ids: Sequence[str], now: datetime, token: str, suspect: str | None) -> int:
    if suspect is not None and suspect in ids:
        logger.error("deadline %s was firing when its worker died; it is set aside", suspect)
        _record_failure_of([suspect], token, "the worker died while firing this deadline")
    fired = 0
    for pk in ids:
        if pk == suspect:
            continue
        FiringDelivery.objects.filter(token=token).update(suspect_id=pk)
        fired += _fire_with_retries(ids=[pk], now=now, token=token)
    FiringDelivery.objects.filter(token=token).update(suspect_id=None)
    return fired


def _record_failure(pk: str, token: str) -> None:
    logger.exception("deadline %s failed to fire; it will be retried when its lease expires", pk)
    _record_failure_of([pk], token, traceback.format_exc())


def _record_failure_of(ids: Sequence[str], token: str, error: str) -> None:
    """A failed attempt: the rows keep their claim until the lease expires, then the sweep retries them."""
    rows = Deadline.objects.filter(pk__in=list(ids), claim_token=token)
    rows.update(last_error=error[-4000:], attempts=F("attempts") + 1)
    for pk, attempts in rows.filter(attempts__gte=MAX_ATTEMPTS).values_list("pk", "attempts"):
        logger.error("deadline %s failed %d times and is parked: see its last_error", pk, attempts)


def forget_old_deliveries(*, now: datetime) -> int:
    """Delivery counts are needed only while a batch can still be delivered: a day is ample."""
    deleted, _ = FiringDelivery.objects.filter(started_at__lt=now - timedelta(days=1)).delete()
    return deleted


def fire_due_query(*, kind: str, now: datetime) -> int:
    """Fire what a due-query kind says is due, once per (object, level): the ledger row and the effect commit
    together, so a second sweeper or a redelivered task finds the ledger row and does nothing."""
    entry = get_kind(kind)
    if entry.due_query is None:
        return 0
    fired = 0
    for item in entry.due_query.due(now=now):
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        DueItemFiring.objects.create(
                            kind=kind, object_id=item.object_id, level=item.level, fired_at=now
                        )
                except IntegrityError:
                    continue  # already fired (perhaps by a concurrent sweep a moment ago)
                entry.due_query.fire(item=item, now=now)
                fired += 1
        except (OperationalError, InterfaceError):
            _drop_broken_connections()
            raise
        except Exception:
            logger.exception("%s item %s level %d failed; retried next sweep", kind, item.object_id, item.level)
    return fired
