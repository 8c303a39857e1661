"""The demo area: ``seed_demo`` is idempotent and gives demo users notifications to look at."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from safeguarding.demo import demo_user
from safeguarding.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_seed_demo_twice_gives_the_same_notifications_some_needing_acknowledgement() -> None:
    call_command("seed_demo", "--quiet", stdout=StringIO())
    first = Notification.objects.count()
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert Notification.objects.count() == first > 0
    asha = demo_user("asha.okafor@trust.demo")
    mine = Notification.objects.filter(recipient=asha)
    assert mine.filter(requires_ack=True, acknowledged_at=None).count() >= 1
    assert mine.filter(requires_ack=False).exists()
    assert not Notification.objects.filter(emailed_at__isnull=False).exists()
    assert all("Asha" not in n.title for n in mine)


def test_seed_demo_builds_the_disagreements_on_the_shared_cases() -> None:
    from escalation.disagreements.models import Disagreement

    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert sorted(Disagreement.objects.values_list("stage", flat=True)) == [1, 3]


def test_seed_demo_shows_a_moved_meeting() -> None:
    from meetings.models import Meeting

    call_command("seed_demo", "--quiet", stdout=StringIO())
    moved = Meeting.objects.get(meeting_type="marac")
    assert moved.moved_reason and Notification.objects.filter(kind="meeting_rescheduled").exists()
