"""Unacknowledged high-risk notifications go to the recipient's deputy, then the agency lead."""

from __future__ import annotations

import pytest

from escalation import services
from escalation.models import Basis, DueItemFiring
from safeguarding.notifications.models import Notification
from safeguarding.notifications.services import notification_acknowledge, notify
from tests.escalation.conftest import Cast, run_clocks, uk

pytestmark = pytest.mark.django_db


def alert(cast: Cast, at: str = "2026-06-08 10:00") -> Notification:
    return notify(
        recipients=[cast.practitioner],
        kind="risk",
        title="Immediate risk: SG-2026-000123",
        target=cast.subject(),
        requires_ack=True,
        email=False,
        now=uk(at),
    )[0]


def copies(original: Notification) -> dict[str, str]:
    return {n.recipient.full_name: n.dedupe_key or "" for n in Notification.objects.filter(escalated_from=original)}


def test_an_unacknowledged_alert_goes_to_the_deputy_then_the_lead(cast: Cast) -> None:
    original = alert(cast)
    run_clocks(uk("2026-06-08 13:59"))
    assert copies(original) == {}
    run_clocks(uk("2026-06-08 14:01"))
    assert copies(original) == {"Dee Deputy": f"ack-fallback:{original.pk}:level:1"}
    run_clocks(uk("2026-06-08 15:00"))
    assert len(copies(original)) == 1  # nothing twice
    run_clocks(uk("2026-06-08 18:01"))
    assert copies(original) == {
        "Dee Deputy": f"ack-fallback:{original.pk}:level:1",
        "Lee Lead": f"ack-fallback:{original.pk}:level:2",
    }
    copy = Notification.objects.get(recipient=cast.lead)
    assert copy.requires_ack and copy.target_id == original.target_id and copy.title.endswith(original.title)
    run_clocks(uk("2026-06-09 10:00"))
    assert Notification.objects.filter(escalated_from=original).count() == 2
    assert DueItemFiring.objects.filter(object_id=str(original.pk)).count() == 2


def test_acknowledging_stops_the_fallback(cast: Cast) -> None:
    original = alert(cast)
    run_clocks(uk("2026-06-08 14:01"))
    deputy_copy = Notification.objects.get(escalated_from=original)
    notification_acknowledge(notification=deputy_copy, user=cast.deputy)
    run_clocks(uk("2026-06-08 20:00"))
    assert not Notification.objects.filter(recipient=cast.lead).exists()


def test_without_a_deputy_the_lead_is_told_first_and_only_once(cast: Cast) -> None:
    cast.practitioner.membership.deputy = None
    cast.practitioner.membership.save()
    original = alert(cast)
    run_clocks(uk("2026-06-08 14:01"))
    run_clocks(uk("2026-06-08 18:01"))
    assert list(copies(original)) == ["Lee Lead"]


def test_escalated_copies_are_not_escalated_again(cast: Cast) -> None:
    original = alert(cast)
    run_clocks(uk("2026-06-08 14:01"))
    run_clocks(uk("2026-06-08 18:01"))
    run_clocks(uk("2026-06-10 18:01"))
    assert Notification.objects.filter(requires_ack=True).count() == 3
    assert not Notification.objects.filter(escalated_from__escalated_from__isnull=False).exists()
    assert original.escalations.count() == 2


def test_the_wait_follows_the_areas_policy(cast: Cast) -> None:
    services.policy_change(
        key="notification_acknowledgement",
        area=cast.area,
        basis=Basis.HOURS,
        amount=1,
        by=None,
        active_from=uk("2026-01-01 00:00"),
    )
    original = alert(cast)
    run_clocks(uk("2026-06-08 11:01"))
    assert list(copies(original)) == ["Dee Deputy"]
