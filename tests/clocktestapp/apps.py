"""Registers the test subject's visibility and two test kinds, as a real app would from its ``ready()``."""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.apps import AppConfig


def record_breach(*, deadline: Any, now: datetime) -> None:
    from tests.clocktestapp.models import BreachRecord, Subject

    BreachRecord.objects.create(deadline_id=deadline.pk, at=now)
    # Fault tests: a "slow" subject holds the firing transaction open long enough to kill the worker mid-task.
    pause = float(os.environ.get("CLOCKTEST_BREACH_SLEEP", "0"))
    if pause and Subject.objects.filter(pk=deadline.subject_id, reference__startswith="slow").exists():
        marker = os.environ.get("CLOCKTEST_MARKER_FILE")
        if marker:
            with Path(marker).open("a") as handle:  # one line per attempt: "pid"
                handle.write(f"{os.getpid()}\n")
        time.sleep(pause)


def fast_ladder() -> tuple[Any, ...]:
    """The standard ladder with seconds instead of working days between rungs (for real-time worker tests)."""
    from escalation.kinds import Rung
    from escalation.ladder import DEFAULT_LADDER

    grace = timedelta(seconds=float(os.environ.get("CLOCKTEST_GRACE_SECONDS", "2")))
    first, *rest = DEFAULT_LADDER
    return (first, *(Rung(r.key, r.label, r.resolve, grace=grace) for r in rest))


class ClockTestConfig(AppConfig):
    name = "tests.clocktestapp"
    label = "clocktestapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from escalation.kinds import register_kind
        from safeguarding import registry
        from safeguarding.organisations.selectors import user_group_ids
        from tests.clocktestapp.models import Subject

        def visible_subjects(user: Any) -> Any:
            return Subject.objects.filter(owning_agency__group_id__in=user_group_ids(user))

        registry.register_visibility(Subject, visible_subjects, label=lambda s: f"Test subject {s.reference}")
        register_kind(
            "clocktest_response", label="Test response", policy_key="referral_response", on_breach=record_breach
        )
        register_kind("clocktest_fast", label="Fast test clock", on_breach=record_breach, ladder=fast_ladder())
