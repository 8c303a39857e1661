"""Audit views (checklist L1, B2): who viewed a record (the owning agency's leads), what a user viewed (auditors),
and the bulk-access alert."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from safeguarding.audit.services import record_access
from safeguarding.audit.views_access import bulk_access_offenders, detect_bulk_access
from safeguarding.notifications.models import Notification
from safeguarding.roles import Role
from tests.cases.factories import World
from tests.factories import UserFactory
from tests.helpers import api_client, assert_access_rows, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def test_the_owning_agencys_leads_see_who_viewed_the_case(world: World) -> None:
    case = world.case()
    api_client(world.practitioner).get(f"/api/v1/cases/{case.pk}/")
    url = f"/api/v1/cases/{case.pk}/access-log/"
    with assert_access_rows(1, user=world.lead, object_ids=[case.pk]):
        response = api_client(world.lead).get(url)
    assert response.status_code == 200
    viewers = {r["user"]["id"] for r in response.json()["results"] if r["user"]}
    assert str(world.practitioner.pk) in viewers
    assert api_client(world.practitioner).get(url).status_code == 403
    assert api_client(world.officer).get(url).status_code == 404
    assert signed_in(world.lead).get(reverse("cases:access-log", args=[case.pk])).status_code == 200
    assert signed_in(world.practitioner).get(reverse("cases:access-log", args=[case.pk])).status_code == 403


def test_an_auditor_sees_what_a_user_of_their_agency_viewed(world: World) -> None:
    case = world.case()
    api_client(world.practitioner).get(f"/api/v1/cases/{case.pk}/")
    auditor = UserFactory(agency=world.trust, roles=[Role.AUDITOR])
    day = timezone.localdate().isoformat()
    with assert_access_rows(1, user=auditor, object_ids=[world.practitioner.pk]):
        response = api_client(auditor).get(
            "/api/v1/access-log/", {"user": str(world.practitioner.pk), "from": day, "to": day}
        )
    assert response.status_code == 200
    assert any(str(case.pk) in r["object_ids"] for r in response.json()["results"])
    assert api_client(world.lead).get("/api/v1/access-log/", {"user": str(world.practitioner.pk)}).status_code == 403
    other = api_client(auditor).get("/api/v1/access-log/", {"user": str(world.officer.pk)})
    assert other.status_code == 400 and "user" in other.json()["errors"]
    page = signed_in(auditor).get(reverse("audit:user-activity"), {"user": str(world.practitioner.pk)})
    assert page.status_code == 200 and case.reference.encode() not in page.content
    assert signed_in(world.lead).get(reverse("audit:user-activity")).status_code == 403


def _open(user: Any, cases: list[Any]) -> None:
    for case in cases:
        record_access(user=user, objects_or_ids=case, route="api:case-detail")


def test_the_bulk_access_alert_tells_the_agency_lead_once(world: World, settings: Any) -> None:
    settings.BULK_ACCESS_THRESHOLD = 3
    cases = [world.case() for _ in range(4)]
    _open(world.practitioner, cases[:3])
    record_access(user=world.practitioner, objects_or_ids=cases, route="api:case-list")  # lists do not count
    assert bulk_access_offenders(now=timezone.now()) == []
    _open(world.practitioner, cases[3:])
    assert detect_bulk_access() == 1
    alert = Notification.objects.get(recipient=world.lead, kind="bulk_access")
    assert alert.requires_ack and "4 case records" in alert.title
    assert detect_bulk_access() == 0
