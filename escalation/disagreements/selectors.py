"""Reads for disagreements: the one visibility rule (both agencies, the stage holders, the SAB chair at stage 4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from escalation.disagreements.models import TOP_STAGE, Disagreement, DisagreementStage, DisagreementStatus
from escalation.models import Deadline, DeadlineStatus
from escalation.selectors import deadlines_visible
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access, record_denied
from safeguarding.organisations.models import DirectoryEntry, Position
from safeguarding.organisations.selectors import agency_of
from safeguarding.roles import reaches_case_data


def disagreement_list_for_user(*, user: User) -> QuerySet[Disagreement]:
    if not user.is_authenticated or not user.is_active:
        return Disagreement.objects.none()
    agency = agency_of(user)
    condition = Q(pk__in=[])
    if agency is not None and reaches_case_data(user.roles):
        condition |= Q(raiser_agency=agency) | Q(respondent_agency=agency)
    held = DisagreementStage.objects.filter(
        Q(raiser_holder=user) | Q(respondent_holder=user), disagreement=OuterRef("pk")
    )
    chair = DirectoryEntry.objects.filter(area=OuterRef("area"), position=Position.SAB_CHAIR, agency=None, holder=user)
    condition |= Q(Exists(held)) | Q(Exists(chair), stage=TOP_STAGE)
    return Disagreement.objects.filter(condition)


def disagreement_get_for_user(*, user: User, pk: Any, route: str) -> Disagreement:
    """The disagreement, or 404 (the same for missing and invisible). Writes the access row either way."""
    found = (
        disagreement_list_for_user(user=user)
        .select_related("raiser_agency", "respondent_agency", "raised_by", "respondent_contact", "source_deadline")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        record_denied(user=user, object_type=Disagreement, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


def awaiting(*, user: User) -> QuerySet[Disagreement]:
    """Open disagreements whose current stage this user holds (either side), or at stage 4 for the SAB chair."""
    current = DisagreementStage.objects.filter(
        disagreement=OuterRef("pk"), stage=OuterRef("stage"), closed_at=None
    ).filter(Q(raiser_holder=user) | Q(respondent_holder=user))
    chair = DirectoryEntry.objects.filter(area=OuterRef("area"), position=Position.SAB_CHAIR, agency=None, holder=user)
    return (
        disagreement_list_for_user(user=user)
        .filter(status=DisagreementStatus.OPEN)
        .filter(Q(Exists(current)) | Q(Exists(chair), stage=TOP_STAGE))
    )


def unchallenged_breaches(*, user: User) -> QuerySet[Deadline]:
    """Overdue deadlines the user can see that nobody has challenged."""
    challenged = Disagreement.objects.filter(source_deadline=OuterRef("pk"), status=DisagreementStatus.OPEN)
    return (
        deadlines_visible(user)
        .filter(status=DeadlineStatus.BREACHED)
        .exclude(Exists(challenged))
        .exclude(kind__startswith="disagreement_stage_")
        .order_by("due_at")
    )


def age_days(disagreement: Disagreement, now: datetime | None = None) -> int:
    return ((now or timezone.now()) - disagreement.opened_at).days
