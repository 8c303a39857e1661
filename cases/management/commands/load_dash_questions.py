"""Load a DASH question set (for example the licensed SafeLives wording) from a JSON file and make it active."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases.models import DashQuestionSet


class Command(BaseCommand):
    help = 'Load 24 DASH questions from JSON: [{"number": 1, "label": "…", "text": "…"}, …]'

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")
        parser.add_argument("--version", dest="set_version", required=True, help="A name for this question set")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            questions = json.loads(Path(options["file"]).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"Could not read the file: {exc}") from exc
        numbers = sorted(int(q.get("number") or 0) for q in questions if isinstance(q, dict))
        if numbers != list(range(1, 25)) or not all(str(q.get("label", "")).strip() for q in questions):
            raise CommandError("The file must hold exactly questions 1 to 24, each with a label")
        with transaction.atomic():
            DashQuestionSet.objects.update(active=False)
            DashQuestionSet.objects.update_or_create(
                version=options["set_version"],
                defaults={"questions": sorted(questions, key=lambda q: q["number"]), "active": True},
            )
        self.stdout.write(f"Loaded DASH question set {options['set_version']} and made it active.")
