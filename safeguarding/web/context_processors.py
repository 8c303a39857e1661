from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from safeguarding.accounts.mfa import user_is_verified
from safeguarding.notifications.services import unread_count
from safeguarding.web.navigation import navigation_for


def service(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    verified = user is not None and user_is_verified(user)
    membership = user.agency_membership if verified and user is not None else None
    return {
        "service_name": settings.SERVICE_NAME,
        "signed_in": verified,
        "current_membership": membership,
        "navigation": navigation_for(request) if verified else [],
        "request_id": getattr(request, "request_id", ""),
        "unread_notifications": unread_count(user) if verified and user is not None else 0,
    }
