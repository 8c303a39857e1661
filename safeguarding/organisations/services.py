"""Writes for organisations, people and roles."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import time

from django.contrib.auth.models import Group
from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import (
    RESTRICTED_AGENCY_TYPES,
    Agency,
    AgencyType,
    Area,
    DirectoryEntry,
    MappaRole,
    Membership,
    Nation,
    Position,
    Team,
)
from safeguarding.roles import Role


def agency_group_ensure(*, agency: Agency) -> Group:
    """Every agency has its own auth group: the principal that cross-agency grants are given to."""
    if agency.group_id is None:
        group, _ = Group.objects.get_or_create(name=f"agency:{agency.pk}")
        agency.group = group
    return agency.group


@transaction.atomic
def agency_create(
    *,
    name: str,
    agency_type: str,
    nation: str = Nation.ENGLAND_AND_WALES,
    ods_code: str = "",
    mappa_role: str = MappaRole.NONE,
    restricted: bool | None = None,
    business_hours: tuple[time, time] = (time(9, 0), time(17, 0)),
) -> Agency:
    if agency_type not in AgencyType.values:
        raise InvalidInput.field("agency_type", f"Unknown agency type: {agency_type}")
    if nation not in Nation.values:
        raise InvalidInput.field("nation", f"Unknown nation: {nation}")
    if Agency.objects.filter(name__iexact=name).exists():
        raise InvalidInput.field("name", "An agency with this name already exists")
    agency = Agency(
        name=name,
        agency_type=agency_type,
        nation=nation,
        ods_code=ods_code,
        mappa_role=mappa_role,
        restricted=agency_type in RESTRICTED_AGENCY_TYPES if restricted is None else restricted,
        business_hours_start=business_hours[0],
        business_hours_end=business_hours[1],
    )
    agency_group_ensure(agency=agency)
    agency.save()
    return agency


@transaction.atomic
def area_create(
    *,
    name: str,
    nation: str = Nation.ENGLAND_AND_WALES,
    business_unit: Agency | None = None,
    agencies: Iterable[Agency] = (),
) -> Area:
    area = Area.objects.create(name=name, nation=nation, business_unit=business_unit)
    area.agencies.set([*agencies, *([business_unit] if business_unit else [])])
    return area


def team_create(*, agency: Agency, name: str) -> Team:
    return Team.objects.create(agency=agency, name=name)


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in Role.values]
    if unknown:
        raise InvalidInput.field("roles", f"Unknown role(s): {', '.join(unknown)}")
    return roles


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    agency: Agency,
    roles: Iterable[str],
    team: Team | None = None,
    password: str | None = None,
    line_manager: User | None = None,
    deputy: User | None = None,
    job_title: str = "",
) -> User:
    role_list = _validate_roles(roles)
    if User.objects.filter(email__iexact=email).exists():
        raise InvalidInput.field("email", "A user with this email address already exists")
    if team is not None and team.agency_id != agency.pk:
        raise InvalidInput.field("team", "The team must belong to the user's agency")
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        is_staff=Role.AGENCY_ADMIN in role_list,
    )
    Membership.objects.create(
        user=user,
        agency=agency,
        team=team,
        roles=role_list,
        line_manager=line_manager,
        deputy=deputy,
        job_title=job_title,
    )
    return user


@transaction.atomic
def membership_update(
    *,
    user: User,
    roles: Iterable[str] | None = None,
    team: Team | None = None,
    line_manager: User | None = None,
    deputy: User | None = None,
) -> Membership:
    membership = Membership.objects.select_for_update().get(user=user)
    if roles is not None:
        membership.roles = _validate_roles(roles)
        User.objects.filter(pk=user.pk).update(is_staff=Role.AGENCY_ADMIN in membership.roles or user.is_superuser)
    if team is not None:
        if team.agency_id != membership.agency_id:
            raise InvalidInput.field("team", "The team must belong to the user's agency")
        membership.team = team
    if line_manager is not None:
        membership.line_manager = line_manager
    if deputy is not None:
        membership.deputy = deputy
    membership.save()
    return membership


def directory_set(
    *, area: Area, position: str, holder: User, deputy: User | None = None, agency: Agency | None = None
) -> DirectoryEntry:
    if position not in Position.values:
        raise InvalidInput.field("position", f"Unknown position: {position}")
    entry, _ = DirectoryEntry.objects.update_or_create(
        area=area, agency=agency, position=position, defaults={"holder": holder, "deputy": deputy}
    )
    return entry
