from __future__ import annotations

from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class SafeguardingConfig(AppConfig):
    name = "safeguarding"
    label = "safeguarding"
    verbose_name = "Organisations, people and platform"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from safeguarding import wiring
        from safeguarding.api import schema  # noqa: F401  (registers the OpenAPI auth extensions)

        wiring.register()


class SafeguardingAdminConfig(AdminConfig):
    """The admin site: organisations, users, roles and configuration only, never case data."""

    default_site = "safeguarding.admin_site.SafeguardingAdminSite"
