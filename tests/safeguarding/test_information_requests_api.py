"""The information requests API and screens: 201/404/403, the opt-in boxes, audited reads, and answers that look
the same whether or not the holder has a record."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from safeguarding.sharing.models import InformationRequest
from tests.cases.factories import World
from tests.helpers import api_client, assert_access_rows, signed_in
from tests.safeguarding.test_information_requests import DISCLOSE, NHS, OTHER_NHS

pytestmark = pytest.mark.django_db
URL = "/api/v1/information-requests/"


@pytest.fixture
def world() -> World:
    return World()


def body(world: World, **extra: Any) -> dict[str, Any]:
    return {
        "holder_agency_id": str(world.trust.pk),
        "purpose": "police_investigation",
        "lawful_basis": "6_1_e_public_task",
        "what": "Any safeguarding concerns and risk assessments held about this adult.",
        "why": "We are investigating an assault and need to understand the risk to the adult.",
        "nhs_number": NHS,
        **extra,
    }


LIST_QUERIES = 10
VARYING = {"id", "reference", "nhs_number", "created_at", "updated_at", "due_at"}


def test_creating_by_nhs_number_answers_the_same_whether_or_not_a_record_is_held(world: World) -> None:
    world.case(person=world.person(nhs_number=NHS))
    client = api_client(world.officer)
    held = client.post(URL, body(world), format="json")
    not_held = client.post(URL, body(world, nhs_number=OTHER_NHS), format="json")
    assert held.status_code == not_held.status_code == 201
    assert held.json().keys() == not_held.json().keys()
    assert {k: v for k, v in held.json().items() if k not in VARYING} == {
        k: v for k, v in not_held.json().items() if k not in VARYING
    }
    assert held.json()["record"] is None and held.json()["status"] == "requested"


def test_lists_hold_the_callers_agencys_requests_with_opt_in_boxes(world: World) -> None:
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    with assert_access_rows(1, user=world.lead, object_ids=[created["id"]]):
        received = api_client(world.lead).get(URL, {"box": "received"})
    assert [r["id"] for r in received.json()["results"]] == [created["id"]]
    assert api_client(world.lead).get(URL, {"box": "sent"}).json()["results"] == []
    assert [r["id"] for r in api_client(world.officer).get(URL).json()["results"]] == [created["id"]]
    assert api_client(world.la_practitioner).get(URL).json()["results"] == []


def test_an_outsider_gets_404_and_a_denied_row(world: World) -> None:
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    with assert_access_rows(1, user=world.la_practitioner, outcome="denied"):
        response = api_client(world.la_practitioner).get(f"{URL}{created['id']}/")
    assert response.status_code == 404
    respond = api_client(world.la_practitioner).post(
        f"{URL}{created['id']}/respond/", {"outcome": "refuse", "reasons": "x" * 30}, format="json"
    )
    assert respond.status_code == 404


def test_the_holder_answers_and_the_requester_cannot(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    answer = {
        "outcome": "disclose",
        "reasons": "The police need the risk picture to protect the adult from further harm.",
        "record_id": str(case.pk),
        "scope": "summary",
        **DISCLOSE,
    }
    assert api_client(world.officer).post(f"{URL}{created['id']}/respond/", answer, format="json").status_code == 403
    response = api_client(world.lead).post(f"{URL}{created['id']}/respond/", answer, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved_shared" and response.json()["decision_id"]
    seen = api_client(world.officer).get(f"{URL}{created['id']}/").json()
    assert seen["record"]["id"] == str(case.pk) and seen["decision_id"] is None
    again = api_client(world.lead).post(f"{URL}{created['id']}/respond/", answer, format="json")
    assert again.status_code == 409


def test_a_refused_record_stays_hidden_from_the_requester(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    refusal = {
        "outcome": "refuse",
        "reasons": "No crime has been reported to us and consent was refused.",
        "record_id": str(case.pk),
    }
    assert api_client(world.lead).post(f"{URL}{created['id']}/respond/", refusal, format="json").status_code == 200
    seen = api_client(world.officer).get(f"{URL}{created['id']}/").json()
    assert seen["status"] == "refused" and seen["record"] is None


def test_validation_errors_name_the_fields(world: World) -> None:
    response = api_client(world.officer).post(URL, body(world, nhs_number="123", what="x"), format="json")
    assert response.status_code == 400
    assert {"nhs_number", "what"} <= set(response.json()["errors"])
    invisible = world.case()
    response = api_client(world.officer).post(URL, body(world, nhs_number="", case_id=str(invisible.pk)), format="json")
    assert response.status_code == 400 and "case_id" in response.json()["errors"]


def test_the_screens_ask_and_answer(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    officer = signed_in(world.officer)
    assert officer.get(reverse("sharing:request-new")).status_code == 200
    response = officer.post(
        reverse("sharing:request-new"),
        {k: v for k, v in body(world).items() if k != "holder_agency_id"} | {"holder_agency": str(world.trust.pk)},
    )
    assert response.status_code == 302, response.content
    request = InformationRequest.objects.get()
    lead = signed_in(world.lead)
    page = lead.get(reverse("sharing:request", args=[request.pk]))
    assert page.status_code == 200 and case.reference.encode() in page.content
    assert officer.get(reverse("sharing:request", args=[request.pk])).content.count(case.reference.encode()) == 0
    bad = lead.post(reverse("sharing:request-respond", args=[request.pk]), {"outcome": "refuse"})
    assert bad.status_code == 400
    good = lead.post(
        reverse("sharing:request-respond", args=[request.pk]),
        {
            "outcome": "disclose",
            "reasons": "The police need the risk picture to protect the adult from further harm.",
            "record": str(case.pk),
            "scope": "summary",
            **DISCLOSE,
        },
    )
    assert good.status_code == 302
    assert officer.get(reverse("sharing:request", args=[request.pk])).content.count(case.reference.encode()) >= 1
    assert lead.get(reverse("sharing:requests")).status_code == 200
    assert lead.get(reverse("sharing:requests-awaiting")).status_code == 200
    assert officer.get(reverse("sharing:case-requests", args=[case.pk])).status_code == 200


def _answered(world: World, case: Any) -> None:
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    request = InformationRequest.objects.get(pk=created["id"])
    from safeguarding.sharing import requests as ir

    ir.information_request_respond(
        request=request,
        by=world.lead,
        outcome="disclose",
        reasons="The police need the risk picture to protect the adult from further harm.",
        record=case,
        scope="summary",
        **DISCLOSE,
    )


def test_the_list_costs_the_same_queries_for_one_request_or_many(world: World, django_assert_num_queries: Any) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    _answered(world, case)
    client = api_client(world.officer)
    client.get(URL)  # warm the session and content-type caches
    with django_assert_num_queries(LIST_QUERIES):
        client.get(URL)
    _answered(world, case)
    _answered(world, case)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(URL)
    assert len(response.json()["results"]) == 3
    assert all(row["record"]["id"] == str(case.pk) for row in response.json()["results"])


def test_the_holder_considers_and_the_requester_withdraws(world: World) -> None:
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    url = f"{URL}{created['id']}/"
    assert api_client(world.officer).post(f"{url}consider/").status_code == 403
    considered = api_client(world.lead).post(f"{url}consider/")
    assert considered.status_code == 200 and considered.json()["status"] == "under_consideration"
    assert api_client(world.lead).post(f"{url}consider/").status_code == 409
    assert api_client(world.lead).post(f"{url}withdraw/", {"reason": "Not ours"}, format="json").status_code == 403
    withdrawn = api_client(world.officer).post(f"{url}withdraw/", {"reason": "Closed"}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["status"] == "withdrawn"


def test_every_read_of_a_request_writes_one_access_row(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    created = api_client(world.officer).post(URL, body(world), format="json").json()
    with assert_access_rows(1, user=world.officer, object_ids=[created["id"]], outcome="allowed"):
        api_client(world.officer).get(f"{URL}{created['id']}/")
    with assert_access_rows(1, user=world.lead, object_ids=[created["id"]], outcome="allowed"):
        signed_in(world.lead).get(reverse("sharing:request", args=[created["id"]]))
    with assert_access_rows(1, user=world.lead, object_ids=[created["id"]]):
        signed_in(world.lead).get(reverse("sharing:requests"))
    with assert_access_rows(1, user=world.lead, object_ids=[]):
        signed_in(world.lead).get(reverse("sharing:case-requests", args=[case.pk]))
    with assert_access_rows(1, user=world.la_practitioner, outcome="denied"):
        assert signed_in(world.la_practitioner).get(reverse("sharing:request", args=[created["id"]])).status_code == 404
