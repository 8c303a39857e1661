"""The cases app plugs into the platform: visibility rules, clocks, panels, leavers, action kinds, demo data."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from cases.models import Case

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.organisations.models import RESTRICTED_AGENCY_TYPES
from safeguarding.roles import CASE_WORKING_ROLES
from safeguarding.sharing.codes import Direction, Purpose, Scope
from safeguarding.sharing.models import SharingDecision
from safeguarding.sharing.registry import Shareable, register_shareable
from safeguarding.web.navigation import register_nav


def _leaver_cases(user: User) -> Iterable[registry.WorkItem]:
    from cases.services.lifecycle import open_cases_led_by

    for case in open_cases_led_by(user).only("pk", "reference"):
        yield registry.WorkItem(
            kind="case",
            label=f"Lead practitioner for case {case.reference}",
            url=reverse("cases:detail", args=[case.pk]),
            object_id=str(case.pk),
        )


def _on_shared(case: Case, decision: SharingDecision) -> None:
    """Sharing decisions about a case appear on its chronology (automatic entries)."""
    from cases.models import EntryType
    from cases.services import chronology_add_automatic

    recipient, purpose = decision.recipient_label, Purpose(decision.purpose).label
    if decision.revoked_at is not None:
        summary = f"Sharing with {recipient} ({purpose}) revoked: {decision.revoked_reason}"
    elif decision.direction == Direction.REFUSE:
        summary = f"Decision not to share with {recipient} ({purpose}) recorded"
    else:
        until = f", until {decision.expires_at:%d %B %Y}" if decision.expires_at else ""
        summary = f"Shared with {recipient} for {purpose}: {Scope(decision.scope).label.lower()}{until}"
    chronology_add_automatic(
        case=case,
        summary=summary,
        agency=decision.owner_agency,
        entry_type=EntryType.INFORMATION_SHARING,
        by=decision.decided_by,
    )


def register() -> None:
    from cases import clocks, exports, selectors
    from cases.models import (
        CapacityAssessment,
        Case,
        CaseGroupObjectPermission,
        CaseUserObjectPermission,
        ChronologyEntry,
        Concern,
        DashAssessment,
        Enquiry,
        Person,
        PlanAction,
        SafeguardingPlan,
    )

    def case_url(case: Case) -> str:
        return reverse("cases:detail", args=[case.pk])

    def rule(model: type, selector: Callable[[User], Any], case_of: Callable[[Any], Any], label: str = "") -> None:
        registry.register_visibility(
            model,
            selector,
            url=lambda obj: case_url(case_of(obj)),
            label=(lambda obj: f"{label} on case {case_of(obj).reference}") if label else None,
            owner_agency=lambda obj: case_of(obj).owning_agency_id,
            case_id=lambda obj: case_of(obj).pk,
        )

    registry.register_visibility(
        Case,
        lambda u: selectors.case_list_for_user(user=u),
        url=case_url,
        label=lambda c: f"Case {c.reference}",
        owner_agency=lambda c: c.owning_agency_id,
        case_id=lambda c: c.pk,
    )
    registry.register_visibility(Person, lambda u: selectors.person_list_for_user(user=u))
    rule(ChronologyEntry, lambda u: selectors.chronology_list_for_user(user=u), lambda e: e.case, "Chronology entry")
    rule(Concern, lambda u: selectors.concern_list_for_user(user=u), lambda c: c.case, "Concern")
    rule(Enquiry, lambda u: selectors.enquiry_list_for_user(user=u), lambda e: e.case, "Enquiry")
    rule(SafeguardingPlan, lambda u: selectors.plan_list_for_user(user=u), lambda p: p.case, "Plan")
    rule(PlanAction, lambda u: selectors.plan_action_list_for_user(user=u), lambda a: a.plan.case, "Plan action")
    rule(
        CapacityAssessment, lambda u: selectors.capacity_list_for_user(user=u), lambda a: a.case, "Capacity assessment"
    )
    rule(DashAssessment, lambda u: selectors.dash_list_for_user(user=u), lambda d: d.case, "DASH checklist")
    registry.register_action_kind(PlanAction, label="Safeguarding plan actions")
    registry.register_attachment_parent(
        ChronologyEntry,
        may_attach=lambda user, entry: (
            (selectors.case_scope_for_user(user=user, case=entry.case) or 0) >= selectors.Scope.CONTRIBUTE
        ),
    )
    register_shareable(
        Shareable(
            model=Case,
            user_grant_model=CaseUserObjectPermission,
            group_grant_model=CaseGroupObjectPermission,
            owner_agency_id=lambda c: c.owning_agency_id,
            label=lambda c: f"Case {c.reference}",
            capacity_assessment_belongs=lambda c, assessment_id: c.capacity_assessments.filter(
                pk=assessment_id, outcome="lacks_capacity"
            ).exists(),
            on_shared=_on_shared,
            find_by_nhs_number=lambda nhs: Case.objects.filter(adult__nhs_number=nhs),
            export_payload=exports.export_payload,
            break_glass_excluded=lambda qs: qs.filter(owning_agency__restricted=False).exclude(
                owning_agency__agency_type__in=RESTRICTED_AGENCY_TYPES
            ),
        )
    )
    registry.register_leaver_work("cases", _leaver_cases)
    clocks.register()
    register_nav("cases", label="Cases", url_name="cases:list", order=20, roles=CASE_WORKING_ROLES)

    from cases import demo

    registry.register_demo_step("cases", demo.seed, order=40)
