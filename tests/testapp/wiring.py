from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.actions.services import _may_update, action_visibility
from safeguarding.organisations.selectors import user_group_ids
from safeguarding.roles import Role

WIDGET_PANEL_ROLES = [Role.MEETING_CHAIR]


def widgets_visible(user: User) -> QuerySet[Any]:
    from tests.testapp.models import Widget

    return Widget.objects.filter(agency__group_id__in=user_group_ids(user))


def may_attach_to_widget(user: User, widget: Any) -> bool:
    return user.has_role(Role.PRACTITIONER, Role.TEAM_MANAGER, Role.SAFEGUARDING_LEAD)


def widgets_held_by(user: User) -> list[registry.WorkItem]:
    from tests.testapp.models import Widget

    return [
        registry.WorkItem(
            kind="widget", label=f"Widget {w.name}", url=reverse("testapp:widget", args=[w.pk]), object_id=str(w.pk)
        )
        for w in Widget.objects.filter(owner=user).order_by("name")
    ]


def register() -> None:
    from tests.testapp.models import Widget, WidgetAction

    registry.register_visibility(
        Widget,
        widgets_visible,
        url=lambda w: reverse("testapp:widget", args=[w.pk]),
        label=lambda w: f"Widget {w.name}",
    )
    registry.register_visibility(
        WidgetAction,
        action_visibility(WidgetAction, Widget),
        url=lambda a: reverse("testapp:widget", args=[a.widget_id]),
    )
    registry.register_attachment_parent(Widget, may_attach=may_attach_to_widget)
    registry.register_attachment_parent(WidgetAction, may_attach=lambda user, action: _may_update(action, user))
    registry.register_action_kind(WidgetAction, label="Widget action")
    registry.register_leaver_work("widgets", widgets_held_by)
    registry.register_my_work_panel(
        "widgets", title="Widgets", url_name="testapp:panel", order=50, roles=WIDGET_PANEL_ROLES
    )
    registry.register_case_panel("widgets", title="Widgets", url_name="testapp:case-panel", order=40)
