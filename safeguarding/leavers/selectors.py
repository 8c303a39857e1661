from __future__ import annotations

from django.db.models import Q, QuerySet

from safeguarding.accounts.models import User
from safeguarding.leavers.models import ReassignmentItem
from safeguarding.roles import LEAD_ROLES, Role

# Who picks up a leaver's work when the leaver had no (active) line manager.
FALLBACK_ROLES = frozenset({*LEAD_ROLES, Role.AGENCY_ADMIN})


def reassignment_items_visible(user: User) -> QuerySet[ReassignmentItem]:
    """Items on ``user``'s list: those naming them as manager, and, for their agency's leads and admins, the items
    of leavers who had no manager."""
    condition = Q(manager=user)
    membership = user.agency_membership
    if membership is not None and user.has_role(*FALLBACK_ROLES):
        condition |= Q(manager=None, agency_id=membership.agency_id)
    return ReassignmentItem.objects.filter(condition)


def reassignment_items_open(user: User) -> QuerySet[ReassignmentItem]:
    return reassignment_items_visible(user).filter(resolved_at=None).select_related("leaver").order_by("created_at")
