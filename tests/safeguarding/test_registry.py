"""Each registry, exercised through the test app (tests/testapp), which plugs in the way the domain apps will."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse

from safeguarding import registry
from safeguarding.organisations.models import Agency
from safeguarding.roles import Role
from tests.factories import UserFactory, WidgetActionFactory, WidgetFactory
from tests.helpers import signed_in
from tests.testapp.models import Widget, WidgetAction

pytestmark = pytest.mark.django_db


# --- visibility -------------------------------------------------------------------------------------------------


def test_visible_returns_only_the_rows_the_model_rule_allows() -> None:
    mine, theirs = WidgetFactory(), WidgetFactory()
    user = UserFactory(agency=mine.agency)
    assert list(registry.visible(Widget, user=user)) == [mine]
    assert theirs not in registry.visible(Widget, user=user)


def test_inactive_users_see_nothing_whatever_the_rule() -> None:
    widget = WidgetFactory()
    user = UserFactory(agency=widget.agency)
    user.is_active = False
    assert list(registry.visible(Widget, user=user)) == []


def test_roles_that_never_reach_case_data_see_nothing_of_their_own_agency() -> None:
    widget = WidgetFactory()
    commissioner = UserFactory(agency=widget.agency, roles=[Role.COMMISSIONER])
    assert list(registry.visible(Widget, user=commissioner)) == []


def test_get_visible_or_404_answers_404_alike_for_invisible_missing_and_malformed_ids() -> None:
    widget, other = WidgetFactory(), WidgetFactory()
    user = UserFactory(agency=widget.agency)
    assert registry.get_visible_or_404(Widget, user=user, pk=widget.pk) == widget
    for pk in (other.pk, "00000000-0000-4000-8000-000000000000", "not-a-uuid", "", None):
        with pytest.raises(Http404):
            registry.get_visible_or_404(Widget, user=user, pk=pk)


def test_resolve_visible_resolves_a_generic_target_or_gives_none() -> None:
    widget, other = WidgetFactory(), WidgetFactory()
    user = UserFactory(agency=widget.agency)
    widget_type = ContentType.objects.get_for_model(Widget)
    assert registry.resolve_visible(widget_type, str(widget.pk), user=user) == widget
    assert registry.resolve_visible(widget_type, str(other.pk), user=user) is None
    # A model without a visibility rule is never resolved, even for its own agency's rows.
    assert registry.resolve_visible(ContentType.objects.get_for_model(Agency), widget.agency_id, user=user) is None


def test_is_visible_url_and_label_come_from_the_rule() -> None:
    widget = WidgetFactory(name="W-ALPHA")
    user = UserFactory(agency=widget.agency)
    assert registry.is_visible(widget, user=user)
    assert not registry.is_visible(WidgetFactory(), user=user)
    assert registry.object_url(widget) == reverse("testapp:widget", args=[widget.pk])
    assert registry.object_label(widget) == "Widget W-ALPHA"
    assert registry.object_label(widget.agency) == "Agency"  # no rule: the model's verbose name
    assert registry.object_url(widget.agency) is None


def test_a_model_without_a_rule_has_no_visibility() -> None:
    with pytest.raises(LookupError):
        registry.visibility_rule(Agency)
    assert Widget in registry.registered_models()


def test_the_detail_route_of_a_registered_model_is_404_for_another_agency() -> None:
    widget = WidgetFactory()
    assert (
        signed_in(UserFactory(agency=widget.agency)).get(reverse("testapp:widget", args=[widget.pk])).status_code == 200
    )
    assert signed_in(UserFactory()).get(reverse("testapp:widget", args=[widget.pk])).status_code == 404
    assert signed_in(UserFactory()).get(reverse("testapp:widget", args=["not-a-uuid"])).status_code == 404


# --- My-work and case panels ------------------------------------------------------------------------------------


def test_my_work_panels_are_filtered_by_role() -> None:
    practitioner = UserFactory()
    chair = UserFactory(roles=[Role.PRACTITIONER, Role.MEETING_CHAIR])
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    keys = {u.email: [p.key for p in registry.my_work_panels(u)] for u in (practitioner, chair, admin)}
    assert "widgets" not in keys[practitioner.email] and "my-actions" in keys[practitioner.email]
    assert "widgets" in keys[chair.email]
    assert keys[admin.email] == ["reassignments"]  # no case work, but leavers' work lands with admins


def test_my_work_panels_come_in_order_then_by_key(registry_snapshot: None) -> None:
    registry.register_my_work_panel("b-second", title="B", url_name="testapp:panel", order=5)
    registry.register_my_work_panel("a-second", title="A", url_name="testapp:panel", order=5)
    registry.register_my_work_panel("first", title="F", url_name="testapp:panel", order=1)
    keys = [p.key for p in registry.my_work_panels(UserFactory())]
    assert keys[:3] == ["first", "a-second", "b-second"]


def test_the_my_work_page_loads_each_panel_the_user_may_see() -> None:
    chair = UserFactory(roles=[Role.PRACTITIONER, Role.MEETING_CHAIR])
    page = signed_in(chair).get(reverse("web:my-work")).content.decode()
    assert f'hx-get="{reverse("testapp:panel")}"' in page
    assert f'hx-get="{reverse("actions:panel")}"' in page
    practitioner_page = signed_in(UserFactory()).get(reverse("web:my-work")).content.decode()
    assert reverse("testapp:panel") not in practitioner_page


def test_case_panels_are_ordered_by_order_then_key(registry_snapshot: None) -> None:
    registry._registries.case_panels.clear()
    registry.register_case_panel("widgets", title="Widgets", url_name="testapp:case-panel", order=50)
    registry.register_case_panel("chronology", title="Chronology", url_name="testapp:case-panel", order=10)
    registry.register_case_panel("referrals", title="Referrals", url_name="testapp:case-panel", order=60)
    registry.register_case_panel("actions", title="Actions", url_name="testapp:case-panel", order=60)
    assert [p.key for p in registry.case_panels()] == ["chronology", "widgets", "actions", "referrals"]


# --- demo data --------------------------------------------------------------------------------------------------


def test_demo_steps_run_in_order_whatever_the_registration_order(registry_snapshot: None) -> None:
    ran: list[str] = []
    registry._registries.demo_steps.clear()
    registry.register_demo_step("late", lambda: ran.append("late"), order=90)
    registry.register_demo_step("early", lambda: ran.append("early"), order=5)
    registry.register_demo_step("middle-b", lambda: ran.append("middle-b"), order=50)
    registry.register_demo_step("middle-a", lambda: ran.append("middle-a"), order=50)
    assert [s.name for s in registry.demo_steps()] == ["early", "middle-a", "middle-b", "late"]
    call_command("seed_demo", "--quiet", stdout=StringIO())
    assert ran == ["early", "middle-a", "middle-b", "late"]


def test_the_platform_registers_its_own_demo_steps_first() -> None:
    names = [s.name for s in registry.demo_steps()]
    assert names[:2] == ["organisations", "notifications"]


# --- leavers, action kinds and attachment parents ------------------------------------------------------------


def test_open_work_for_collects_every_registered_provider() -> None:
    leaver = UserFactory()
    widget = WidgetFactory(agency=leaver.agency_membership.agency, owner=leaver, name="W-LEAVER")
    action = WidgetActionFactory(widget=widget, owner_person=leaver)
    WidgetActionFactory(widget=widget)  # owned by the agency, not the leaver
    items = registry.open_work_for(leaver)
    by_kind = {item.kind: item for item in items}
    assert by_kind["widget"].label == "Widget W-LEAVER"
    assert by_kind["widget"].object_id == str(widget.pk)
    assert by_kind["action:testapp.widgetaction"].object_id == str(action.pk)
    assert len(items) == 2


def test_closed_actions_are_not_open_work() -> None:
    from safeguarding.actions.services import action_cancel

    leaver = UserFactory()
    action = WidgetActionFactory(widget=WidgetFactory(agency=leaver.agency_membership.agency), owner_person=leaver)
    action_cancel(action=action, by=leaver, reason="No longer needed")
    assert registry.open_work_for(leaver) == []


def test_action_kinds_list_each_registered_kind_with_its_label() -> None:
    kinds = {k.model: k.label for k in registry.action_kinds()}
    assert kinds[WidgetAction] == "Widget action"


def test_attachment_parents_are_only_the_registered_models() -> None:
    rule: Any = registry.attachment_parent(Widget)
    assert rule is not None and rule.model is Widget
    assert registry.attachment_parent(Agency) is None
    assert set(registry.attachment_parent_models()) >= {Widget, WidgetAction}
