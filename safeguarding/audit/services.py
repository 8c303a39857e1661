"""Recording reads of personal data (checklist L1).

Every read — lists (the ids returned), detail, search, export, API, htmx fragment — calls ``record_access`` once.
Allowed reads are written on the request's own connection. Denied reads are written through the ``audit``
connection in autocommit, so the rollback that accompanies a 404 cannot erase them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import models

from safeguarding import context
from safeguarding.audit.models import AccessLog, Outcome

if TYPE_CHECKING:
    from safeguarding.accounts.models import User

AUDIT_DB = "audit"


def _object_type(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _split(objects_or_ids: Iterable[Any] | models.Model | None) -> tuple[str | None, list[str], list[UUID]]:
    """Ids (and, for model instances, the type and owning agencies) of what was read."""
    if objects_or_ids is None:
        return None, [], []
    items = [objects_or_ids] if isinstance(objects_or_ids, models.Model) else list(objects_or_ids)
    object_type = None
    ids: list[str] = []
    subject_agencies: list[UUID] = []
    for item in items:
        if isinstance(item, models.Model):
            object_type = object_type or _object_type(type(item))
            ids.append(str(item.pk))
            agency_id = getattr(item, "owning_agency_id", None) or getattr(item, "agency_id", None)
            if agency_id is not None and agency_id not in subject_agencies:
                subject_agencies.append(agency_id)
        else:
            ids.append(str(item))
    return object_type, ids, subject_agencies


def record_access(
    *,
    user: User | None,
    objects_or_ids: Iterable[Any] | models.Model | None,
    route: str,
    outcome: str = Outcome.ALLOWED,
    object_type: str | type[models.Model] | None = None,
    purpose: str = "",
    break_glass: bool = False,
    break_glass_reason: str = "",
    document_sha256: str = "",
) -> AccessLog:
    """Write one access-log row for one read. Call it after the selector, before the response leaves."""
    inferred_type, ids, subject_agencies = _split(objects_or_ids)
    if isinstance(object_type, type):
        object_type = _object_type(object_type)
    membership = user.agency_membership if user is not None and user.is_authenticated else None
    ctx = context.current()
    row = AccessLog(
        user=user if user is not None and user.is_authenticated else None,
        agency_id=membership.agency_id if membership else None,
        roles=sorted(membership.roles) if membership else [],
        object_type=object_type or inferred_type or "unknown",
        object_ids=ids,
        subject_agency_ids=subject_agencies,
        route=route[:200],
        purpose=purpose[:100],
        outcome=outcome,
        break_glass=break_glass,
        break_glass_reason=break_glass_reason[:500],
        document_sha256=document_sha256,
        request_id=ctx.request_id,
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )
    alias = AUDIT_DB if outcome == Outcome.DENIED and _separate_audit_connection() else "default"
    row.save(using=alias)  # one statement: a trigger queues the row for the chainer (AccessLog.Meta.triggers)
    return row


def record_denied(
    *, user: User | None, object_type: str | type[models.Model], object_id: Any, route: str, purpose: str = ""
) -> AccessLog:
    """A read that answered 404 because the object is missing or not visible: one ``denied`` row."""
    return record_access(
        user=user,
        objects_or_ids=[object_id],
        object_type=object_type,
        route=route,
        outcome=Outcome.DENIED,
        purpose=purpose,
    )


def _separate_audit_connection() -> bool:
    # Always on in the service. The test suite turns it off for tests that run inside one rolled-back transaction
    # (tests/conftest.py): nothing commits there, so there is no rollback to survive, and a second connection
    # could not see the rows the test created. Tests of the survival itself are transactional and keep it on.
    return bool(getattr(settings, "AUDIT_SEPARATE_CONNECTION", True))


def access_rows_for(*, object_ids: Sequence[Any]) -> models.QuerySet[AccessLog]:
    return AccessLog.objects.filter(object_ids__overlap=[str(i) for i in object_ids])
