"""The core app's own registrations (navigation, panels, visibility, leaver work, demo data), called from
``SafeguardingConfig.ready()``."""

from __future__ import annotations

from django.urls import reverse

from safeguarding import registry
from safeguarding.roles import CASE_WORKING_ROLES, MANAGER_ROLES, NON_CASE_ROLES, Role
from safeguarding.web.navigation import register_nav


def register() -> None:
    from safeguarding.accounts.selectors import AUTH_LOG_ROLES, PEOPLE_ROLES
    from safeguarding.actions.selectors import leaver_open_actions
    from safeguarding.leavers.models import ReassignmentItem
    from safeguarding.leavers.selectors import reassignment_items_visible

    register_nav("my-work", label="My work", url_name="web:my-work", order=10)
    register_nav(
        "my-actions", label="My actions", url_name="actions:my-actions", order=20, exclude_roles_only=NON_CASE_ROLES
    )
    register_nav("people", label="People", url_name="accounts:people", order=860, roles=PEOPLE_ROLES)
    register_nav(
        "auth-events", label="Sign-in events", url_name="accounts:auth-events", order=870, roles=AUTH_LOG_ROLES
    )
    register_nav("account", label="Your account", url_name="accounts:account", order=880)
    register_nav("admin", label="Administration", url_name="admin:index", order=900, roles=[Role.AGENCY_ADMIN])

    registry.register_my_work_panel(
        "my-actions", title="My actions", url_name="actions:panel", order=20, roles=CASE_WORKING_ROLES
    )
    registry.register_my_work_panel(
        "reassignments",
        title="Work to reassign",
        url_name="leavers:panel",
        order=30,
        roles=[*MANAGER_ROLES, Role.AGENCY_ADMIN],
    )
    registry.register_visibility(
        ReassignmentItem,
        reassignment_items_visible,
        url=lambda item: reverse("leavers:list"),
        label=lambda item: "Work to reassign",
    )
    registry.register_leaver_work("actions", leaver_open_actions)
    _register_sharing()

    from safeguarding import demo, demo_notifications

    registry.register_demo_step("organisations", demo.seed_organisations, order=10)
    registry.register_demo_step("notifications", demo_notifications.seed_notifications, order=20)


def _register_sharing() -> None:
    from safeguarding.sharing import agreements, break_glass, requests
    from safeguarding.sharing.models import BreakGlassAccess, InformationRequest, SharingAgreement

    registry.register_visibility(
        SharingAgreement,
        agreements.agreements_visible_to,
        url=lambda a: reverse("sharing:agreements"),
        label=lambda a: f"Sharing agreement: {a.title}",
    )

    registry.register_visibility(
        BreakGlassAccess,
        break_glass.break_glass_visible_to,
        url=lambda a: reverse("sharing:break-glass-review", args=[a.pk]),
        label=lambda a: f"Emergency access {a.reference}",
        owner_agency=lambda a: a.owner_agency_id,
    )
    register_nav(
        "user-activity", label="What a person viewed", url_name="audit:user-activity", order=875, roles=[Role.AUDITOR]
    )
    register_nav(
        "break-glass",
        label="Emergency access",
        url_name="sharing:break-glass",
        order=55,
        roles=[*break_glass.DEFAULT_ROLES, *break_glass.REVIEWER_ROLES],
    )

    registry.register_visibility(
        InformationRequest,
        lambda u: requests.information_requests_visible_to(u),
        url=lambda r: reverse("sharing:request", args=[r.pk]),
        label=lambda r: f"Information request {r.reference}",
        owner_agency=lambda r: r.holder_agency_id,
    )
    register_nav(
        "information-requests",
        label="Information requests",
        url_name="sharing:requests",
        order=50,
        roles=CASE_WORKING_ROLES,
    )
    registry.register_my_work_panel(
        "information-requests",
        title="Information requests to answer",
        url_name="sharing:requests-awaiting",
        order=40,
        roles=CASE_WORKING_ROLES,
    )
    from safeguarding.sharing import demo as sharing_demo

    registry.register_demo_step("information sharing", sharing_demo.seed, order=65)
    registry.register_case_panel(
        "information-requests", title="Information requests", url_name="sharing:case-requests", order=70
    )
