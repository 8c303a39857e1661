from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from tests.factories import AgencyFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop in-thread


@pytest.fixture(autouse=True)
def _isolated_cache(settings: Any) -> None:
    """Each test gets its own cache key prefix (never FLUSHDB: Redis is shared with other workers)."""
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}}


@pytest.fixture
def agency(db: Any) -> Any:
    return AgencyFactory()


@pytest.fixture
def user(db: Any, agency: Any) -> Any:
    return UserFactory(agency=agency)
