""" "My actions": open actions of every registered kind owned by the user or their agency, overdue first."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from safeguarding.accounts.models import User
from safeguarding.actions.selectors import ActionRow, my_open_actions
from safeguarding.audit.services import record_access

PANEL_LIMIT = 5


def _record(user: User, rows: list[ActionRow], route: str) -> None:
    # Descriptions may hold personal data: one access row naming every action shown (of whichever kinds).
    kinds = sorted({row.action._meta.label_lower for row in rows})
    record_access(
        user=user,
        objects_or_ids=[row.action for row in rows],
        object_type=",".join(kinds)[:100] or "actions",
        route=route,
        purpose="my actions",
    )


@require_GET
def my_actions(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    rows = my_open_actions(user=user)
    _record(user, rows, "actions:my-actions")
    return render(request, "actions/my_actions.html", {"rows": rows, "today": timezone.localdate()})


@require_GET
def my_actions_panel(request: HttpRequest) -> HttpResponse:
    """The My-work panel: the first few (a fragment for htmx; the full page otherwise)."""
    if not getattr(request, "htmx", False):
        return redirect("actions:my-actions")
    user: User = request.user  # type: ignore[assignment]
    rows = my_open_actions(user=user, limit=PANEL_LIMIT + 1)
    shown = rows[:PANEL_LIMIT]
    _record(user, shown, "actions:panel")
    return render(request, "actions/my_actions.html#my-actions-panel", {"rows": shown, "more": len(rows) > PANEL_LIMIT})
