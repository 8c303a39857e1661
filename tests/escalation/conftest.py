"""The cast of the clock engine's tests: one area and one agency with a practitioner, their line manager and
deputy, the agency's safeguarding lead and director in the area's directory, and the SAB chair."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from escalation import calendar
from escalation.calendar import LONDON, forget_local_calendars
from escalation.engine import deadline_sweep, fire_deadlines, fire_due_query
from safeguarding.accounts.models import User
from safeguarding.organisations import services as org
from safeguarding.organisations.models import Agency, Area, Position
from safeguarding.roles import Role
from tests.clocktestapp.models import Subject
from tests.escalation.harness import Processes, base_env, private_redis
from tests.factories import AgencyFactory, AreaFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_calendars() -> None:
    """Calendars are cached per process; a test's overrides roll back with its transaction, so start afresh."""
    calendar._changing.active = False
    forget_local_calendars()


@dataclass
class Cast:
    area: Area
    agency: Agency
    practitioner: User
    deputy: User
    manager: User
    manager_deputy: User
    lead: User
    lead_deputy: User
    director: User
    chair: User
    outsider: User  # a practitioner in another agency: sees none of the agency's subjects

    def subject(self, reference: str = "S-1", *, area: Area | None = None, agency: Agency | None = None) -> Subject:
        return Subject.objects.create(
            reference=reference, owning_agency=agency or self.agency, area=area if area is not None else self.area
        )


@pytest.fixture
def cast(db: Any) -> Cast:
    agency = AgencyFactory()
    area = AreaFactory(agencies=[agency])
    deputy = UserFactory(agency=agency, full_name="Dee Deputy")
    manager_deputy = UserFactory(agency=agency, full_name="Mo Managerdeputy", roles=[Role.TEAM_MANAGER])
    manager = UserFactory(agency=agency, full_name="Tia Manager", roles=[Role.TEAM_MANAGER], deputy=manager_deputy)
    practitioner = UserFactory(agency=agency, full_name="Pat Practitioner", line_manager=manager, deputy=deputy)
    lead = UserFactory(agency=agency, full_name="Lee Lead", roles=[Role.SAFEGUARDING_LEAD])
    lead_deputy = UserFactory(agency=agency, full_name="Lou Leaddeputy", roles=[Role.SAFEGUARDING_LEAD])
    director = UserFactory(agency=agency, full_name="Dana Director", roles=[Role.DIRECTOR])
    business_unit = AgencyFactory()
    chair = UserFactory(agency=business_unit, full_name="Chris Chair", roles=[Role.SAB_CHAIR])
    org.directory_set(area=area, position=Position.SAFEGUARDING_LEAD, holder=lead, deputy=lead_deputy, agency=agency)
    org.directory_set(area=area, position=Position.DIRECTOR, holder=director, agency=agency)
    org.directory_set(area=area, position=Position.SAB_CHAIR, holder=chair)
    outsider = UserFactory(full_name="Oz Outsider")
    return Cast(
        area=area,
        agency=agency,
        practitioner=practitioner,
        deputy=deputy,
        manager=manager,
        manager_deputy=manager_deputy,
        lead=lead,
        lead_deputy=lead_deputy,
        director=director,
        chair=chair,
        outsider=outsider,
    )


def uk(text: str) -> datetime:
    """A UK wall-clock time: ``uk("2026-06-08 10:00")``."""
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


def run_clocks(now: datetime) -> int:
    """One sweep as of ``now`` with its batches fired here (what ``manage.py run_clocks --now`` does)."""
    result = deadline_sweep(now=now, enqueue=False)
    fired = sum(fire_deadlines(ids=b.ids, now=now, token=b.token) for b in result.batches)
    for kind in result.due_query_kinds:
        fire_due_query(kind=kind, now=now)
    return fired


@pytest.fixture
def procs(transactional_db: Any) -> Iterator[Processes]:
    """A private Redis and a place for the processes a test starts (all stopped before the database is flushed)."""
    with tempfile.TemporaryDirectory(prefix="clocks-") as tmp, private_redis(Path(tmp)) as url:
        workdir = Path(tmp)
        processes = Processes(
            workdir=workdir,
            redis_url=url,
            env=base_env(url, workdir),
            worker_app_name=f"clockworker-{os.getpid()}-{id(workdir)}",
        )
        try:
            yield processes
        finally:
            processes.stop_all()
        assert "unregistered task" not in processes.logs(tail=None).lower(), processes.logs()
