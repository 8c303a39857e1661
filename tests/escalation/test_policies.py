"""Timescale policies: reference defaults, per-area versions, and recomputing open deadlines."""

from __future__ import annotations

import pytest
import time_machine

from escalation import services
from escalation.demo import seed
from escalation.models import Basis, DeadlineStatus, EventType, TimescalePolicy
from escalation.policies import DEFAULT_POLICIES, resolve_policy, seed_policies
from tests.escalation.conftest import Cast, run_clocks, uk
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

NAMED_IN_THE_ISSUE = {
    "s42_decision",
    "strategy_discussion",
    "safeguarding_plan",
    "plan_review",
    "enquiry_completion",
    "referral_acknowledgement",
    "referral_response",
    "information_request_response",
    "meeting_contributions",
    "meeting_minutes",
    "default_action_due",
    "sar_acknowledgement",
    "sar_decision",
    "mappa_l2_review",
    "mappa_l3_review",
    "notification_acknowledgement",
    "escalation_stage_1",
    "escalation_stage_2",
    "escalation_stage_3",
    "escalation_stage_4",
    "ladder_grace_team_manager",
    "ladder_grace_safeguarding_lead",
    "ladder_grace_director",
}


def test_every_timescale_named_in_the_issue_has_a_reference_default() -> None:
    assert set(DEFAULT_POLICIES) >= NAMED_IN_THE_ISSUE


def test_seeding_writes_version_one_for_every_area_and_is_idempotent() -> None:
    area = AreaFactory()
    written = seed()
    assert written == 2 * len(DEFAULT_POLICIES)  # national rows and the area's
    assert seed() == 0
    assert TimescalePolicy.objects.filter(area=area, version=1).count() == len(DEFAULT_POLICIES)


def test_a_new_area_falls_back_to_the_national_row_then_the_code_default() -> None:
    area = AreaFactory()
    assert resolve_policy(key="sar_decision", area=area).version == 0  # nothing in the database: code default
    seed_policies(area=None)
    national = resolve_policy(key="sar_decision", area=area)
    assert national.version == 1 and national.row is not None and national.row.area is None
    assert (national.basis, national.amount) == (Basis.WORKING_DAYS, 10)


def test_changing_a_policy_adds_a_version_and_recomputes_open_deadlines_keeping_the_original(cast: Cast) -> None:
    seed_policies(area=cast.area)
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner
        )
        assert deadline.policy_version == 1 and deadline.due_at == uk("2026-06-15 23:59:59")
        changed = services.policy_change(
            key="referral_response", area=cast.area, basis=Basis.WORKING_DAYS, amount=10, by=cast.lead
        )
    assert changed.version == 2 and changed.applied_at is not None
    deadline.refresh_from_db()
    assert deadline.due_at == uk("2026-06-22 23:59:59")
    assert deadline.original_due_at == uk("2026-06-15 23:59:59")
    assert deadline.policy_version == 2 and deadline.policy == changed
    assert deadline.next_action_at == deadline.due_at
    assert deadline.events.filter(event_type=EventType.RECOMPUTED).count() == 1
    assert list(
        TimescalePolicy.objects.filter(area=cast.area, key="referral_response").values_list("version", flat=True)
    ) == [2, 1]
    # The old due time passes without a breach; the new one breaches.
    assert run_clocks(uk("2026-06-16 00:01")) == 0
    assert run_clocks(uk("2026-06-23 00:01")) == 1


def test_another_areas_change_leaves_this_areas_deadlines_alone(cast: Cast) -> None:
    other = AreaFactory()
    deadline = services.start_clock(subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner)
    services.policy_change(key="referral_response", area=other, basis=Basis.WORKING_DAYS, amount=1, by=None)
    deadline.refresh_from_db()
    assert deadline.due_at == deadline.original_due_at and deadline.policy_version == 0


def test_a_breached_or_extended_deadline_is_not_recomputed(cast: Cast) -> None:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        breached = services.start_clock(
            subject=cast.subject("S-1"), kind="clocktest_response", holder_user=cast.practitioner
        )
        extended = services.start_clock(
            subject=cast.subject("S-2"), kind="clocktest_response", holder_user=cast.practitioner
        )
        services.extend_clock(deadline=extended, new_due_at=uk("2026-07-01 23:59:59"), reason="Agreed", by=cast.manager)
    run_clocks(uk("2026-06-16 00:01"))
    with time_machine.travel(uk("2026-06-16 09:00"), tick=False):
        services.policy_change(key="referral_response", area=cast.area, basis=Basis.WORKING_DAYS, amount=20, by=None)
    breached.refresh_from_db()
    extended.refresh_from_db()
    assert breached.status == DeadlineStatus.BREACHED and breached.due_at == uk("2026-06-15 23:59:59")
    assert extended.due_at == uk("2026-07-01 23:59:59")


def test_a_version_active_from_the_future_applies_when_the_sweep_reaches_it(cast: Cast) -> None:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner
        )
        future = services.policy_change(
            key="referral_response",
            area=cast.area,
            basis=Basis.CALENDAR_DAYS,
            amount=14,
            by=None,
            active_from=uk("2026-06-10 00:00"),
        )
    assert future.applied_at is None
    deadline.refresh_from_db()
    assert deadline.policy_version == 0
    run_clocks(uk("2026-06-10 00:05"))
    deadline.refresh_from_db()
    future.refresh_from_db()
    assert future.applied_at is not None
    assert deadline.due_at == uk("2026-06-22 23:59:59") and deadline.basis == Basis.CALENDAR_DAYS


def test_a_calendar_override_recomputes_pending_working_day_deadlines(cast: Cast) -> None:
    from datetime import date

    from escalation.models import OverrideAction

    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner
        )
        services.calendar_override_save(
            nation=cast.area.nation,
            day=date(2026, 6, 10),
            action=OverrideAction.ADD_NON_WORKING,
            reason="Council offices closed (local election)",
            area=cast.area,
        )
    deadline.refresh_from_db()
    assert deadline.due_at == uk("2026-06-16 23:59:59") and deadline.original_due_at == uk("2026-06-15 23:59:59")


def test_unknown_keys_and_bases_are_refused(cast: Cast) -> None:
    from safeguarding.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        services.policy_change(key="not_a_key", area=None, basis=Basis.HOURS, amount=1, by=None)
    with pytest.raises(InvalidInput):
        services.policy_change(key="sar_decision", area=None, basis=Basis.FIXED, amount=1, by=None)
