"""The core app's own registrations (navigation, demo data), called from ``SafeguardingConfig.ready()``."""

from __future__ import annotations

from safeguarding import registry
from safeguarding.roles import Role
from safeguarding.web.navigation import register_nav


def register() -> None:
    register_nav("my-work", label="My work", url_name="web:my-work", order=10)
    register_nav("admin", label="Administration", url_name="admin:index", order=900, roles=[Role.AGENCY_ADMIN])

    from safeguarding import demo

    registry.register_demo_step("organisations", demo.seed_organisations, order=10)
