"""Demo data for the clock engine (a ``seed_demo`` step): timescale policies for every area. Idempotent.

Calendars need no seeding (they come from the ``holidays`` package); the step checks each nation's calendar loads.
Apps that own deadline kinds start real clocks on their own demo objects.
"""

from __future__ import annotations

from datetime import date

from escalation.calendar import NATIONS, calendar_for
from escalation.policies import seed_policies
from safeguarding.organisations.models import Area


def seed() -> int:
    written = seed_policies(area=None)
    for area in Area.objects.order_by("name"):
        written += seed_policies(area=area)
    for nation in NATIONS:
        calendar_for(nation).is_working_day(date.today())
    return written
