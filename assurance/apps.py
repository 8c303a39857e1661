from __future__ import annotations

from django.apps import AppConfig


class AssuranceConfig(AppConfig):
    name = "assurance"
    verbose_name = "Commissioner assurance"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from assurance import wiring

        wiring.register()
