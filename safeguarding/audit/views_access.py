"""Reading the access log (checklist L1, B2): who viewed a record (the owning agency's leads), what one user viewed
in a period (auditors, for users of their own agency), and the bulk-access detector."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Func, IntegerField, QuerySet
from django.utils import timezone

from safeguarding.accounts.models import User
from safeguarding.audit.models import AccessLog, Outcome
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.notifications.services import notify
from safeguarding.organisations.selectors import agency_leads, agency_of
from safeguarding.roles import LEAD_ROLES, Role

WHO_VIEWED_ROLES = (*LEAD_ROLES, Role.CALDICOTT_GUARDIAN)
AUDITOR_ROLES = (Role.AUDITOR,)
DEFAULT_BULK_THRESHOLD = 50


def may_see_who_viewed(user: User, owner_agency_id: Any) -> bool:
    """The owning agency's safeguarding leads (and Caldicott guardian) see who viewed its records."""
    own = agency_of(user)
    return bool(own is not None and own.pk == owner_agency_id and user.has_role(*WHO_VIEWED_ROLES))


def who_viewed(*, object_id: Any) -> QuerySet[AccessLog]:
    """Every access-log row naming this record (detail reads, lists it appeared in, downloads), newest first."""
    return AccessLog.objects.filter(object_ids__contains=[str(object_id)]).select_related("user").order_by("-id")


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def user_activity(
    *, auditor: User, subject_user: User | None, start: date | None, end: date | None
) -> QuerySet[AccessLog]:
    """What ``subject_user`` viewed between ``start`` and ``end`` (inclusive dates), for an auditor of the same
    agency. 403 for other roles; a user outside the auditor's agency is a field error (no existence leak)."""
    if not auditor.has_role(*AUDITOR_ROLES):
        raise ActionForbidden("Only auditors can review what a user viewed.")
    own = agency_of(auditor)
    if subject_user is None or own is None or agency_of(subject_user) != own:
        raise InvalidInput.field("user", "Choose a user in your agency")
    if start and end and end < start:
        raise InvalidInput.field("to", "The end date must be on or after the start date")
    qs = AccessLog.objects.filter(user=subject_user).order_by("-id")
    if start:
        qs = qs.filter(occurred_at__gte=_day_start(start))
    if end:
        qs = qs.filter(occurred_at__lt=_day_start(end + timedelta(days=1)))
    return qs


def bulk_threshold() -> int:
    return int(getattr(settings, "BULK_ACCESS_THRESHOLD", DEFAULT_BULK_THRESHOLD))


def bulk_access_offenders(*, now: datetime, threshold: int | None = None) -> list[tuple[Any, int]]:
    """Users who opened more than ``threshold`` distinct case records (single-record reads) in the hour to ``now``."""
    threshold = bulk_threshold() if threshold is None else threshold
    rows = (
        AccessLog.objects.annotate(ids=Func(F("object_ids"), function="cardinality", output_field=IntegerField()))
        .filter(
            occurred_at__gt=now - timedelta(hours=1),
            occurred_at__lte=now,
            object_type="cases.case",
            outcome=Outcome.ALLOWED,
            user__isnull=False,
            ids=1,
        )
        .values("user_id")
        .annotate(opened=Count("object_ids", distinct=True))
        .filter(opened__gt=threshold)
    )
    return [(row["user_id"], int(row["opened"])) for row in rows]


def detect_bulk_access(*, now: datetime | None = None, threshold: int | None = None) -> int:
    """Tell each offender's agency leads (once per user per hour). Run by the beat every few minutes."""
    now = now or timezone.now()
    alerted = 0
    for user_id, opened in bulk_access_offenders(now=now, threshold=threshold):
        user = User.objects.filter(pk=user_id).first()
        agency = agency_of(user) if user is not None else None
        if user is None or agency is None:
            continue
        created = notify(
            recipients=agency_leads(agency),
            kind="bulk_access",
            title=f"Unusual access: {user.full_name} opened {opened} case records in an hour",
            requires_ack=True,
            dedupe_key=f"bulk-access:{user_id}:{now:%Y%m%d%H}",
            now=now,
        )
        alerted += bool(created)
    return alerted
