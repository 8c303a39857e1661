"""Models of the core app, defined in its sub-packages and gathered here for Django."""

from safeguarding.accounts.models import (
    AuthEvent,
    AuthEventType,
    EnrolmentInvite,
    RecoveryCode,
    User,
    UserSession,
)
from safeguarding.audit.models import AccessChainLink, AccessChainPending, AccessLog, Outcome
from safeguarding.organisations.models import (
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

__all__ = [
    "AccessChainLink",
    "AccessChainPending",
    "AccessLog",
    "Agency",
    "AgencyType",
    "Area",
    "AuthEvent",
    "AuthEventType",
    "DirectoryEntry",
    "EnrolmentInvite",
    "MappaRole",
    "Membership",
    "Nation",
    "Outcome",
    "Position",
    "RecoveryCode",
    "Team",
    "User",
    "UserSession",
]
