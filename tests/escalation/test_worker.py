"""The clock engine with real processes: Celery workers and beats against a Redis of the test's own and the test
database, deadlines due in real time, and faults (``chaos``): a pool process killed mid-task, the broker flushed,
two beats at once, the worker's database connection terminated mid-batch. Every effect must happen exactly once."""

from __future__ import annotations

import os
import signal
import time
from datetime import timedelta
from typing import Any

import pytest
from celery import Celery
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from kombu import Queue

from escalation import services
from escalation.engine import deadline_sweep
from escalation.models import ClaimState, Deadline, DeadlineEvent, DeadlineStatus, EventType, FiringDelivery
from safeguarding.notifications.models import Notification
from tests.clocktestapp.models import BreachRecord
from tests.escalation.conftest import Cast
from tests.escalation.harness import Processes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("worker")]


def due_deadlines(cast: Cast, count: int, *, in_seconds: float = 0, slow: int = 0) -> list[Deadline]:
    due = timezone.now() + timedelta(seconds=in_seconds)
    return [
        services.start_clock(
            subject=cast.subject(f"slow-{n}" if n < slow else f"S-{n}"),
            kind="clocktest_fast",
            holder_user=cast.practitioner,
            due_at=due,
        )
        for n in range(count)
    ]


def breached_count() -> int:
    return Deadline.objects.filter(status=DeadlineStatus.BREACHED, claim_state=ClaimState.IDLE).count()


def assert_each_fired_once(deadlines: list[Deadline], *, levels: int = 1) -> None:
    ids = [d.pk for d in deadlines]
    per_deadline = dict(
        BreachRecord.objects.filter(deadline_id__in=ids).values_list("deadline_id").annotate(n=Count("id"))
    )
    assert per_deadline == dict.fromkeys(ids, 1), "the kind's breach handler ran other than once"
    breaches = DeadlineEvent.objects.filter(deadline_id__in=ids, event_type=EventType.BREACHED).count()
    assert breaches == len(ids)
    held = Notification.objects.filter(recipient__full_name="Pat Practitioner", kind="deadline_overdue")
    assert held.count() == len(ids)
    assert sorted(held.values_list("dedupe_key", flat=True)) == sorted(f"deadline:{pk}:0:level:1" for pk in ids)
    escalations = DeadlineEvent.objects.filter(deadline_id__in=ids, event_type=EventType.ESCALATED).count()
    assert escalations == len(ids) * (levels - 1)
    assert set(Deadline.objects.filter(pk__in=ids).values_list("escalation_level", flat=True)) == {levels}


def attempts_seen(procs: Processes) -> list[str]:
    marker = procs.workdir / "marker"
    return marker.read_text().split() if marker.exists() else []


@pytest.mark.worker
def test_a_due_deadline_is_breached_and_escalated_exactly_once_by_a_real_worker(cast: Cast, procs: Processes) -> None:
    procs.env["CLOCKTEST_GRACE_SECONDS"] = "2"
    deadlines = due_deadlines(cast, 3, in_seconds=2)
    procs.start_worker(concurrency=2)
    procs.start_beat()
    procs.wait_until(
        lambda: Deadline.objects.filter(escalation_level=4, claim_state=ClaimState.IDLE).count() == 3,
        timeout=45,
        what="three deadlines to climb the whole ladder",
    )
    time.sleep(2.5)  # a few more sweeps find nothing left to do
    assert_each_fired_once(deadlines, levels=4)
    expected = {"Pat Practitioner": 3, "Tia Manager": 3, "Lee Lead": 3, "Dana Director": 3, "Chris Chair": 3}
    got = dict(Notification.objects.values_list("recipient__full_name").annotate(n=Count("id")))
    assert got == expected
    assert Deadline.objects.filter(next_action_at__isnull=False).count() == 0
    # The worker also sends each notification's email (once: the email task claims the row first).
    procs.wait_until(
        lambda: not Notification.objects.filter(emailed_at=None).exists(), timeout=20, what="the emails to be sent"
    )


@pytest.mark.chaos
def test_killing_the_pool_process_mid_task_runs_the_batch_again_with_each_effect_once(
    cast: Cast, procs: Processes
) -> None:
    deadlines = due_deadlines(cast, 10, slow=1)
    worker = procs.start_worker(concurrency=1, CLOCKTEST_BREACH_SLEEP="4")
    procs.start_beat()
    procs.wait_until(lambda: len(attempts_seen(procs)) == 1, timeout=30, what="the slow batch to start")
    child = int(attempts_seen(procs)[0])
    assert child in procs.pool_children(worker)
    os.kill(child, signal.SIGKILL)  # the pool child only, mid-transaction
    procs.wait_until(lambda: breached_count() == 10, timeout=30, what="the batch to run again")
    assert len(attempts_seen(procs)) == 2 and attempts_seen(procs)[1] != str(child)
    assert_each_fired_once(deadlines)
    # Redelivered by the broker (reject_on_worker_lost), not recovered through the lease.
    assert list(FiringDelivery.objects.values_list("deliveries", flat=True)) == [2]


@pytest.mark.chaos
def test_flushing_the_broker_loses_nothing_the_next_sweep_dispatches_again(
    cast: Cast, procs: Processes, settings: Any
) -> None:
    settings.CLOCKS_LEASE_SECONDS = 3
    deadlines = due_deadlines(cast, 20)
    now = timezone.now()
    result = deadline_sweep(now=now, enqueue=False, batch_size=5)
    sender = Celery(broker=procs.redis_url)
    sender.conf.update(task_default_queue="default", task_queues=(Queue("default"),))
    for batch in result.batches:  # what the sweep's on-commit enqueue sends
        sender.send_task("escalation.tasks.fire_deadlines", args=[batch.ids, now.isoformat(), batch.token])
    client = procs.redis()
    assert client.llen("default") == 4
    client.flushall()
    assert client.llen("default") == 0
    assert Deadline.objects.filter(claim_state=ClaimState.CLAIMED).count() == 20  # claimed, messages gone
    procs.env["CLOCKS_LEASE_SECONDS"] = "3"
    procs.start_worker(concurrency=1)
    procs.start_beat()
    procs.wait_until(lambda: breached_count() == 20, timeout=30, what="the reclaimed deadlines to fire")
    assert_each_fired_once(deadlines)
    logs = procs.logs(tail=None)
    assert "reclaimed 20 deadline(s) whose lease expired" in logs
    assert "unregistered task" not in logs.lower()
    sender.close()


@pytest.mark.chaos
def test_two_beats_sweeping_at_once_send_no_duplicate_notifications(cast: Cast, procs: Processes) -> None:
    procs.env["CLOCKTEST_GRACE_SECONDS"] = "1"
    procs.env["CLOCKS_BATCH_SIZE"] = "10"
    deadlines = due_deadlines(cast, 60, in_seconds=2)
    procs.start_worker(concurrency=2)
    procs.start_beat(name="beat-a")
    procs.start_beat(name="beat-b")
    procs.wait_until(
        lambda: Deadline.objects.filter(escalation_level=4, claim_state=ClaimState.IDLE).count() == 60,
        timeout=60,
        what="every deadline to climb the whole ladder",
    )
    assert_each_fired_once(deadlines, levels=4)
    assert Notification.objects.filter(escalated_from=None).count() == 60 * 5
    for name in ("beat-a", "beat-b"):
        assert "Sending due task clock-sweep" in (procs.workdir / f"{name}.log").read_text()


@pytest.mark.chaos
def test_terminating_the_workers_database_connection_mid_batch_loses_and_doubles_nothing(
    cast: Cast, procs: Processes
) -> None:
    deadlines = due_deadlines(cast, 10, slow=1)
    procs.start_worker(concurrency=1, CLOCKTEST_BREACH_SLEEP="3")
    procs.start_beat()
    procs.wait_until(lambda: len(attempts_seen(procs)) == 1, timeout=30, what="the slow batch to start")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND state LIKE 'idle in transaction%%'",
            [procs.worker_app_name],
        )
        terminated = [row[0] for row in cursor.fetchall()]
    assert terminated == [True], "expected to end exactly the worker's connection holding the batch"
    procs.wait_until(lambda: breached_count() == 10, timeout=30, what="the batch to be retried")
    assert len(attempts_seen(procs)) == 2
    assert_each_fired_once(deadlines)
