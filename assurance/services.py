"""Writes for assurance: evidence packs (draft → narrative → two sign-offs → render → download) and training
records (one by one, or imported from CSV)."""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from assurance import figures as fig
from assurance.metrics.periods import Period
from assurance.metrics.registry import Context
from assurance.models import (
    NARRATIVE_FIELDS,
    EvidencePack,
    PackStatus,
    RenderStatus,
    Signatory,
    TrainingLevel,
    TrainingRecord,
    TrainingTopic,
)
from assurance.selectors import is_provider_lead
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.organisations.models import Agency
from safeguarding.queue import enqueue_on_commit
from safeguarding.roles import Role, has_any_role

logger = logging.getLogger(__name__)

SIGNATORY_ROLES: dict[str, frozenset[str]] = {
    Signatory.SAFEGUARDING_LEAD: frozenset({Role.SAFEGUARDING_LEAD, Role.LA_SAFEGUARDING_MANAGER}),
    Signatory.EXECUTIVE_LEAD: frozenset({Role.EXECUTIVE_LEAD, Role.DIRECTOR}),
}


def _require_lead(pack_agency_id: Any, by: User) -> None:
    if not is_provider_lead(by, pack_agency_id):
        raise ActionForbidden("Only the organisation's safeguarding or executive leads may prepare evidence packs.")


def pack_figures(*, agency: Agency, period: Period) -> dict[str, Any]:
    """The suppressed figures a pack reports (it leaves the provider), with quarterly trends."""
    ctx = Context(period=period, agency_ids=(agency.pk,))
    payload = fig.metrics_payload(ctx, exact=False)
    payload["organisation"] = agency.name
    payload["schema"] = 1
    return payload


@transaction.atomic
def pack_create(*, by: User, period: Period) -> EvidencePack:
    membership = by.agency_membership
    if membership is None:
        raise ActionForbidden()
    agency = membership.agency
    _require_lead(agency.pk, by)
    data = pack_figures(agency=agency, period=period)
    # Numbering is serialised on the agency's row (a no-key lock: rows referring to the agency can still be written),
    # so two leads creating a version at once get consecutive numbers rather than a unique-constraint error.
    Agency.objects.select_for_update(no_key=True).filter(pk=agency.pk).exists()
    number = (EvidencePack.objects.filter(agency=agency, period=period.label).aggregate(n=Max("number"))["n"] or 0) + 1
    pack = EvidencePack.objects.create(
        agency=agency,
        period=period.label,
        period_start=period.start,
        period_end=period.end,
        number=number,
        figures=data,
        figures_sha256=fig.sha256(fig.canonical(data)),
        created_by=by,
    )
    record_access(user=by, objects_or_ids=[pack.pk], object_type=EvidencePack, route="assurance:pack-create")
    return pack


@transaction.atomic
def pack_update_narrative(*, pack: EvidencePack, by: User, **narrative: str) -> EvidencePack:
    _require_lead(pack.agency_id, by)
    pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
    if pack.status != PackStatus.DRAFT or pack.safeguarding_lead_id or pack.executive_lead_id:
        raise TransitionNotAllowed("A pack with a sign-off cannot change: start a new version instead.")
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise InvalidInput(errors={name: ["Not a narrative field"] for name in sorted(unknown)})
    for name, value in narrative.items():
        setattr(pack, name, (value or "").strip())
    pack.version = F("version") + 1
    pack.updated_at = timezone.now()
    pack.save()
    pack.refresh_from_db()
    return pack


@transaction.atomic
def pack_sign(*, pack: EvidencePack, by: User, capacity: str) -> EvidencePack:
    """Sign off as the named safeguarding lead or the executive lead: two different people, both required."""
    if capacity not in SIGNATORY_ROLES:
        raise InvalidInput.field("capacity", "Choose safeguarding_lead or executive_lead")
    pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
    membership = by.agency_membership
    if (
        membership is None
        or membership.agency_id != pack.agency_id
        or not has_any_role(membership.roles, SIGNATORY_ROLES[capacity])
    ):
        raise ActionForbidden(f"Only the organisation's {Signatory(capacity).label.lower()} may sign in that capacity.")
    if pack.status != PackStatus.DRAFT:
        raise TransitionNotAllowed("This version is already signed off.")
    if getattr(pack, f"{capacity}_id"):
        raise TransitionNotAllowed(f"The {Signatory(capacity).label.lower()} has already signed this version.")
    other = Signatory.EXECUTIVE_LEAD if capacity == Signatory.SAFEGUARDING_LEAD else Signatory.SAFEGUARDING_LEAD
    if getattr(pack, f"{other}_id") == by.pk:
        raise ActionForbidden("The two sign-offs must be given by two different people.")
    if not pack.assurance_statement.strip():
        raise InvalidInput.field("assurance_statement", "Write the assurance statement before signing off")
    now = timezone.now()
    setattr(pack, capacity, by)
    setattr(pack, f"{capacity}_name", by.full_name)
    setattr(pack, f"{capacity}_signed_at", now)
    if getattr(pack, f"{other}_id"):
        pack.status = PackStatus.SIGNED
    pack.version = F("version") + 1
    pack.updated_at = now
    pack.save()
    pack.refresh_from_db()
    return pack


@transaction.atomic
def pack_new_version(*, pack: EvidencePack, by: User) -> EvidencePack:
    """A new draft for the same period, with fresh figures and the narrative copied; the old version is kept."""
    _require_lead(pack.agency_id, by)
    period = Period(pack.period, pack.period_start, pack.period_end)
    new = pack_create(by=by, period=period)
    for name in NARRATIVE_FIELDS:
        setattr(new, name, getattr(pack, name))
    new.save(update_fields=list(NARRATIVE_FIELDS))
    return new


@transaction.atomic
def pack_request_render(*, pack: EvidencePack, by: User) -> EvidencePack:
    """Queue the PDF in the ``pdf`` queue (answers at once; the worker reports progress on the pack)."""
    _require_lead(pack.agency_id, by)
    pack = EvidencePack.objects.select_for_update().get(pk=pack.pk)
    if pack.status != PackStatus.SIGNED:
        raise TransitionNotAllowed("Both leads must sign off before the pack is rendered.")
    if pack.render_status in (RenderStatus.QUEUED, RenderStatus.RENDERING):
        return pack
    if pack.render_status == RenderStatus.READY:
        raise TransitionNotAllowed("This version is already rendered: download it.")
    pack.render_status = RenderStatus.QUEUED
    pack.progress = 0
    pack.progress_message = "Waiting for a worker"
    pack.render_error = ""
    pack.render_requested_at = timezone.now()
    pack.render_requested_by = by
    pack.save(
        update_fields=[
            "render_status",
            "progress",
            "progress_message",
            "render_error",
            "render_requested_at",
            "render_requested_by",
        ]
    )
    from assurance import tasks

    enqueue_on_commit(tasks.render_evidence_pack, str(pack.pk))
    return pack


def _progress(pack_id: Any, percent: int, message: str, **extra: Any) -> None:
    # Autocommit (no surrounding transaction): pollers see each step as it happens.
    EvidencePack.objects.filter(pk=pack_id).update(progress=percent, progress_message=message, **extra)


def pack_render(*, pack_id: Any) -> EvidencePack | None:
    """Render a queued pack (the worker's job). Idempotent: a ready pack is left alone; a redelivered task after a
    lost worker starts again from the frozen figures, so the document is the same."""
    from assurance import pdf

    claimed = EvidencePack.objects.filter(
        pk=pack_id, render_status__in=[RenderStatus.QUEUED, RenderStatus.RENDERING, RenderStatus.FAILED]
    ).update(render_status=RenderStatus.RENDERING, progress=5, progress_message="Starting")
    if not claimed:
        return EvidencePack.objects.filter(pk=pack_id).first()
    pack = EvidencePack.objects.select_related("agency").get(pk=pack_id)
    try:
        document, manifest = pdf.render_pack(pack, progress=lambda p, m: _progress(pack.pk, p, m))
    except Exception as exc:
        logger.exception("evidence pack %s failed to render", pack.pk)
        _progress(pack.pk, 0, "Failed", render_status=RenderStatus.FAILED, render_error=type(exc).__name__)
        raise
    digest = fig.sha256(document)
    manifest["pdf_sha256"] = digest
    manifest["pdf_bytes"] = len(document)
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.pdf:  # a render again after a failure or a lost worker: replace the file, keep no orphan
            pack.pdf.delete(save=False)
        pack.pdf.save(f"{pack.pk}.pdf", ContentFile(document), save=False)
        pack.pdf_sha256 = digest
        pack.manifest = manifest
        pack.generated_at = timezone.now()
        pack.render_status = RenderStatus.READY
        pack.progress = 100
        pack.progress_message = "Ready"
        pack.save()
        record_access(
            user=pack.render_requested_by,
            objects_or_ids=[pack.pk],
            object_type=EvidencePack,
            route="assurance.tasks.render_evidence_pack",
            purpose="evidence pack generated",
            document_sha256=digest,
        )
    return pack


def pack_downloaded(*, pack: EvidencePack, by: User, route: str, fmt: str = "pdf") -> None:
    record_access(
        user=by,
        objects_or_ids=[pack.pk],
        object_type=EvidencePack,
        route=route,
        purpose=f"evidence pack downloaded ({fmt})",
        document_sha256=pack.pdf_sha256 if fmt == "pdf" else pack.figures_sha256,
    )


# --- training records -------------------------------------------------------------------------------------------


def _require_training_admin(by: User) -> Agency:
    from assurance.selectors import may_manage_training

    membership = by.agency_membership
    if membership is None or not may_manage_training(by):
        raise ActionForbidden("Only agency administrators and leads may record training.")
    return membership.agency


def _validate_training(
    *,
    agency: Agency,
    staff: User | None,
    required_level: str,
    topic: str,
    course: str,
    completed_at: Any,
    expires_at: Any,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if staff is None or getattr(staff.agency_membership, "agency_id", None) != agency.pk:
        errors["staff"] = ["Choose a member of your organisation's staff"]
    if required_level not in TrainingLevel.values:
        errors["required_level"] = ["Choose a level: L1 to L5 or board"]
    if topic not in TrainingTopic.values:
        errors["topic"] = ["Choose adult safeguarding or Prevent"]
    if not (course or "").strip():
        errors["course"] = ["Enter the course name"]
    if not isinstance(completed_at, date):
        errors["completed_at"] = ["Enter the date completed as YYYY-MM-DD"]
    elif completed_at > timezone.localdate():
        errors["completed_at"] = ["The date completed cannot be in the future"]
    if not isinstance(expires_at, date):
        errors["expires_at"] = ["Enter the expiry date as YYYY-MM-DD"]
    elif isinstance(completed_at, date) and expires_at <= completed_at:
        errors["expires_at"] = ["The expiry date must be after the date completed"]
    return errors


@transaction.atomic
def training_record_create(
    *,
    by: User,
    staff: User | None,
    required_level: str,
    course: str,
    completed_at: date,
    expires_at: date,
    topic: str = TrainingTopic.SAFEGUARDING_ADULTS,
    role: str = "",
) -> TrainingRecord:
    agency = _require_training_admin(by)
    errors = _validate_training(
        agency=agency,
        staff=staff,
        required_level=required_level,
        topic=topic,
        course=course,
        completed_at=completed_at,
        expires_at=expires_at,
    )
    if errors:
        raise InvalidInput(errors=errors)
    assert staff is not None
    return TrainingRecord.objects.create(
        agency=agency,
        staff=staff,
        role=role.strip(),
        topic=topic,
        required_level=required_level,
        course=course.strip(),
        completed_at=completed_at,
        expires_at=expires_at,
        recorded_by=by,
    )


IMPORT_COLUMNS = ("email", "role", "topic", "required_level", "course", "completed_at", "expires_at")
MAX_IMPORT_ROWS = 5000


@dataclass
class ImportResult:
    created: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)  # [{"row": n, "errors": {column: [msg]}}]

    @property
    def ok(self) -> bool:
        return not self.errors


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def training_import_csv(*, by: User, text: str) -> ImportResult:
    """Import training records from CSV (columns: ``IMPORT_COLUMNS``; ``topic`` may be blank for adult
    safeguarding). All or nothing: any invalid row imports nothing and the result lists every row's errors."""
    agency = _require_training_admin(by)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in IMPORT_COLUMNS if c not in (reader.fieldnames or []) and c not in ("role", "topic")]
    if missing:
        raise InvalidInput(
            "The file's header row is missing columns", errors={"file": [f"Missing column(s): {', '.join(missing)}"]}
        )
    rows = list(reader)
    if not rows:
        raise InvalidInput(errors={"file": ["The file has no rows"]})
    if len(rows) > MAX_IMPORT_ROWS:
        raise InvalidInput(errors={"file": [f"At most {MAX_IMPORT_ROWS} rows per file"]})
    emails = {(r.get("email") or "").strip().lower() for r in rows}
    staff_by_email = {
        u.email.lower(): u
        for u in User.objects.filter(email__in=emails, membership__agency=agency).select_related("membership")
    }
    result = ImportResult()
    valid: list[TrainingRecord] = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        staff = staff_by_email.get((row.get("email") or "").strip().lower())
        data: dict[str, Any] = {
            "required_level": (row.get("required_level") or "").strip(),
            "topic": (row.get("topic") or "").strip() or TrainingTopic.SAFEGUARDING_ADULTS,
            "course": (row.get("course") or "").strip(),
            "completed_at": _date(row.get("completed_at") or ""),
            "expires_at": _date(row.get("expires_at") or ""),
        }
        errors = _validate_training(agency=agency, staff=staff, **data)
        if "staff" in errors:
            errors["email"] = ["No member of your organisation's staff has this email address"]
            del errors["staff"]
        if errors:
            result.errors.append({"row": number, "errors": errors})
            continue
        valid.append(
            TrainingRecord(agency=agency, staff=staff, role=(row.get("role") or "").strip(), recorded_by=by, **data)
        )
    if result.errors:
        return result
    with transaction.atomic():
        TrainingRecord.objects.bulk_create(valid)
    result.created = len(valid)
    return result
