"""Adding attachments: type allow-list (extension and content), size limit, SHA-256, uploader and time."""

from __future__ import annotations

import hashlib
import itertools
import logging
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.attachments import filetypes
from safeguarding.attachments.models import Attachment
from safeguarding.exceptions import ActionForbidden, InvalidInput

logger = logging.getLogger(__name__)

FIELD = "file"
ATTACHMENTS_DIR = "attachments"  # see models.attachment_path


def max_size_display() -> str:
    limit = settings.ATTACHMENT_MAX_BYTES
    if limit >= 1024 * 1024:
        return f"{limit / (1024 * 1024):g} MB"
    return f"{limit / 1024:g} KB"


def _validate(uploaded_file: UploadedFile[Any] | None) -> tuple[filetypes.FileType, str, int]:
    """The file's type, SHA-256 and size, or ``InvalidInput`` with a message fit for the GOV.UK error summary."""
    if uploaded_file is None:
        raise InvalidInput.field(FIELD, "Select a file")
    size = uploaded_file.size or 0
    if size == 0:
        raise InvalidInput.field(FIELD, "The selected file is empty")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput.field(FIELD, f"The selected file must be smaller than {max_size_display()}")
    name = uploaded_file.name or ""
    if filetypes.type_for_name(name) is None:
        raise InvalidInput.field(FIELD, f"The selected file must be {filetypes.ALLOWED_DESCRIPTION}")
    file_type = filetypes.accepts(name=name, sniffed=filetypes.sniff(uploaded_file))
    if file_type is None:
        raise InvalidInput.field(
            FIELD, f"The selected file's content does not match its type. It must be {filetypes.ALLOWED_DESCRIPTION}"
        )
    digest = hashlib.sha256()
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    return file_type, digest.hexdigest(), size


def _clean_name(name: str) -> str:
    """The uploaded name without any path, control characters or quotes (it goes into a header on download)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return cleaned.strip()[:255] or "attachment"


def attachment_add(*, parent: models.Model, uploaded_file: UploadedFile[Any] | None, by: User) -> Attachment:
    """Attach ``uploaded_file`` to ``parent`` (which ``by`` must be able to see and be allowed to add files to).

    Raises ``Http404`` when ``by`` cannot see ``parent``, ``ActionForbidden`` when they may not attach to it, and
    ``InvalidInput`` (field ``file``) for a missing, empty, oversized or disallowed file.
    """
    rule = registry.attachment_parent(type(parent))
    if rule is None:
        raise InvalidInput.field("parent_type", "Files cannot be attached to this kind of record")
    if not registry.is_visible(parent, user=by):
        raise Http404("Not found")
    if not rule.may_attach(by, parent):
        raise ActionForbidden("You cannot add files to this record.")
    file_type, sha256, size = _validate(uploaded_file)
    assert uploaded_file is not None
    attachment = Attachment(
        parent_type=ContentType.objects.get_for_model(parent),
        parent_id=str(parent.pk),
        original_name=_clean_name(uploaded_file.name or ""),
        file_type=file_type.key,
        content_type=file_type.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=by,
    )
    # The file is written before the row, so a row never points at a missing file. If this transaction (or an
    # outer one) rolls back afterwards, the stored file is an orphan: unreachable, because downloads start from
    # the row. Django has no rollback hook: attachment_orphans_sweep removes such files a day later.
    with transaction.atomic():
        attachment.file.save(attachment.pk.hex, File(uploaded_file), save=False)
        stored_name = attachment.file.name
        try:
            attachment.save()
        except Exception:
            _discard(stored_name)
            raise
    return attachment


def _discard(name: str | None) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:  # pragma: no cover - storage outage: the file is unreachable anyway
        logger.warning("could not remove an orphaned attachment file")


ORPHAN_GRACE = timedelta(days=1)  # longer than any transaction that writes a file before its row


def _stored_files(directory: str) -> Iterator[str]:
    """Every file below ``directory``. Listing works by prefix on object stores (S3 has no directories to test for
    with ``exists``); a file system without the directory yet has nothing to list."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}"
    for sub in directories:
        yield from _stored_files(f"{directory}/{sub}")


def attachment_orphans_sweep(*, now: datetime | None = None, grace: timedelta = ORPHAN_GRACE) -> int:
    """Delete stored files that no attachment row names and that are older than ``grace``: files written by a
    transaction that then rolled back (``attachment_add`` writes the file before the row). Returns how many."""
    cutoff = (now or timezone.now()) - grace
    removed = 0
    old = (name for name in _stored_files(ATTACHMENTS_DIR) if default_storage.get_modified_time(name) < cutoff)
    while batch := list(itertools.islice(old, 500)):
        named = set(Attachment.objects.filter(file__in=batch).values_list("file", flat=True))
        for name in batch:
            if name not in named:
                _discard(name)
                removed += 1
    if removed:
        logger.info("removed %d orphaned attachment files", removed)
    return removed
