"""Query counts of the list routes are pinned: they do not grow with the number of rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.helpers import api_client, assert_access_rows, signed_in
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_routes_do_not_grow_with_rows(b: Board) -> None:
    review = b.published()
    rec = b.recommendation(review)
    b.item(rec, owner=b.lead)
    api = api_client(b.manager_sab)
    web = signed_in(b.manager_sab)
    urls = [
        (api, "/api/v1/reviews/"),
        (api, "/api/v1/review-actions/"),
        (web, reverse("reviews:tracker")),
        (web, reverse("reviews:list")),
        (web, reverse("reviews:detail", args=[review.pk])),
    ]
    for client, url in urls:
        client.get(url)  # warm the session and caches
    before = [_count(client, url) for client, url in urls]
    b.commissioned()
    for owner in (b.officer, b.la_practitioner, b.lead):
        b.item(rec, owner=owner)
    after = [_count(client, url) for client, url in urls]
    assert after == before


def test_the_action_list_query_count_is_pinned(b: Board, django_assert_num_queries: Any) -> None:
    rec = b.recommendation(b.published())
    for owner in (b.lead, b.officer, b.la_practitioner):
        b.item(rec, owner=owner)
    client = api_client(b.manager_sab)
    client.get("/api/v1/review-actions/")  # warm the session
    with django_assert_num_queries(PINNED_ACTION_LIST):
        client.get("/api/v1/review-actions/")


def test_reads_write_one_access_row_each(b: Board) -> None:
    review = b.published()
    item = b.item(b.recommendation(review), owner=b.lead)
    client = api_client(b.lead)
    with assert_access_rows(1, user=b.lead, object_ids=[item.pk]):
        client.get("/api/v1/review-actions/")
    with assert_access_rows(1, user=b.lead, object_ids=[item.pk]):
        client.get(f"/api/v1/review-actions/{item.pk}/")
    with assert_access_rows(1, user=b.lead, object_ids=[review.pk]):
        client.get(f"/api/v1/reviews/{review.pk}/")
    with assert_access_rows(1, outcome="denied"):
        api_client(b.officer).get(f"/api/v1/review-actions/{item.pk}/")


def test_the_api_is_in_the_schema(b: Board) -> None:
    paths = api_client(b.lead).get("/api/schema/?format=json").json()["paths"]
    for path in (
        "/api/v1/reviews/",
        "/api/v1/reviews/{id}/transitions/",
        "/api/v1/reviews/{id}/recommendations/",
        "/api/v1/review-actions/{id}/evidence/",
        "/api/v1/review-actions/{id}/verify/",
        "/api/v1/learning-events/",
    ):
        assert path in paths


PINNED_ACTION_LIST = 10


def test_the_schema_generates_without_warnings(tmp_path: Any) -> None:
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
