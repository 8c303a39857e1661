"""Change history (django-pghistory): every event carries the acting user and the request id.

Requests get their context from ``HistoryContextMiddleware``; API requests authenticated by token add their user
when DRF authenticates them (``ApiTokenAuthentication``), since DRF authenticates after the middleware has run.
Celery tasks and management commands that call services set the actor themselves::

    with history_context(user=by, source="task:deadline_fire"):
        some_service(...)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pghistory

from safeguarding import context

if TYPE_CHECKING:
    from safeguarding.accounts.models import User


def _user_id(user: User | None) -> str | None:
    return str(user.pk) if user is not None and getattr(user, "is_authenticated", False) else None


def history_context(*, user: User | None, source: str = "", **extra: Any) -> pghistory.context:
    """A context manager (and decorator) grouping the changes made inside it under ``user``.

    ``source`` names what made the change when it was not a web request (``"task:…"``, ``"command:…"``). The
    request id of the current request context, if any, is carried too.
    """
    metadata: dict[str, Any] = {"user": _user_id(user), "request_id": context.current().request_id, **extra}
    if source:
        metadata["source"] = source
    return pghistory.context(**metadata)


def history_context_set_user(user: User | None) -> None:
    """Name the acting user in the already-open history context (no effect when none is open)."""
    user_id = _user_id(user)
    if user_id is not None:
        pghistory.context(user=user_id)
