"""The assurance cast: the cases World (trust, local authority, police in one area) plus an ICB that commissions
the trust, its commissioner, the trust's executive lead and agency administrator, and an agency nobody commissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from assurance.metrics.periods import Period, quarter
from assurance.metrics.registry import Context
from cases import services as case_services
from cases.models import Case
from escalation.calendar import LONDON
from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency, AgencyType
from safeguarding.roles import Role
from tests.cases.factories import World, concern_data
from tests.factories import AgencyFactory, UserFactory

Q2 = quarter(2026, 2)


def uk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=LONDON)


@dataclass
class Scene:
    world: World
    icb: Agency
    commissioner: User
    executive: User
    admin: User
    other: Agency  # a trust the ICB does not commission
    other_lead: User

    @property
    def trust(self) -> Agency:
        return self.world.trust

    def ctx(self, period: Period = Q2, **kw: Any) -> Context:
        return Context(period=period, agency_ids=(self.trust.pk,), **kw)

    def concern(
        self, *, at: str = "2026-05-05 10:00", identified_hours: float = 2, by: User | None = None, **data: Any
    ) -> Case:
        """A concern raised at ``at`` (UK time), identified ``identified_hours`` earlier, about a new adult."""
        now = uk(at)
        by = by or self.world.practitioner
        person = data.pop("person", None) or self.world.person(by)
        draft = data.pop("draft", False)
        logged = case_services.concern_log(
            by=by,
            adult=person,
            concern=concern_data(identified_at=now - timedelta(hours=identified_hours), **data),
            now=now,
            draft=draft,
        )
        return logged.case


@pytest.fixture
def scene(db: Any) -> Scene:
    return make_scene()


def make_scene() -> Scene:
    world = World()
    icb = AgencyFactory(agency_type=AgencyType.ICB, commissions=[world.trust])
    commissioner = UserFactory(agency=icb, roles=[Role.COMMISSIONER])
    executive = UserFactory(agency=world.trust, roles=[Role.EXECUTIVE_LEAD, Role.DIRECTOR])
    admin = UserFactory(agency=world.trust, roles=[Role.AGENCY_ADMIN])
    other = AgencyFactory()
    other_lead = UserFactory(agency=other, roles=[Role.SAFEGUARDING_LEAD])
    return Scene(world, icb, commissioner, executive, admin, other, other_lead)


def signed_pack(scene: Scene, period: Period = Q2) -> Any:
    """A pack for ``period`` with a narrative, signed by the trust's safeguarding lead and executive lead."""
    from assurance import services

    pack = services.pack_create(by=scene.world.lead, period=period)
    pack = services.pack_update_narrative(
        pack=pack, by=scene.world.lead, assurance_statement="We met our duties.", risks="Training is behind."
    )
    services.pack_sign(pack=pack, by=scene.world.lead, capacity="safeguarding_lead")
    return services.pack_sign(pack=pack, by=scene.executive, capacity="executive_lead")


from tests.escalation.conftest import procs  # noqa: E402, F401 - the real-worker fixture
