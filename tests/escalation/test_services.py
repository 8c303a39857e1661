"""Starting, meeting, extending and cancelling clocks; reasons for delay."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType

from escalation import services
from escalation.calendar import NORTHERN_IRELAND, SCOTLAND
from escalation.kinds import register_kind
from escalation.models import Basis, Deadline, DeadlineStatus, EventType
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.roles import Role
from tests.clocktestapp.models import Subject
from tests.escalation.conftest import Cast, run_clocks, uk
from tests.factories import AgencyFactory, AreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@time_machine.travel(uk("2026-06-08 10:00"), tick=False)
def test_starting_a_clock_sets_the_due_time_from_the_areas_policy(cast: Cast) -> None:
    deadline = services.start_clock(subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner)
    # referral_response: 5 working days from Monday 8 June 2026 → by the end of Monday 15 June.
    assert deadline.due_at == uk("2026-06-15 23:59:59")
    assert deadline.original_due_at == deadline.due_at
    assert deadline.basis == Basis.WORKING_DAYS
    assert (deadline.policy_key, deadline.policy_version) == ("referral_response", 0)
    assert deadline.nation == cast.area.nation and deadline.area == cast.area
    assert deadline.holder_agency == cast.agency
    assert deadline.status == DeadlineStatus.PENDING and deadline.next_action_at == deadline.due_at
    assert list(deadline.events.values_list("event_type", flat=True)) == [EventType.STARTED]


def test_starting_the_same_clock_twice_returns_the_open_one(cast: Cast) -> None:
    subject = cast.subject()
    first = services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.practitioner)
    again = services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.manager)
    assert again.pk == first.pk and again.holder_user == cast.practitioner
    assert Deadline.objects.count() == 1


@time_machine.travel(uk("2026-06-12 10:00"), tick=False)
def test_a_deadline_uses_the_nation_of_its_subjects_area(cast: Cast) -> None:
    scottish = AreaFactory(nation=SCOTLAND, agencies=[cast.agency])
    deadline = services.start_clock(
        subject=cast.subject(area=scottish),
        kind="clocktest_response",
        holder_user=cast.practitioner,
        policy_key="s42_decision",
    )
    # One working day from Friday 12 June 2026 in Scotland: Monday 15 June is the ad hoc holiday.
    assert deadline.nation == SCOTLAND
    assert deadline.due_at == uk("2026-06-16 23:59:59")


@time_machine.travel(uk("2026-07-10 10:00"), tick=False)
def test_without_an_area_the_holder_agencys_nation_is_used(db: None) -> None:
    agency = AgencyFactory(nation=NORTHERN_IRELAND)
    holder = UserFactory(agency=agency)
    subject = Subject.objects.create(reference="NI-1", owning_agency=agency)
    deadline = services.start_clock(
        subject=subject, kind="clocktest_response", holder_user=holder, policy_key="s42_decision"
    )
    assert deadline.nation == NORTHERN_IRELAND
    assert deadline.due_at == uk("2026-07-14 23:59:59")  # Monday 13 July is the Boyne substitute in NI


def test_a_kind_can_say_where_its_subjects_area_is(cast: Cast) -> None:
    scottish = AreaFactory(nation=SCOTLAND)
    register_kind("clocktest_area_hook", label="Area hook", policy_key="s42_decision", area_of=lambda s: scottish)
    deadline = services.start_clock(subject=cast.subject(), kind="clocktest_area_hook", holder_user=cast.practitioner)
    assert deadline.area == scottish and deadline.nation == SCOTLAND


def test_a_fixed_due_time_needs_no_policy(cast: Cast) -> None:
    due = uk("2026-09-01 12:00")
    deadline = services.start_clock(
        subject=cast.subject(),
        kind="clocktest_response",
        holder_agency=cast.agency,
        holder_role=Role.TEAM_MANAGER,
        due_at=due,
    )
    assert deadline.basis == Basis.FIXED and deadline.due_at == due and deadline.policy_key == ""


def test_a_clock_needs_a_registered_kind_and_a_holder(cast: Cast) -> None:
    with pytest.raises(LookupError):
        services.start_clock(subject=cast.subject(), kind="no_such_kind", holder_user=cast.practitioner)
    with pytest.raises(InvalidInput):
        services.start_clock(subject=cast.subject("S-2"), kind="clocktest_response")


def test_meeting_a_clock_stops_it_and_nothing_fires_later(cast: Cast) -> None:
    subject = cast.subject()
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.practitioner)
        met = services.meet_clock(subject=subject, kind="clocktest_response", by=cast.practitioner)
    assert met is not None and met.status == DeadlineStatus.MET and met.next_action_at is None
    assert run_clocks(uk("2026-07-01 10:00")) == 0
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and deadline.breached_at is None
    assert services.meet_clock(subject=subject, kind="clocktest_response") is None  # nothing open any more


def test_cancelling_closes_every_open_clock_on_the_subject(cast: Cast) -> None:
    subject = cast.subject()
    services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.practitioner)
    services.start_clock(
        subject=subject, kind="clocktest_fast", holder_user=cast.practitioner, due_at=uk("2026-06-09 10:00")
    )
    with pytest.raises(InvalidInput):
        services.cancel_clock(subject=subject, reason=" ")
    assert services.cancel_clock(subject=subject, reason="Case closed") == 2
    assert set(Deadline.objects.values_list("status", flat=True)) == {DeadlineStatus.CANCELLED}
    # A new clock of the same kind may start once the old one is closed.
    services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.practitioner)
    assert Deadline.objects.filter(status=DeadlineStatus.PENDING).count() == 1


def test_extending_a_deadline_needs_a_reason_and_a_later_date(cast: Cast) -> None:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner
        )
        with pytest.raises(InvalidInput) as missing:
            services.extend_clock(
                deadline=deadline, new_due_at=uk("2026-06-20 23:59:59"), reason="", by=cast.practitioner
            )
        assert "reason" in missing.value.errors
        with pytest.raises(InvalidInput) as earlier:
            services.extend_clock(
                deadline=deadline, new_due_at=uk("2026-06-10 12:00"), reason="x", by=cast.practitioner
            )
        assert "due_at" in earlier.value.errors
        with pytest.raises(ActionForbidden):
            services.extend_clock(deadline=deadline, new_due_at=uk("2026-06-20 23:59:59"), reason="x", by=cast.outsider)
        extended = services.extend_clock(
            deadline=deadline,
            new_due_at=uk("2026-06-22 23:59:59"),
            reason="The adult asked to meet after her hospital appointment",
            by=cast.practitioner,
        )
    assert extended.due_at == uk("2026-06-22 23:59:59") and extended.original_due_at == uk("2026-06-15 23:59:59")
    extension = extended.extensions.get()
    assert extension.old_due_at == uk("2026-06-15 23:59:59") and extension.by == cast.practitioner
    assert extended.events.filter(event_type=EventType.EXTENDED, by=cast.practitioner).exists()
    assert extended.cycle == 1


def test_a_met_deadline_cannot_be_extended(cast: Cast) -> None:
    subject = cast.subject()
    deadline = services.start_clock(subject=subject, kind="clocktest_response", holder_user=cast.practitioner)
    services.meet_clock(subject=subject, kind="clocktest_response")
    with pytest.raises(TransitionNotAllowed):
        services.extend_clock(
            deadline=deadline, new_due_at=deadline.due_at + timedelta(days=3), reason="x", by=cast.practitioner
        )


def test_a_reason_for_delay_is_asked_only_once_overdue(cast: Cast) -> None:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        deadline = services.start_clock(
            subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner
        )
        with pytest.raises(TransitionNotAllowed):
            services.record_delay_reason(deadline=deadline, reason="Waiting for police", by=cast.practitioner)
    run_clocks(uk("2026-06-16 00:01"))
    deadline.refresh_from_db()
    assert deadline.needs_reason
    with pytest.raises(InvalidInput):
        services.record_delay_reason(deadline=deadline, reason="  ", by=cast.practitioner)
    with pytest.raises(ActionForbidden):
        services.record_delay_reason(deadline=deadline, reason="x", by=cast.outsider)
    services.record_delay_reason(deadline=deadline, reason="Waiting for the police disclosure", by=cast.practitioner)
    deadline.refresh_from_db()
    assert deadline.reason_for_delay == "Waiting for the police disclosure" and not deadline.needs_reason
    assert deadline.events.filter(event_type=EventType.REASON_RECORDED).count() == 1


def test_managers_of_the_holder_agency_may_act_but_colleagues_may_not(cast: Cast) -> None:
    colleague = UserFactory(agency=cast.agency)
    deadline = services.start_clock(subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner)
    later = deadline.due_at + timedelta(days=5)
    with pytest.raises(ActionForbidden):
        services.extend_clock(deadline=deadline, new_due_at=later, reason="x", by=colleague)
    services.extend_clock(deadline=deadline, new_due_at=later, reason="Agreed with the adult", by=cast.manager)


def test_subjects_of_any_model_get_deadlines_through_a_generic_relation(cast: Cast) -> None:
    deadline = services.start_clock(subject=cast.subject(), kind="clocktest_response", holder_user=cast.practitioner)
    assert deadline.subject_type == ContentType.objects.get_for_model(Subject)
    assert deadline.subject == Subject.objects.get()


def test_tracked_actions_meet_or_cancel_their_due_clock_as_they_change(cast: Cast) -> None:
    from escalation.wiring import ACTION_DUE, _on_action_change

    done, dropped = cast.subject("A-1"), cast.subject("A-2")  # stand-ins for plan or meeting actions
    for action in (done, dropped):
        services.start_clock(subject=action, kind=ACTION_DUE, holder_user=cast.practitioner)
    done.completed_by = cast.practitioner  # type: ignore[attr-defined]
    dropped.cancelled_reason = "Duplicate of another action"  # type: ignore[attr-defined]
    _on_action_change(done, "completed")
    _on_action_change(dropped, "cancelled")
    statuses = dict(Deadline.objects.values_list("subject_id", "status"))
    assert statuses == {str(done.pk): DeadlineStatus.MET, str(dropped.pk): DeadlineStatus.CANCELLED}
    assert Deadline.objects.get(subject_id=str(done.pk)).met_by == cast.practitioner
