"""Tracked actions on the test app's kind: the lifecycle, evidence files, visibility and "My actions"."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safeguarding import registry
from safeguarding.actions.models import ActionStatus
from safeguarding.actions.services import _on_change as listeners
from safeguarding.actions.services import (
    action_cancel,
    action_complete,
    action_start,
    action_verify,
    register_action_listener,
)
from safeguarding.attachments.selectors import attachments_of
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.roles import Role
from tests.factories import UserFactory, WidgetActionFactory, WidgetFactory
from tests.helpers import assert_access_rows, signed_in
from tests.testapp.models import WidgetAction

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture
def owner() -> Any:
    return UserFactory()


@pytest.fixture
def action(owner: Any) -> Any:
    return WidgetActionFactory(widget=WidgetFactory(agency=owner.agency_membership.agency), owner_person=owner)


def test_an_action_goes_from_open_to_verified_by_someone_else(action: Any, owner: Any) -> None:
    assert action.status == ActionStatus.OPEN and action.version == 1
    action = action_start(action=action, by=owner)
    assert action.status == ActionStatus.IN_PROGRESS
    action = action_complete(action=action, by=owner, evidence_notes="  Plan reviewed with the family  ")
    assert action.status == ActionStatus.COMPLETED and action.evidence_notes == "Plan reviewed with the family"
    assert action.completed_by == owner and action.completed_at is not None
    lead = UserFactory(agency=owner.agency_membership.agency, roles=[Role.SAFEGUARDING_LEAD])
    action = action_verify(action=action, by=lead)
    assert action.status == ActionStatus.VERIFIED and action.verified_by == lead
    assert action.version == 4


def test_completion_needs_evidence_notes(action: Any, owner: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        action_complete(action=action, by=owner, evidence_notes="   ")
    assert "evidence_notes" in caught.value.errors and caught.value.status_code == 400


def test_the_completer_cannot_verify_their_own_action(action: Any, owner: Any) -> None:
    action = action_complete(action=action, by=owner, evidence_notes="Done")
    with pytest.raises(ActionForbidden) as caught:
        action_verify(action=action, by=owner)
    assert caught.value.status_code == 403


def test_the_kind_decides_who_may_verify(action: Any, owner: Any) -> None:
    action = action_complete(action=action, by=owner, evidence_notes="Done")
    colleague = UserFactory(agency=owner.agency_membership.agency)
    with pytest.raises(ActionForbidden):
        action_verify(action=action, by=colleague, may_verify=lambda a, u: u.has_role(Role.SAFEGUARDING_LEAD))


def test_transitions_not_allowed_in_the_current_state_are_409(action: Any, owner: Any) -> None:
    with pytest.raises(TransitionNotAllowed) as caught:
        action_verify(action=action, by=UserFactory())  # not completed yet
    assert caught.value.status_code == 409
    action = action_start(action=action, by=owner)
    with pytest.raises(TransitionNotAllowed):
        action_start(action=action, by=owner)
    action = action_cancel(action=action, by=owner, reason="Superseded by the new plan")
    assert action.status == ActionStatus.CANCELLED and action.cancelled_reason == "Superseded by the new plan"
    for attempt in (
        lambda: action_complete(action=action, by=owner, evidence_notes="x"),
        lambda: action_cancel(action=action, by=owner, reason="again"),
    ):
        with pytest.raises(TransitionNotAllowed):
            attempt()


def test_cancelling_needs_a_reason(action: Any, owner: Any) -> None:
    with pytest.raises(InvalidInput):
        action_cancel(action=action, by=owner, reason="")


def test_someone_outside_the_owner_and_owning_agency_may_not_update(action: Any) -> None:
    outsider = UserFactory()
    for attempt in (
        lambda: action_start(action=action, by=outsider),
        lambda: action_complete(action=action, by=outsider, evidence_notes="x"),
        lambda: action_cancel(action=action, by=outsider, reason="x"),
    ):
        with pytest.raises(ActionForbidden):
            attempt()


def test_a_stale_version_is_refused_with_409(action: Any, owner: Any) -> None:
    stale = action.version
    action_start(action=action, by=owner)
    with pytest.raises(TransitionNotAllowed):
        action_complete(action=action, by=owner, evidence_notes="x", expected_version=stale)


def test_listeners_hear_each_change_inside_the_transaction(action: Any, owner: Any) -> None:
    heard: list[tuple[str, str]] = []
    register_action_listener(lambda a, event: heard.append((str(a.pk), event)))
    try:
        action_start(action=action, by=owner)
        action_complete(action=action, by=owner, evidence_notes="x")
    finally:
        listeners.pop()
    assert heard == [(str(action.pk), "started"), (str(action.pk), "completed")]


def test_evidence_files_are_attached_to_the_action_on_completion(action: Any, owner: Any) -> None:
    files = [SimpleUploadedFile("evidence.pdf", PDF), SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 8)]
    action = action_complete(action=action, by=owner, evidence_notes="See files", evidence_files=files)
    assert sorted(a.original_name for a in attachments_of(parent=action)) == ["evidence.pdf", "photo.png"]


def test_a_refused_evidence_file_refuses_the_completion(action: Any, owner: Any) -> None:
    files = [SimpleUploadedFile("evidence.pdf", PDF), SimpleUploadedFile("virus.exe", b"MZ")]
    with pytest.raises(InvalidInput):
        action_complete(action=action, by=owner, evidence_notes="See files", evidence_files=files)
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and not attachments_of(parent=action).exists()


def test_an_action_is_visible_to_its_owner_agency_and_to_those_who_see_its_parent(action: Any, owner: Any) -> None:
    same_agency = UserFactory(agency=owner.agency_membership.agency)
    assert registry.is_visible(action, user=same_agency)
    outsider = UserFactory()
    assert not registry.is_visible(action, user=outsider)
    # Owned by another agency on a widget the outsider's agency holds: visible through the parent.
    theirs = WidgetActionFactory(widget=WidgetFactory(agency=outsider.agency_membership.agency))
    shared = WidgetActionFactory(widget=theirs.widget, owner_agency=owner.agency_membership.agency)
    assert registry.is_visible(shared, user=outsider) and registry.is_visible(shared, user=same_agency)


def test_roles_that_never_see_case_data_do_not_see_their_agencys_actions(action: Any, owner: Any) -> None:
    for role in (Role.COMMISSIONER, Role.AUDITOR, Role.AGENCY_ADMIN):
        user = UserFactory(agency=owner.agency_membership.agency, roles=[role])
        assert not registry.is_visible(action, user=user)


# --- My actions ---------------------------------------------------------------------------------------------------


def test_my_actions_lists_open_actions_of_mine_and_my_agency_overdue_first(owner: Any) -> None:
    agency = owner.agency_membership.agency
    widget = WidgetFactory(agency=agency)
    today = date(2026, 11, 20)
    later = WidgetActionFactory(widget=widget, owner_person=owner, due_date=today + timedelta(days=10))
    overdue = WidgetActionFactory(widget=widget, due_date=today - timedelta(days=3), description="Call the GP")
    undated = WidgetActionFactory(widget=widget, owner_person=owner)
    done = WidgetActionFactory(widget=widget, owner_person=owner)
    action_cancel(action=done, by=owner, reason="Not needed")
    WidgetActionFactory()  # another agency's
    with (
        time_machine.travel(date(2026, 11, 20), tick=False),
        assert_access_rows(1, user=owner, object_ids=[overdue.pk, later.pk, undated.pk]) as rows,
    ):
        response = signed_in(owner).get(reverse("actions:my-actions"))
    assert response.status_code == 200
    assert "Call the GP" in response.content.decode()
    assert [row.action.pk for row in response.context["rows"]] == [overdue.pk, later.pk, undated.pk]
    assert response.context["rows"][0].overdue and not response.context["rows"][1].overdue
    assert rows.only().object_type == "testapp.widgetaction"
    assert done.pk not in [row.action.pk for row in response.context["rows"]]


def test_my_actions_costs_the_same_queries_for_one_action_or_many(owner: Any, django_assert_num_queries: Any) -> None:
    widget = WidgetFactory(agency=owner.agency_membership.agency)
    WidgetActionFactory(widget=widget, owner_person=owner)
    client = signed_in(owner)
    client.get(reverse("actions:my-actions"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("actions:my-actions"))
    for _ in range(6):
        WidgetActionFactory(widget=widget, owner_person=owner)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(reverse("actions:my-actions"))


def test_the_my_work_panel_shows_the_first_few_and_links_to_the_page(owner: Any) -> None:
    widget = WidgetFactory(agency=owner.agency_membership.agency)
    for n in range(7):
        WidgetActionFactory(widget=widget, owner_person=owner, description=f"Action number {n}")
    client = signed_in(owner)
    with assert_access_rows(1) as rows:
        fragment = client.get(reverse("actions:panel"), headers={"HX-Request": "true"})
    assert len(rows.only().object_ids) == 5
    assert b"<html" not in fragment.content and b"All my actions" in fragment.content
    assert client.get(reverse("actions:panel"))["Location"] == reverse("actions:my-actions")


def test_my_actions_is_in_the_navigation_of_case_workers_only() -> None:
    nav = signed_in(UserFactory()).get(reverse("web:my-work")).content.decode()
    assert f'href="{reverse("actions:my-actions")}"' in nav
    nav = signed_in(UserFactory(roles=[Role.COMMISSIONER])).get(reverse("web:my-work")).content.decode()
    assert f'href="{reverse("actions:my-actions")}"' not in nav


def test_widget_action_is_a_registered_kind() -> None:
    assert WidgetAction in [k.model for k in registry.action_kinds()]


def test_the_actions_api_pages_forwards_and_backwards_earliest_due_first(owner: Any) -> None:
    from tests.helpers import api_client

    widget = WidgetFactory(agency=owner.agency_membership.agency)
    today = date(2026, 11, 27)
    dues = [today, None, today - timedelta(days=3), today, None, today + timedelta(days=9), today - timedelta(days=3)]
    actions = [WidgetActionFactory(widget=widget, owner_person=owner, due_date=due) for due in dues]
    WidgetActionFactory()  # another agency's: never listed
    order = sorted(actions, key=lambda a: (a.due_date is None, a.due_date or date.max, a.created_at, a.pk))
    expected = [str(a.pk) for a in order]
    client = api_client(owner)
    pages, url, body = [], "/api/v1/actions/?page_size=3", {}
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]
    back = client.get(body["previous"]).json()
    assert [row["id"] for row in back["results"]] == expected[3:6]
    first = client.get(back["previous"]).json()
    assert [row["id"] for row in first["results"]] == expected[0:3] and first["previous"] is None
    assert client.get("/api/v1/actions/?cursor=nonsense").status_code == 400


def test_the_actions_api_costs_the_same_queries_for_a_few_actions_or_many(owner: Any) -> None:
    from tests.helpers import api_client

    widget = WidgetFactory(agency=owner.agency_membership.agency)
    client = api_client(owner)
    WidgetActionFactory(widget=widget, owner_person=owner)
    client.get("/api/v1/actions/")  # warm up the session
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/actions/")
    for _ in range(60):
        WidgetActionFactory(widget=widget, owner_person=owner)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/actions/")
    assert len(response.json()["results"]) == 50 and response.json()["next"]
    assert len(few) == len(many)
    reads = [q["sql"] for q in many.captured_queries if 'FROM "testapp_widgetaction"' in q["sql"]]
    assert reads and all("LIMIT 51" in sql for sql in reads)  # a page's worth per kind, never the whole table
