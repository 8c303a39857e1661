from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.accounts.services import enrolment_link_issue
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import Agency, Team
from safeguarding.organisations.services import user_create
from safeguarding.roles import Role


class Command(BaseCommand):
    help = "Create a user in an agency with roles, and print a one-time enrolment link."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", required=True, help="Full name")
        parser.add_argument("--agency", required=True, help="Agency name or id")
        parser.add_argument("--role", action="append", required=True, choices=Role.values, dest="roles")
        parser.add_argument("--team", default=None, help="Team name within the agency")

    def handle(self, *args: Any, **options: Any) -> None:
        agency = Agency.objects.filter(name=options["agency"]).first()
        if agency is None:
            try:
                agency = Agency.objects.filter(pk=options["agency"]).first()
            except Exception:
                agency = None
        if agency is None:
            raise CommandError(f"No agency called {options['agency']!r}")
        team = None
        if options["team"]:
            team = Team.objects.filter(agency=agency, name=options["team"]).first()
            if team is None:
                raise CommandError(f"No team called {options['team']!r} in {agency.name}")
        try:
            user = user_create(
                email=options["email"],
                full_name=options["name"],
                agency=agency,
                roles=options["roles"],
                team=team,
            )
        except InvalidInput as exc:
            raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) from exc
        link = enrolment_link_issue(user=user)
        self.stdout.write(f"Created {user.email} in {agency.name} with roles {', '.join(options['roles'])}.")
        self.stdout.write("One-time enrolment link (valid for 7 days; share it only with the user):")
        self.stdout.write(link)
