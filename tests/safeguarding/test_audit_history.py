"""Change history (django-pghistory): events for the platform's own models carry the acting user and request id,
whether the change came from a page, the API (session or token) or a task or command."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from safeguarding.audit.history import history_context
from safeguarding.organisations.services import membership_update
from safeguarding.roles import Role
from tests.factories import AgencyFactory, UserFactory, WidgetFactory
from tests.helpers import api_client, signed_in

pytestmark = pytest.mark.django_db


def events(model_name: str, app_label: str = "safeguarding") -> Any:
    return apps.get_model(app_label, model_name).objects.order_by("pgh_id")


def test_a_change_made_through_a_page_carries_the_user_and_request_id() -> None:
    admin = UserFactory(roles=[Role.AGENCY_ADMIN])
    leaver = UserFactory(agency=admin.agency_membership.agency)
    response = signed_in(admin).post(
        reverse("accounts:person-deactivate", args=[leaver.pk]),
        {"reason": "Left the agency"},
        headers={"X-Request-ID": "request-abc-123"},
    )
    assert response.status_code == 302
    event = events("UserStatusEvent").filter(pgh_obj=leaver).last()
    assert event.pgh_label == "update" and event.is_active is False and event.deactivated_at is not None
    assert event.pgh_context["user"] == str(admin.pk)
    assert event.pgh_context["request_id"] == "request-abc-123"


def test_a_service_called_outside_a_request_names_its_actor_with_history_context() -> None:
    lead = UserFactory(roles=[Role.SAFEGUARDING_LEAD])
    member = UserFactory(agency=lead.agency_membership.agency)
    with history_context(user=lead, source="command:test"):
        membership_update(user=member, roles=[Role.PRACTITIONER, Role.TEAM_MANAGER])
    event = events("MembershipEvent").filter(pgh_obj=member.agency_membership).last()
    assert event.pgh_label == "update" and sorted(event.roles) == [Role.PRACTITIONER, Role.TEAM_MANAGER]
    assert event.pgh_context["user"] == str(lead.pk) and event.pgh_context["source"] == "command:test"


def test_changes_without_any_context_are_still_recorded() -> None:
    agency = AgencyFactory(name="Before")
    type(agency).objects.filter(pk=agency.pk).update(name="After")  # a bulk update leaves a trace too
    labels = list(events("AgencyEvent").filter(pgh_obj=agency).values_list("pgh_label", "name", "pgh_context"))
    assert labels == [("insert", "Before", None), ("update", "After", None)]


def test_a_token_authenticated_api_change_carries_the_tokens_user() -> None:
    widget = WidgetFactory()
    user = UserFactory(agency=widget.agency)
    out = StringIO()
    call_command("issue_api_token", user.email, stdout=out)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {out.getvalue().strip().splitlines()[-1]}")
    response = client.post(reverse("testapp:widget-rename", args=[widget.pk]), {"name": "Renamed"}, format="json")
    assert response.status_code == 200, response.content
    event = events("WidgetEvent", "testapp").filter(pgh_obj=widget, pgh_label="update").get()
    assert event.name == "Renamed"
    assert event.pgh_context["user"] == str(user.pk)
    assert event.pgh_context["request_id"] == response["X-Request-ID"]


def test_a_session_authenticated_api_change_carries_the_user() -> None:
    widget = WidgetFactory()
    user = UserFactory(agency=widget.agency)
    response = api_client(user).post(reverse("testapp:widget-rename", args=[widget.pk]), {"name": "R2"}, format="json")
    assert response.status_code == 200
    event = events("WidgetEvent", "testapp").filter(pgh_obj=widget, pgh_label="update").get()
    assert event.pgh_context["user"] == str(user.pk)


def test_role_team_directory_and_link_changes_are_all_tracked() -> None:
    commissioner, provider = AgencyFactory(), AgencyFactory()
    commissioner.commissions.add(provider)
    commissioner.commissions.remove(provider)
    assert list(events("AgencyCommissionEvent").values_list("pgh_label", "from_agency_id", "to_agency_id")) == [
        ("commission.add", commissioner.pk, provider.pk),
        ("commission.remove", commissioner.pk, provider.pk),
    ]
    from tests.factories import AreaFactory, TeamFactory

    area = AreaFactory(agencies=[provider])
    assert events("AreaAgencyEvent").filter(area_id=area.pk, pgh_label="member.add").count() == 1
    assert events("AreaEvent").filter(pgh_obj=area).count() == 1
    team = TeamFactory(agency=provider)
    assert events("TeamEvent").filter(pgh_obj=team, pgh_label="insert").count() == 1
    holder = UserFactory(agency=provider)
    from safeguarding.organisations.models import Position
    from safeguarding.organisations.services import directory_set

    entry = directory_set(area=area, position=Position.SAFEGUARDING_LEAD, holder=holder, agency=provider)
    assert events("DirectoryEntryEvent").filter(pgh_obj=entry, holder_id=holder.pk).count() == 1


def test_change_events_are_append_only() -> None:
    agency = AgencyFactory()
    table = apps.get_model("safeguarding", "AgencyEvent")._meta.db_table
    for sql in (f"UPDATE {table} SET name = 'x'", f"DELETE FROM {table}"):  # noqa: S608 (fixed table name)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert events("AgencyEvent").filter(pgh_obj=agency).count() == 1
