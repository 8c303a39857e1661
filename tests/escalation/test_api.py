"""``/api/v1/deadlines/``: visible deadlines only, 404 for the rest, reasons and extensions, every read audited."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from escalation import services
from escalation.models import Deadline
from safeguarding.audit.models import Outcome
from tests.escalation.conftest import Cast, run_clocks, uk
from tests.factories import UserFactory
from tests.helpers import api_client, assert_access_rows

pytestmark = pytest.mark.django_db


def held(cast: Cast, reference: str = "S-1") -> Deadline:
    with time_machine.travel(uk("2026-06-08 10:00"), tick=False):
        return services.start_clock(
            subject=cast.subject(reference), kind="clocktest_response", holder_user=cast.practitioner
        )


def test_the_list_holds_only_deadlines_whose_subject_the_caller_can_see(cast: Cast) -> None:
    mine = held(cast)
    elsewhere = cast.subject("X-1", agency=cast.outsider.membership.agency, area=None)
    services.start_clock(subject=elsewhere, kind="clocktest_response", holder_user=cast.outsider)
    with assert_access_rows(1, user=cast.practitioner, object_ids=[mine.pk]):
        body = api_client(cast.practitioner).get("/api/v1/deadlines/").json()
    assert [row["id"] for row in body["results"]] == [str(mine.pk)]
    assert body["results"][0]["holder"]["user"]["full_name"] == "Pat Practitioner"
    assert body["results"][0]["kind_label"] == "Test response"
    outsider_rows = api_client(cast.outsider).get("/api/v1/deadlines/").json()["results"]
    assert str(mine.pk) not in [row["id"] for row in outsider_rows]


def test_mine_narrows_the_list_to_deadlines_the_caller_holds(cast: Cast) -> None:
    deadline = held(cast)
    client = api_client(cast.manager)
    assert [r["id"] for r in client.get("/api/v1/deadlines/").json()["results"]] == [str(deadline.pk)]
    assert client.get("/api/v1/deadlines/?mine=1").json()["results"] == []
    mine = api_client(cast.practitioner).get("/api/v1/deadlines/?mine=1").json()["results"]
    assert [r["id"] for r in mine] == [str(deadline.pk)]


# Refusals write their "denied" access row through the separate audit connection: these tests commit.
denials = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


@denials
def test_detail_carries_the_history_and_invisible_deadlines_answer_404(cast: Cast) -> None:
    deadline = held(cast)
    run_clocks(uk("2026-06-16 00:01"))
    with assert_access_rows(1, user=cast.practitioner, object_ids=[deadline.pk], outcome=Outcome.ALLOWED):
        body = api_client(cast.practitioner).get(f"/api/v1/deadlines/{deadline.pk}/").json()
    assert [h["event"] for h in body["history"]] == ["started", "breached"]
    assert body["history"][1]["told"][0]["full_name"] == "Pat Practitioner"
    assert body["status"] == "breached" and body["original_due_at"] == body["due_at"]
    response = api_client(cast.outsider).get(f"/api/v1/deadlines/{deadline.pk}/")
    assert response.status_code == 404 and response.json() == {"detail": "Not found.", "errors": {}}
    missing = api_client(cast.practitioner).get(f"/api/v1/deadlines/{uuid.uuid4()}/")
    assert missing.status_code == 404 and missing.json() == response.json()


@denials
def test_an_invisible_deadline_read_is_recorded_as_denied(cast: Cast) -> None:
    deadline = held(cast)
    with assert_access_rows(1, user=cast.outsider, outcome=Outcome.DENIED, object_ids=[deadline.pk]):
        api_client(cast.outsider).get(f"/api/v1/deadlines/{deadline.pk}/")


@denials
def test_a_reason_for_delay_is_refused_until_the_deadline_is_overdue(cast: Cast) -> None:
    deadline = held(cast)
    client = api_client(cast.practitioner)
    early = client.post(f"/api/v1/deadlines/{deadline.pk}/reason/", {"reason": "x"}, format="json")
    assert early.status_code == 409 and early.json()["detail"]
    run_clocks(uk("2026-06-16 00:01"))
    blank = client.post(f"/api/v1/deadlines/{deadline.pk}/reason/", {"reason": " "}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    colleague = api_client(UserFactory(agency=cast.agency))
    assert colleague.post(f"/api/v1/deadlines/{deadline.pk}/reason/", {"reason": "x"}, format="json").status_code == 403
    hidden = api_client(cast.outsider).post(f"/api/v1/deadlines/{deadline.pk}/reason/", {"reason": "x"}, format="json")
    assert hidden.status_code == 404
    ok = client.post(f"/api/v1/deadlines/{deadline.pk}/reason/", {"reason": "Waiting for GP records"}, format="json")
    assert ok.status_code == 200 and ok.json()["reason_for_delay"] == "Waiting for GP records"


@denials
def test_extending_through_the_api(cast: Cast) -> None:
    deadline = held(cast)
    client = api_client(cast.practitioner)
    past = client.post(
        f"/api/v1/deadlines/{deadline.pk}/extend/",
        {"due_at": "2020-01-01T12:00:00+00:00", "reason": "x"},
        format="json",
    )
    assert past.status_code == 400 and "due_at" in past.json()["errors"]
    hidden = api_client(cast.outsider).post(
        f"/api/v1/deadlines/{deadline.pk}/extend/",
        {"due_at": "2099-01-01T12:00:00+00:00", "reason": "x"},
        format="json",
    )
    assert hidden.status_code == 404
    ok = client.post(
        f"/api/v1/deadlines/{deadline.pk}/extend/",
        {"due_at": "2099-01-01T12:00:00+00:00", "reason": "Adult in hospital"},
        format="json",
    )
    assert ok.status_code == 200
    body = ok.json()
    assert body["due_at"].startswith("2099-01-01") and body["extensions"][0]["reason"] == "Adult in hospital"
    assert body["history"][-1]["event"] == "extended"


def test_the_api_is_described_in_the_openapi_schema(cast: Cast) -> None:
    schema = api_client(cast.practitioner).get("/api/schema/?format=json").json()
    assert "/api/v1/deadlines/{id}/extend/" in schema["paths"]


def test_the_list_costs_the_same_queries_for_one_row_or_many(cast: Cast) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(cast.practitioner)
    held(cast, "S-0")
    client.get("/api/v1/deadlines/")  # the session's first request also records the session's activity
    with CaptureQueriesContext(connection) as one:
        assert len(client.get("/api/v1/deadlines/").json()["results"]) == 1
    for n in range(1, 6):
        held(cast, f"S-{n}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/deadlines/").json()["results"]) == 6
    assert len(many.captured_queries) == len(one.captured_queries)
