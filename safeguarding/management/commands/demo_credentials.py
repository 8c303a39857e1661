from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from safeguarding.demo import DEMO_PASSWORD, credentials


class Command(BaseCommand):
    help = "Print the demo sign-ins: email, roles, agency and TOTP key (base32)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}). Add a TOTP key to an authenticator")
        self.stdout.write("app, or print the current code with: .venv/bin/python manage.py totp_code EMAIL")
        self.stdout.write("")
        for email, roles, agency, key in credentials():
            self.stdout.write(f"  {email:<30} {key}  {roles} — {agency}")
        self.stdout.write("")
