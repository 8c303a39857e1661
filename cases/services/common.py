"""Shared pieces of the cases services: write rights, references, optimistic updates, chronology."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

from cases.models import Case, ChronologyEntry, EntryType
from cases.selectors import Scope, case_scope_for_user
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.organisations.models import Agency, AgencyType
from safeguarding.organisations.selectors import agency_of

M = TypeVar("M", bound=models.Model)


def acting_agency(user: User) -> Agency:
    agency = agency_of(user)
    if agency is None:
        raise ActionForbidden("You need to belong to an agency to do this.")
    return agency


def require_scope(case: Case, user: User, scope: Scope, action: str) -> Scope:
    """403 for a visible case when the user's scope is too narrow (visibility itself was checked: 404 before)."""
    held = case_scope_for_user(user=user, case=case)
    if held is None or held < scope:
        raise ActionForbidden(f"Your agency cannot {action} on this case.")
    return held


def require_owner(case: Case, user: User, action: str) -> None:
    require_scope(case, user, Scope.OWNER, action)


def local_authority_ids(case: Case) -> set[Any]:
    """The local authorities (adult social care) of the case's area."""
    return set(case.area.agencies.filter(agency_type=AgencyType.LOCAL_AUTHORITY_ASC).values_list("pk", flat=True))


def next_reference(when: datetime | None = None) -> str:
    """``SG-YYYY-NNNNNN`` from a database sequence (unique, no gaps under concurrency are needed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval('cases_case_reference_seq')")
        (number,) = cursor.fetchone()
    year = (when or timezone.now()).year
    return f"SG-{year}-{number:06d}"


def optimistic_update(obj: M, *, fields: dict[str, Any], expected_version: int | None) -> M:
    """Update ``fields`` only if nobody changed ``obj`` since ``expected_version`` (else 409, or 412 via the API)."""
    model = type(obj)
    qs = model._default_manager.filter(pk=obj.pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(**fields, version=F("version") + 1)
    if not updated:
        raise TransitionNotAllowed("This record was changed by someone else. Reload it and try again.")
    obj.refresh_from_db()
    return obj


def touch(case: Case) -> None:
    Case.objects.filter(pk=case.pk).update(updated_at=timezone.now())


def chronology_record(
    *,
    case: Case,
    summary: str,
    entry_type: str = EntryType.NOTE,
    agency: Agency,
    by: User | None,
    event_date: datetime | None = None,
    significant: bool = False,
    automatic: bool = False,
) -> ChronologyEntry:
    if not summary or not summary.strip():
        raise InvalidInput.field("summary", "Enter what happened")
    entry = ChronologyEntry.objects.create(
        case=case,
        event_date=event_date or timezone.now(),
        entry_type=entry_type,
        summary=summary.strip(),
        significant=significant,
        automatic=automatic,
        author=by,
        author_agency=agency,
    )
    touch(case)
    return entry
