"""Deactivating a leaver (checklist S3): sessions and tokens end at once, open work goes to the line manager."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from knox.models import AuthToken
from rest_framework.test import APIClient

from safeguarding.accounts.lifecycle import user_deactivate, user_reactivate
from safeguarding.accounts.models import AuthEvent, AuthEventType, User, UserSession
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.leavers.models import ReassignmentItem
from safeguarding.notifications.models import Notification
from safeguarding.organisations.services import membership_update
from safeguarding.roles import Role
from tests.factories import UserFactory, WidgetActionFactory, WidgetFactory
from tests.helpers import assert_access_rows, password_only, signed_in, tracked

pytestmark = pytest.mark.django_db

MY_WORK = reverse("web:my-work")


def token_for(user: Any) -> APIClient:
    out = StringIO()
    call_command("issue_api_token", user.email, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip().splitlines()[-1]}")
    return client


@pytest.fixture
def team() -> dict[str, Any]:
    manager = UserFactory(roles=[Role.TEAM_MANAGER, Role.PRACTITIONER])
    agency = manager.agency_membership.agency
    leaver = UserFactory(agency=agency)
    membership_update(user=leaver, line_manager=manager)
    admin = UserFactory(agency=agency, roles=[Role.AGENCY_ADMIN])
    return {"manager": manager, "leaver": User.objects.get(pk=leaver.pk), "admin": admin, "agency": agency}


def test_the_next_request_on_a_deactivated_users_session_is_refused(team: dict[str, Any]) -> None:
    leaver = team["leaver"]
    browser = tracked(signed_in(leaver), leaver)
    half_signed_in = password_only(leaver)
    api = token_for(leaver)
    assert browser.get(MY_WORK).status_code == 200 and api.get("/api/v1/me/").status_code == 200
    response = signed_in(team["admin"]).post(
        reverse("accounts:person-deactivate", args=[leaver.pk]), {"reason": "Left the trust on 30 November"}
    )
    assert response.status_code == 302
    response = browser.get(MY_WORK)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:sign-in"))
    assert api.get("/api/v1/me/").status_code == 401
    assert not AuthToken.objects.filter(user=leaver).exists()
    assert not Session.objects.filter(session_key=half_signed_in.session.session_key).exists()
    assert UserSession.objects.get(user=leaver).end_reason == "deactivated"
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.deactivated_at is not None
    event = AuthEvent.objects.get(user=leaver, event_type=AuthEventType.DEACTIVATED)
    assert event.actor == team["admin"] and "Left the trust" in event.detail and "1 API token revoked" in event.detail


def test_a_leavers_open_work_goes_on_their_line_managers_list(team: dict[str, Any]) -> None:
    leaver, manager = team["leaver"], team["manager"]
    widget = WidgetFactory(agency=team["agency"], owner=leaver, name="W-HELD")
    action = WidgetActionFactory(widget=widget, owner_person=leaver)
    assert user_deactivate(user=leaver, by=team["admin"], reason="Left") == 2
    items = list(ReassignmentItem.objects.order_by("kind"))
    assert {(i.kind, i.object_id) for i in items} == {
        ("widget", str(widget.pk)),
        ("action:testapp.widgetaction", str(action.pk)),
    }
    assert all(i.manager == manager and i.leaver == leaver for i in items)
    notification = Notification.objects.get(recipient=manager, kind="leaver_work")
    assert leaver.full_name not in notification.title
    # The manager sees the list (access-logged) and the notification opens it.
    client = signed_in(manager)
    with assert_access_rows(1, user=manager, object_ids=[i.pk for i in items]):
        page = client.get(reverse("leavers:list"))
    assert b"Widget W-HELD" in page.content
    assert client.get(reverse("notifications:open", args=[notification.pk]))["Location"] == reverse("leavers:list")
    fragment = client.get(reverse("leavers:panel"), headers={"HX-Request": "true"})
    assert b"Widget W-HELD" in fragment.content and b"<html" not in fragment.content


def test_marking_an_item_reassigned_and_only_the_manager_may(team: dict[str, Any]) -> None:
    WidgetFactory(agency=team["agency"], owner=team["leaver"])
    user_deactivate(user=team["leaver"], by=team["admin"], reason="Left")
    item = ReassignmentItem.objects.get()
    url = reverse("leavers:mark", args=[item.pk])
    assert signed_in(UserFactory(agency=team["agency"])).post(url).status_code == 404
    response = signed_in(team["manager"]).post(url, headers={"HX-Request": "true"})
    assert response.status_code == 200 and b"Reassigned" in response.content
    item.refresh_from_db()
    assert item.resolved_at is not None and item.resolved_by == team["manager"]
    assert signed_in(team["manager"]).get(reverse("leavers:list")).context["items"] == []


def test_without_a_line_manager_the_work_goes_to_the_agencys_leads_and_admins(team: dict[str, Any]) -> None:
    loner = UserFactory(agency=team["agency"])
    lead = UserFactory(agency=team["agency"], roles=[Role.SAFEGUARDING_LEAD])
    WidgetFactory(agency=team["agency"], owner=loner)
    user_deactivate(user=loner, by=team["admin"], reason="Left")
    item = ReassignmentItem.objects.get()
    assert item.manager is None
    assert set(Notification.objects.filter(kind="leaver_work").values_list("recipient", flat=True)) == {
        lead.pk,
        team["admin"].pk,
    }
    assert signed_in(lead).get(reverse("leavers:list")).context["items"] == [item]
    assert signed_in(team["manager"]).get(reverse("leavers:list")).context["items"] == []


def test_only_an_admin_of_the_same_agency_may_deactivate(team: dict[str, Any]) -> None:
    url = reverse("accounts:person-deactivate", args=[team["leaver"].pk])
    assert signed_in(team["manager"]).post(url, {"reason": "x"}).status_code == 403
    assert signed_in(UserFactory(roles=[Role.AGENCY_ADMIN])).post(url, {"reason": "x"}).status_code == 404
    own = reverse("accounts:person-deactivate", args=[team["admin"].pk])
    assert signed_in(team["admin"]).post(own, {"reason": "x"}).status_code == 403
    with pytest.raises(ActionForbidden):
        user_deactivate(user=team["leaver"], by=team["manager"], reason="x")
    assert User.objects.get(pk=team["leaver"].pk).is_active


def test_a_reason_is_required_and_deactivating_twice_is_refused(team: dict[str, Any]) -> None:
    response = signed_in(team["admin"]).post(
        reverse("accounts:person-deactivate", args=[team["leaver"].pk]), {"reason": " "}
    )
    assert response.status_code == 400 and b"govuk-error-summary" in response.content
    with pytest.raises(InvalidInput):
        user_deactivate(user=team["leaver"], by=team["admin"], reason="")
    user_deactivate(user=team["leaver"], by=team["admin"], reason="Left")
    with pytest.raises(TransitionNotAllowed):
        user_deactivate(user=team["leaver"], by=team["admin"], reason="Left")


def test_unticking_active_in_the_admin_deactivates_through_the_service(team: dict[str, Any]) -> None:
    leaver = team["leaver"]
    browser = signed_in(leaver)
    root = UserFactory(roles=[])
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    admin_client = signed_in(User.objects.get(pk=root.pk))
    url = reverse("admin:safeguarding_user_change", args=[leaver.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("last_login", "date_joined")}
    data.update(
        {
            "is_active": "",
            "membership-TOTAL_FORMS": "1",
            "membership-INITIAL_FORMS": "1",
            "membership-MIN_NUM_FORMS": "0",
            "membership-MAX_NUM_FORMS": "1",
            "membership-0-id": str(leaver.agency_membership.pk),
            "membership-0-user": str(leaver.pk),
            "membership-0-agency": str(team["agency"].pk),
            "membership-0-roles": [Role.PRACTITIONER],
            "membership-0-line_manager": str(team["manager"].pk),
        }
    )
    data.pop("is_staff", None), data.pop("is_superuser", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    leaver.refresh_from_db()
    assert not leaver.is_active and leaver.deactivated_at is not None
    assert browser.get(MY_WORK).status_code == 302
    assert AuthEvent.objects.filter(user=leaver, event_type=AuthEventType.DEACTIVATED, actor_id=root.pk).exists()
    user_reactivate(user=leaver, by=None)
    leaver.refresh_from_db()
    assert leaver.is_active and leaver.deactivated_at is None
    assert AuthEvent.objects.filter(user=leaver, event_type=AuthEventType.REACTIVATED).exists()
