"""Reading attachments: always through the parent's visibility rule, and always access-logged.

An attachment is never fetched for a user by its id alone: its parent is resolved with ``registry.resolve_visible``
and an invisible (or missing) parent answers 404 exactly like a missing file, with a ``denied`` access row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import Http404

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.attachments.models import Attachment
from safeguarding.audit.services import record_access, record_denied


def parent_model_for(parent_type: str) -> type[models.Model] | None:
    """``"app_label.model"`` to a model registered as an attachment parent (None for anything else)."""
    app_label, _, model_name = (parent_type or "").strip().lower().partition(".")
    if not app_label or not model_name:
        return None
    try:
        model = ContentType.objects.get_by_natural_key(app_label, model_name).model_class()
    except ContentType.DoesNotExist:
        return None
    if model is None or registry.attachment_parent(model) is None:
        return None
    return model


def parent_type_label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def parent_get_visible_or_404(*, user: User, parent_type: str, parent_id: str, route: str) -> Any:
    """The parent record if ``user`` may see it; otherwise a ``denied`` access row and 404."""
    model = parent_model_for(parent_type)
    if model is None:
        record_denied(user=user, object_type=parent_type[:100] or "unknown", object_id=parent_id, route=route)
        raise Http404("Not found")
    try:
        return registry.get_visible_or_404(model, user=user, pk=parent_id)
    except Http404:
        record_denied(user=user, object_type=model, object_id=parent_id, route=route)
        raise


def attachments_of(*, parent: models.Model) -> QuerySet[Attachment]:
    """The files of a parent the caller has already resolved through its visibility rule."""
    return Attachment.objects.filter(
        parent_type=ContentType.objects.get_for_model(parent), parent_id=str(parent.pk)
    ).select_related("uploaded_by")


def attachments_list(*, user: User, parent: models.Model, route: str) -> list[Attachment]:
    """A visible parent's files, with one access row naming the files shown (file names can be personal data)."""
    rows = list(attachments_of(parent=parent))
    record_access(user=user, objects_or_ids=[a.pk for a in rows], object_type=Attachment, route=route, purpose="list")
    return rows


def attachment_open(*, user: User, pk: Any, route: str) -> tuple[Attachment, Any]:
    """An attachment and its parent for download, through the parent's visibility; audited either way.

    The access row names the attachment and its parent (so "who viewed this record" finds downloads of its files)
    and carries the file's SHA-256.
    """
    try:
        attachment = Attachment.objects.select_related("parent_type").filter(pk=pk).first()
    except (ValueError, ValidationError):
        attachment = None
    parent = None
    if attachment is not None:
        parent = registry.resolve_visible(attachment.parent_type, attachment.parent_id, user=user)
    if attachment is None or parent is None:
        record_denied(user=user, object_type=Attachment, object_id=pk, route=route, purpose="download")
        raise Http404("Not found")
    record_access(
        user=user,
        objects_or_ids=[attachment, parent],
        object_type=Attachment,
        route=route,
        purpose="download",
        document_sha256=attachment.sha256,
    )
    return attachment, parent


def may_attach(*, user: User, parent: models.Model) -> bool:
    rule = registry.attachment_parent(type(parent))
    return rule is not None and rule.may_attach(user, parent)
