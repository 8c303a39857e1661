from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import api_client, assert_access_rows
from tests.meetings.factories import DECISION, MeetingWorld

pytestmark = pytest.mark.django_db

QUERIES = 9  # session, user, membership, audit writes, the page: fixed whatever the number of meetings


@pytest.fixture
def mw() -> MeetingWorld:
    return MeetingWorld()


def url(meeting: Meeting, rest: str = "") -> str:
    return f"/api/v1/meetings/{meeting.pk}/{rest}"


def test_create_list_retrieve_and_transition(mw: MeetingWorld) -> None:
    client = api_client(mw.chair)
    when = (timezone.now() + timedelta(days=5)).isoformat()
    response = client.post(
        "/api/v1/meetings/",
        {
            "meeting_type": "joint_risk_forum",
            "title": "Joint risk forum",
            "scheduled_at": when,
            "chair_id": str(mw.chair.pk),
            "venue": "Civic centre",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    meeting_id = response.json()["id"]
    listed = client.get("/api/v1/meetings/").json()
    assert [m["id"] for m in listed["results"]] == [meeting_id] and listed["next"] is None
    assert client.get(f"/api/v1/meetings/{meeting_id}/").json()["status"] == "planned"
    bad = client.post(f"/api/v1/meetings/{meeting_id}/transitions/", {"transition": "hold"}, format="json")
    assert bad.status_code == 409
    started = client.post(f"/api/v1/meetings/{meeting_id}/transitions/", {"transition": "start"}, format="json")
    assert started.json()["status"] == "in_progress"


def test_validation_answers_400_with_field_errors(mw: MeetingWorld) -> None:
    response = api_client(mw.chair).post(
        "/api/v1/meetings/",
        {
            "meeting_type": "strategy_meeting",
            "title": " x",
            "scheduled_at": (timezone.now() - timedelta(days=1)).isoformat(),
            "chair_id": str(mw.police_rep.pk),
        },
        format="json",
    )
    assert response.status_code == 400
    assert {"scheduled_at", "chair"} <= set(response.json()["errors"])


def test_an_invisible_meeting_answers_404_everywhere(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    client = api_client(UserFactory(agency=AgencyFactory()))
    for rest in ("", "agenda/", "invitations/", "attendance/", "contributions/", "actions/", "minutes/"):
        assert client.get(url(meeting, rest)).status_code == 404, rest
    assert client.post(url(meeting, "transitions/"), {"transition": "start"}, format="json").status_code == 404


def test_invitees_see_a_case_item_only_after_the_owners_decision(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    owner = api_client(mw.trust_rep)
    added = owner.post(url(meeting, "agenda/"), {"case_id": str(mw.case.pk)}, format="json")
    assert added.status_code == 201
    item_id = added.json()[0]["id"]
    police = api_client(mw.police_other)
    assert police.get(url(meeting, "agenda/")).json()["results"] == []
    forbidden = api_client(mw.chair).post(url(meeting, f"agenda/{item_id}/sharing-decision/"), DECISION, format="json")
    assert forbidden.status_code == 404  # the chair cannot see the case yet
    decided = owner.post(url(meeting, f"agenda/{item_id}/sharing-decision/"), DECISION, format="json")
    assert decided.status_code == 200 and decided.json()["sharing_status"] == "shared"
    assert [i["id"] for i in police.get(url(meeting, "agenda/")).json()["results"]] == [item_id]


def test_invitation_rsvp_and_attendance(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    chair = api_client(mw.chair)
    created = chair.post(
        url(meeting, "invitations/"),
        {"agency_id": str(mw.police.pk), "person_id": str(mw.police_rep.pk)},
        format="json",
    )
    assert created.status_code == 201
    invitation_id = created.json()["id"]
    rsvp = api_client(mw.police_rep).post(
        url(meeting, f"invitations/{invitation_id}/rsvp/"), {"rsvp": "attending"}, format="json"
    )
    assert rsvp.json()["rsvp"] == "attending"
    assert chair.post(url(meeting, "transitions/"), {"transition": "start"}, format="json").status_code == 200
    missing_ack = chair.post(
        url(meeting, "attendance/"),
        {"agency_id": str(mw.police.pk), "status": "attended", "attendee_name": "PC"},
        format="json",
    )
    assert missing_ack.status_code == 400 and "confidentiality_acknowledged" in missing_ack.json()["errors"]
    ok = chair.post(
        url(meeting, "attendance/"),
        {
            "agency_id": str(mw.police.pk),
            "status": "attended",
            "attendee_name": "PC",
            "confidentiality_acknowledged": True,
        },
        format="json",
    )
    assert ok.status_code == 201
    assert (
        api_client(mw.police_rep)
        .post(url(meeting, "attendance/"), {"agency_id": str(mw.police.pk), "status": "absent"}, format="json")
        .status_code
        == 403
    )


def test_marac_research_is_404_outside_the_restricted_audience(mw: MeetingWorld) -> None:
    meeting = mw.meeting("marac")
    mw.invite_all(meeting)
    assert api_client(mw.coordinator).get(url(meeting, "contributions/")).status_code == 200
    with assert_access_rows(2, user=mw.police_other) as rows:
        assert api_client(mw.police_other).get(url(meeting, "contributions/")).status_code == 404
    assert [(r.object_type, r.outcome) for r in rows.rows] == [
        ("meetings.meeting", "allowed"),
        ("meetings.contribution", "denied"),
    ]


def test_minutes_draft_approve_issue_addenda_and_executive_summary(mw: MeetingWorld) -> None:
    meeting = mw.held(mw.meeting("mappa_l2"))
    coordinator, chair = api_client(mw.coordinator), api_client(mw.chair)
    assert coordinator.get(url(meeting, "minutes/")).status_code == 404  # none drafted yet
    first = coordinator.put(
        url(meeting, "minutes/"), {"text": "Minutes", "executive_summary": "Summary"}, format="json"
    )
    assert first.status_code == 200 and first.json()["marking"] == "OFFICIAL-SENSITIVE"
    etag = first["ETag"]
    assert (
        coordinator.put(url(meeting, "minutes/"), {"text": "v2", "executive_summary": "S"}, format="json").status_code
        == 428
    )
    second = coordinator.put(
        url(meeting, "minutes/"), {"text": "v2", "executive_summary": "S"}, format="json", HTTP_IF_MATCH=etag
    )
    assert second.status_code == 200
    assert (
        coordinator.put(
            url(meeting, "minutes/"), {"text": "v3", "executive_summary": "S"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 412
    )
    assert coordinator.post(url(meeting, "minutes/approve/")).status_code == 403
    assert coordinator.get(url(meeting, "executive-summary/")).status_code == 404
    assert chair.post(url(meeting, "minutes/approve/")).json()["status"] == "approved"
    assert coordinator.post(url(meeting, "minutes/addenda/"), {"text": "x"}, format="json").status_code == 409
    assert coordinator.post(url(meeting, "minutes/issue/")).json()["status"] == "issued"
    added = coordinator.post(url(meeting, "minutes/addenda/"), {"text": "Correction"}, format="json")
    assert added.status_code == 201 and added.json()["addenda"][0]["text"] == "Correction"
    # Someone in the chair's agency sees the meeting but not its restricted minutes: the executive summary only.
    colleague = api_client(UserFactory(agency=mw.la))
    assert colleague.get(url(meeting, "minutes/")).status_code == 404
    summary = colleague.get(url(meeting, "executive-summary/"))
    assert summary.status_code == 200 and summary.json()["executive_summary"] == "S"


def test_the_actions_api_lists_completes_and_verifies_tracked_actions(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    created = api_client(mw.chair).post(
        url(meeting, "actions/"),
        {
            "description": "Visit the adult",
            "owner_agency_id": str(mw.police.pk),
            "owner_person_id": str(mw.police_rep.pk),
            "due_date": (timezone.localdate() + timedelta(days=3)).isoformat(),
        },
        format="json",
    )
    assert created.status_code == 201
    action_id = created.json()["id"]
    rep = api_client(mw.police_rep)
    listed = rep.get("/api/v1/actions/?mine=1").json()
    assert [a["id"] for a in listed["results"]] == [action_id]
    assert listed["results"][0]["kind"] == "meetings.meetingaction"
    assert api_client(mw.trust_rep).get("/api/v1/actions/?mine=1").json()["results"] == []
    assert api_client(UserFactory(agency=AgencyFactory())).get(f"/api/v1/actions/{action_id}/").status_code == 404
    assert rep.post(f"/api/v1/actions/{action_id}/complete/", {"evidence_notes": ""}, format="json").status_code == 400
    done = rep.post(f"/api/v1/actions/{action_id}/complete/", {"evidence_notes": "Visited on Monday."}, format="json")
    assert done.json()["status"] == "completed"
    assert rep.post(f"/api/v1/actions/{action_id}/verify/").status_code == 403
    verified = api_client(mw.chair).post(f"/api/v1/actions/{action_id}/verify/")
    assert verified.json()["status"] == "verified"


def test_contributions_and_decisions_through_the_api(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    posted = api_client(mw.police_rep).post(
        url(meeting, "contributions/"), {"information_held": "Two call-outs"}, format="json"
    )
    assert posted.status_code == 201 and posted.json()["submitted_before_meeting"] is True
    assert len(api_client(mw.trust_rep).get(url(meeting, "contributions/")).json()["results"]) == 1
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    bad = api_client(mw.chair).post(url(meeting, "decisions/"), {"decision": "x", "rationale": ""}, format="json")
    assert bad.status_code == 400
    metrics = api_client(mw.chair).get(url(meeting, "metrics/")).json()["results"]
    assert {r["agency"]: r["contributed_before"] for r in metrics}[mw.police.name] == 1


def test_the_meeting_list_query_count_does_not_grow_with_meetings(
    mw: MeetingWorld, django_assert_num_queries: Any
) -> None:
    client = api_client(mw.chair)
    mw.meeting()
    client.get("/api/v1/meetings/")
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/api/v1/meetings/").json()["results"]) == 1
    for days in (4, 5, 6):
        mw.meeting(days=days)
    with django_assert_num_queries(QUERIES):
        assert len(client.get("/api/v1/meetings/").json()["results"]) == 4


def test_the_discussion_is_recorded_with_if_match_and_the_case_updated(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    item = mw.shared_item(meeting)
    services.meeting_transition(meeting=meeting, by=mw.chair, transition="start")
    chair = api_client(mw.chair)
    got = chair.get(url(meeting, f"agenda/{item.pk}/"))
    body = {"discussion": "Risk discussed", "adult_participated": True}
    assert chair.patch(url(meeting, f"agenda/{item.pk}/"), body, format="json").status_code == 428
    done = chair.patch(url(meeting, f"agenda/{item.pk}/"), body, format="json", HTTP_IF_MATCH=got["ETag"])
    assert done.status_code == 200 and done.json()["adult_participated"] is True
    stale = chair.patch(url(meeting, f"agenda/{item.pk}/"), body, format="json", HTTP_IF_MATCH=got["ETag"])
    assert stale.status_code == 412
    updated = chair.post(url(meeting, f"agenda/{item.pk}/update-case/"), {"risk_summary": "Reduced"}, format="json")
    assert updated.status_code == 200 and updated.json()["case_updated_at"] is not None
    outsider = api_client(UserFactory(agency=AgencyFactory()))
    assert outsider.get(url(meeting, f"agenda/{item.pk}/")).status_code == 404


def test_the_actions_api_covers_plan_actions_too(mw: MeetingWorld) -> None:
    from cases import services as cases

    w = mw.world
    case = w.decide(w.case(), enquiry_lead_agency=w.trust)
    plan = cases.plan_create(
        case=case,
        by=w.practitioner,
        lead_agency=w.trust,
        risks="Neglect",
        review_date=timezone.localdate() + timedelta(days=30),
    )
    plan_action = cases.plan_action_add(
        plan=plan,
        by=w.practitioner,
        owner_agency=w.trust,
        owner_person=w.practitioner,
        description="Arrange a carer",
        due_date=timezone.localdate() + timedelta(days=5),
    )
    client = api_client(w.practitioner)
    rows = client.get("/api/v1/actions/?mine=1").json()["results"]
    assert [(r["id"], r["kind"]) for r in rows] == [(str(plan_action.pk), "cases.planaction")]
    client.post(
        f"/api/v1/actions/{plan_action.pk}/complete/", {"evidence_notes": "Carer starts Monday."}, format="json"
    )
    assert client.post(f"/api/v1/actions/{plan_action.pk}/verify/").status_code == 403  # the completer
    verified = api_client(w.manager).post(f"/api/v1/actions/{plan_action.pk}/verify/")
    assert verified.status_code == 200 and verified.json()["status"] == "verified"


def test_reschedule_needs_if_match_and_answers_with_the_new_time(mw: MeetingWorld) -> None:
    meeting = mw.meeting()
    mw.invite_all(meeting)
    client = api_client(mw.chair)
    url = f"/api/v1/meetings/{meeting.pk}/reschedule/"
    body = {"scheduled_at": (meeting.scheduled_at + timedelta(days=7)).isoformat(), "reason": "Chair unwell"}
    assert client.post(url, body, format="json").status_code == 428
    etag = client.get(f"/api/v1/meetings/{meeting.pk}/")["ETag"]
    response = client.post(url, body, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag
    assert client.post(url, body, format="json", HTTP_IF_MATCH=etag).status_code == 412
    refused = client.post(url, {**body, "reason": ""}, format="json", HTTP_IF_MATCH=response["ETag"])
    assert refused.status_code == 400 and "reason" in refused.json()["errors"]
    assert api_client(mw.police_rep).post(url, body, format="json", HTTP_IF_MATCH="*").status_code == 403  # invited
    outsider = UserFactory(agency=AgencyFactory())
    assert api_client(outsider).post(url, body, format="json", HTTP_IF_MATCH="*").status_code == 404
