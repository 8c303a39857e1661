"""The hash chain over the access log, one chain per actor agency.

``row_hash = sha256(prev_hash || canonical(row))`` over stored columns only, so it can always be re-verified. A
single chainer (serialised by an advisory lock) links rows after they commit, in its own order: the sequence order
of ids is not commit order, and reads never wait on a chain lock. ``verify_chain`` reports the first broken row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.db import connection, transaction
from django.db.models import Max

from safeguarding.audit.models import AccessChainLink, AccessChainPending, AccessLog

GENESIS = "0" * 64
CHAINER_LOCK = 781_020_441  # pg_advisory_xact_lock key held by the one chainer at a time


def canonical(row: AccessLog) -> str:
    occurred = row.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    payload = [
        row.pk,
        occurred,
        str(row.user_id) if row.user_id else None,
        str(row.agency_id) if row.agency_id else None,
        list(row.roles),
        row.object_type,
        list(row.object_ids),
        [str(a) for a in row.subject_agency_ids],
        row.route,
        row.purpose,
        row.outcome,
        row.break_glass,
        row.break_glass_reason,
        row.document_sha256,
        row.request_id,
        row.ip_address,
        row.user_agent,
    ]
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True)


def row_hash(prev_hash: str, row: AccessLog) -> str:
    return hashlib.sha256((prev_hash + canonical(row)).encode()).hexdigest()


def chain_key_for(row: AccessLog) -> str:
    return str(row.agency_id) if row.agency_id else "none"


def chain_pending(*, batch: int = 2000) -> int:
    """Link up to ``batch`` committed, unlinked access-log rows into their agency chains. Returns how many."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAINER_LOCK])
            (acquired,) = cursor.fetchone()
        if not acquired:
            return 0  # another chainer is running; it will pick these rows up
        pending_ids = list(AccessChainPending.objects.order_by("entry_id").values_list("entry_id", flat=True)[:batch])
        if not pending_ids:
            return 0
        rows = list(AccessLog.objects.filter(pk__in=pending_ids).order_by("pk"))
        keys = {chain_key_for(r) for r in rows}
        heads: dict[str, tuple[int, str]] = {}
        for key in keys:
            last = AccessChainLink.objects.filter(chain_key=key).order_by("-position").first()
            heads[key] = (last.position, last.row_hash) if last else (0, GENESIS)
        links = []
        for row in rows:
            key = chain_key_for(row)
            position, prev = heads[key]
            digest = row_hash(prev, row)
            links.append(
                AccessChainLink(chain_key=key, position=position + 1, entry_id=row.pk, prev_hash=prev, row_hash=digest)
            )
            heads[key] = (position + 1, digest)
        AccessChainLink.objects.bulk_create(links)
        AccessChainPending.objects.filter(entry_id__in=pending_ids).delete()
        return len(links)


def chain_all() -> int:
    total = 0
    while True:
        linked = chain_pending()
        total += linked
        if linked == 0:
            return total


@dataclass(frozen=True)
class ChainBreak:
    chain_key: str
    position: int
    entry_id: int | None
    reason: str


def verify_chain(chain_key: str | None = None, *, chunk: int = 5000) -> list[ChainBreak]:
    """Re-verify one chain (or every chain); return the first break of each broken chain."""
    if chain_key is None:
        keys = list(AccessChainLink.objects.values_list("chain_key", flat=True).distinct())
    else:
        keys = [chain_key]
    breaks = [b for key in keys if (b := _verify_one(key, chunk)) is not None]
    unlinked = _first_unlinked_row()
    if unlinked is not None and (chain_key is None or chain_key_for(unlinked) == chain_key):
        breaks.append(ChainBreak(chain_key_for(unlinked), 0, unlinked.pk, "row is in no chain and not pending"))
    return breaks


def _verify_one(key: str, chunk: int) -> ChainBreak | None:
    expected_position = 1
    prev = GENESIS
    last_position = 0
    while True:
        links = list(
            AccessChainLink.objects.filter(chain_key=key, position__gt=last_position).order_by("position")[:chunk]
        )
        if not links:
            return None
        rows = AccessLog.objects.in_bulk([link.entry_id for link in links])
        for link in links:
            if link.position != expected_position:
                return ChainBreak(key, expected_position, link.entry_id, "a chain position is missing")
            if link.prev_hash != prev:
                return ChainBreak(key, link.position, link.entry_id, "the link does not follow the previous one")
            row = rows.get(link.entry_id)
            if row is None:
                return ChainBreak(key, link.position, link.entry_id, "the access-log row was deleted")
            if chain_key_for(row) != key or row_hash(prev, row) != link.row_hash:
                return ChainBreak(key, link.position, link.entry_id, "the access-log row was changed")
            prev = link.row_hash
            expected_position += 1
            last_position = link.position


def _first_unlinked_row() -> AccessLog | None:
    """A row that is neither linked nor waiting to be: inserted behind the service's back."""
    linked_max = AccessChainLink.objects.aggregate(m=Max("entry_id"))["m"]
    if linked_max is None:
        return None
    return (
        AccessLog.objects.filter(pk__lte=linked_max)
        .exclude(pk__in=AccessChainLink.objects.values("entry_id"))
        .exclude(pk__in=AccessChainPending.objects.values("entry_id"))
        .order_by("pk")
        .first()
    )
