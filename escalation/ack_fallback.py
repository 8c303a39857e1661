"""The notification acknowledgement fallback, as a due-query kind on the clock engine.

A high-risk notification (``requires_ack``) that nobody acknowledges within the ``notification_acknowledgement``
timescale (4 hours by default, per area of the recipient's agency) is sent to the recipient's deputy; if still
unacknowledged one more period later, to the agency's safeguarding lead. Copies carry ``escalated_from`` and a unique
key per level, and acknowledging any copy settles the original (the platform's ``notification_acknowledge``), which
stops the fallback. The platform never imports this module: the notifications are read through a due-query, not
given deadline rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import CharField, Exists, OuterRef
from django.db.models.functions import Cast

from escalation.calendar import ENGLAND_AND_WALES
from escalation.kinds import DueItem
from escalation.ladder import agency_leads
from escalation.models import Basis, DueItemFiring, TimescalePolicy
from escalation.policies import DEFAULT_POLICIES, EffectivePolicy, compute_due, resolve_policy
from safeguarding.accounts.models import User
from safeguarding.notifications.models import Notification
from safeguarding.notifications.services import notify
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import area_of_agency

KIND = "notification_acknowledgement"
POLICY_KEY = "notification_acknowledgement"
DEPUTY, LEAD = 1, 2
SCAN_LIMIT = 2000


@dataclass(frozen=True)
class _Place:
    agency: Agency | None
    area: Area | None

    @property
    def nation(self) -> str:
        if self.area is not None:
            return self.area.nation
        return self.agency.nation if self.agency is not None else ENGLAND_AND_WALES


class AcknowledgementFallback:
    """Unacknowledged high-risk notifications → the recipient's deputy → the agency safeguarding lead."""

    def __init__(self) -> None:
        self._places: dict[object, _Place] = {}

    def _place(self, user: User) -> _Place:
        if user.pk not in self._places:
            membership = user.agency_membership
            agency = membership.agency if membership else None
            self._places[user.pk] = _Place(agency, area_of_agency(agency) if agency else None)
        return self._places[user.pk]

    @staticmethod
    def _shortest_wait() -> timedelta:
        """A lower bound on every area's wait, so the scan reads only notifications old enough to matter."""
        amounts = [(DEFAULT_POLICIES[POLICY_KEY].basis, DEFAULT_POLICIES[POLICY_KEY].amount)]
        amounts += list(TimescalePolicy.objects.filter(key=POLICY_KEY).values_list("basis", "amount"))
        waits = [timedelta(hours=a) if b in (Basis.HOURS, Basis.WORKING_HOURS) else timedelta(0) for b, a in amounts]
        return max(timedelta(0), min(waits))

    def _deadlines(
        self, notification: Notification, now: datetime, memo: dict[object, EffectivePolicy]
    ) -> list[datetime]:
        place = self._place(notification.recipient)
        area_key = place.area.pk if place.area else None
        if area_key not in memo:
            memo[area_key] = resolve_policy(key=POLICY_KEY, area=place.area, at=now)
        policy = memo[area_key]
        times: list[datetime] = []
        start = notification.created_at
        for _ in (DEPUTY, LEAD):
            start = compute_due(
                start=start,
                basis=policy.basis,
                amount=policy.amount,
                nation=place.nation,
                area=place.area,
                hours_of=place.agency,
            )
            times.append(start)
        return times

    def due(self, *, now: datetime) -> list[DueItem]:
        self._places = {}
        top_fired = DueItemFiring.objects.filter(kind=KIND, object_id=Cast(OuterRef("pk"), CharField()), level=LEAD)
        candidates = list(
            Notification.objects.filter(
                requires_ack=True,
                acknowledged_at=None,
                escalated_from=None,
                created_at__lte=now - self._shortest_wait(),
            )
            .exclude(Exists(top_fired))
            .select_related("recipient__membership__agency")
            .order_by("created_at")[:SCAN_LIMIT]
        )
        fired = set(
            DueItemFiring.objects.filter(kind=KIND, object_id__in=[str(n.pk) for n in candidates]).values_list(
                "object_id", "level"
            )
        )
        memo: dict[object, EffectivePolicy] = {}
        items: list[DueItem] = []
        for notification in candidates:
            for level, at in zip((DEPUTY, LEAD), self._deadlines(notification, now, memo), strict=True):
                if at > now:
                    break
                if (str(notification.pk), level) not in fired:
                    items.append(DueItem(object_id=str(notification.pk), level=level))
        return items

    def fire(self, *, item: DueItem, now: datetime) -> None:
        original = Notification.objects.select_related("recipient").filter(pk=item.object_id).first()
        if original is None or original.acknowledged_at is not None:
            return
        place = self._place(original.recipient)
        already = set(Notification.objects.filter(escalated_from=original).values_list("recipient_id", flat=True))
        already.add(original.recipient_id)
        people: list[User] = []
        if item.level == DEPUTY:
            membership = original.recipient.agency_membership
            deputy = membership.deputy if membership else None
            if deputy is not None and deputy.is_active:
                people = [deputy]
        if not people:
            people = agency_leads(agency=place.agency, area=place.area)
        people = [p for p in people if p.pk not in already]
        if not people:
            return
        notify(
            recipients=people,
            kind="notification_escalated",
            title=f"Not acknowledged: {original.title}",
            target=original.target,
            requires_ack=True,
            escalated_from=original,
            dedupe_key=f"ack-fallback:{original.pk}:level:{item.level}",
            now=now,
        )
