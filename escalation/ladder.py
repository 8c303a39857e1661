"""The standard escalation ladder: practitioner → team manager → agency safeguarding lead → director / SAB chair.

Each step names people from the platform's organisation data (memberships and the area's directory of decision
makers); when a named person is inactive their deputy is used (``organisations.selectors.available`` and
``directory_holder``). A step with nobody to tell is skipped at once, so a deadline held by an agency (no named
practitioner, hence no line manager) still reaches its lead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from escalation.kinds import Rung
from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency, Area, Membership, Position
from safeguarding.organisations.selectors import available, directory_holder, members_with_role
from safeguarding.roles import Role

if TYPE_CHECKING:
    from escalation.models import Deadline


def _unique(users: Iterable[User | None]) -> list[User]:
    seen: dict[object, User] = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def _membership(user: User) -> Membership | None:
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def holders(deadline: Deadline) -> list[User]:
    """The practitioner: the named holder (their deputy when inactive), else the agency's holders of the role,
    else the agency's safeguarding leads."""
    if deadline.holder_user_id is not None:
        return _unique([available(deadline.holder_user)])
    agency = deadline.holder_agency
    if agency is None:
        return []
    if deadline.holder_role:
        return _unique(members_with_role(agency, deadline.holder_role))
    return agency_leads(agency=agency, area=deadline.area)


def team_managers(deadline: Deadline) -> list[User]:
    """The holder's line manager (their deputy when inactive). None for deadlines held by an agency or role."""
    if deadline.holder_user is None:
        return []
    membership = _membership(deadline.holder_user)
    if membership is None or membership.line_manager is None:
        return []
    return _unique([available(membership.line_manager)])


def agency_leads(*, agency: Agency | None, area: Area | None) -> list[User]:
    """The agency's safeguarding lead in the area's directory (or the deputy), else everyone with the role."""
    if agency is None:
        return []
    named = directory_holder(area=area, position=Position.SAFEGUARDING_LEAD, agency=agency)
    if named is not None:
        return [named]
    return _unique(members_with_role(agency, Role.SAFEGUARDING_LEAD))


def safeguarding_leads(deadline: Deadline) -> list[User]:
    return agency_leads(agency=deadline.holder_agency, area=deadline.area)


def directors(deadline: Deadline) -> list[User]:
    """The agency's director (directory, else the role) and the area's SAB independent chair (directory)."""
    agency = deadline.holder_agency
    people: list[User | None] = []
    if agency is not None:
        named = directory_holder(area=deadline.area, position=Position.DIRECTOR, agency=agency)
        people.extend([named] if named is not None else members_with_role(agency, Role.DIRECTOR))
    people.append(directory_holder(area=deadline.area, position=Position.SAB_CHAIR, agency=None))
    return _unique(people)


DEFAULT_LADDER: Sequence[Rung] = (
    Rung("holder", "Practitioner", holders),
    Rung("team_manager", "Team manager", team_managers, grace_policy_key="ladder_grace_team_manager"),
    Rung(
        "safeguarding_lead",
        "Agency safeguarding lead",
        safeguarding_leads,
        grace_policy_key="ladder_grace_safeguarding_lead",
    ),
    Rung("director", "Director and SAB chair", directors, grace_policy_key="ladder_grace_director"),
)
