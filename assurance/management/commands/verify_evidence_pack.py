"""``manage.py verify_evidence_pack FILE``: check a PDF against its evidence-pack record (exit 1 when it fails)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assurance.verification import verify_document


class Command(BaseCommand):
    help = "Check an evidence-pack PDF against its stored record (hash, stored copy, attached figures)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        result = verify_document(path.read_bytes())
        for message in result.messages:
            self.stdout.write(message)
        if not result.ok:
            raise CommandError("Verification FAILED")
        self.stdout.write(self.style.SUCCESS("Verified"))
