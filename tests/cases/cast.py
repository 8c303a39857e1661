"""The standard cast of the permission matrix: one case owned by agency A and one person per relationship to it.

Fixtures default to least privilege: nobody sees anything unless a relationship below gives it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import time_machine
from django.utils import timezone

from cases.models import Case
from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency, AgencyType
from safeguarding.roles import Role
from safeguarding.sharing import services as sharing
from tests.cases.factories import World
from tests.factories import AgencyFactory, UserFactory

SHARE = {
    "data_items": ["identity", "concern", "risk"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "given",
    "rationale": "Needed to coordinate support and keep the adult safe from further harm.",
    "adult_informed": True,
}

# relationship → the scope it should give (None: no access at all).
RELATIONSHIPS: dict[str, str | None] = {
    "owner_practitioner": "owner",
    "owner_lead": "owner",
    "owner_commissioner": None,
    "owner_auditor": None,
    "owner_agency_admin": None,
    "unshared_agency": None,
    "summary_share": "summary",
    "full_share": "full",
    "contribute_share": "contribute",
    "named_user_share": "full",
    "named_user_colleague": None,
    "expired_share": None,
    "revoked_share": None,
    "refused": None,
    "overlapping_one_revoked": "full",
    "commissioner_in_recipient": None,
    "deactivated_recipient": None,
}


@dataclass
class Cast:
    world: World
    case: Case
    users: dict[str, User]


def _agency() -> Agency:
    return AgencyFactory(agency_type=AgencyType.HOUSING_AUTHORITY)


def build_cast() -> Cast:
    world = World()
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    by = world.practitioner
    users: dict[str, User] = {
        "owner_practitioner": world.practitioner,
        "owner_lead": world.lead,
        "owner_commissioner": world.commissioner,
        "owner_auditor": UserFactory(agency=world.trust, roles=[Role.AUDITOR]),
        "owner_agency_admin": UserFactory(agency=world.trust, roles=[Role.AGENCY_ADMIN]),
        "unshared_agency": UserFactory(agency=_agency()),
    }

    def share(agency: Agency | None = None, user: User | None = None, **extra: object) -> object:
        data = {**SHARE, "purpose": "individual_care", "scope": "full", **extra}
        return sharing.share_record(obj=case, decided_by=by, recipient_agency=agency, recipient_user=user, **data)

    for name, scope in (("summary_share", "summary"), ("full_share", "full"), ("contribute_share", "contribute")):
        agency = _agency()
        share(agency, scope=scope)
        users[name] = UserFactory(agency=agency)
    named_agency = _agency()
    users["named_user_share"] = UserFactory(agency=named_agency)
    users["named_user_colleague"] = UserFactory(agency=named_agency)
    share(user=users["named_user_share"])

    expired_agency = _agency()
    share(expired_agency, expires_at=timezone.now() + timedelta(minutes=5))
    users["expired_share"] = UserFactory(agency=expired_agency)

    revoked_agency = _agency()
    decision = share(revoked_agency)
    sharing.revoke_share(decision=decision, by=by, reason="No longer needed")  # type: ignore[arg-type]
    users["revoked_share"] = UserFactory(agency=revoked_agency)

    refused_agency = _agency()
    sharing.refuse_share(
        obj=case,
        decided_by=by,
        recipient_agency=refused_agency,
        purpose="individual_care",
        consent_status="refused",
        adult_informed=True,
        rationale="The adult refused and nobody else is at risk, so we will not share.",
    )
    users["refused"] = UserFactory(agency=refused_agency)

    overlap_agency = _agency()
    first = share(overlap_agency, purpose="individual_care")
    share(overlap_agency, purpose="s42_enquiry")
    sharing.revoke_share(decision=first, by=by, reason="Care episode ended")  # type: ignore[arg-type]
    users["overlapping_one_revoked"] = UserFactory(agency=overlap_agency)
    users["commissioner_in_recipient"] = UserFactory(agency=overlap_agency, roles=[Role.COMMISSIONER])

    deactivated = UserFactory(agency=overlap_agency)
    deactivated.is_active = False
    deactivated.save()
    users["deactivated_recipient"] = deactivated
    return Cast(world=world, case=case, users=users)


def after_expiry() -> time_machine.travel:
    """Move past the expired share's end (the other shares run for weeks)."""
    return time_machine.travel(timezone.now() + timedelta(minutes=10), tick=True)
