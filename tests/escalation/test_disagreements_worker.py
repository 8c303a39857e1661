"""An unresolved disagreement stage escalates itself at its deadline with a real worker and beat, exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from escalation.disagreements.models import Disagreement
from escalation.models import Deadline
from safeguarding.notifications.models import Notification
from tests.escalation.harness import Processes
from tests.escalation.test_disagreements import Parties

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "audit"]),
    pytest.mark.xdist_group("worker"),
]


@pytest.mark.worker
def test_a_stage_escalates_itself_once_when_its_deadline_passes_with_a_real_worker(
    procs: Processes,
    transactional_db: Any,
) -> None:
    parties = Parties()
    disagreement = parties.raise_one()
    # Bring stage 1's deadline forward to just now (its policy is five working days).
    soon = timezone.now() + timedelta(seconds=2)
    Deadline.objects.filter(kind="disagreement_stage_1").update(due_at=soon, next_action_at=soon)
    procs.start_worker(concurrency=2)
    procs.start_beat()
    procs.wait_until(
        lambda: Disagreement.objects.get(pk=disagreement.pk).stage == 2,
        timeout=45,
        what="the disagreement to reach stage 2",
    )
    procs.wait_until(
        lambda: Deadline.objects.filter(kind="disagreement_stage_2").exists(), timeout=10, what="stage 2's clock"
    )
    import time

    time.sleep(3)  # further sweeps find nothing more to do
    disagreement.refresh_from_db()
    assert disagreement.stage == 2 and disagreement.stages.count() == 2
    assert Deadline.objects.filter(kind="disagreement_stage_2").count() == 1
    assert Notification.objects.filter(dedupe_key=f"disagreement:{disagreement.pk}:stage:2").count() == 2
