from __future__ import annotations

from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from safeguarding.web import api_docs, views

handler400 = "safeguarding.web.views.bad_request"
handler403 = "safeguarding.web.views.permission_denied"
handler404 = "safeguarding.web.views.page_not_found"
handler500 = "safeguarding.web.views.server_error"

web_patterns = [
    path("", views.home, name="home"),
    path("my-work/", views.my_work, name="my-work"),
]

urlpatterns = [
    path("", include((web_patterns, "web"))),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("safeguarding.accounts.urls")),
    path("notifications/", include("safeguarding.notifications.urls")),
    path("attachments/", include("safeguarding.attachments.urls")),
    path("my-actions/", include("safeguarding.actions.urls")),
    path("reassignments/", include("safeguarding.leavers.urls")),
    path("", include("safeguarding.sharing.urls")),
    path("audit/", include("safeguarding.audit.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs.ApiDocsView.as_view(), name="api-docs"),
    path("api/v1/", include("safeguarding.api.urls")),
]

for app in ("escalation", "cases", "referrals", "meetings", "reviews", "assurance"):
    if find_spec(app) is not None and find_spec(f"{app}.urls") is not None:
        urlpatterns.append(path("", include(f"{app}.urls")))
