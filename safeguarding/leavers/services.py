"""Writing and settling reassignment items."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.exceptions import TransitionNotAllowed
from safeguarding.leavers.models import ReassignmentItem
from safeguarding.leavers.selectors import FALLBACK_ROLES
from safeguarding.notifications.services import notify
from safeguarding.organisations.selectors import members_with_role
from safeguarding.registry import WorkItem


def reassignment_items_create(*, leaver: User, items: Iterable[WorkItem]) -> list[ReassignmentItem]:
    """Put a leaver's open work on their line manager's list (their agency's leads' when they have no active
    manager) and notify whoever will pick it up. Idempotent per (leaver, kind, object)."""
    membership = leaver.agency_membership
    if membership is None:
        return []
    manager = membership.line_manager if membership.line_manager and membership.line_manager.is_active else None
    rows = [
        ReassignmentItem(
            leaver=leaver,
            manager=manager,
            agency_id=membership.agency_id,
            kind=item.kind[:60],
            label=item.label[:200],
            url=item.url[:300],
            object_id=str(item.object_id)[:64],
        )
        for item in items
    ]
    if not rows:
        return []
    with transaction.atomic():
        ReassignmentItem.objects.bulk_create(rows, ignore_conflicts=True)
        created = list(ReassignmentItem.objects.filter(pk__in=[r.pk for r in rows]))
        if created:
            recipients = [manager] if manager else list(members_with_role(membership.agency, *FALLBACK_ROLES))
            notify(
                recipients=recipients,
                kind="leaver_work",
                title=f"{len(created)} item{'s' if len(created) != 1 else ''} of work from a leaver need reassigning",
                target=created[0],
                dedupe_key=f"leaver:{leaver.pk}:{created[0].pk}",
            )
    return created


def reassignment_resolve(*, item: ReassignmentItem, by: User) -> ReassignmentItem:
    """Mark an item reassigned (the work itself is reassigned in the app that owns it)."""
    with transaction.atomic():
        updated = ReassignmentItem.objects.filter(pk=item.pk, resolved_at=None).update(
            resolved_at=timezone.now(), resolved_by=by
        )
        if not updated:
            raise TransitionNotAllowed("This item has already been marked as reassigned.")
        item.refresh_from_db()
    return item
