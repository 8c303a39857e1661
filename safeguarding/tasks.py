"""Platform tasks: thin, idempotent wrappers over services."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

# Autodiscovery imports only ``<app>.tasks``; task modules in the core app's sub-packages are imported here so that
# every worker registers them (otherwise a worker drops their messages as unregistered tasks).
from safeguarding.notifications import tasks as notification_tasks  # noqa: F401


@shared_task(name="safeguarding.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Written every 30 s by the beat schedule; /healthz reports its age."""
    from safeguarding.web.views import redis_client

    redis_client().set(settings.BEAT_HEARTBEAT_KEY, str(time.time()), ex=3600)


@shared_task(name="safeguarding.tasks.chain_access_log", ignore_result=True, acks_late=True)
def chain_access_log() -> int:
    from safeguarding.audit.chain import chain_all

    return chain_all()
