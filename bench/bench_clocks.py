"""The clock engine under a burst: N deadlines due at once, all fired exactly once by one worker.

Uses its own database (``sg_bench`` on the server of ``DATABASE_URL``) and its own ``redis-server`` on a free port.
For each size it bulk-loads N pending deadlines already due (the history triggers are bypassed for the load only),
measures a baseline — one plain ``UPDATE`` of the same rows to "breached", rolled back — then starts one Celery worker,
runs the sweep (claims in batches, one task per batch, enqueued on commit) and waits until every deadline is breached
with its holder told. It then checks nothing fired twice: one breach event and one notification per deadline.

Target: 100,000 deadlines within 60 s on two cores. Options: ``--sizes 10000,100000``, ``--concurrency 2``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
HOLDERS = 200


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _bench_database_url() -> str:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding"))
    return urlunparse(base._replace(path="/sg_bench", query=""))


def _ensure_database(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    admin = urlunparse(parsed._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = 'sg_bench'").fetchone()
        if not exists:
            conn.execute("CREATE DATABASE sg_bench")


def _start_redis(workdir: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    import redis

    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    return process, url


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def _setup_people() -> tuple[object, list[object]]:
    from safeguarding.organisations import services as org
    from safeguarding.organisations.models import Agency, AgencyType
    from safeguarding.roles import Role

    agency = Agency.objects.filter(name="Bench Trust").first() or org.agency_create(
        name="Bench Trust", agency_type=AgencyType.NHS_MENTAL_HEALTH_TRUST
    )
    from safeguarding.accounts.models import User

    holders = list(User.objects.filter(email__startswith="bench-holder-").order_by("email"))
    for n in range(len(holders), HOLDERS):
        holders.append(
            org.user_create(
                email=f"bench-holder-{n:04d}@bench.invalid",
                full_name=f"Bench Holder {n}",
                agency=agency,
                roles=[Role.PRACTITIONER],
            )
        )
    return agency, holders


def _reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE escalation_deadline, escalation_deadlineevent, escalation_deadlinerecipient, "
            "escalation_deadlineextension, escalation_deadlinechange, safeguarding_notification, "
            "escalation_dueitemfiring CASCADE"
        )


def _load(n: int, agency: object, holders: list[object]) -> None:
    import pgtrigger
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from escalation.models import Basis, Deadline
    from safeguarding.organisations.models import Agency

    subject_type = ContentType.objects.get_for_model(Agency)
    now = timezone.now()
    due = now - timedelta(minutes=1)
    with pgtrigger.ignore("escalation.Deadline:insert_insert"):
        for start in range(0, n, 5000):
            Deadline.objects.bulk_create(
                [
                    Deadline(
                        kind="action_due",
                        subject_type=subject_type,
                        subject_id=str(uuid.uuid4()),
                        nation="england-and-wales",
                        basis=Basis.FIXED,
                        started_at=now - timedelta(days=5),
                        due_at=due,
                        original_due_at=due,
                        holder_user=holders[i % len(holders)],
                        holder_agency=agency,
                        next_action_at=due,
                    )
                    for i in range(start, min(n, start + 5000))
                ]
            )


def _baseline_update(n: int) -> float:
    """One plain UPDATE marking the same rows breached (history triggers included), rolled back."""
    from django.db import connection, transaction

    started = time.monotonic()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE escalation_deadline SET status = 'breached', escalation_level = 1, next_action_at = NULL "
                "WHERE status = 'pending'"
            )
            assert cursor.rowcount == n
        transaction.set_rollback(True)
    return time.monotonic() - started


def _worker(env: dict[str, str], concurrency: int, log: Path) -> subprocess.Popen[bytes]:
    args = [
        sys.executable, "-m", "celery", "-A", "safeguarding", "worker", "-Q", "default",
        "--concurrency", str(concurrency), "--without-gossip", "--without-mingle", "--without-heartbeat",
        "-n", f"bench-{uuid.uuid4().hex[:6]}@%h", "--loglevel", "WARNING",
    ]  # fmt: skip
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip


def _wait_worker_ready(redis_url: str, timeout: float = 60) -> None:
    """Ready when it has taken a probe message off the queue."""
    from celery import Celery
    from kombu import Queue

    probe = Celery(broker=redis_url)
    probe.conf.update(task_default_queue="default", task_queues=(Queue("default"),))
    probe.send_task("safeguarding.tasks.beat_heartbeat")
    import redis

    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and client.llen("default"):
        time.sleep(0.1)
    probe.close()


def _measure(n: int, env: dict[str, str], concurrency: int, workdir: Path, redis_url: str) -> dict[str, float]:
    from django.utils import timezone

    from escalation.engine import deadline_sweep
    from escalation.models import ClaimState, Deadline, DeadlineEvent, DeadlineStatus, EventType
    from safeguarding.notifications.models import Notification

    worker = _worker(env, concurrency, workdir / f"worker-{n}.log")
    try:
        _wait_worker_ready(redis_url)
        started = time.monotonic()
        result = deadline_sweep(now=timezone.now())
        swept = time.monotonic() - started
        assert result.claimed == n, f"claimed {result.claimed} of {n}"
        # Cheap polls through the two partial indexes (a count over the whole table would load the database).
        claimed = Deadline.objects.filter(claim_state=ClaimState.CLAIMED)
        while claimed.exists():
            time.sleep(0.2)
            if time.monotonic() - started > 900:
                raise RuntimeError("deadlines still claimed after 15 minutes")
        elapsed = time.monotonic() - started
    finally:
        _stop(worker)
    breaches = DeadlineEvent.objects.filter(event_type=EventType.BREACHED).count()
    notified = Notification.objects.filter(kind="deadline_overdue").count()
    keys = Notification.objects.values("dedupe_key").distinct().count()
    fired = Deadline.objects.filter(status=DeadlineStatus.BREACHED, claim_state=ClaimState.IDLE).count()
    assert fired == n and breaches == n and notified == n and keys == n, (fired, breaches, notified, keys)
    return {"sweep": swept, "total": elapsed, "batches": float(len(result.batches))}


def run(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_clocks")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("BENCH_CONCURRENCY", "2")))
    options = parser.parse_args(argv or [])
    sizes = [int(s) for s in options.sizes.split(",")]

    database_url = _bench_database_url()
    _ensure_database(database_url)
    with tempfile.TemporaryDirectory(prefix="bench-clocks-") as tmp:
        workdir = Path(tmp)
        redis_process, redis_url = _start_redis(workdir)
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DATABASE_URL=database_url,
            REDIS_URL=redis_url,
            CELERY_BROKER_URL=redis_url,
            DJANGO_SETTINGS_MODULE="safeguarding.settings",
            TESTING="0",
            # Production mode, as a real worker runs: no query log, cached templates.
            DEBUG="0",
            SECRET_KEY=f"bench-only-{uuid.uuid4().hex}{uuid.uuid4().hex}",
            ALLOWED_HOSTS="localhost",
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            LOG_LEVEL="WARNING",
        )
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        try:
            call_command("migrate", verbosity=0)
            agency, holders = _setup_people()
            print(f"one worker, concurrency {options.concurrency}; {len(holders)} holders; batch "
                  f"{os.environ.get('CLOCKS_BATCH_SIZE', '500')}")  # fmt: skip
            print(
                f"{'deadlines':>10} {'sweep s':>8} {'fired s':>8} {'per s':>8} {'baseline UPDATE s':>18} {'ratio':>7}"
            )
            totals: dict[int, float] = {}
            for n in sizes:
                _reset()
                _load(n, agency, holders)
                baseline = _baseline_update(n)
                figures = _measure(n, env, options.concurrency, workdir, redis_url)
                totals[n] = figures["total"]
                print(
                    f"{n:>10,} {figures['sweep']:>8.1f} {figures['total']:>8.1f} {n / figures['total']:>8,.0f} "
                    f"{baseline:>18.2f} {figures['total'] / baseline:>6.0f}x",
                    flush=True,
                )
            print("every deadline fired exactly once (one breach event and one notification each)")
            if len(totals) > 1:
                small, large = min(totals), max(totals)
                print(
                    f"growth: {large:,} took {totals[large] / totals[small]:.1f}x the time of {small:,} "
                    f"({large / small:.0f}x the deadlines); target for 100,000: 60 s on two idle cores"
                )
            print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on this machine slows every figure)")
        finally:
            _stop(redis_process)
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
