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
from safeguarding.notifications.models import Notification, Priority
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
    "Notification",
    "Outcome",
    "Position",
    "Priority",
    "RecoveryCode",
    "Team",
    "User",
    "UserSession",
]
