"""The clock engine's registrations with the platform (called from ``EscalationConfig.ready()``)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from safeguarding import registry
from safeguarding.roles import CASE_WORKING_ROLES

ACTION_DUE = "action_due"


def _deadline_url(deadline: Any) -> str:
    return reverse("escalation:deadline", args=[deadline.pk])


def _deadline_label(deadline: Any) -> str:
    return f"{deadline.kind_label()} ({deadline.reference})"


def _on_action_change(action: Any, event: str) -> None:
    """Tracked actions (plan, meeting and review actions) meet or cancel their due clock as they change."""
    from escalation import services

    if event in ("completed", "verified"):
        services.meet_clock(subject=action, kind=ACTION_DUE, by=getattr(action, "completed_by", None))
    elif event == "cancelled":
        services.cancel_clock(subject=action, kind=ACTION_DUE, reason=action.cancelled_reason or "Action cancelled")


def register() -> None:
    from escalation import demo
    from escalation.ack_fallback import KIND as ACK_KIND
    from escalation.ack_fallback import AcknowledgementFallback
    from escalation.kinds import register_kind
    from escalation.models import Deadline
    from escalation.selectors import deadlines_visible
    from safeguarding.actions.services import register_action_listener

    registry.register_visibility(Deadline, deadlines_visible, url=_deadline_url, label=_deadline_label)
    registry.register_my_work_panel(
        "deadlines", title="Deadlines", url_name="escalation:my-deadlines", order=20, roles=CASE_WORKING_ROLES
    )
    registry.register_demo_step("timescale policies and calendars", demo.seed, order=30)

    register_kind(ACK_KIND, label="High-risk notification acknowledgement", due_query=AcknowledgementFallback())
    # Tracked actions' due dates: the owning app starts the clock (start_clock(subject=action, kind="action_due",
    # holder_user=owner, due_at=…)); completion and cancellation stop it here.
    register_kind(ACTION_DUE, label="Action due", policy_key="default_action_due")
    register_action_listener(_on_action_change)
