"""Real processes for the worker and fault tests: a private ``redis-server``, Celery workers and beats.

Everything runs on loopback against the test database (pytest-django's ``test_<name>``, with the xdist suffix),
committed by ``transactional_db``. Each process is started in its own session and stopped by its own id.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import redis
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(predicate: Callable[[], bool], *, timeout: float, what: str, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Processes:
    """The processes one test started, their logs, and the environment they share."""

    workdir: Path
    redis_url: str
    env: dict[str, str]
    worker_app_name: str
    started: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(self.redis_url)

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = (self.workdir / f"{name}.log").open("ab")
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.started.append((name, process))
        return process

    def start_worker(
        self, *, concurrency: int = 1, name: str = "worker", queues: str = "default", **extra: str
    ) -> subprocess.Popen[bytes]:
        env = {**self.env, **extra}
        env["DATABASE_URL"] = self._database_url(self.worker_app_name)
        args = [
            sys.executable, "-m", "celery", "-A", "safeguarding", "worker",
            "-Q", queues, "--pool", "prefork", "--concurrency", str(concurrency),
            "--without-gossip", "--without-mingle", "--without-heartbeat",
            "-n", f"{name}-{uuid.uuid4().hex[:8]}@%h", "--loglevel", "INFO",
        ]  # fmt: skip
        return self._spawn(name, args, env)

    def start_beat(self, *, name: str = "beat") -> subprocess.Popen[bytes]:
        env = {**self.env, "DATABASE_URL": self._database_url(f"{name}-{uuid.uuid4().hex[:8]}")}
        schedule = self.workdir / f"{name}-schedule"
        args = [
            sys.executable, "-m", "celery", "-A", "safeguarding", "beat",
            "-s", str(schedule), "--loglevel", "INFO",
        ]  # fmt: skip
        return self._spawn(name, args, env)

    def _database_url(self, application_name: str) -> str:
        settings = connection.settings_dict
        password = f":{quote(settings['PASSWORD'])}" if settings["PASSWORD"] else ""
        return (
            f"postgres://{quote(settings['USER'])}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}?application_name={application_name}"
        )

    def pool_children(self, process: subprocess.Popen[bytes]) -> list[int]:
        """The prefork pool's child processes of a worker."""
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def wait_until(self, predicate: Callable[[], bool], *, timeout: float, what: str) -> None:
        """Like :func:`wait_until`, with the processes' logs in the failure message."""
        try:
            wait_until(predicate, timeout=timeout, what=what)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.logs()}") from None

    def logs(self, tail: int | None = 4000) -> str:
        out = []
        for path in sorted(self.workdir.glob("*.log")):
            text = path.read_text(errors="replace")
            out.append(f"----- {path.name}\n{text[-tail:] if tail else text}")
        return "\n".join(out)

    def stop(self, process: subprocess.Popen[bytes], *, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)  # the worker and its pool children: the group this test started
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)

    def stop_all(self) -> None:
        for _, process in reversed(self.started):
            self.stop(process, sig=signal.SIGKILL if process.poll() is None else signal.SIGTERM, timeout=5)


@contextmanager
def private_redis(workdir: Path) -> Iterator[str]:
    """A ``redis-server`` of the test's own, without persistence (a restart or FLUSHALL loses every message)."""
    port = free_port()
    process = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--daemonize", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        wait_until(lambda: _pings(client), timeout=10, what="redis-server")
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def base_env(redis_url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="safeguarding.settings",
        TESTING="1",  # installs the test subject app; the worker is not under pytest
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=redis_url,
        TEST_CELERY_BROKER_URL=redis_url,  # TESTING forces the broker to memory:// unless this is set
        CLOCKS_SWEEP_SECONDS="1",
        CLOCKS_LEASE_SECONDS="60",
        CLOCKTEST_GRACE_SECONDS="600",
        CLOCKTEST_MARKER_FILE=str(workdir / "marker"),
        PYTHONDONTWRITEBYTECODE="1",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="INFO",
    )
    return env
