"""``/api/v1/``: each app contributes its routes through its own ``api_urls`` module."""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.urls import URLPattern, URLResolver, include, path

from safeguarding.actions import api as actions
from safeguarding.api import views
from safeguarding.attachments import api as attachments
from safeguarding.audit import api as audit
from safeguarding.notifications import api as notifications

app_name = "api"

urlpatterns: list[URLPattern | URLResolver] = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/email/", views.MeEmail.as_view(), name="me-email"),
    path("notifications/", notifications.NotificationList.as_view(), name="notification-list"),
    path("notifications/<uuid:pk>/read/", notifications.NotificationRead.as_view(), name="notification-read"),
    path(
        "notifications/<uuid:pk>/acknowledge/",
        notifications.NotificationAcknowledge.as_view(),
        name="notification-acknowledge",
    ),
    path("attachments/", attachments.AttachmentCreate.as_view(), name="attachment-create"),
    path("actions/", actions.ActionList.as_view(), name="action-list"),
    path("actions/<uuid:pk>/", actions.ActionDetail.as_view(), name="action-detail"),
    path("actions/<uuid:pk>/complete/", actions.ActionComplete.as_view(), name="action-complete"),
    path("actions/<uuid:pk>/verify/", actions.ActionVerify.as_view(), name="action-verify"),
    path("attachments/<uuid:pk>/download/", attachments.AttachmentDownload.as_view(), name="attachment-download"),
    path("", include("safeguarding.sharing.api_urls")),
    path("access-log/", audit.UserAccessLog.as_view(), name="access-log"),
]

for app in ("escalation", "cases", "referrals", "meetings", "reviews", "assurance"):
    if find_spec(app) is not None and find_spec(f"{app}.api_urls") is not None:
        urlpatterns.append(path("", include(import_module(f"{app}.api_urls"))))
