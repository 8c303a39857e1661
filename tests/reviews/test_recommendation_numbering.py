"""Two people adding a recommendation to one review at once get consecutive numbers, not a unique-constraint error."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from reviews import services
from reviews.models import Review
from tests.helpers import InThread, waits_on_a_lock
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "audit"])


def test_a_recommendation_added_while_another_is_being_added_takes_the_next_number(transactional_db: Any) -> None:
    board = Board()
    review = board.commissioned()
    with transaction.atomic():
        # The first addition, part way through: it holds the review's numbering lock and has taken number 1.
        Review.objects.select_for_update(no_key=True).filter(pk=review.pk).exists()
        first = services.recommendation_add(review=review, by=board.manager_sab, text="First.")
        second = InThread(lambda: services.recommendation_add(review=review, by=board.manager_sab, text="Second."))
        assert waits_on_a_lock(), f"the second one should wait on the lock, not fail: {second.error!r}"
    assert (first.number, second.value().number) == (1, 2)
