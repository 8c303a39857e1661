"""The test suite's URLconf: the service's own routes plus the test app's (settings.ROOT_URLCONF when TESTING)."""

from __future__ import annotations

from django.urls import include, path

from safeguarding.urls import handler400, handler403, handler404, handler500
from safeguarding.urls import urlpatterns as service_urlpatterns

urlpatterns = [*service_urlpatterns, path("testapp/", include("tests.testapp.urls"))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
