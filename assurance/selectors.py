"""Reads for assurance, and the one visibility rule per model.

Who sees metrics (the *audience*):
- a commissioner sees the agencies their own agency commissions (the platform's commissioning links), as aggregates
  with small-number suppression, and only packs that both leads have signed;
- a provider's leads (safeguarding lead, LA safeguarding manager, director, executive lead) see their own agency's
  exact internal figures and every version of its packs;
- nobody else uses these routes (403 on the collection; 404 on any object).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from assurance.metrics.periods import Period
from assurance.metrics.registry import Context
from assurance.models import EvidencePack, PackStatus, TrainingRecord
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.exceptions import ActionForbidden
from safeguarding.organisations.models import Agency, Area, Team
from safeguarding.roles import Role, has_any_role

PROVIDER_LEAD_ROLES: frozenset[str] = frozenset(
    {Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER, Role.DIRECTOR, Role.EXECUTIVE_LEAD}
)
TRAINING_ADMIN_ROLES: frozenset[str] = frozenset({Role.AGENCY_ADMIN, *PROVIDER_LEAD_ROLES})


@dataclass(frozen=True)
class Audience:
    kind: str  # "commissioner" | "provider" | ""
    agencies: tuple[Agency, ...]

    @property
    def exact(self) -> bool:
        return self.kind == "provider"

    @property
    def agency_ids(self) -> tuple[UUID, ...]:
        return tuple(a.pk for a in self.agencies)


def _roles(user: User) -> list[str]:
    membership = user.agency_membership
    return list(membership.roles) if membership else []


def audience_for(user: User) -> Audience:
    membership = user.agency_membership
    if membership is None or not user.is_active:
        return Audience("", ())
    if Role.COMMISSIONER in membership.roles:
        agencies = tuple(membership.agency.commissions.filter(active=True).order_by("name"))
        return Audience("commissioner", agencies)
    if has_any_role(membership.roles, PROVIDER_LEAD_ROLES):
        return Audience("provider", (membership.agency,))
    return Audience("", ())


def is_provider_lead(user: User, agency_id: Any) -> bool:
    membership = user.agency_membership
    return bool(
        membership and membership.agency_id == agency_id and has_any_role(membership.roles, PROVIDER_LEAD_ROLES)
    )


def metric_context_for_user(
    *,
    user: User,
    period: Period,
    agency_id: str | None = None,
    team_id: str | None = None,
    area_id: str | None = None,
) -> tuple[Context, Audience]:
    """The metric context a user may ask for. 403 when their role has no metrics at all; 404 for an agency, team or
    area outside their reach (the same answer as one that does not exist)."""
    audience = audience_for(user)
    if not audience.kind:
        raise ActionForbidden("Only commissioners and the provider's safeguarding leads see assurance metrics.")
    agency_ids = audience.agency_ids
    if agency_id:
        wanted = _uuid(agency_id)
        if wanted not in agency_ids:
            raise Http404("Not found")
        agency_ids = (wanted,)
    team = area = None
    if team_id:
        team = Team.objects.filter(pk=_uuid(team_id), agency_id__in=agency_ids).values_list("pk", flat=True).first()
        if team is None:
            raise Http404("Not found")
    if area_id:
        area = Area.objects.filter(pk=_uuid(area_id), agencies__in=agency_ids).values_list("pk", flat=True).first()
        if area is None:
            raise Http404("Not found")
    return Context(period=period, agency_ids=agency_ids, team_id=team, area_id=area), audience


def _uuid(value: str) -> UUID:
    try:
        return UUID(str(value))
    except ValueError as exc:
        raise Http404("Not found") from exc


def pack_list_for_user(*, user: User) -> QuerySet[EvidencePack]:
    audience = audience_for(user)
    qs = EvidencePack.objects.filter(agency_id__in=audience.agency_ids)
    if audience.kind == "commissioner":
        return qs.filter(status=PackStatus.SIGNED)
    if audience.kind == "provider":
        return qs
    return EvidencePack.objects.none()


def pack_get_for_user(*, user: User, pk: Any, route: str) -> EvidencePack:
    pack = pack_list_for_user(user=user).select_related("agency").filter(pk=pk).first()
    if pack is None:
        record_denied(user=user, object_type=EvidencePack, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=[pack.pk], object_type=EvidencePack, route=route)
    return pack


def training_list_for_user(*, user: User) -> QuerySet[TrainingRecord]:
    """Agency admins and leads see their agency's records; staff see their own; commissioners see none (M22 only)."""
    membership = user.agency_membership
    if membership is None or Role.COMMISSIONER in membership.roles:
        return TrainingRecord.objects.none()
    if has_any_role(membership.roles, TRAINING_ADMIN_ROLES):
        return TrainingRecord.objects.filter(agency_id=membership.agency_id)
    return TrainingRecord.objects.filter(staff=user)


def may_manage_training(user: User) -> bool:
    return has_any_role(_roles(user), TRAINING_ADMIN_ROLES) and Role.COMMISSIONER not in _roles(user)
