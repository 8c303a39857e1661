"""Assurance plugs into the platform: visibility rules for packs and training records, navigation, demo data."""

from __future__ import annotations

from django.urls import reverse

from safeguarding import registry
from safeguarding.roles import Role
from safeguarding.web.navigation import register_nav


def register() -> None:
    from assurance import demo, selectors
    from assurance.metrics import load
    from assurance.models import EvidencePack, TrainingRecord

    load()
    registry.register_visibility(
        EvidencePack,
        lambda u: selectors.pack_list_for_user(user=u),
        url=lambda p: reverse("assurance:pack", args=[p.pk]),
        label=lambda p: f"Evidence pack {p.reference}",
        owner_agency=lambda p: p.agency_id,
    )
    registry.register_visibility(
        TrainingRecord,
        lambda u: selectors.training_list_for_user(user=u),
        url=lambda r: reverse("assurance:training"),
        owner_agency=lambda r: r.agency_id,
    )
    register_nav(
        "assurance",
        label="Assurance",
        url_name="assurance:metrics",
        order=80,
        roles=[*selectors.PROVIDER_LEAD_ROLES, Role.COMMISSIONER],
    )
    register_nav(
        "training",
        label="Training",
        url_name="assurance:training",
        order=85,
        roles=list(selectors.TRAINING_ADMIN_ROLES),
    )
    registry.register_demo_step("assurance", demo.seed, order=90)
