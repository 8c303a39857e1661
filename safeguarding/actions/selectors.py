"""Reads across every registered action kind: "My actions" and a leaver's open actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import F, Q
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


def _mine_q(user: User) -> Q:
    """Owned by the user or by the user's agency."""
    agency = agency_of(user)
    return Q(owner_person=user) | (Q(owner_agency=agency) if agency is not None else Q(pk__in=[]))


@dataclass(frozen=True)
class ActionKey:
    """A position in the cross-kind order: earliest due first (overdue first is the same thing), undated last, then
    created, then id."""

    due_date: date | None
    created_at: datetime
    id: UUID

    @classmethod
    def of(cls, action: Action) -> ActionKey:
        return cls(action.due_date, action.created_at, action.pk)

    def sort_key(self) -> tuple[bool, date, datetime, UUID]:
        return (self.due_date is None, self.due_date or date.max, self.created_at, self.id)

    def after_q(self) -> Q:
        """Rows after this key in the order (what the next page reads)."""
        tie = Q(created_at__gt=self.created_at) | Q(created_at=self.created_at, id__gt=self.id)
        if self.due_date is None:
            return Q(due_date__isnull=True) & tie
        return Q(due_date__gt=self.due_date) | Q(due_date__isnull=True) | (Q(due_date=self.due_date) & tie)

    def before_q(self) -> Q:
        """Rows before this key in the order (what the previous page reads)."""
        tie = Q(created_at__lt=self.created_at) | Q(created_at=self.created_at, id__lt=self.id)
        if self.due_date is None:
            return Q(due_date__isnull=False) | (Q(due_date__isnull=True) & tie)
        return Q(due_date__lt=self.due_date) | (Q(due_date=self.due_date) & tie)


ORDER = (F("due_date").asc(nulls_last=True), "created_at", "id")
REVERSED = (F("due_date").desc(nulls_first=True), "-created_at", "-id")


def visible_actions_page(
    *,
    user: User,
    mine: bool = False,
    status: str = "",
    after: ActionKey | None = None,
    before: ActionKey | None = None,
    size: int = 50,
) -> tuple[list[Action], bool]:
    """One page of every tracked action ``user`` can see, of every kind, through each kind's visibility rule;
    earliest due first, undated last. Keyset pages: each kind reads at most ``size + 1`` rows past the cursor (one
    query per kind), and the kinds' rows are merged. Returns the page and whether more rows lie beyond it (after it,
    or before it when paging back with ``before``)."""
    backwards = before is not None
    rows: list[Action] = []
    for kind in registry.action_kinds():
        qs = registry.visible(kind.model, user=user).select_related("owner_agency", "owner_person")
        if mine:
            qs = qs.filter(_mine_q(user))
        if status in ActionStatus.values:
            qs = qs.filter(status=status)
        if before is not None:
            qs = qs.filter(before.before_q())
        elif after is not None:
            qs = qs.filter(after.after_q())
        rows.extend(qs.order_by(*(REVERSED if backwards else ORDER))[: size + 1])
    rows.sort(key=lambda a: ActionKey.of(a).sort_key(), reverse=backwards)
    page, more = rows[:size], len(rows) > size
    return (page[::-1] if backwards else page), more


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
    rows.sort(key=lambda pair: ActionKey.of(pair[0]).sort_key())
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
