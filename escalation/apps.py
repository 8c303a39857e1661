from __future__ import annotations

from django.apps import AppConfig


class EscalationConfig(AppConfig):
    name = "escalation"
    verbose_name = "Clocks and escalation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from escalation import wiring

        wiring.register()
