from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from safeguarding.notifications.models import Notification


@shared_task(
    name="safeguarding.notifications.send_email",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_notification_email(notification_id: str) -> bool:
    """Email one notification: an opaque reference and a link, nothing else. Claimed first, so sent once."""
    return _email_one(notification_id)


@shared_task(
    name="safeguarding.notifications.send_emails",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_notification_emails(notification_ids: list[str]) -> int:
    """Email several notifications (``notify_many``): claimed together in one statement, then sent one by one. If a
    send fails, that one and the rest are released for the retry; those already sent stay sent."""
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notification_ids, emailed_at=None)
            .select_related("recipient")
            .order_by("pk")
        )
        Notification.objects.filter(pk__in=[n.pk for n in batch]).update(emailed_at=timezone.now())
    for index, notification in enumerate(batch):
        try:
            _send(notification)
        except OSError:
            Notification.objects.filter(pk__in=[n.pk for n in batch[index:]]).update(emailed_at=None)
            raise
    return len(batch)


def _email_one(notification_id: str) -> bool:
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    try:
        _send(notification)
    except OSError:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True


def _send(notification: Notification) -> None:
    context = {
        "reference": str(notification.pk)[:8].upper(),
        "link": settings.SITE_URL + reverse("notifications:open", args=[notification.pk]),
        "requires_ack": notification.requires_ack,
        "service_name": settings.SERVICE_NAME,
    }
    send_mail(
        subject=render_to_string("emails/notification_subject.txt", context).strip(),
        message=render_to_string("emails/notification.txt", context),
        from_email=None,
        recipient_list=[notification.recipient.email],
    )
