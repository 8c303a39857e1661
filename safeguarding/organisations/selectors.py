"""Reads about organisations and people: memberships, the directory of decision-makers, deputies."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency, Area, DirectoryEntry, Membership, Position
from safeguarding.roles import Role


def agency_of(user: User) -> Agency | None:
    membership = user.agency_membership
    return membership.agency if membership else None


def case_working_agency_id(user: User) -> Any:
    """The agency whose case data ``user`` works on: their agency, for an active user with a case-working role;
    None otherwise (commissioners, auditors and agency administrators reach no case data)."""
    from safeguarding.roles import reaches_case_data

    if not user.is_authenticated or not user.is_active:
        return None
    membership = user.agency_membership
    if membership is None or not reaches_case_data(membership.roles):
        return None
    return membership.agency_id


def user_group_ids(user: User) -> list[int]:
    """The auth groups of ``user`` that grants reach: their agency's group, only for case-working roles."""
    cache = getattr(user, "_sg_group_ids", None)
    if cache is not None:
        return cache
    from safeguarding.roles import reaches_case_data

    membership = user.agency_membership
    ids = [membership.agency.group_id] if membership and reaches_case_data(membership.roles) else []
    user._sg_group_ids = ids  # type: ignore[attr-defined]
    return ids


def members_with_role(agency: Agency, *roles: str, active_only: bool = True) -> QuerySet[User]:
    qs = User.objects.filter(membership__agency=agency, membership__roles__overlap=list(roles))
    return qs.filter(is_active=True) if active_only else qs


def available(user: User | None) -> User | None:
    """``user`` if active, else their deputy if active, else None."""
    if user is None:
        return None
    if user.is_active:
        return user
    membership = Membership.objects.filter(user=user).select_related("deputy").first()
    deputy = membership.deputy if membership else None
    return deputy if deputy is not None and deputy.is_active else None


def directory_holder(*, area: Area | None, position: str, agency: Agency | None = None) -> User | None:
    """The named holder of a position (the deputy when the holder is inactive)."""
    if area is None:
        return None
    entry = (
        DirectoryEntry.objects.select_related("holder", "deputy")
        .filter(area=area, position=position, agency=agency)
        .first()
    )
    if entry is None:
        return None
    if entry.holder.is_active:
        return entry.holder
    if entry.deputy is not None and entry.deputy.is_active:
        return entry.deputy
    return None


def agency_leads(agency: Agency) -> list[User]:
    """Everyone in the agency with a safeguarding-lead role (leads and LA safeguarding managers): who is told of
    break-glass, bulk access and the like. The escalation ladder names one holder from the directory instead
    (``escalation.ladder``)."""
    return list(members_with_role(agency, Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER))


def area_of_agency(agency: Agency) -> Area | None:
    return agency.areas.order_by("name").first()


def users_in(agencies: Iterable[Agency]) -> QuerySet[User]:
    return User.objects.filter(membership__agency__in=list(agencies), is_active=True)


__all__ = [
    "Position",
    "agency_leads",
    "agency_of",
    "area_of_agency",
    "available",
    "directory_holder",
    "members_with_role",
    "user_group_ids",
    "users_in",
]
