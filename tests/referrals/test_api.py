"""The referrals API: create per kind, boxes, transitions, 400/403/404/409, access rows, MAPPA nominals."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import MappaNominal, Referral
from tests.helpers import api_client, assert_access_rows
from tests.referrals.conftest import BASIS, NO_CONSENT_BASIS, ReferralWorld

pytestmark = pytest.mark.django_db


def test_the_owner_creates_and_sends_an_s42_concern_and_the_la_decides(world: ReferralWorld) -> None:
    case = world.case()
    client = api_client(world.practitioner)
    response = client.post(
        "/api/v1/referrals/",
        {"case_id": str(case.pk), "kind": "s42_concern", "reason": "Neglect at home.", "sharing_basis": BASIS},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft" and "concern_id" in body and "dash_id" not in body
    assert response["ETag"]
    pk = body["id"]
    assert client.post(f"/api/v1/referrals/{pk}/send/").json()["state"] == "sent"
    la = api_client(world.la_manager)
    assert la.post(f"/api/v1/referrals/{pk}/acknowledge/").json()["state"] == "acknowledged"
    response = la.post(
        f"/api/v1/referrals/{pk}/decision/",
        {
            "criterion_care_support_needs": "yes",
            "criterion_abuse_or_risk": "yes",
            "criterion_unable_to_protect": "yes",
            "decision": "s42_enquiry",
            "rationale": "All three criteria are met.",
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["state"] == "closed"
    assert [e["event"] for e in response.json()["timeline"]] == ["created", "sent", "acknowledged", "decision"]
    case.refresh_from_db()
    assert case.status == "enquiry"


def test_create_validates_the_kinds_payload_with_field_errors(world: ReferralWorld) -> None:
    case = world.case()
    response = api_client(world.practitioner).post(
        "/api/v1/referrals/",
        {"case_id": str(case.pk), "kind": "service", "reason": "", "details": {"service_type": "spa"}},
        format="json",
    )
    assert response.status_code == 400
    assert {"reason", "service_type", "recipient_agency"} <= set(response.json()["errors"])


def test_a_marac_referral_is_created_from_the_dash_and_sent_in_one_call(world: ReferralWorld) -> None:
    case = world.case()
    harmer = world.harm_person(case)
    world.dash(case, yes=14)
    response = api_client(world.practitioner).post(
        "/api/v1/referrals/",
        {
            "case_id": str(case.pk),
            "kind": "marac",
            "reason": "High risk.",
            "sharing_basis": NO_CONSENT_BASIS,
            "details": {"persons_causing_harm": [str(harmer.pk)], "incident_date": timezone.localdate().isoformat()},
            "send": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "referred" and body["criteria"] == ["visible_high_risk"]
    assert body["dash_yes_count"] == 14 and "service_type" not in body


def test_a_case_you_cannot_see_answers_404_and_one_you_do_not_own_403(world: ReferralWorld) -> None:
    case = world.case()
    body = {"case_id": str(case.pk), "kind": "service", "reason": "x", "details": {"service_type": "housing"}}
    with assert_access_rows(1, outcome="denied"):
        assert api_client(world.housing_officer).post("/api/v1/referrals/", body, format="json").status_code == 404
    world.s42(case)  # the LA now sees the case (full scope) but does not own it
    assert api_client(world.la_manager).post("/api/v1/referrals/", body, format="json").status_code == 403


def test_invisible_referrals_answer_404_on_every_route(world: ReferralWorld) -> None:
    referral = world.s42()
    client = api_client(world.housing_officer)
    for route in ("", "acknowledge/", "accept/", "decision/", "withdraw/", "list/"):
        method = client.get if route == "" else client.post
        assert method(f"/api/v1/referrals/{referral.pk}/{route}", {}, format="json").status_code == 404
    assert client.get(f"/api/v1/referrals/{uuid.uuid4()}/").status_code == 404


def test_a_forbidden_action_is_403_and_a_transition_not_allowed_now_is_409(world: ReferralWorld) -> None:
    referral = world.service()
    sender = api_client(world.practitioner)
    assert sender.post(f"/api/v1/referrals/{referral.pk}/accept/").status_code == 403
    recipient = api_client(world.housing_officer)
    assert recipient.post(f"/api/v1/referrals/{referral.pk}/accept/").status_code == 200
    response = sender.post(f"/api/v1/referrals/{referral.pk}/withdraw/", {"reason": "Too late"}, format="json")
    assert response.status_code == 409 and response.json()["detail"]
    response = recipient.post(f"/api/v1/referrals/{referral.pk}/list/", {"intended_sitting_date": "2030-01-01"})
    assert response.status_code == 409


def test_the_list_is_every_visible_referral_and_boxes_are_opt_in(world: ReferralWorld) -> None:
    sent = world.service()
    case = world.case(by=world.housing_officer)
    received = services.referral_send(
        referral=services.referral_create(
            by=world.housing_officer,
            case=case,
            kind="service",
            reason="Mental health assessment please.",
            recipient_agency=world.trust,
            sharing_basis=BASIS,
            details={"service_type": "mental_health_assessment"},
        ),
        by=world.housing_officer,
    )
    client = api_client(world.practitioner)
    client.get("/api/v1/referrals/")
    with assert_access_rows(1, user=world.practitioner):
        everything = {r["id"] for r in client.get("/api/v1/referrals/").json()["results"]}
    assert everything == {str(sent.pk), str(received.pk)}
    assert [r["id"] for r in client.get("/api/v1/referrals/?box=sent").json()["results"]] == [str(sent.pk)]
    assert [r["id"] for r in client.get("/api/v1/referrals/?box=received").json()["results"]] == [str(received.pk)]
    assert client.get("/api/v1/referrals/?kind=marac").json()["results"] == []
    assert api_client(world.officer).get("/api/v1/referrals/").json() == {
        "next": None,
        "previous": None,
        "results": [],
    }


def test_the_list_costs_the_same_queries_for_one_row_or_many(
    world: ReferralWorld, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.service()
    client = api_client(world.practitioner)
    client.get("/api/v1/referrals/")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/referrals/")
    for _ in range(4):
        world.service()
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/referrals/").json()["results"]) == 5
    assert len(many) == len(one)


def test_the_coordinator_lists_and_not_lists_through_the_api(world: ReferralWorld) -> None:
    first, second = world.marac(), world.marac()
    client = api_client(world.coordinator)
    sitting = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(f"/api/v1/referrals/{first.pk}/list/", {"intended_sitting_date": sitting}, format="json")
    assert response.status_code == 200 and response.json()["intended_sitting_date"] == sitting
    response = client.post(f"/api/v1/referrals/{second.pk}/not-list/", {"reason": ""}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(f"/api/v1/referrals/{second.pk}/not-list/", {"reason": "Below threshold"}, format="json")
    assert response.json()["state"] == "not_listed"
    response = api_client(world.practitioner).post(
        f"/api/v1/referrals/{second.pk}/challenge/",
        {"professional_judgement": "He has threatened to kill her and has a knife at home."},
        format="json",
    )
    assert response.json()["state"] == "referred"


def test_mappa_nominals_are_listed_reviewed_and_hidden_from_others(world: ReferralWorld) -> None:
    referral = services.referral_accept(referral=world.mappa(), by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    ra = api_client(world.probation_officer)
    assert [n["id"] for n in ra.get("/api/v1/mappa-nominals/").json()["results"]] == [str(nominal.pk)]
    response = ra.post(
        f"/api/v1/mappa-nominals/{nominal.pk}/review/", {"level": "level1_ordinary_agency"}, format="json"
    )
    assert response.status_code == 200 and response.json()["next_review_due"] is None
    assert api_client(world.practitioner).get(f"/api/v1/mappa-nominals/{nominal.pk}/").status_code == 200
    assert (
        api_client(world.practitioner)
        .post(f"/api/v1/mappa-nominals/{nominal.pk}/review/", {"level": "level2_active_multi_agency"}, format="json")
        .status_code
        == 403
    )
    assert api_client(world.officer).get(f"/api/v1/mappa-nominals/{nominal.pk}/").status_code == 404


def test_a_responsible_authority_records_a_nominal(world: ReferralWorld) -> None:
    case = world.case(by=world.probation_officer)
    response = api_client(world.probation_officer).post(
        "/api/v1/mappa-nominals/",
        {
            "person_id": str(case.adult_id),
            "case_id": str(case.pk),
            "category": "cat1_registered_sexual_offender",
            "level": "level3_active_multi_agency_senior",
            "lead_agency_id": str(world.probation.pk),
            "named_agency_ids": [str(world.police.pk)],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["named_agencies"] == [world.police.name] and response.json()["next_review_due"]
    assert Referral.objects.count() == 0


def test_the_schema_documents_the_referral_routes(world: ReferralWorld) -> None:
    schema = api_client(world.practitioner).get("/api/schema/?format=json").json()
    assert "/api/v1/referrals/{id}/decision/" in schema["paths"]
    assert "/api/v1/mappa-nominals/" in schema["paths"]
    examples = schema["paths"]["/api/v1/referrals/"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert len(examples) == 4


def test_create_and_send_is_all_or_nothing(world: ReferralWorld) -> None:
    case = world.case()
    harmer = world.harm_person(case)
    world.dash(case, yes=5)  # no criterion met: the send fails
    response = api_client(world.practitioner).post(
        "/api/v1/referrals/",
        {
            "case_id": str(case.pk),
            "kind": "marac",
            "reason": "Worried.",
            "sharing_basis": NO_CONSENT_BASIS,
            "details": {"persons_causing_harm": [str(harmer.pk)], "incident_date": timezone.localdate().isoformat()},
            "send": True,
        },
        format="json",
    )
    assert response.status_code == 400 and "criteria" in response.json()["errors"]
    assert not Referral.objects.filter(case=case).exists()


def test_the_responsible_authority_names_who_may_see_a_nominal(world: ReferralWorld) -> None:
    referral = services.referral_accept(referral=world.mappa(), by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    url = f"/api/v1/mappa-nominals/{nominal.pk}/agencies/"
    body = {"named_agency_ids": [str(world.police.pk)]}
    assert api_client(world.practitioner).post(url, body, format="json").status_code == 403
    response = api_client(world.probation_officer).post(url, body, format="json")
    assert response.status_code == 200 and response.json()["named_agencies"] == [world.police.name]
    assert api_client(world.officer).get(f"/api/v1/mappa-nominals/{nominal.pk}/").status_code == 200
    assert api_client(world.practitioner).get(f"/api/v1/mappa-nominals/{nominal.pk}/").status_code == 404
