"""Referral deadlines breach and escalate on the clock engine's standard ladder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Deadline, DeadlineStatus
from referrals import services
from safeguarding.notifications.models import Notification
from tests.escalation.conftest import run_clocks
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db


def test_an_unacknowledged_s42_concern_breaches_and_escalates(world: ReferralWorld) -> None:
    referral = world.s42()
    ack = Deadline.objects.get(subject_id=str(referral.pk), kind="referral_acknowledgement")
    assert ack.holder_agency == world.la and ack.holder_role == "la_safeguarding_manager"
    run_clocks(ack.due_at + timedelta(minutes=1))
    ack.refresh_from_db()
    assert ack.status == DeadlineStatus.BREACHED and ack.escalation_level >= 1
    assert Notification.objects.filter(recipient=world.la_manager).exclude(kind="referral_received").exists()
    for days in (3, 6, 9):
        run_clocks(ack.due_at + timedelta(days=days))
    ack.refresh_from_db()
    assert ack.escalation_level > 1
    # Acknowledging late meets it (late).
    services.referral_acknowledge(referral=referral, by=world.la_manager)
    ack.refresh_from_db()
    assert ack.status == DeadlineStatus.MET and ack.breached_at is not None


def test_the_s42_decision_is_due_by_the_end_of_the_next_working_day(world: ReferralWorld) -> None:
    referral = world.s42()
    decision = Deadline.objects.get(subject_id=str(referral.pk), kind="s42_decision")
    assert decision.policy_key == "s42_decision" and decision.due_at > referral.sent_at
    assert (decision.due_at - referral.sent_at) < timedelta(days=5)


def test_the_marac_coordinator_has_a_listing_deadline_and_the_strategy_clock_is_met_by_meetings(
    world: ReferralWorld,
) -> None:
    referral = world.marac()
    listing = Deadline.objects.get(subject_id=str(referral.pk), kind="marac_listing")
    assert listing.holder_user == world.coordinator
    services.marac_list(referral=referral, by=world.coordinator, intended_sitting_date=timezone.localdate())
    listing.refresh_from_db()
    assert listing.status == DeadlineStatus.MET


def test_a_strategy_discussion_without_an_open_clock_returns_none(world: ReferralWorld) -> None:
    case = world.case()
    assert services.strategy_discussion_held(case=case, by=world.la_manager, held_at=timezone.now()) is None
