"""Reads across every registered action kind: "My actions" and a leaver's open actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES, Action
from safeguarding.organisations.selectors import agency_of


@dataclass(frozen=True)
class ActionRow:
    action: Action
    kind: str
    url: str | None
    overdue: bool


def _sort_key(action: Action) -> tuple[bool, date, object]:
    # Overdue first is the same as earliest due date first; actions without a due date come last.
    return (action.due_date is None, action.due_date or date.max, action.created_at)


def my_open_actions(*, user: User, limit: int | None = None, today: date | None = None) -> list[ActionRow]:
    """Open actions of every registered kind that ``user`` owns, or their agency owns, read through each kind's
    visibility rule; overdue first. One query per kind (``limit`` applies per kind, then overall)."""
    today = today or timezone.localdate()
    agency = agency_of(user)
    mine = Q(owner_person=user) | (Q(owner_agency=agency) if agency is not None else Q(pk__in=[]))
    rows: list[tuple[Action, str]] = []
    for kind in registry.action_kinds():
        qs = (
            registry.visible(kind.model, user=user)
            .filter(mine, status__in=OPEN_STATUSES)
            .select_related("owner_person")
            .order_by("due_date", "created_at")
        )
        rows.extend((action, kind.label) for action in (qs[:limit] if limit else qs))
    rows.sort(key=lambda pair: _sort_key(pair[0]))
    if limit:
        rows = rows[:limit]
    return [ActionRow(a, label, registry.object_url(a), a.is_overdue(today)) for a, label in rows]


def leaver_open_actions(user: User) -> list[registry.WorkItem]:
    """Leaver-work provider: open actions a leaver owns personally (their agency still owns the rest)."""
    items = []
    for kind in registry.action_kinds():
        for action in kind.model._default_manager.filter(owner_person=user, status__in=OPEN_STATUSES).order_by(
            "due_date", "created_at"
        ):
            assert isinstance(action, Action)
            due = f"due {action.due_date:%-d %b %Y}" if action.due_date else "no due date"
            items.append(
                registry.WorkItem(
                    kind=f"action:{kind.model._meta.label_lower}",
                    label=f"{kind.label} {str(action.pk)[:8].upper()}, {due}",
                    url=registry.object_url(action) or "",
                    object_id=str(action.pk),
                )
            )
    return items
