from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from safeguarding.audit.chain import chain_all, verify_chain
from safeguarding.organisations.models import Agency


class Command(BaseCommand):
    help = "Verify the access-log hash chains; report the first broken row of each broken chain."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--agency", default=None, help="Agency name or id (default: every chain)")
        parser.add_argument("--no-chain-first", action="store_true", help="Do not link pending rows first")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_chain_first"]:
            chain_all()
        key = None
        if options["agency"]:
            agency = Agency.objects.filter(name=options["agency"]).first()
            key = str(agency.pk) if agency else options["agency"]
        breaks = verify_chain(key)
        if not breaks:
            self.stdout.write("Audit chain intact.")
            return
        for b in breaks:
            self.stdout.write(
                f"BROKEN chain {b.chain_key} at position {b.position}: access-log row {b.entry_id} — {b.reason}"
            )
        raise CommandError(f"{len(breaks)} broken chain(s)")
