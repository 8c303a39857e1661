from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
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
    claimed = Notification.objects.filter(pk=notification_id, emailed_at=None).update(emailed_at=timezone.now())
    if not claimed:
        return False
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    context = {
        "reference": str(notification.pk)[:8].upper(),
        "link": settings.SITE_URL + reverse("notifications:open", args=[notification.pk]),
        "requires_ack": notification.requires_ack,
        "service_name": settings.SERVICE_NAME,
    }
    try:
        send_mail(
            subject=render_to_string("emails/notification_subject.txt", context).strip(),
            message=render_to_string("emails/notification.txt", context),
            from_email=None,
            recipient_list=[notification.recipient.email],
        )
    except OSError:
        Notification.objects.filter(pk=notification_id).update(emailed_at=None)
        raise
    return True
