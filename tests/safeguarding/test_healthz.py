from __future__ import annotations

import time

import pytest
from django.test import Client

from safeguarding.web.views import redis_client

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_redis_and_beat_age(settings: object) -> None:
    redis_client().set(settings.BEAT_HEARTBEAT_KEY, str(time.time() - 12))  # type: ignore[attr-defined]
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok" and body["redis"] == "ok"
    assert 11 <= body["beat_heartbeat_age_s"] < 60


def test_healthz_answers_503_when_redis_is_unreachable(settings: object) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "unavailable"
