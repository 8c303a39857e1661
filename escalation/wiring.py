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

    registry.register_visibility(
        Deadline,
        deadlines_visible,
        url=_deadline_url,
        label=_deadline_label,
        case_id=lambda d: registry.case_id_of(d.subject) if d.subject is not None else None,
    )
    registry.register_my_work_panel(
        "deadlines", title="Deadlines", url_name="escalation:my-deadlines", order=20, roles=CASE_WORKING_ROLES
    )
    registry.register_demo_step("timescale policies and calendars", demo.seed, order=30)

    register_kind(ACK_KIND, label="High-risk notification acknowledgement", due_query=AcknowledgementFallback())
    # Tracked actions' due dates: the owning app starts the clock (start_clock(subject=action, kind="action_due",
    # holder_user=owner, due_at=…)); completion and cancellation stop it here.
    register_kind(ACTION_DUE, label="Action due", policy_key="default_action_due")
    register_action_listener(_on_action_change)
    _register_disagreements()
    _register_information_requests()
    _register_agreement_reviews()


def _register_disagreements() -> None:
    from escalation.disagreements import selectors as disagreements
    from escalation.disagreements import services as disagreement_services
    from escalation.disagreements.models import Disagreement
    from escalation.kinds import register_kind
    from safeguarding.roles import LEAD_ROLES, Role
    from safeguarding.web.navigation import register_nav

    registry.register_visibility(
        Disagreement,
        lambda u: disagreements.disagreement_list_for_user(user=u),
        url=lambda d: reverse("escalation:disagreement", args=[d.pk]),
        label=lambda d: f"Disagreement {d.reference}",
        owner_agency=lambda d: d.raiser_agency_id,
        case_id=lambda d: d.case_id,
    )
    registry.register_my_work_panel(
        "disagreements",
        title="Disagreements awaiting me",
        url_name="escalation:disagreements-awaiting",
        order=30,
        roles=CASE_WORKING_ROLES,
    )
    registry.register_case_panel(
        "disagreements", title="Professional disagreements", url_name="escalation:case-disagreements", order=80
    )
    register_nav(
        "escalations",
        label="Escalations",
        url_name="escalation:escalations",
        order=60,
        roles=[*LEAD_ROLES, Role.DIRECTOR, Role.TEAM_MANAGER, Role.SAB_CHAIR],
    )
    for stage in (1, 2, 3):
        # An unresolved stage escalates itself at its deadline: the breach handler moves it up; no ladder of its own.
        register_kind(
            disagreement_services.stage_kind(stage),
            label=f"Disagreement stage {stage}",
            policy_key=f"escalation_stage_{stage}",
            on_breach=disagreement_services.on_stage_breach,
            ladder=(),
        )
    # Stage 4 is the top: when it runs over, the engine's ladder tells the leads, director and SAB chair.
    register_kind(disagreement_services.stage_kind(4), label="Disagreement stage 4", policy_key="escalation_stage_4")

    from escalation.disagreements import demo

    registry.register_demo_step("disagreements", demo.seed, order=60)


INFORMATION_REQUEST = "information_request"


def _on_information_request(request: Any, event: str) -> Any:
    """The holder answers within the policy timescale; overdue requests climb the standard ladder."""
    from escalation import services

    if event == "created":
        deadline = services.start_clock(
            subject=request,
            kind=INFORMATION_REQUEST,
            policy_key="information_request_response",
            start=request.created_at,
            holder_agency=request.holder_agency,
            area=request.area,
            due_at=request.due_at,
        )
        return deadline.due_at
    if event == "responded":
        services.meet_clock(subject=request, kind=INFORMATION_REQUEST, by=request.responded_by)
    elif event == "withdrawn":
        services.cancel_clock(subject=request, kind=INFORMATION_REQUEST, reason="Request withdrawn")
    return None


def _register_information_requests() -> None:
    from escalation.kinds import register_kind
    from safeguarding.sharing.requests import register_request_listener

    register_kind(INFORMATION_REQUEST, label="Information request answer", policy_key="information_request_response")
    register_request_listener(_on_information_request)


AGREEMENT_REVIEW = "sharing_agreement_review"


def _agreement_review_due(*, deadline: Any, now: Any) -> None:
    """The reminder: every signatory agency's leads hear that the agreement is due for review."""
    from safeguarding.notifications.services import notify
    from safeguarding.organisations.selectors import agency_leads

    agreement = deadline.subject
    if agreement is None or not agreement.active:
        return
    people = [lead for agency in agreement.signatories.all() for lead in agency_leads(agency)]
    notify(
        recipients=people,
        kind="agreement_review",
        title=f"Sharing agreement {agreement.title!r} is due for review by {agreement.review_date:%d %B %Y}",
        target=agreement,
        dedupe_key=f"agreement-review:{agreement.pk}:{agreement.review_date:%Y%m%d}",
    )


def _on_agreement(agreement: Any, event: str) -> None:
    from escalation import services
    from safeguarding.sharing.agreements import reminder_due

    if event != "saved":
        return
    services.cancel_clock(subject=agreement, kind=AGREEMENT_REVIEW, reason="Agreement saved with a new review date")
    holder = agreement.signatories.order_by("name").first()
    if holder is None:
        return
    services.start_clock(
        subject=agreement,
        kind=AGREEMENT_REVIEW,
        holder_agency=holder,
        area=agreement.area,
        due_at=reminder_due(agreement),
    )


def _register_agreement_reviews() -> None:
    from escalation.kinds import register_kind
    from safeguarding.sharing.agreements import register_agreement_listener

    register_kind(
        AGREEMENT_REVIEW, label="Sharing agreement review reminder", on_breach=_agreement_review_due, ladder=()
    )
    register_agreement_listener(_on_agreement)
