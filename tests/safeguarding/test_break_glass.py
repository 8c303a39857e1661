"""Break-glass (checklist B1): the look-up, opening read-only access for 60 minutes, restricted material, the alert
and the review queue; 403 for other roles, 404 outside the look-up's results, 409 on a visible case."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from cases.selectors import case_list_for_user
from safeguarding.audit.models import AccessLog
from safeguarding.exceptions import ActionForbidden, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from safeguarding.organisations.models import AgencyType
from safeguarding.roles import Role
from safeguarding.sharing import break_glass as bg
from safeguarding.sharing.models import BreakGlassAccess
from tests.cases.factories import World
from tests.factories import TEST_TOTP_KEY, AgencyFactory, UserFactory
from tests.helpers import api_client, assert_access_rows, signed_in, totp_code

pytestmark = pytest.mark.django_db
NHS = "9434765919"
LOOKUP = "/api/v1/break-glass/lookup/"
REASON = "Adult found injured at night; the trust's on-call team cannot be reached."


class Scene:
    def __init__(self) -> None:
        self.world = w = World()
        self.case = w.case(person=w.person(nhs_number=NHS))
        self.ooh = UserFactory(agency=w.la, roles=[Role.OUT_OF_HOURS_PRACTITIONER])
        idva = AgencyFactory(agency_type=AgencyType.IDVA_SERVICE)
        w.area.agencies.add(idva)
        self.idva_user = UserFactory(agency=idva, roles=[Role.IDVA])
        self.restricted_case = w.case(by=self.idva_user, person=w.person(by=self.idva_user, nhs_number=NHS))

    def open(self, client: Any = None, **extra: Any) -> Any:
        body = {"reason_code": "out_of_hours_emergency", "reason": REASON, "otp": totp_code(TEST_TOTP_KEY), **extra}
        return (client or api_client(self.ooh)).post(f"/api/v1/cases/{self.case.pk}/break-glass/", body, format="json")


@pytest.fixture
def scene() -> Scene:
    return Scene()


def test_other_roles_get_403_for_the_look_up_and_opening(scene: Scene) -> None:
    client = api_client(scene.world.officer)
    assert client.post(LOOKUP, {"nhs_number": NHS}, format="json").status_code == 403
    assert scene.open(client).status_code == 403


def test_the_look_up_lists_records_without_content_and_never_restricted_agencies(scene: Scene) -> None:
    with assert_access_rows(1, user=scene.ooh, object_ids=[scene.case.pk]) as rows:
        response = api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    assert rows.only().purpose == "break_glass_lookup"
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "id": str(scene.case.pk),
            "reference": scene.case.reference,
            "holding_agency": {"id": str(scene.world.trust.pk), "name": scene.world.trust.name},
            "already_visible": False,
        }
    ]
    bad = api_client(scene.ooh).post(LOOKUP, {"nhs_number": "123"}, format="json")
    assert bad.status_code == 400 and "nhs_number" in bad.json()["errors"]


def test_opening_needs_a_prior_look_up_a_reason_and_a_fresh_code(scene: Scene) -> None:
    assert scene.open().status_code == 404
    api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    missing = scene.open(reason_code="", reason="too short", otp="")
    assert missing.status_code == 400
    assert {"reason_code", "reason", "otp"} <= set(missing.json()["errors"])
    assert scene.open(otp="000000").status_code == 400
    restricted = api_client(scene.ooh).post(
        f"/api/v1/cases/{scene.restricted_case.pk}/break-glass/",
        {"reason_code": "immediate_risk", "reason": REASON, "otp": totp_code(TEST_TOTP_KEY)},
        format="json",
    )
    assert restricted.status_code == 404
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_on_a_visible_case_is_409(scene: Scene) -> None:
    lead = scene.world.lead  # a safeguarding lead of the owning agency
    assert scene.open(api_client(lead)).status_code == 409


def test_sixty_minutes_of_read_only_access_with_an_alert_and_a_review(
    scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    opened_at = timezone.now()
    with django_capture_on_commit_callbacks() as alerts:
        response = scene.open()
    assert alerts, "the lead's alert (email) is enqueued on commit"
    assert response.status_code == 201, response.json()
    access = BreakGlassAccess.objects.get()
    assert access.expires_at == access.opened_at + timedelta(minutes=60)
    assert list(case_list_for_user(user=scene.ooh)) == [scene.case]
    alert = Notification.objects.get(recipient=scene.world.lead, kind="break_glass")
    assert alert.requires_ack
    detail = api_client(scene.ooh).get(f"/api/v1/cases/{scene.case.pk}/")
    assert detail.status_code == 200
    row = AccessLog.objects.filter(route="api:case-detail", user=scene.ooh).get()
    assert row.break_glass and REASON in row.break_glass_reason
    # Read only: full scope, never contribute.
    write = api_client(scene.ooh).post(
        f"/api/v1/cases/{scene.case.pk}/chronology/", {"summary": "x", "event_date": "2026-01-01"}, format="json"
    )
    assert write.status_code in (403, 404)
    assert bg.access_is_break_glass_only(user=scene.ooh, obj=scene.case)
    export = api_client(scene.ooh).post(
        f"/api/v1/cases/{scene.case.pk}/exports/",
        {"format": "json", "recipient": "Myself", "purpose": "Out of hours record"},
        format="json",
    )
    assert export.status_code == 403  # break-glass is read only on screen and never exports
    with time_machine.travel(opened_at + timedelta(minutes=61), tick=False):
        assert not case_list_for_user(user=scene.ooh).exists()
        assert api_client(scene.ooh).get(f"/api/v1/cases/{scene.case.pk}/").status_code == 404
    with assert_access_rows(1, user=scene.world.lead, object_ids=[access.pk]):
        queue = api_client(scene.world.lead).get("/api/v1/break-glass-reviews/", {"status": "pending"}).json()
    assert [r["id"] for r in queue["results"]] == [str(access.pk)]
    url = f"/api/v1/break-glass-reviews/{access.pk}/review/"
    assert api_client(scene.ooh).post(url, {"outcome": "justified", "note": "Mine"}, format="json").status_code == 403
    assert (
        api_client(scene.world.officer).post(url, {"outcome": "justified", "note": "x"}, format="json").status_code
        == 404
    )
    done = api_client(scene.world.lead).post(
        url, {"outcome": "not_justified", "note": "The on-call team was available."}, format="json"
    )
    assert done.status_code == 200 and done.json()["review_status"] == "not_justified"
    assert Notification.objects.filter(recipient=scene.ooh, kind="break_glass_not_justified").exists()
    again = api_client(scene.world.lead).post(url, {"outcome": "justified", "note": "Changed my mind"}, format="json")
    assert again.status_code == 409


def test_the_screens_look_up_open_and_review(scene: Scene) -> None:
    from django.urls import reverse

    ooh = signed_in(scene.ooh)
    assert ooh.get(reverse("sharing:break-glass")).status_code == 200
    page = ooh.post(reverse("sharing:break-glass"), {"nhs_number": NHS})
    assert page.status_code == 200 and scene.case.reference.encode() in page.content
    assert scene.restricted_case.reference.encode() not in page.content
    assert ooh.get(reverse("cases:break-glass", args=[scene.case.pk])).status_code == 200
    bad = ooh.post(reverse("cases:break-glass", args=[scene.case.pk]), {"reason_code": "immediate_risk"})
    assert bad.status_code == 400
    good = ooh.post(
        reverse("cases:break-glass", args=[scene.case.pk]),
        {"reason_code": "immediate_risk", "reason": REASON, "otp": totp_code(TEST_TOTP_KEY)},
    )
    assert good.status_code == 302
    assert ooh.get(reverse("cases:detail", args=[scene.case.pk])).status_code == 200
    access = BreakGlassAccess.objects.get()
    lead = signed_in(scene.world.lead)
    assert lead.get(reverse("sharing:break-glass")).status_code == 200
    assert lead.get(reverse("sharing:break-glass-reviews")).status_code == 200
    review = lead.post(
        reverse("sharing:break-glass-review", args=[access.pk]), {"outcome": "justified", "note": "Out of hours."}
    )
    assert review.status_code == 302
    assert signed_in(scene.world.officer).get(reverse("sharing:break-glass")).status_code == 403


def test_the_opener_ends_emergency_access_early_and_it_stays_due_its_review(scene: Scene) -> None:
    api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    assert scene.open().status_code == 201
    access = BreakGlassAccess.objects.get()
    end = f"/api/v1/cases/{scene.case.pk}/break-glass/end/"
    assert api_client(scene.world.officer).post(end).status_code == 404  # none of theirs: nothing to end, nothing told
    ended = api_client(scene.ooh).post(end)
    assert ended.status_code == 200 and ended.json()["review_status"] == "pending"
    assert not case_list_for_user(user=scene.ooh).exists()  # the grant went at once
    assert api_client(scene.ooh).get(f"/api/v1/cases/{scene.case.pk}/").status_code == 404
    access.refresh_from_db()
    assert access.decision.revoked_by == scene.ooh and "ended early" in access.decision.revoked_reason
    assert api_client(scene.ooh).post(end).status_code == 404  # already ended


def test_only_the_opener_may_end_it(scene: Scene) -> None:
    api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    scene.open()
    access = BreakGlassAccess.objects.get()
    with pytest.raises(ActionForbidden):
        bg.break_glass_end(access=access, by=scene.world.lead)
    bg.break_glass_end(access=access, by=scene.ooh)
    with pytest.raises(TransitionNotAllowed):
        bg.break_glass_end(access=access, by=scene.ooh)


def test_the_case_page_offers_to_end_emergency_access(scene: Scene) -> None:
    from django.urls import reverse

    api_client(scene.ooh).post(LOOKUP, {"nhs_number": NHS}, format="json")
    scene.open()
    ooh = signed_in(scene.ooh)
    page = ooh.get(reverse("cases:detail", args=[scene.case.pk]))
    assert b"End emergency access now" in page.content
    ended = ooh.post(reverse("cases:break-glass-end", args=[scene.case.pk]))
    assert ended.status_code == 302 and ended["Location"] == reverse("sharing:break-glass")
    assert ooh.get(reverse("cases:detail", args=[scene.case.pk])).status_code == 404
