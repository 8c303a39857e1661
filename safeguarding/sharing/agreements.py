"""Information-sharing agreements per area: purpose, signatory agencies, review date. A clock on the engine reminds
the signatories before the review date passes (the clock engine plugs in through ``register_agreement_listener``);
decisions cite the agreement that applies (``share_record(agreement=…)``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import agency_of
from safeguarding.roles import LEAD_ROLES, Role
from safeguarding.sharing.codes import Purpose
from safeguarding.sharing.models import SharingAgreement

MANAGER_ROLES = (*LEAD_ROLES, Role.SAB_BUSINESS_MANAGER, Role.CALDICOTT_GUARDIAN, Role.AGENCY_ADMIN)
DEFAULT_REMINDER_DAYS = 30

AgreementListener = Callable[[SharingAgreement, str], None]
_listeners: list[AgreementListener] = []


def register_agreement_listener(listener: AgreementListener) -> None:
    """``listener(agreement, event)`` runs inside the service's transaction after ``saved``."""
    _listeners.append(listener)


def reminder_days() -> int:
    return int(getattr(settings, "AGREEMENT_REVIEW_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


def agreements_visible_to(user: User) -> QuerySet[SharingAgreement]:
    """Agreements in the areas the user's agency belongs to (agreements hold no personal data)."""
    agency = agency_of(user) if user.is_authenticated and user.is_active else None
    if agency is None:
        return SharingAgreement.objects.none()
    return SharingAgreement.objects.filter(area__in=agency.areas.all()).prefetch_related("signatories")


def current_agreement(*, area_id: Any, purpose: str) -> SharingAgreement | None:
    """The area's agreement for ``purpose`` that applies now: the newest active one. The one rule for "the area's
    MARAC agreement" (referrals, meetings) and any other purpose that restricts material to signatories."""
    return (
        SharingAgreement.objects.filter(area_id=area_id, purpose=purpose, active=True).order_by("-created_at").first()
    )


def signatory_agency_ids(*, area_id: Any, purpose: str) -> set[Any]:
    """Agencies that signed the area's current agreement for ``purpose`` (none when there is no agreement)."""
    agreement = current_agreement(area_id=area_id, purpose=purpose)
    return set(agreement.signatories.values_list("pk", flat=True)) if agreement is not None else set()


def may_manage(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.has_role(*MANAGER_ROLES))


@transaction.atomic
def agreement_save(
    *,
    by: User,
    area: Area,
    title: str,
    purpose: str,
    signatories: Iterable[Agency],
    review_date: date,
    document_reference: str = "",
    agreement: SharingAgreement | None = None,
) -> SharingAgreement:
    """Create (or update) an agreement; (re)starts the review reminder clock."""
    if not may_manage(by):
        raise ActionForbidden("Only safeguarding leads, SAB business managers and administrators manage agreements.")
    own = agency_of(by)
    errors: dict[str, list[str]] = {}
    agencies = list(signatories)
    if own is None or not own.areas.filter(pk=area.pk).exists():
        errors["area"] = ["Choose an area your agency belongs to"]
    if not (title or "").strip():
        errors["title"] = ["Enter the agreement's title"]
    if purpose not in Purpose.values:
        errors["purpose"] = ["Choose the purpose the agreement covers"]
    if len(agencies) < 2:
        errors["signatories"] = ["An agreement has at least two signatory agencies"]
    if review_date <= timezone.localdate():
        errors["review_date"] = ["The review date must be in the future"]
    if errors:
        raise InvalidInput("The agreement cannot be saved as it stands.", errors=errors)
    if agreement is None:
        agreement = SharingAgreement(area=area)
    agreement.title = title.strip()
    agreement.purpose = purpose
    agreement.review_date = review_date
    agreement.document_reference = document_reference.strip()
    agreement.active = True
    agreement.save()
    agreement.signatories.set(agencies)
    for listener in _listeners:
        listener(agreement, "saved")
    return agreement


def reminder_due(agreement: SharingAgreement) -> datetime:
    """When the reminder fires: ``AGREEMENT_REVIEW_REMINDER_DAYS`` before the review date (09:00 that day)."""
    day = agreement.review_date - timedelta(days=reminder_days())
    return timezone.make_aware(datetime.combine(max(day, timezone.localdate()), time(9, 0)))
