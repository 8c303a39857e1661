from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from reviews.models import Review, ReviewAction
from tests.helpers import api_client, assert_access_rows
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db


def _etag(client: Any, url: str) -> str:
    return client.get(url)["ETag"]


def test_refer_through_the_api_then_list_with_the_stage_filter(b: Board) -> None:
    client = api_client(b.practitioner)
    created = client.post(
        "/api/v1/reviews/",
        {
            "basis": "discretionary",
            "concern_about_joint_working": False,
            "adult_name": "Adult E",
            "supporting_information": "Learning about hospital discharge.",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "referral_received"
    assert [r["id"] for r in client.get("/api/v1/reviews/?stage=referral").json()["results"]] == [created.json()["id"]]
    assert client.get("/api/v1/reviews/?stage=review").json()["results"] == []


def test_refer_validation_is_a_400_with_field_errors(b: Board) -> None:
    response = api_client(b.practitioner).post(
        "/api/v1/reviews/", {"basis": "mandatory_condition1_died", "concern_about_joint_working": False}, format="json"
    )
    assert response.status_code == 400
    assert {"concern_about_joint_working", "adult_name"} <= set(response.json()["errors"])


def test_transitions_answer_409_when_not_allowed_now_and_403_for_the_role(b: Board) -> None:
    review = b.referral()
    url = f"/api/v1/reviews/{review.pk}/transitions/"
    assert api_client(b.manager_sab).post(url, {"transition": "publish"}, format="json").status_code == 409
    assert api_client(b.practitioner).post(url, {"transition": "acknowledge"}, format="json").status_code == 403
    ok = api_client(b.manager_sab).post(url, {"transition": "acknowledge"}, format="json")
    assert ok.status_code == 200 and ok.json()["status"] == "screening"
    asked = api_client(b.manager_sab).post(
        url, {"transition": "request_chronologies", "agency_ids": [str(b.trust.pk)]}, format="json"
    )
    assert asked.json()["status"] == "awaiting_chronologies"


def test_the_panel_decision_needs_a_rationale(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies", "refer_to_panel")
    url = f"/api/v1/reviews/{review.pk}/transitions/"
    missing = api_client(b.chair).post(url, {"transition": "commission"}, format="json")
    assert missing.status_code == 400 and "rationale" in missing.json()["errors"]
    done = api_client(b.chair).post(url, {"transition": "commission", "rationale": "Criteria met."}, format="json")
    assert done.json()["decision"] == "commissioned"


def test_agencies_see_the_header_only_and_the_board_sees_everything(b: Board) -> None:
    review = b.in_review()
    url = f"/api/v1/reviews/{review.pk}/"
    board = api_client(b.reviewer).get(url).json()
    assert board["terms_of_reference"] and board["adult"] == "Adult D" and board["timeline"]
    agency = api_client(b.la_practitioner).get(url).json()  # asked for a chronology
    assert "adult" not in agency and "draft_report" not in agency and agency["executive_summary"] is None
    assert api_client(b.la_practitioner).get(f"{url}recommendations/").status_code == 404


def test_commissioners_get_empty_lists_and_404_details(b: Board) -> None:
    review = b.published()
    item = b.item(b.recommendation(review))
    client = api_client(b.commissioner)
    for path in ("/api/v1/reviews/", "/api/v1/review-actions/", "/api/v1/learning-events/"):
        response = client.get(path)
        assert response.status_code == 200 and response.json()["results"] == []
    with assert_access_rows(1, outcome="denied"):
        assert client.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    assert client.get(f"/api/v1/review-actions/{item.pk}/").status_code == 404
    assert client.post(f"/api/v1/review-actions/{item.pk}/verify/").status_code == 404


def test_the_reviewer_gets_404_for_another_review(b: Board) -> None:
    b.in_review()
    other = b.commissioned()
    assert api_client(b.reviewer).get(f"/api/v1/reviews/{other.pk}/").status_code == 404
    assert len(api_client(b.reviewer).get("/api/v1/reviews/").json()["results"]) == 1


def test_chronologies_list_is_limited_to_the_agencys_own_and_it_answers_through_the_api(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    own = review.chronology_requests.get(agency=b.la)
    client = api_client(b.la_practitioner)
    rows = client.get(f"/api/v1/reviews/{review.pk}/chronologies/").json()["results"]
    assert [r["id"] for r in rows] == [str(own.pk)]
    other = review.chronology_requests.get(agency=b.trust)
    assert client.post(f"/api/v1/reviews/{review.pk}/chronologies/{other.pk}/", {"chronology": "x"}).status_code == 404
    done = client.post(
        f"/api/v1/reviews/{review.pk}/chronologies/{own.pk}/", {"chronology": "3 Jan: visit."}, format="json"
    )
    assert done.status_code == 200 and done.json()["status"] == "received"
    assert len(api_client(b.manager_sab).get(f"/api/v1/reviews/{review.pk}/chronologies/").json()["results"]) == 2


def test_review_patch_needs_if_match(b: Board) -> None:
    review = b.commissioned()
    client = api_client(b.manager_sab)
    url = f"/api/v1/reviews/{review.pk}/"
    assert client.patch(url, {"methodology": "rapid_review"}, format="json").status_code == 428
    assert client.patch(url, {"methodology": "rapid_review"}, format="json", HTTP_IF_MATCH='"x-1"').status_code == 412
    etag = _etag(client, url)
    ok = client.patch(
        url,
        {
            "methodology": "rapid_review",
            "reviewer_id": str(b.reviewer.pk),
            "panel_member_ids": [str(b.panel_member.pk)],
        },
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["reviewer"] == b.reviewer.full_name and ok.json()["panel_members"] == [b.panel_member.full_name]


def test_items_create_update_evidence_and_verify_through_the_api(b: Board) -> None:
    review = b.published()
    rec = b.recommendation(review)
    unit = api_client(b.manager_sab)
    created = unit.post(
        "/api/v1/review-actions/",
        {
            "recommendation_id": str(rec.pk),
            "owner_agency_id": str(b.trust.pk),
            "owner_person_id": str(b.lead.pk),
            "description": "Introduce missed-visit alerts.",
            "due_date": str(timezone.localdate() + timedelta(days=40)),
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["rag"] == "green"
    owner = api_client(b.lead)
    url = f"/api/v1/review-actions/{item['id']}/"
    assert owner.patch(url, {"note": "Started."}, format="json").status_code == 428
    updated = owner.patch(
        url, {"note": "Pilot delayed.", "owner_flag": "off_track"}, format="json", HTTP_IF_MATCH=_etag(owner, url)
    )
    assert updated.json()["rag"] == "red" and updated.json()["status"] == "in_progress"
    assert [r["id"] for r in owner.get("/api/v1/review-actions/?rag=red").json()["results"]] == [item["id"]]
    evidence = owner.post(
        f"{url}evidence/",
        {"evidence_notes": "Alerts live.", "files": [SimpleUploadedFile("audit.pdf", b"%PDF-1.4\n%%EOF\n")]},
        format="multipart",
    )
    assert evidence.status_code == 200, evidence.content
    assert evidence.json()["status"] == "completed"
    assert owner.post(f"{url}verify/").status_code == 403
    verified = unit.post(f"{url}verify/")
    assert verified.status_code == 200 and verified.json()["rag"] == "blue"
    assert unit.post(f"{url}verify/").status_code == 409


def test_other_agencies_cannot_see_an_item(b: Board) -> None:
    rec = b.recommendation(b.published())
    item = b.item(rec, owner=b.lead)
    assert api_client(b.officer).get(f"/api/v1/review-actions/{item.pk}/").status_code == 404
    assert api_client(b.officer).get("/api/v1/review-actions/").json()["results"] == []
    assert ReviewAction.objects.count() == 1 and Review.objects.count() == 1


def test_learning_events_through_the_api(b: Board) -> None:
    review = b.published()
    unit = api_client(b.manager_sab)
    created = unit.post(
        "/api/v1/learning-events/",
        {
            "title": "7-minute briefing: Adult D",
            "format": "seven_minute_briefing",
            "held_on": str(timezone.localdate()),
            "review_ids": [str(review.pk)],
            "attendance": [{"agency_id": str(b.trust.pk), "attendees": 14}],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["attendance"] == [{"agency": b.trust.name, "agency_id": str(b.trust.pk), "attendees": 14}]
    denied = api_client(b.practitioner).post(
        "/api/v1/learning-events/", {"title": "x", "format": "briefing", "held_on": "2026-01-01"}, format="json"
    )
    assert denied.status_code == 403
    listed = api_client(b.officer).get("/api/v1/learning-events/").json()["results"]
    assert [e["title"] for e in listed] == ["7-minute briefing: Adult D"]
    assert api_client(b.commissioner).get(f"/api/v1/learning-events/{created.json()['id']}/").status_code == 404


def test_the_unit_cancels_an_item_through_the_api(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    url = f"/api/v1/review-actions/{item.pk}/cancel/"
    assert api_client(b.lead).post(url, {"reason": "x"}, format="json").status_code == 403
    done = api_client(b.manager_sab).post(url, {"reason": "Superseded."}, format="json")
    assert done.status_code == 200 and done.json()["rag"] == "none"
