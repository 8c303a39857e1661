from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories import AgencyFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in-thread


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    """Each test gets its own cache key prefix (never FLUSHDB: Redis is shared with other workers)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files go to a per-test directory, never the developer's var/media."""
    location = tmp_path_factory.mktemp("media")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": {"location": str(location)}},
    }


@pytest.fixture(autouse=True)
def _audit_connection(request: pytest.FixtureRequest, settings: Any) -> None:
    """Denied reads go through a second connection so a 404's rollback cannot erase them. A test that runs inside
    one rolled-back transaction has no commit to survive, and a second connection could not see its rows, so there
    the row is written on the test's own connection. Transactional tests (``transaction=True``, live server) keep
    the real second connection and must allow it: ``@pytest.mark.django_db(transaction=True,
    databases=["default", "audit"])``."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    settings.AUDIT_SEPARATE_CONNECTION = transactional


@pytest.fixture
def registry_snapshot() -> Iterator[None]:
    """Lets a test register extra panels, steps or providers; the registries are restored afterwards."""
    from safeguarding import registry

    saved = {name: dict(value) for name, value in vars(registry._registries).items()}
    yield
    for name, value in saved.items():
        setattr(registry._registries, name, value)


@pytest.fixture
def agency(db: Any) -> Any:
    return AgencyFactory()


@pytest.fixture
def user(db: Any, agency: Any) -> Any:
    return UserFactory(agency=agency)
