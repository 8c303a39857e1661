from __future__ import annotations

from typing import Any

import pytest

from tests.reviews.factories import Board


@pytest.fixture
def b(db: Any) -> Board:
    return Board()
