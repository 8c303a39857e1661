from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

NOTICES = {"email_changed": "emails/account_email_changed.txt"}


@shared_task(
    name="safeguarding.accounts.send_account_notice",
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    ignore_result=True,
)
def send_account_notice(address: str, notice: str) -> None:
    """A security notice about the account (no names, no new address): an email change tells the old address."""
    context = {"service_name": settings.SERVICE_NAME, "site_url": settings.SITE_URL}
    send_mail(
        subject=f"{settings.SERVICE_NAME}: your sign-in email address was changed",
        message=render_to_string(NOTICES[notice], context),
        from_email=None,
        recipient_list=[address],
    )
