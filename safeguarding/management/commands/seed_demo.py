"""Load the demo area: organisations and people, then each app's demo data (registered steps). Idempotent."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguarding import registry


class Command(BaseCommand):
    help = "Create (or top up) the demo area with every app's demo data. Safe to run repeatedly."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the demo sign-ins.")

    def handle(self, *args: Any, **options: Any) -> None:
        for step in registry.demo_steps():
            self.stdout.write(f"seed_demo: {step.name}")
            step.run()
        if not options["quiet"]:
            from django.core.management import call_command

            call_command("demo_credentials", stdout=self.stdout)
