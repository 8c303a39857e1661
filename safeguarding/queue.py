"""Enqueueing Celery work from services: always after commit, never with ETAs or countdowns."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the surrounding transaction commits (nothing is sent on rollback).

    A broker outage must not turn a committed request into a 500: the rows are the commitment and the sweeps
    catch up, so a failed send is logged and dropped.
    """

    def send() -> None:
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("could not enqueue %s; the periodic sweep will catch up", getattr(task, "name", task))

    transaction.on_commit(send)
