"""The sweep and the ladder, with time-machine and the sweep's ``now`` passed down to the firing."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from kombu.simple import SimpleQueue

from escalation import services
from escalation.engine import claim_batch, deadline_sweep, fire_deadlines
from escalation.models import ClaimState, Deadline, DeadlineRecipient, DeadlineStatus, EventType
from safeguarding.celery import app
from safeguarding.notifications.models import Notification
from safeguarding.roles import Role
from tests.clocktestapp.models import BreachRecord
from tests.escalation.conftest import Cast, run_clocks, uk
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def start(cast: Cast, reference: str = "S-1", **kwargs: object) -> Deadline:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        options = {"holder_user": cast.practitioner, **kwargs}
        return services.start_clock(subject=cast.subject(reference), kind="clocktest_response", **options)  # type: ignore[arg-type]


def told(deadline: Deadline, level: int) -> set[str]:
    return set(
        DeadlineRecipient.objects.filter(deadline=deadline, level=level).values_list("user__full_name", flat=True)
    )


def test_a_due_deadline_is_breached_the_holder_told_and_the_kinds_handler_called_once(cast: Cast) -> None:
    deadline = start(cast)
    assert run_clocks(uk("2026-06-15 23:00")) == 0  # not yet due
    assert run_clocks(uk("2026-06-16 00:01")) == 1
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED and deadline.escalation_level == 1
    assert deadline.breached_at == uk("2026-06-16 00:01")
    assert deadline.claim_state == ClaimState.IDLE and deadline.attempts == 0
    notification = Notification.objects.get(recipient=cast.practitioner)
    assert notification.dedupe_key == f"deadline:{deadline.pk}:0:level:1"
    assert notification.target == deadline and deadline.reference in notification.title
    assert BreachRecord.objects.filter(deadline_id=deadline.pk).count() == 1
    assert deadline.events.filter(event_type=EventType.BREACHED, level=1).count() == 1
    # A second sweep at the same moment finds nothing to do.
    assert run_clocks(uk("2026-06-16 00:02")) == 0
    assert Notification.objects.count() == 1 and BreachRecord.objects.count() == 1


def test_the_ladder_climbs_after_each_rungs_grace_period_in_working_days(cast: Cast) -> None:
    deadline = start(cast)
    run_clocks(uk("2026-06-16 00:01"))
    deadline.refresh_from_db()
    # One working day's grace before the team manager: by the end of Wednesday 17 June.
    assert deadline.next_action_at == uk("2026-06-17 23:59:59")
    assert run_clocks(uk("2026-06-17 12:00")) == 0
    assert run_clocks(uk("2026-06-18 00:01")) == 1
    assert told(deadline, 2) == {"Tia Manager"}
    deadline.refresh_from_db()
    assert deadline.escalation_level == 2 and deadline.next_action_at == uk("2026-06-19 23:59:59")
    run_clocks(uk("2026-06-20 00:01"))  # a Saturday: the lead is told now, the director after a working day
    assert told(deadline, 3) == {"Lee Lead"}
    deadline.refresh_from_db()
    assert deadline.next_action_at == uk("2026-06-23 23:59:59")
    run_clocks(uk("2026-06-24 00:01"))
    assert told(deadline, 4) == {"Dana Director", "Chris Chair"}
    deadline.refresh_from_db()
    assert deadline.escalation_level == 4 and deadline.next_action_at is None
    assert run_clocks(uk("2026-07-30 00:01")) == 0  # the top of the ladder: nothing more
    levels = list(deadline.events.filter(event_type=EventType.ESCALATED).values_list("level", flat=True))
    assert levels == [2, 3, 4]
    assert Notification.objects.filter(kind="deadline_escalated").count() == 4
    assert Notification.objects.filter(recipient=cast.chair, target_id=str(deadline.pk)).count() == 1


def test_meeting_a_breached_deadline_stops_the_ladder(cast: Cast) -> None:
    deadline = start(cast)
    run_clocks(uk("2026-06-16 00:01"))
    services.meet_clock(subject=deadline.subject, kind="clocktest_response", by=cast.practitioner)
    assert run_clocks(uk("2026-06-30 00:01")) == 0
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.MET and deadline.escalation_level == 1
    assert not DeadlineRecipient.objects.filter(level__gt=1).exists()


def test_an_extension_with_a_reason_restarts_the_ladder_from_the_new_due_time(cast: Cast) -> None:
    deadline = start(cast)
    run_clocks(uk("2026-06-16 00:01"))
    with time_machine.travel(uk("2026-06-16 09:00"), tick=False):
        services.extend_clock(
            deadline=deadline, new_due_at=uk("2026-06-26 23:59:59"), reason="Adult in hospital", by=cast.practitioner
        )
    assert run_clocks(uk("2026-06-18 00:01")) == 0  # the old team-manager step no longer applies
    assert run_clocks(uk("2026-06-27 00:01")) == 1
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED and deadline.cycle == 1 and deadline.escalation_level == 1
    keys = set(Notification.objects.filter(recipient=cast.practitioner).values_list("dedupe_key", flat=True))
    assert keys == {f"deadline:{deadline.pk}:0:level:1", f"deadline:{deadline.pk}:1:level:1"}
    assert deadline.breached_at == uk("2026-06-16 00:01")  # the first breach stays on record


def test_the_deputy_is_told_when_the_holder_is_inactive(cast: Cast) -> None:
    deadline = start(cast)
    cast.practitioner.is_active = False
    cast.practitioner.save()
    run_clocks(uk("2026-06-16 00:01"))
    assert told(deadline, 1) == {"Dee Deputy"}
    assert not Notification.objects.filter(recipient=cast.practitioner).exists()


def test_a_managers_deputy_and_the_directory_deputy_stand_in_for_inactive_people(cast: Cast) -> None:
    deadline = start(cast)
    for person in (cast.manager, cast.lead):
        person.is_active = False
        person.save()
    run_clocks(uk("2026-06-16 00:01"))
    run_clocks(uk("2026-06-18 00:01"))
    run_clocks(uk("2026-06-20 00:01"))
    assert told(deadline, 2) == {"Mo Managerdeputy"}
    assert told(deadline, 3) == {"Lou Leaddeputy"}


def test_a_step_with_nobody_to_tell_is_skipped_at_once(cast: Cast) -> None:
    # Held by the agency's team managers (a role, no named person): no line manager to tell, so the first grace
    # period leads straight to the safeguarding lead.
    deadline = start(cast, holder_user=None, holder_agency=cast.agency, holder_role=Role.TEAM_MANAGER)
    run_clocks(uk("2026-06-16 00:01"))
    assert told(deadline, 1) == {"Tia Manager", "Mo Managerdeputy"}
    run_clocks(uk("2026-06-18 00:01"))
    assert told(deadline, 3) == {"Lee Lead"}
    assert deadline.events.filter(event_type=EventType.RUNG_SKIPPED, level=2).count() == 1
    deadline.refresh_from_db()
    assert deadline.escalation_level == 3


def test_the_agency_lead_comes_from_the_role_when_the_directory_names_nobody(cast: Cast) -> None:
    cast.area.directory.all().delete()
    deadline = start(cast)
    for moment in ("2026-06-16 00:01", "2026-06-18 00:01", "2026-06-20 00:01", "2026-06-24 00:01"):
        run_clocks(uk(moment))
    assert told(deadline, 3) == {"Lee Lead", "Lou Leaddeputy"}
    assert told(deadline, 4) == {"Dana Director"}  # no SAB chair in the directory any more


def test_the_sweep_enqueues_one_task_per_batch_after_commit_carrying_its_now(
    cast: Cast, django_capture_on_commit_callbacks
) -> None:
    for n in range(5):
        start(cast, f"S-{n}")
    now = uk("2026-06-16 00:01")
    with SimpleQueue(app.connection_for_write(), "default") as queue:
        queue.clear()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = deadline_sweep(now=now, batch_size=2)
        assert [len(b.ids) for b in result.batches] == [2, 2, 1]
        assert len(callbacks) == 3 + len(result.due_query_kinds)
        messages = [queue.get(timeout=1) for _ in range(len(callbacks))]
    tasks = [(m.headers["task"], m.payload[0]) for m in messages]
    fires = [args for name, args in tasks if name == "escalation.tasks.fire_deadlines"]
    assert [args[0] for args in fires] == [b.ids for b in result.batches]
    assert {args[1] for args in fires} == {now.isoformat()}
    assert ("escalation.tasks.fire_due_query", ["notification_acknowledgement", now.isoformat()]) in tasks
    assert set(Deadline.objects.values_list("claim_state", flat=True)) == {ClaimState.CLAIMED}


def test_a_redelivered_batch_changes_nothing(cast: Cast) -> None:
    deadline = start(cast)
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 1
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 0
    assert Notification.objects.count() == 1 and BreachRecord.objects.count() == 1
    assert deadline.events.filter(event_type=EventType.BREACHED).count() == 1


def test_an_expired_lease_is_reclaimed_and_fired_once(cast: Cast, settings) -> None:
    settings.CLOCKS_LEASE_SECONDS = 60
    start(cast)
    now = uk("2026-06-16 00:01")
    lost = deadline_sweep(now=now, enqueue=False).batches[0]  # its message never reaches a worker
    assert deadline_sweep(now=now + timedelta(seconds=30), enqueue=False).claimed == 0  # lease still held
    later = now + timedelta(seconds=61)
    result = deadline_sweep(now=later, enqueue=False)
    assert result.reclaimed == 1 and result.claimed == 1
    retry = result.batches[0]
    assert fire_deadlines(ids=lost.ids, now=now, token=lost.token) == 0  # the stale token no longer owns the row
    assert fire_deadlines(ids=retry.ids, now=later, token=retry.token) == 1
    assert Notification.objects.count() == 1
    assert Deadline.objects.get().attempts == 0


def test_a_row_that_cannot_fire_does_not_hold_up_the_rest_of_its_batch(cast: Cast) -> None:
    good = start(cast, "S-1")
    bad = start(cast, "S-2")
    Deadline.objects.filter(pk=bad.pk).update(kind="clocktest_unregistered")
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 1
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == DeadlineStatus.BREACHED and good.claim_state == ClaimState.IDLE
    assert bad.status == DeadlineStatus.PENDING and bad.claim_state == ClaimState.CLAIMED
    assert "clocktest_unregistered" in bad.last_error


def test_a_row_failing_every_time_is_parked_after_five_attempts(cast: Cast, settings) -> None:
    settings.CLOCKS_LEASE_SECONDS = 1
    bad = start(cast)
    Deadline.objects.filter(pk=bad.pk).update(kind="clocktest_unregistered")
    now = uk("2026-06-16 00:01")
    for attempt in range(7):
        moment = now + timedelta(seconds=2 * attempt)
        for batch in deadline_sweep(now=moment, enqueue=False).batches:
            fire_deadlines(ids=batch.ids, now=moment, token=batch.token)
    bad.refresh_from_db()
    assert bad.attempts == 5 and bad.claim_state == ClaimState.IDLE and bad.last_error


def test_a_deadline_moved_after_it_was_claimed_is_handed_back_without_firing(cast: Cast) -> None:
    deadline = start(cast)
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    with time_machine.travel(now, tick=False):
        services.extend_clock(deadline=deadline, new_due_at=uk("2026-06-30 23:59:59"), reason="x", by=cast.manager)
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 0
    deadline.refresh_from_db()
    assert deadline.claim_state == ClaimState.IDLE and deadline.status == DeadlineStatus.PENDING
    assert deadline.next_action_at == uk("2026-06-30 23:59:59")


@pytest.mark.django_db(transaction=True)
def test_two_sweepers_at_once_never_claim_the_same_row(cast: Cast) -> None:
    for n in range(6):
        start(cast, f"S-{n}")
    now = uk("2026-06-16 00:01")
    barrier = threading.Barrier(2, timeout=10)
    claimed: dict[str, list[str]] = {}

    def sweeper(name: str) -> None:
        try:
            with transaction.atomic():
                batch = claim_batch(now=now, size=3 if name == "a" else 6, lease=timedelta(minutes=5))
                claimed[name] = batch.ids if batch else []
                barrier.wait()  # both hold their row locks here
        finally:
            connection.close()

    first = threading.Thread(target=sweeper, args=("a",))
    first.start()
    while "a" not in claimed:
        threading.Event().wait(0.01)
    second = threading.Thread(target=sweeper, args=("b",))
    second.start()
    first.join()
    second.join()
    assert len(claimed["a"]) == 3 and len(claimed["b"]) == 3
    assert not set(claimed["a"]) & set(claimed["b"])


def test_the_run_clocks_command_sweeps_and_fires_synchronously(cast: Cast) -> None:
    from io import StringIO

    from django.core.management import call_command

    deadline = start(cast)
    out = StringIO()
    call_command("run_clocks", "--now", "2026-06-16T00:01:00+01:00", stdout=out)
    assert "claimed 1 deadline(s) in 1 batch(es), fired 1" in out.getvalue()
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED and deadline.breached_at == uk("2026-06-16 00:01")


def test_a_colleague_outside_the_ladder_is_never_told(cast: Cast) -> None:
    colleague = UserFactory(agency=cast.agency)
    start(cast)
    for moment in ("2026-06-16 00:01", "2026-06-18 00:01", "2026-06-20 00:01", "2026-06-24 00:01"):
        run_clocks(uk(moment))
    assert not Notification.objects.filter(recipient__in=[colleague, cast.outsider]).exists()


def test_claim_tokens_are_fresh_per_batch(cast: Cast) -> None:
    for n in range(3):
        start(cast, f"S-{n}")
    batches = deadline_sweep(now=uk("2026-06-16 00:01"), batch_size=1, enqueue=False).batches
    tokens = {uuid.UUID(b.token) for b in batches}
    assert len(tokens) == 3


def test_the_change_history_records_business_changes_but_not_claims(cast: Cast) -> None:
    from django.apps import apps

    changes = apps.get_model("escalation", "DeadlineChange").objects
    deadline = start(cast)
    assert list(changes.filter(pgh_obj=deadline).values_list("pgh_label", flat=True)) == ["insert"]
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    assert changes.filter(pgh_obj=deadline).count() == 1  # claiming is bookkeeping, not history
    fire_deadlines(ids=batch.ids, now=now, token=batch.token)
    latest = changes.filter(pgh_obj=deadline).order_by("pgh_id").last()
    assert latest.pgh_label == "update" and latest.status == DeadlineStatus.BREACHED and latest.escalation_level == 1


def test_a_row_reclaimed_because_its_message_waited_out_the_lease_is_never_parked(cast: Cast, settings) -> None:
    settings.CLOCKS_LEASE_SECONDS = 1
    deadline = start(cast)
    now = uk("2026-06-16 00:01")
    for n in range(8):  # a long queue: every message outlives its lease and the sweep re-dispatches
        batches = deadline_sweep(now=now + timedelta(seconds=2 * n), enqueue=False).batches
    later = now + timedelta(seconds=16)
    assert fire_deadlines(ids=batches[0].ids, now=later, token=batches[0].token) == 1
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.BREACHED and deadline.attempts == 0


def test_a_redelivered_batch_sets_aside_the_row_its_worker_died_on(cast: Cast) -> None:
    from escalation.models import FiringDelivery

    first, second, third = (start(cast, f"S-{n}") for n in range(3))
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    # The first delivery died while firing the second row (what a killed worker leaves behind).
    FiringDelivery.objects.create(token=batch.token, deliveries=1, suspect_id=second.pk)
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 2
    for row in (first, second, third):
        row.refresh_from_db()
    assert first.status == third.status == DeadlineStatus.BREACHED
    assert second.status == DeadlineStatus.PENDING and second.attempts == 1
    assert "worker died" in second.last_error and second.claim_state == ClaimState.CLAIMED


def test_a_batch_whose_worker_keeps_dying_gives_up_and_waits_for_its_lease(cast: Cast) -> None:
    from escalation.models import FiringDelivery

    deadline = start(cast)
    now = uk("2026-06-16 00:01")
    batch = deadline_sweep(now=now, enqueue=False).batches[0]
    FiringDelivery.objects.create(token=batch.token, deliveries=3)
    assert fire_deadlines(ids=batch.ids, now=now, token=batch.token) == 0
    deadline.refresh_from_db()
    assert deadline.status == DeadlineStatus.PENDING and deadline.attempts == 1
    assert "worker lost 3 times" in deadline.last_error
