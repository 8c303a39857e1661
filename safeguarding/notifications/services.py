"""Notifications: in-app, with an email that carries only an opaque reference and a link.

``notify`` is idempotent per (recipient, dedupe_key): a redelivered task or a second sweeper cannot notify twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden
from safeguarding.notifications.models import Notification, Priority
from safeguarding.queue import enqueue_on_commit


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    target: models.Model | None = None,
    priority: str = Priority.NORMAL,
    requires_ack: bool = False,
    dedupe_key: str | None = None,
    email: bool = True,
    escalated_from: Notification | None = None,
    now: datetime | None = None,
) -> list[Notification]:
    """Notify each active recipient once. Returns the notifications created by this call (not earlier ones)."""
    now = now or timezone.now()
    unique = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not unique:
        return []
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    rows = [
        Notification(
            recipient=user,
            created_at=now,
            kind=kind,
            title=title[:200],
            priority=Priority.HIGH if requires_ack else priority,
            target_type=target_type,
            target_id=str(target.pk) if target is not None else "",
            requires_ack=requires_ack,
            dedupe_key=dedupe_key,
            escalated_from=escalated_from,
        )
        for user in unique.values()
    ]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=dedupe_key is not None)
        created_ids = set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        created = [r for r in rows if r.pk in created_ids]
        if email and created:
            from safeguarding.notifications.tasks import send_notification_email

            for row in created:
                enqueue_on_commit(send_notification_email, str(row.pk))
    return created


@dataclass(frozen=True)
class Notice:
    """One notification for :func:`notify_many`, with the same meaning as :func:`notify`'s arguments."""

    recipients: Sequence[User]
    kind: str
    title: str
    target: models.Model | None = None
    priority: str = Priority.NORMAL
    requires_ack: bool = False
    dedupe_key: str | None = None
    escalated_from: Notification | None = None


# New notifications per email task from notify_many (keeps each task well inside the task time limit).
EMAIL_BATCH = 50


def notify_many(*, notices: Iterable[Notice], email: bool = True, now: datetime | None = None) -> list[Notification]:
    """:func:`notify` for many notices at once: one INSERT, one SELECT and one email task per ``EMAIL_BATCH`` new
    notifications, instead of two queries and a task each. Idempotent per (recipient, dedupe_key), like ``notify``;
    returns the notifications this call created."""
    now = now or timezone.now()
    rows: list[Notification] = []
    for notice in notices:
        unique = {u.pk: u for u in notice.recipients if u is not None and u.is_active}
        target_type = ContentType.objects.get_for_model(notice.target) if notice.target is not None else None
        rows.extend(
            Notification(
                recipient=user,
                created_at=now,
                kind=notice.kind,
                title=notice.title[:200],
                priority=Priority.HIGH if notice.requires_ack else notice.priority,
                target_type=target_type,
                target_id=str(notice.target.pk) if notice.target is not None else "",
                requires_ack=notice.requires_ack,
                dedupe_key=notice.dedupe_key,
                escalated_from=notice.escalated_from,
            )
            for user in unique.values()
        )
    if not rows:
        return []
    with transaction.atomic():
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        created_ids = set(Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list("pk", flat=True))
        created = [r for r in rows if r.pk in created_ids]
        if email and created:
            from safeguarding.notifications.tasks import send_notification_emails

            ids = [str(r.pk) for r in created]
            for start in range(0, len(ids), EMAIL_BATCH):
                enqueue_on_commit(send_notification_emails, ids[start : start + EMAIL_BATCH])
    return created


def notification_read(*, notification: Notification, user: User) -> Notification:
    if notification.recipient_id != user.pk:
        raise ActionForbidden("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=notification.read_at)
    return notification


def notifications_read_all(*, user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).update(read_at=timezone.now())


def notification_acknowledge(*, notification: Notification, user: User) -> Notification:
    """Acknowledge a high-risk notification. Acknowledging also marks it read."""
    if notification.recipient_id != user.pk:
        raise ActionForbidden("This notification is not yours.")
    now = timezone.now()
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk, acknowledged_at=None).update(acknowledged_at=now)
        Notification.objects.filter(pk=notification.pk, read_at=None).update(read_at=now)
        # Acknowledging the copy that went to a deputy also settles the original (and vice versa).
        root = notification.escalated_from_id or notification.pk
        Notification.objects.filter(models.Q(pk=root) | models.Q(escalated_from_id=root), acknowledged_at=None).update(
            acknowledged_at=now
        )
    notification.refresh_from_db()
    return notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at=None).count()
