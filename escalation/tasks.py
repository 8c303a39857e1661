"""Clock tasks: thin wrappers over ``escalation.engine``. Each is idempotent, so late acknowledgement and
redelivery after a lost worker are safe; none uses an ETA or countdown (the rows are the schedule)."""

from __future__ import annotations

from datetime import datetime

from celery import shared_task
from django.utils import timezone


@shared_task(name="escalation.tasks.sweep", ignore_result=True, acks_late=True, expires=120)
def sweep() -> int:
    """Beat, every minute: claim what is due and hand it to ``fire_deadlines`` in batches."""
    from escalation.engine import deadline_sweep

    return deadline_sweep(now=timezone.now()).claimed


@shared_task(
    name="escalation.tasks.fire_deadlines",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def fire_deadlines(deadline_ids: list[str], now: str, token: str) -> int:
    """Breach or escalate one claimed batch, as of the sweep's ``now`` (ISO 8601)."""
    from escalation.engine import fire_deadlines as fire

    return fire(ids=deadline_ids, now=datetime.fromisoformat(now), token=token)


@shared_task(
    name="escalation.tasks.fire_due_query",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
)
def fire_due_query(kind: str, now: str) -> int:
    """Fire what one due-query kind says is due, as of the sweep's ``now``."""
    from escalation.engine import fire_due_query as fire

    return fire(kind=kind, now=datetime.fromisoformat(now))
