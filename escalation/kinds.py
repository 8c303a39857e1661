"""The kind registry: each app that owns a kind of deadline registers it from its ``AppConfig.ready()``.

``escalation`` never imports its clients; instead they tell it, per kind, what to call on a breach, which ladder to
climb, which policy sets the due time and how to find a subject's area::

    # cases/apps.py
    def ready(self) -> None:
        from escalation.kinds import register_kind
        from cases import clocks

        register_kind(
            "s42_decision",
            label="Section 42 decision",
            policy_key="s42_decision",
            on_breach=clocks.s42_decision_overdue,   # on_breach(*, deadline, now), inside the firing transaction
            area_of=lambda concern: concern.case.area,  # optional: else subject.clock_area / subject.area
        )

``on_breach(*, deadline, now)`` runs inside the transaction that records the breach: whatever it writes commits with
the breach or not at all, and anything outside the database must be enqueued with
``safeguarding.queue.enqueue_on_commit`` so a rolled-back firing sends nothing. It is called once per breach (again
only if the deadline is extended and breached anew).

A kind may instead bring a **due-query** (an object with ``due(*, now)`` and ``fire(*, item, now)``): the sweep asks
it for what is due and fires each item once (a ledger row per item and level makes repeats no-ops). The notification
acknowledgement fallback is such a kind, over the platform's notifications.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from escalation.models import Deadline
    from safeguarding.accounts.models import User
    from safeguarding.organisations.models import Area


class BreachHandler(Protocol):
    def __call__(self, *, deadline: Deadline, now: datetime) -> None: ...


@dataclass(frozen=True)
class Rung:
    """One step of an escalation ladder.

    ``resolve(deadline)`` names who to tell (an empty list skips the step). The step fires ``grace`` (or the
    ``grace_policy_key`` timescale, counted from when the previous step fired) after the previous one; the first
    step fires at the due time.
    """

    key: str
    label: str
    resolve: Callable[[Deadline], Sequence[User]]
    grace_policy_key: str | None = None
    grace: timedelta | None = None


@dataclass(frozen=True)
class DueItem:
    """Something a due-query kind says is due: one effect per (object, level)."""

    object_id: str
    level: int
    payload: Any = None


class DueQuery(Protocol):
    def due(self, *, now: datetime) -> Iterable[DueItem]: ...

    def fire(self, *, item: DueItem, now: datetime) -> None: ...


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    on_breach: BreachHandler | None = None
    ladder: tuple[Rung, ...] = ()
    due_query: DueQuery | None = None
    policy_key: str | None = None
    area_of: Callable[[Any], Area | None] | None = None

    @property
    def has_rows(self) -> bool:
        return self.due_query is None


_kinds: dict[str, Kind] = {}


def register_kind(
    kind: str,
    *,
    label: str,
    on_breach: BreachHandler | None = None,
    ladder: Sequence[Rung] | None = None,
    due_query: DueQuery | None = None,
    policy_key: str | None = None,
    area_of: Callable[[Any], Area | None] | None = None,
) -> Kind:
    """Register (or re-register) a kind of deadline. ``ladder`` defaults to the standard four steps."""
    if len(kind) > 60:
        raise ValueError("A kind's key is at most 60 characters")
    if due_query is None and ladder is None:
        from escalation.ladder import DEFAULT_LADDER

        ladder = DEFAULT_LADDER
    entry = Kind(
        key=kind,
        label=label,
        on_breach=on_breach,
        ladder=tuple(ladder or ()),
        due_query=due_query,
        policy_key=policy_key,
        area_of=area_of,
    )
    _kinds[kind] = entry
    return entry


def get_kind(kind: str) -> Kind:
    try:
        return _kinds[kind]
    except KeyError:
        raise LookupError(f"No deadline kind {kind!r} is registered") from None


def kind_label(kind: str) -> str:
    entry = _kinds.get(kind)
    return entry.label if entry else kind.replace("_", " ").capitalize()


def registered_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


def due_query_kinds() -> list[Kind]:
    return [k for k in registered_kinds() if k.due_query is not None]
