"""Shared test helpers: signed-in clients and the access-log assertion every read route uses."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from safeguarding.accounts.middleware import AUTH_AT, LAST_ACTIVITY
from safeguarding.accounts.models import User
from safeguarding.audit.models import AccessLog


def totp_code(key_b32: str, *, at: float | None = None, offset_steps: int = 0) -> str:
    """The RFC 6238 code for ``key_b32`` now (or at ``at``), ``offset_steps`` 30-second steps away."""
    counter = int((time.time() if at is None else at) // 30) + offset_steps
    digest = hmac.new(base64.b32decode(key_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def _verify_session(client: Client, user: User) -> None:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    assert device is not None, "the user needs a confirmed authenticator"
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    from django.utils import timezone

    now = timezone.now().timestamp()
    session[AUTH_AT] = now
    session[LAST_ACTIVITY] = now
    session.save()


def signed_in(user: User) -> Client:
    """A browser client that has completed password and TOTP sign-in (the flow itself is tested elsewhere)."""
    client = Client()
    _verify_session(client, user)
    return client


def tracked(client: Client, user: User, user_agent: str = "") -> Client:
    """Give a signed-in test client the session-list row that a real sign-in creates (``session_track``)."""
    from safeguarding.accounts.models import UserSession
    from safeguarding.accounts.services import session_track

    request = type("TrackedRequest", (), {"session": client.session})()
    session_track(request=request, user=user)
    if user_agent:
        UserSession.objects.filter(session_key=client.session.session_key).update(user_agent=user_agent)
    return client


def api_client(user: User) -> APIClient:
    client = APIClient()
    _verify_session(client, user)
    return client


def password_only(user: User) -> Client:
    """A client past the password step but not MFA."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@dataclass
class AccessRows:
    rows: list[AccessLog] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def only(self) -> AccessLog:
        assert len(self.rows) == 1, f"expected exactly one access row, got {len(self.rows)}: {self.rows}"
        return self.rows[0]


@contextmanager
def assert_access_rows(
    count: int | None = 1,
    *,
    user: User | None = None,
    object_ids: Sequence[Any] | None = None,
    outcome: str | None = None,
    object_type: str | None = None,
) -> Iterator[AccessRows]:
    """Assert the block wrote exactly ``count`` access-log rows, each matching the given fields."""
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    captured = AccessRows()
    yield captured
    captured.rows = list(AccessLog.objects.using("default").filter(id__gt=before).order_by("id"))
    if count is not None:
        assert len(captured.rows) == count, f"expected {count} access row(s), got {len(captured.rows)}: " + "; ".join(
            f"{r.route} {r.outcome} {r.object_type} {r.object_ids}" for r in captured.rows
        )
    for row in captured.rows:
        if user is not None:
            assert row.user_id == user.pk
        if outcome is not None:
            assert row.outcome == outcome, f"{row.route}: outcome {row.outcome} != {outcome}"
        if object_type is not None:
            assert row.object_type == object_type
        if object_ids is not None:
            assert sorted(row.object_ids) == sorted(str(i) for i in object_ids), (row.object_ids, object_ids)


def waits_on_a_lock(timeout: float = 30) -> bool:
    """True once another session of this database waits on a lock (polled: a loaded machine can be slow)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction the statistics views are a snapshot taken at first use: drop it for each look.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return True
        time.sleep(0.05)
    return False


class InThread:
    """Run ``call`` in a thread of its own (its own database connection), keeping its result or its exception."""

    def __init__(self, call: Any) -> None:
        import threading

        self.result: Any = None
        self.error: BaseException | None = None

        def run() -> None:
            from django.db import connections

            try:
                self.result = call()
            except BaseException as exc:  # handed to the test through .value()
                self.error = exc
            finally:
                connections.close_all()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def value(self, timeout: float = 30) -> Any:
        self.thread.join(timeout=timeout)
        if self.error is not None:
            raise self.error
        return self.result
