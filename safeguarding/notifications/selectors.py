from __future__ import annotations

from django.db.models import QuerySet

from safeguarding.accounts.models import User
from safeguarding.notifications.models import Notification


def notifications_for(user: User) -> QuerySet[Notification]:
    """A user's own notifications: the only rows anyone may see."""
    return Notification.objects.filter(recipient=user).select_related("target_type")
