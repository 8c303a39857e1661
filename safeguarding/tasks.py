"""Platform tasks: thin, idempotent wrappers over services."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

# Celery's autodiscovery imports only this module of the core app; the tasks of its sub-packages are registered by
# importing them here, so a worker knows every task a service may enqueue.
from safeguarding.accounts.tasks import send_account_notice
from safeguarding.notifications.tasks import send_notification_email
from safeguarding.sharing.tasks import render_export

__all__ = [
    "beat_heartbeat",
    "chain_access_log",
    "detect_bulk_access",
    "render_export",
    "send_account_notice",
    "send_notification_email",
    "sweep_orphaned_attachments",
]


@shared_task(name="safeguarding.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Written every 30 s by the beat schedule; /healthz reports its age."""
    from safeguarding.web.views import redis_client

    redis_client().set(settings.BEAT_HEARTBEAT_KEY, str(time.time()), ex=3600)


@shared_task(name="safeguarding.tasks.chain_access_log", ignore_result=True, acks_late=True)
def chain_access_log() -> int:
    from safeguarding.audit.chain import chain_all

    return chain_all()


@shared_task(name="safeguarding.tasks.detect_bulk_access", ignore_result=True, acks_late=True)
def detect_bulk_access() -> int:
    """Checklist B2: alert agency leads when one user opens more than BULK_ACCESS_THRESHOLD records in an hour."""
    from safeguarding.audit.views_access import detect_bulk_access as detect

    return detect()


@shared_task(name="safeguarding.tasks.sweep_orphaned_attachments", ignore_result=True, acks_late=True)
def sweep_orphaned_attachments() -> int:
    """Daily: remove stored files no attachment row names (written by a transaction that rolled back)."""
    from safeguarding.attachments.services import attachment_orphans_sweep

    return attachment_orphans_sweep()
