"""The manager's reassignment list, its My-work panel and "mark as reassigned"."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.leavers.models import ReassignmentItem
from safeguarding.leavers.selectors import reassignment_items_open
from safeguarding.leavers.services import reassignment_resolve

PANEL_LIMIT = 5


@require_GET
def reassignment_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    items = list(reassignment_items_open(user))
    record_access(user=user, objects_or_ids=items, object_type=ReassignmentItem, route="leavers:list")
    return render(request, "leavers/list.html", {"items": items})


@require_GET
def reassignment_panel(request: HttpRequest) -> HttpResponse:
    """My-work panel: the first few open items (a fragment for htmx; the full list otherwise)."""
    if not getattr(request, "htmx", False):
        return redirect("leavers:list")
    user: User = request.user  # type: ignore[assignment]
    qs = reassignment_items_open(user)
    items = list(qs[: PANEL_LIMIT + 1])
    record_access(user=user, objects_or_ids=items[:PANEL_LIMIT], object_type=ReassignmentItem, route="leavers:panel")
    return render(
        request,
        "leavers/list.html#reassignment-panel",
        {"items": items[:PANEL_LIMIT], "more": len(items) > PANEL_LIMIT},
    )


@require_POST
def reassignment_mark(request: HttpRequest, pk: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    item = registry.get_visible_or_404(ReassignmentItem, user=user, pk=pk)
    item = reassignment_resolve(item=item, by=user)
    if getattr(request, "htmx", False):
        return render(request, "leavers/list.html#reassignment-row", {"item": item})
    messages.success(request, "Marked as reassigned")
    return redirect("leavers:list")
