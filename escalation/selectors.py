"""Reads of the clock engine. A deadline is visible exactly when its subject is visible to the user (through the
subject model's own rule in the platform's registry); every read path starts from :func:`deadlines_visible`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from escalation.models import OPEN_STATUSES, Deadline, DeadlineEvent, DeadlineRecipient, DeadlineStatus
from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.roles import MANAGER_ROLES

# "Due soon" on My work: pending deadlines due within this window.
DUE_SOON = timedelta(days=7)
PANEL_ROWS = 10


def deadlines_visible(user: User) -> QuerySet[Deadline]:
    """Every deadline whose subject ``user`` may see (the registered visibility rule for ``Deadline``).

    One condition per registered subject model: ``subject_id IN (SELECT pk::text FROM visible(model))``; a model
    with no visibility rule contributes nothing, so its deadlines are invisible to everyone.
    """
    if not user.is_authenticated or not user.is_active:
        return Deadline.objects.none()
    condition = Q(pk__in=[])
    for model in registry.registered_models():
        if model is Deadline:
            continue
        subject_type = ContentType.objects.get_for_model(model)
        visible_ids = (
            registry.visible(model, user=user).annotate(_clock_subject=Cast("pk", CharField())).values("_clock_subject")
        )
        condition |= Q(subject_type=subject_type, subject_id__in=visible_ids)
    return Deadline.objects.filter(condition)


def mine(user: User) -> Q:
    """Deadlines ``user`` holds: named, or held by their agency for a role they have."""
    held = Q(holder_user=user)
    membership = user.agency_membership
    if membership is not None and membership.roles:
        held |= Q(holder_user=None, holder_agency_id=membership.agency_id, holder_role__in=list(membership.roles))
    return held


def deadline_list_for_user(*, user: User, mine_only: bool = False) -> QuerySet[Deadline]:
    qs = deadlines_visible(user).select_related("subject_type", "holder_user", "holder_agency")
    return qs.filter(mine(user)) if mine_only else qs


def deadline_get_for_user(*, user: User, pk: Any) -> Deadline:
    """The deadline if its subject is visible to ``user``; otherwise 404 (the same as a deadline that does not
    exist)."""
    try:
        return deadline_list_for_user(user=user).get(pk=pk)
    except (Deadline.DoesNotExist, ValueError, ValidationError) as exc:
        # A malformed id answers exactly like a missing deadline.
        raise Http404("Not found") from exc


def may_act_on(deadline: Deadline, user: User) -> bool:
    """Who may extend a deadline or give its reason for delay (visibility is checked before, by the selector):
    the holder, anyone in the holder agency with the holder role (agency-held deadlines), managers and leads of
    the holder agency, and anyone the deadline was escalated to."""
    if not user.is_active:
        return False
    if deadline.holder_user_id is not None and deadline.holder_user_id == user.pk:
        return True
    membership = user.agency_membership
    if membership is not None and deadline.holder_agency_id == membership.agency_id:
        roles = set(membership.roles)
        if deadline.holder_user_id is None and deadline.holder_role in roles:
            return True
        if roles & MANAGER_ROLES:
            return True
    return DeadlineRecipient.objects.filter(deadline_id=deadline.pk, user=user, cycle=deadline.cycle).exists()


@dataclass
class MyDeadlines:
    due_soon: list[Deadline] = field(default_factory=list)
    overdue: list[Deadline] = field(default_factory=list)
    escalated_to_me: list[Deadline] = field(default_factory=list)
    reasons_needed: list[Deadline] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def shown_ids(self) -> list[str]:
        seen: dict[str, None] = {}
        for group in (self.overdue, self.reasons_needed, self.escalated_to_me, self.due_soon):
            for deadline in group:
                seen[str(deadline.pk)] = None
        return list(seen)


def my_deadlines(*, user: User, now: datetime, rows: int = PANEL_ROWS) -> MyDeadlines:
    """The "My work" panel: what I hold that is due soon or overdue, what was escalated to me, and the reasons for
    delay I still owe. Counts cover only visible deadlines."""
    visible = deadline_list_for_user(user=user)
    held = visible.filter(mine(user))
    due_soon = held.filter(status=DeadlineStatus.PENDING, due_at__lte=now + DUE_SOON).order_by("due_at")
    overdue = held.filter(status=DeadlineStatus.BREACHED).order_by("due_at")
    escalated = (
        visible.filter(status__in=OPEN_STATUSES)
        .filter(
            Exists(
                DeadlineRecipient.objects.filter(
                    deadline_id=OuterRef("pk"), user=user, level__gte=2, cycle=OuterRef("cycle")
                )
            )
        )
        .order_by("due_at")
    )
    reasons = held.filter(breached_at__isnull=False, reason_for_delay="").exclude(status=DeadlineStatus.CANCELLED)
    reasons = reasons.order_by("due_at")
    return MyDeadlines(
        due_soon=list(due_soon[:rows]),
        overdue=list(overdue[:rows]),
        escalated_to_me=list(escalated[:rows]),
        reasons_needed=list(reasons[:rows]),
        counts={
            "due_soon": due_soon.count(),
            "overdue": overdue.count(),
            "escalated_to_me": escalated.count(),
            "reasons_needed": reasons.count(),
        },
    )


@dataclass(frozen=True)
class HistoryEntry:
    event: DeadlineEvent
    recipients: list[User]


def deadline_history(deadline: Deadline) -> list[HistoryEntry]:
    """The deadline page's history: each event, with who was told for breaches and escalations."""
    events = list(deadline.events.select_related("by").order_by("at", "id"))
    told: dict[tuple[int, int], list[User]] = {}
    for row in DeadlineRecipient.objects.filter(deadline=deadline).select_related("user").order_by("user__full_name"):
        told.setdefault((row.cycle, row.level), []).append(row.user)
    return [
        HistoryEntry(event=e, recipients=told.get((e.cycle, e.level), []) if e.level is not None else [])
        for e in events
    ]


def subject_of(deadline: Deadline, *, user: User) -> Any | None:
    """The deadline's subject, resolved through its visibility rule (None when no longer visible)."""
    return registry.resolve_visible(deadline.subject_type, deadline.subject_id, user=user)


def ladder_length(deadline: Deadline) -> int:
    from escalation.kinds import get_kind

    try:
        return len(get_kind(deadline.kind).ladder)
    except LookupError:
        return 0
