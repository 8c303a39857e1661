from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.models import AgencyType, MappaRole, Nation
from safeguarding.organisations.services import agency_create


class Command(BaseCommand):
    help = "Create an agency (with its permission group)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("name")
        parser.add_argument("--type", dest="agency_type", required=True, choices=AgencyType.values)
        parser.add_argument("--nation", default=Nation.ENGLAND_AND_WALES, choices=Nation.values)
        parser.add_argument("--ods-code", default="")
        parser.add_argument("--mappa-role", default=MappaRole.NONE, choices=MappaRole.values)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            agency = agency_create(
                name=options["name"],
                agency_type=options["agency_type"],
                nation=options["nation"],
                ods_code=options["ods_code"],
                mappa_role=options["mappa_role"],
            )
        except InvalidInput as exc:
            raise CommandError("; ".join(m for msgs in exc.errors.values() for m in msgs)) from exc
        self.stdout.write(f"Created agency {agency.name} ({agency.pk})")
