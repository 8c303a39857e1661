from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from knox.models import AuthToken

from safeguarding.accounts.models import AuthEventType, User
from safeguarding.accounts.services import auth_event_record


class Command(BaseCommand):
    help = "Issue an API token for a user. The key is printed once, alone on the last line; only its digest is kept."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError("No active user with that email address")
        instance, key = AuthToken.objects.create(user=user)
        auth_event_record(
            event_type=AuthEventType.TOKEN_ISSUED, user=user, detail=f"expires {instance.expiry:%Y-%m-%d}"
        )
        self.stdout.write(f"API token for {user.email}, expires {instance.expiry:%Y-%m-%d %H:%M %Z}:")
        self.stdout.write(key)
