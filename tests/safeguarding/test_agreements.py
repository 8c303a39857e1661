"""Sharing agreements: per area, signatories, and a reminder clock before the review date lapses."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Deadline
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.notifications.models import Notification
from safeguarding.sharing import agreements
from safeguarding.sharing.models import SharingAgreement
from tests.cases.factories import World
from tests.escalation.conftest import run_clocks
from tests.helpers import api_client, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def save(world: World, **extra: object) -> SharingAgreement:
    data: dict[str, object] = {
        "by": world.lead,
        "area": world.area,
        "title": "Adult safeguarding information-sharing protocol",
        "purpose": "s42_enquiry",
        "signatories": [world.trust, world.la, world.police],
        "review_date": timezone.localdate() + timedelta(days=90),
    }
    data.update(extra)
    return agreements.agreement_save(**data)  # type: ignore[arg-type]


def test_the_signatories_are_reminded_before_the_review_date(world: World) -> None:
    agreement = save(world)
    deadline = Deadline.objects.get(kind="sharing_agreement_review", subject_id=str(agreement.pk))
    assert deadline.due_at.date() == agreement.review_date - timedelta(days=30)
    run_clocks(deadline.due_at - timedelta(minutes=1))
    assert not Notification.objects.filter(kind="agreement_review").exists()
    run_clocks(deadline.due_at + timedelta(minutes=1))
    told = set(Notification.objects.filter(kind="agreement_review").values_list("recipient_id", flat=True))
    assert {world.lead.pk, world.la_manager.pk} <= told


def test_saving_a_new_review_date_restarts_the_reminder(world: World) -> None:
    agreement = save(world)
    save(world, agreement=agreement, review_date=timezone.localdate() + timedelta(days=200))
    open_clocks = Deadline.objects.filter(subject_id=str(agreement.pk), status="pending")
    assert open_clocks.count() == 1


def test_agreements_need_signatories_a_future_date_and_a_managing_role(world: World) -> None:
    with pytest.raises(InvalidInput) as error:
        save(world, signatories=[world.trust], review_date=timezone.localdate())
    assert {"signatories", "review_date"} <= set(error.value.errors)
    with pytest.raises(ActionForbidden):
        save(world, by=world.practitioner)


def test_the_api_and_page_list_agreements_in_the_callers_areas(world: World) -> None:
    body = {
        "area_id": str(world.area.pk),
        "title": "MARAC information-sharing protocol",
        "purpose": "marac",
        "signatory_ids": [str(world.trust.pk), str(world.police.pk)],
        "review_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
    }
    assert api_client(world.practitioner).post("/api/v1/sharing-agreements/", body, format="json").status_code == 403
    created = api_client(world.lead).post("/api/v1/sharing-agreements/", body, format="json")
    assert created.status_code == 201, created.json()
    listed = api_client(world.officer).get("/api/v1/sharing-agreements/").json()["results"]
    assert [a["id"] for a in listed] == [created.json()["id"]]
    assert api_client(world.officer).get(f"/api/v1/sharing-agreements/{created.json()['id']}/").status_code == 200
    assert signed_in(world.officer).get("/sharing-agreements/").status_code == 200


def test_the_areas_current_agreement_is_its_newest_active_one_and_names_the_signatories(world: World) -> None:
    save(world, purpose="marac", signatories=[world.trust, world.la, world.police])
    newest = save(world, purpose="marac", title="MARAC protocol, revised", signatories=[world.trust, world.la])
    assert agreements.current_agreement(area_id=world.area.pk, purpose="marac") == newest
    assert agreements.signatory_agency_ids(area_id=world.area.pk, purpose="marac") == {world.trust.pk, world.la.pk}
    assert agreements.signatory_agency_ids(area_id=world.area.pk, purpose="mappa") == set()
