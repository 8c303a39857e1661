from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Case
from safeguarding.audit.models import AccessLog
from tests.cases.factories import World, concern_data
from tests.helpers import api_client, assert_access_rows

pytestmark = pytest.mark.django_db

# Query budgets (authentication, visibility, rows, scopes, the access-log row); a change here is a design decision.
LIST_QUERIES = 11  # the bounded probe that picks the SQL shape, then the page's ids and its rows (deferred join)
SEARCH_QUERIES = 10
DETAIL_QUERIES = 11  # the visibility check, then the case with its related rows (case_get_for_user)

CASE_SUBROUTES = ["", "chronology/", "enquiry/", "plans/", "capacity-assessments/", "dash-assessments/"]


@pytest.fixture
def world() -> World:
    return World()


def _create_body(**concern: object) -> dict:
    data = concern_data(**concern)
    data["identified_at"] = data["identified_at"].isoformat()
    return {"adult": {"given_name": "Rae", "family_name": "Jones", "nhs_number": "943 476 5919"}, "concern": data}


def test_practitioner_logs_a_concern_through_the_api(world: World) -> None:
    client = api_client(world.practitioner)
    response = client.post("/api/v1/cases/", _create_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "raised" and body["scope"] == "owner"
    assert body["adult"]["nhs_number"] == "9434765919"
    assert response["ETag"]


def test_draft_true_creates_a_draft(world: World) -> None:
    body = _create_body()
    body["draft"] = True
    response = api_client(world.practitioner).post("/api/v1/cases/", body, format="json")
    assert response.json()["status"] == "draft"


def test_invalid_concern_answers_400_with_field_errors_and_saves_nothing(world: World) -> None:
    before = Case.objects.count()
    body = _create_body(abuse_types=[])
    response = api_client(world.practitioner).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400
    assert "concern.abuse_types" in response.json()["errors"]
    body = _create_body()
    body["adult"]["nhs_number"] = "9434765918"
    response = api_client(world.practitioner).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "nhs_number" in response.json()["errors"]
    assert Case.objects.count() == before


def test_commissioner_may_not_create_cases(world: World) -> None:
    response = api_client(world.commissioner).post("/api/v1/cases/", _create_body(), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("sub", CASE_SUBROUTES)
def test_other_agency_gets_404_on_every_case_route(world: World, sub: str) -> None:
    case = world.decide(world.case())
    client = api_client(world.officer)
    with assert_access_rows(1, user=world.officer, outcome="denied", object_ids=[case.pk]):
        response = client.get(f"/api/v1/cases/{case.pk}/{sub}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": {}}


def test_missing_and_invisible_cases_answer_identically(world: World) -> None:
    invisible = world.case()
    client = api_client(world.officer)
    a = client.get(f"/api/v1/cases/{invisible.pk}/")
    b = client.get(f"/api/v1/cases/{uuid.uuid4()}/")
    assert (a.status_code, a.json()) == (b.status_code, b.json())


def test_other_agency_sees_nothing_in_lists_or_search(world: World) -> None:
    world.case()
    client = api_client(world.officer)
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get("/api/v1/people/").json()["results"] == []
    response = client.post("/api/v1/cases/search/", {"text": "Example"}, format="json")
    assert response.json()["results"] == [] and response.json()["count_display"] == "0"


def test_commissioner_in_the_owning_agency_sees_no_case(world: World) -> None:
    case = world.case()
    client = api_client(world.commissioner)
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404


def test_list_writes_one_access_row_with_the_ids_returned(world: World) -> None:
    cases = [world.case() for _ in range(3)]
    with assert_access_rows(1, user=world.practitioner, object_ids=[c.pk for c in cases]):
        response = api_client(world.practitioner).get("/api/v1/cases/")
    assert len(response.json()["results"]) == 3


def test_detail_and_subroutes_write_one_access_row(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    client = api_client(world.practitioner)
    for sub in CASE_SUBROUTES:
        with assert_access_rows(1, user=world.practitioner, outcome="allowed", object_ids=[case.pk]):
            assert client.get(f"/api/v1/cases/{case.pk}/{sub}").status_code == 200


def test_search_writes_one_access_row(world: World) -> None:
    case = world.case()
    with assert_access_rows(1, object_ids=[case.pk]):
        response = api_client(world.practitioner).post("/api/v1/cases/search/", {"text": "alex"}, format="json")
    assert [r["id"] for r in response.json()["results"]] == [str(case.pk)]


def test_search_by_reference_nhs_number_and_date_of_birth(world: World) -> None:
    case = world.case(person=world.person(nhs_number="4010232137"))
    client = api_client(world.practitioner)
    for body in ({"text": case.reference}, {"nhs_number": "401 023 2137"}, {"date_of_birth": "1970-04-01"}):
        assert [r["id"] for r in client.post("/api/v1/cases/search/", body, format="json").json()["results"]] == [
            str(case.pk)
        ]
    assert client.post("/api/v1/cases/search/", {}, format="json").status_code == 400


def test_list_costs_the_same_queries_for_one_and_fifty_rows(world: World) -> None:
    client = api_client(world.practitioner)
    world.case()
    client.get("/api/v1/cases/")  # warm up: the first request of a session records when it was last seen
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/cases/")
    for _ in range(49):
        world.case()
    with CaptureQueriesContext(connection) as fifty:
        response = client.get("/api/v1/cases/")
    assert len(response.json()["results"]) == 50
    assert len(one) == len(fifty), [q["sql"] for q in fifty.captured_queries]


def test_search_costs_the_same_queries_for_one_and_twenty_matches(world: World) -> None:
    client = api_client(world.practitioner)
    world.case()
    client.post("/api/v1/cases/search/", {"text": "alex"}, format="json")  # warm up the session
    with CaptureQueriesContext(connection) as one:
        client.post("/api/v1/cases/search/", {"text": "alex"}, format="json")
    for _ in range(19):
        world.case()
    with CaptureQueriesContext(connection) as twenty:
        response = client.post("/api/v1/cases/search/", {"text": "alex"}, format="json")
    assert len(response.json()["results"]) == 20
    assert len(one) == len(twenty), [q["sql"] for q in twenty.captured_queries]


def test_list_search_and_detail_query_budgets(world: World, django_assert_num_queries: object) -> None:
    case = world.case()
    client = api_client(world.practitioner)
    client.get("/api/v1/cases/")  # warm up the session
    with django_assert_num_queries(LIST_QUERIES):  # type: ignore[operator]
        client.get("/api/v1/cases/")
    with django_assert_num_queries(SEARCH_QUERIES):  # type: ignore[operator]
        client.post("/api/v1/cases/search/", {"text": "alex"}, format="json")
    with django_assert_num_queries(DETAIL_QUERIES):  # type: ignore[operator]
        client.get(f"/api/v1/cases/{case.pk}/")


def test_patch_needs_if_match(world: World) -> None:
    case = world.case()
    client = api_client(world.practitioner)
    url = f"/api/v1/cases/{case.pk}/"
    assert client.patch(url, {"risk_level": "high"}, format="json").status_code == 428
    etag = client.get(url)["ETag"]
    response = client.patch(url, {"risk_level": "high"}, format="json", HTTP_IF_MATCH=etag)
    assert response.status_code == 200 and response.json()["risk_level"] == "high"
    stale = client.patch(url, {"risk_level": "low"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412


def test_other_agency_cannot_patch_and_learns_nothing(world: World) -> None:
    case = world.case()
    response = api_client(world.officer).patch(
        f"/api/v1/cases/{case.pk}/", {"risk_level": "high"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 404


def test_transitions_answer_409_with_the_reason_and_400_for_missing_fields(world: World) -> None:
    case = world.case()
    client = api_client(world.practitioner)
    url = f"/api/v1/cases/{case.pk}/transitions/"
    response = client.post(url, {"transition": "start_plan"}, format="json")
    assert response.status_code == 409 and "cannot be" in response.json()["detail"]
    response = client.post(url, {"transition": "close"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["errors"]
    response = client.post(url, {"transition": "close", "reason": "withdrawn"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "closed"


def test_la_records_its_decision_through_the_transitions_route(world: World) -> None:
    case = world.case()
    # The LA sees the case once it is shared with it (sharing engine); until then it is invisible: 404.
    response = api_client(world.la_manager).post(
        f"/api/v1/cases/{case.pk}/transitions/",
        {
            "transition": "record_la_decision",
            "received_at": timezone.now().isoformat(),
            "criterion_care_support_needs": "yes",
            "criterion_abuse_or_risk": "yes",
            "criterion_unable_to_protect": "yes",
            "decision": "s42_enquiry",
        },
        format="json",
    )
    assert response.status_code == 404


def test_chronology_entries_are_added_and_listed_newest_event_first(world: World) -> None:
    case = world.case()
    client = api_client(world.practitioner)
    url = f"/api/v1/cases/{case.pk}/chronology/"
    old = (timezone.now() - timedelta(days=30)).isoformat()
    assert client.post(url, {"summary": "Home visit", "event_date": old}, format="json").status_code == 201
    future = (timezone.now() + timedelta(days=3)).isoformat()
    response = client.post(url, {"summary": "x", "event_date": future}, format="json")
    assert response.status_code == 400 and "event_date" in response.json()["errors"]
    summaries = [e["summary"] for e in client.get(url).json()["results"]]
    assert summaries[-1] == "Home visit"


def test_people_are_visible_only_through_a_visible_case(world: World) -> None:
    case = world.case()
    mine = api_client(world.practitioner).get(f"/api/v1/people/{case.adult_id}/")
    assert mine.status_code == 200 and mine.json()["nhs_number_display"] == ""
    assert api_client(world.officer).get(f"/api/v1/people/{case.adult_id}/").status_code == 404


def test_access_rows_for_denied_reads_never_name_the_person(world: World) -> None:
    case = world.case()
    api_client(world.officer).get(f"/api/v1/people/{case.adult_id}/")
    row = AccessLog.objects.filter(outcome="denied").latest("id")
    assert row.object_ids == [str(case.adult_id)]
    assert "Example" not in str(row.__dict__)


@pytest.mark.parametrize("walk_from", [1, 10_000])
def test_the_list_gives_the_same_rows_in_either_sql_shape(world: World, settings: object, walk_from: int) -> None:
    from safeguarding.sharing import services as sharing
    from tests.cases.cast import SHARE

    settings.CASE_LIST_WALK_THRESHOLD = walk_from  # type: ignore[attr-defined]
    own = world.case()
    shared, unshared = world.case(by=world.officer), world.case(by=world.officer)
    sharing.share_record(
        obj=shared,
        decided_by=world.officer,
        recipient_agency=world.trust,
        purpose="individual_care",
        scope="summary",
        **SHARE,
    )
    rows = api_client(world.practitioner).get("/api/v1/cases/").json()["results"]
    assert {r["id"] for r in rows} == {str(own.pk), str(shared.pk)}
    assert str(unshared.pk) not in {r["id"] for r in rows}


@pytest.mark.parametrize("walk_from", [1, 10_000])  # both SQL shapes (case_list_for_paging)
def test_the_case_list_pages_forwards_and_backwards_in_update_order(
    world: World, settings: object, walk_from: int
) -> None:
    settings.CASE_LIST_WALK_THRESHOLD = walk_from  # type: ignore[attr-defined]
    mine = [world.case() for _ in range(7)]
    Case.objects.filter(pk__in=[c.pk for c in mine[2:5]]).update(updated_at=mine[2].updated_at)  # ties: by id
    mine = list(Case.objects.filter(pk__in=[c.pk for c in mine]))
    world.case(by=world.la_practitioner)  # another agency's, unshared: never on a page
    expected = [str(c.pk) for c in sorted(mine, key=lambda c: (c.updated_at, str(c.pk)), reverse=True)]
    client = api_client(world.practitioner)
    pages, url = [], "/api/v1/cases/?page_size=3"
    while url:
        body = client.get(url).json()
        pages.append([row["id"] for row in body["results"]])
        url = body["next"]
    assert pages == [expected[0:3], expected[3:6], expected[6:7]]
    assert [row["id"] for row in client.get(body["previous"]).json()["results"]] == expected[3:6]
    assert all(row["owning_agency"]["name"] == world.trust.name for row in body["results"])  # related rows read
