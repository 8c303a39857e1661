"""The referrals app plugs into the platform: visibility rules, clock kinds, panels, navigation, demo data."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeguarding import registry


def _referral_url(referral: Any) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _nominal_url(nominal: Any) -> str:
    return reverse("referrals:nominal", args=[nominal.pk])


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
