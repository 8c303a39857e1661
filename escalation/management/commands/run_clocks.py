"""``manage.py run_clocks [--now ISO]``: one sweep of the clock engine, its firings run here and now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from escalation.engine import deadline_sweep, fire_deadlines, fire_due_query


class Command(BaseCommand):
    help = "Run one sweep of the clock engine synchronously (the firings too), as of now or --now."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--now", help="Sweep as of this ISO 8601 time (default: now). Naive times are UK time.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            try:
                now = datetime.fromisoformat(options["now"])
            except ValueError as exc:
                raise CommandError(f"--now must be an ISO 8601 time: {exc}") from exc
            if timezone.is_naive(now):
                now = timezone.make_aware(now)
        result = deadline_sweep(now=now, enqueue=False)
        fired = sum(fire_deadlines(ids=b.ids, now=now, token=b.token) for b in result.batches)
        items = sum(fire_due_query(kind=kind, now=now) for kind in result.due_query_kinds)
        self.stdout.write(
            f"run_clocks at {now.isoformat()}: claimed {result.claimed} deadline(s) in {len(result.batches)} "
            f"batch(es), fired {fired}; {items} due-query item(s) fired; {result.reclaimed} lease(s) reclaimed; "
            f"{result.policies_applied} deadline(s) recomputed for new policies"
        )
