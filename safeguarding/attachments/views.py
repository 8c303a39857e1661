"""The attachment panel (list and upload, for any registered parent) and visibility-checked downloads."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.attachments import selectors
from safeguarding.attachments.forms import AttachmentForm
from safeguarding.attachments.responses import download_response
from safeguarding.attachments.services import attachment_add
from safeguarding.exceptions import ActionForbidden, InvalidInput

PANEL_ROUTE = "attachments:panel"
DOWNLOAD_ROUTE = "attachments:download"


def _safe_next(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return None


@require_http_methods(["GET", "POST"])
def attachment_panel(request: HttpRequest, parent_type: str, parent_id: str) -> HttpResponse:
    """List a record's files and (for those allowed) add one. A page without JavaScript, a fragment with htmx."""
    user: User = request.user  # type: ignore[assignment]
    parent = selectors.parent_get_visible_or_404(
        user=user, parent_type=parent_type, parent_id=parent_id, route=PANEL_ROUTE
    )
    can_attach = selectors.may_attach(user=user, parent=parent)
    htmx = bool(getattr(request, "htmx", False))
    status = 200
    added = None
    if request.method == "POST":
        if not can_attach:
            raise PermissionDenied
        form = AttachmentForm(request.POST, request.FILES)
        form.is_valid()
        try:
            added = attachment_add(parent=parent, uploaded_file=request.FILES.get("file"), by=user)
        except ActionForbidden as exc:
            raise PermissionDenied from exc
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error("file" if field not in form.fields else field, error)
            status = 422 if htmx else 400
        else:
            if not htmx:
                messages.success(request, "The file has been added")
                return redirect(_safe_next(request, form.cleaned_data.get("next")) or request.path)
    else:
        current = request.htmx.current_url_abs_path if htmx else registry.object_url(parent)  # type: ignore[attr-defined]
        form = AttachmentForm(initial={"next": current or ""})
    context: dict[str, Any] = {
        "parent": parent,
        "parent_type": selectors.parent_type_label(type(parent)),
        "parent_label": registry.object_label(parent),
        "parent_url": registry.object_url(parent),
        "attachments": selectors.attachments_list(user=user, parent=parent, route=PANEL_ROUTE),
        "can_attach": can_attach,
        "form": AttachmentForm(initial={"next": form["next"].value()}) if added else form,
        "added": added,
    }
    template = "attachments/panel.html" + ("#attachment-panel" if htmx else "")
    return render(request, template, context, status=status)


@require_GET
def attachment_download(request: HttpRequest, pk: str) -> FileResponse:
    attachment, _parent = selectors.attachment_open(user=request.user, pk=pk, route=DOWNLOAD_ROUTE)  # type: ignore[arg-type]
    return download_response(attachment)


def panel_url(parent: Any) -> str:
    """Where a parent's page loads its attachment panel from (``hx-get``)."""
    return reverse(PANEL_ROUTE, args=[selectors.parent_type_label(type(parent)), parent.pk])
