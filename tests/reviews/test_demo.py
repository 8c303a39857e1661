"""The reviews demo step: one SAR in screening, one review in progress, one published review with items in every
RAG state; idempotent. (Runs every earlier demo step but the disagreements one, which fails on its own today.)"""

from __future__ import annotations

import pytest

from reviews.demo import seed
from reviews.models import Review, ReviewAction
from reviews.selectors import with_rag
from safeguarding import registry

pytestmark = pytest.mark.django_db


def test_the_reviews_demo_covers_every_stage_and_rag_state_and_is_idempotent() -> None:
    for step in registry.demo_steps():
        if step.name not in ("disagreements", "reviews"):
            step.run()
    seed()
    seed()
    assert sorted(Review.objects.values_list("status", flat=True)) == [
        "action_plan_monitoring",
        "awaiting_chronologies",
        "in_review",
    ]
    rags = set(with_rag(ReviewAction.objects.all()).values_list("rag", flat=True))
    assert rags == {"red", "amber", "green", "blue"}
    assert ReviewAction.objects.count() == 6
