"""The referrals app plugs into the platform: visibility rules, clock kinds, panels, navigation, demo data."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.roles import CASE_WORKING_ROLES, Role
from safeguarding.web.navigation import register_nav


def _referral_url(referral: Any) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _nominal_url(nominal: Any) -> str:
    return reverse("referrals:nominal", args=[nominal.pk])


def _leaver_referrals(user: User) -> Iterable[registry.WorkItem]:
    """Open referrals a leaver is the named recipient of (a MARAC coordinator), for reassignment."""
    from referrals.codes import OPEN_STATES
    from referrals.models import Referral

    for referral in Referral.objects.filter(recipient_user=user, state__in=OPEN_STATES).only("pk", "reference"):
        yield registry.WorkItem(
            kind="referral",
            label=f"Named recipient of referral {referral.reference}",
            url=_referral_url(referral),
            object_id=str(referral.pk),
        )


def register() -> None:
    from referrals import clocks, selectors
    from referrals.models import MappaNominal, Referral

    registry.register_visibility(
        Referral,
        lambda u: selectors.referral_list_for_user(user=u),
        url=_referral_url,
        label=lambda r: f"Referral {r.reference}",
        owner_agency=lambda r: r.sender_agency_id,
        case_id=lambda r: r.case_id,
    )
    registry.register_visibility(
        MappaNominal,
        lambda u: selectors.nominal_list_for_user(user=u),
        url=_nominal_url,
        label=lambda n: f"MAPPA nominal {n.reference}",
        owner_agency=lambda n: n.responsible_authority_id,
    )
    clocks.register()
    registry.register_my_work_panel(
        "referrals", title="Referrals awaiting you", url_name="referrals:awaiting", order=25, roles=CASE_WORKING_ROLES
    )
    registry.register_case_panel("referrals", title="Referrals", url_name="referrals:case-panel", order=50)
    register_nav("referrals", label="Referrals", url_name="referrals:inbox", order=30, roles=CASE_WORKING_ROLES)
    register_nav(
        "marac-queue", label="MARAC queue", url_name="referrals:marac-queue", order=35, roles=[Role.MARAC_COORDINATOR]
    )
    registry.register_leaver_work("referrals", _leaver_referrals)

    from referrals import demo

    registry.register_demo_step("referrals", demo.seed, order=50)
