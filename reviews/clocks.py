"""The reviews app's clocks: SAR acknowledgement, the panel decision (chronologies run on the platform's
information-request clock), and action-plan reminders.

Action-plan items' due dates run on the engine's ``action_due`` kind (its standard ladder escalates an overdue
item to the owner's manager, the agency lead, then the director and the SAB chair). Reminders before the due date
are a due-query kind: no deadline rows, one reminder per item (the engine's ledger makes repeats no-ops).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast
from django.utils import timezone

from escalation.kinds import DueItem, register_kind
from escalation.models import DueItemFiring
from reviews.models import ReviewAction
from safeguarding.actions.models import OPEN_STATUSES
from safeguarding.notifications.services import notify
from safeguarding.organisations.selectors import agency_leads

REMINDER = "sar_action_reminder"
SCAN_LIMIT = 2000


def reminder_days() -> int:
    """Remind the owner this many days before an item is due. Default 7."""
    return int(getattr(settings, "REVIEWS_ACTION_REMINDER_DAYS", 7))


class ActionReminder:
    """Open SAR action-plan items coming due: one reminder to the owner (or the owning agency's leads)."""

    def due(self, *, now: datetime) -> list[DueItem]:
        today = timezone.localdate(now)
        fired = DueItemFiring.objects.filter(kind=REMINDER, object_id=Cast(OuterRef("pk"), CharField()), level=1)
        ids = (
            ReviewAction.objects.filter(
                status__in=OPEN_STATUSES,
                due_date__gte=today,
                due_date__lte=today + timedelta(days=reminder_days()),
            )
            .exclude(Exists(fired))
            .order_by("due_date")
            .values_list("pk", flat=True)[:SCAN_LIMIT]
        )
        return [DueItem(object_id=str(pk), level=1) for pk in ids]

    def fire(self, *, item: DueItem, now: datetime) -> None:
        action = (
            ReviewAction.objects.select_related("recommendation__review", "owner_person", "owner_agency")
            .filter(pk=item.object_id, status__in=OPEN_STATUSES)
            .first()
        )
        if action is None:
            return
        people = [action.owner_person] if action.owner_person is not None else agency_leads(action.owner_agency)
        notify(
            recipients=[p for p in people if p is not None],
            kind="sar_action_reminder",
            title=f"A SAR action-plan item is due on {action.due_date:%-d %B %Y} "
            f"(SAR {action.recommendation.review.reference})",
            target=action,
            dedupe_key=f"sar-action:{action.pk}:reminder",
            now=now,
        )


def register() -> None:
    from reviews import services

    register_kind(services.ACKNOWLEDGEMENT, label="SAR referral acknowledgement", policy_key=services.ACKNOWLEDGEMENT)
    register_kind(services.DECISION, label="SAR panel decision", policy_key=services.DECISION)
    register_kind(REMINDER, label="SAR action-plan reminder", due_query=ActionReminder())
