"""Models of the core app, defined in its sub-packages and gathered here for Django."""

from safeguarding.accounts.models import (
    AuthEvent,
    AuthEventType,
    EnrolmentInvite,
    RecoveryCode,
    User,
    UserSession,
)
from safeguarding.attachments.models import Attachment
from safeguarding.audit.models import AccessChainLink, AccessChainPending, AccessLog, Outcome
from safeguarding.leavers.models import ReassignmentItem
from safeguarding.notifications.models import Notification, Priority
from safeguarding.organisations.models import (
    Agency,
    AgencyCommission,
    AgencyType,
    Area,
    AreaAgency,
    DirectoryEntry,
    MappaRole,
    Membership,
    Nation,
    Position,
    Team,
)
from safeguarding.sharing.models import (
    BreakGlassAccess,
    InformationRequest,
    RecordExport,
    SharingAgreement,
    SharingDecision,
)

__all__ = [
    "AccessChainLink",
    "AccessChainPending",
    "AccessLog",
    "Agency",
    "AgencyCommission",
    "AgencyType",
    "Area",
    "AreaAgency",
    "Attachment",
    "AuthEvent",
    "AuthEventType",
    "BreakGlassAccess",
    "DirectoryEntry",
    "EnrolmentInvite",
    "InformationRequest",
    "MappaRole",
    "Membership",
    "Nation",
    "Notification",
    "Outcome",
    "Position",
    "Priority",
    "ReassignmentItem",
    "RecordExport",
    "RecoveryCode",
    "SharingAgreement",
    "SharingDecision",
    "Team",
    "User",
    "UserSession",
]
