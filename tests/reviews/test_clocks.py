from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from escalation.models import Deadline, DeadlineStatus
from escalation.services import open_deadlines_for
from reviews import services
from reviews.clocks import REMINDER
from safeguarding.notifications.models import Notification
from tests.escalation.conftest import run_clocks
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db


def _at(day, hour: int = 9) -> datetime:  # type: ignore[no-untyped-def]
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_an_owner_is_reminded_once_a_week_before_an_item_is_due(b: Board) -> None:
    item = b.item(b.recommendation(b.published()), due=timezone.localdate() + timedelta(days=30))
    run_clocks(_at(item.due_date - timedelta(days=10)))
    assert not Notification.objects.filter(kind="sar_action_reminder").exists()
    run_clocks(_at(item.due_date - timedelta(days=7)))
    run_clocks(_at(item.due_date - timedelta(days=6)))
    assert Notification.objects.filter(kind="sar_action_reminder", recipient=b.lead).count() == 1


def test_a_completed_item_is_not_reminded(b: Board) -> None:
    item = b.item(b.recommendation(b.published()), due=timezone.localdate() + timedelta(days=30))
    services.review_action_complete(action=item, by=b.lead, evidence_notes="Done early.")
    run_clocks(_at(item.due_date - timedelta(days=3)))
    assert not Notification.objects.filter(kind="sar_action_reminder").exists()
    assert REMINDER


def test_an_overdue_item_escalates_on_the_engine_ladder(b: Board) -> None:
    item = b.item(b.recommendation(b.published()), owner=b.practitioner, due=timezone.localdate() + timedelta(days=10))
    run_clocks(_at(item.due_date + timedelta(days=1)))
    deadline = Deadline.objects.get(subject_id=str(item.pk), kind="action_due")
    assert deadline.status == DeadlineStatus.BREACHED
    assert Notification.objects.filter(recipient=b.practitioner).exclude(kind="sar_action").exists()
    # Later rungs reach the agency's safeguarding lead.
    run_clocks(_at(item.due_date + timedelta(days=20)))
    assert Notification.objects.filter(recipient=b.lead).exists()


def test_an_unacknowledged_referral_breaches_its_clock(b: Board) -> None:
    review = b.referral()
    run_clocks(timezone.now() + timedelta(days=10))
    assert Deadline.objects.get(subject_id=str(review.pk), kind=services.ACKNOWLEDGEMENT).status == "breached"
    assert not open_deadlines_for(review, services.DECISION).exists()
