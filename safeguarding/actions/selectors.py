"""Reads across every registered action kind: "My actions" and a leaver's open actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES, Action, ActionStatus
from safeguarding.audit.services import record_access, record_denied
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


def _mine_q(user: User) -> Q:
    """Owned by the user or by the user's agency."""
    agency = agency_of(user)
    return Q(owner_person=user) | (Q(owner_agency=agency) if agency is not None else Q(pk__in=[]))


def visible_actions(*, user: User, mine: bool = False, status: str = "") -> list[Action]:
    """Every tracked action ``user`` can see, of every kind, through each kind's visibility rule; overdue (earliest
    due) first, undated last. One query per kind."""
    rows: list[Action] = []
    for kind in registry.action_kinds():
        qs = registry.visible(kind.model, user=user).select_related("owner_agency", "owner_person")
        if mine:
            qs = qs.filter(_mine_q(user))
        if status in ActionStatus.values:
            qs = qs.filter(status=status)
        rows.extend(qs)
    rows.sort(key=lambda a: (*_sort_key(a), str(a.pk)))
    return rows


def get_visible_action(*, user: User, pk: Any, route: str) -> Action:
    """One visible action of any kind (an access row), or 404 (a denied row) for missing and invisible alike."""
    for kind in registry.action_kinds():
        found = registry.visible(kind.model, user=user).filter(pk=pk).first()
        if found is not None:
            record_access(user=user, objects_or_ids=found, route=route)
            return found
    record_denied(user=user, object_type="actions", object_id=pk, route=route)
    raise Http404("Not found")


def my_open_actions(*, user: User, limit: int | None = None, today: date | None = None) -> list[ActionRow]:
    """Open actions of every registered kind that ``user`` owns, or their agency owns, read through each kind's
    visibility rule; overdue first. One query per kind (``limit`` applies per kind, then overall)."""
    today = today or timezone.localdate()
    mine = _mine_q(user)
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
