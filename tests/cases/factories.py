"""Factories for cases, built through the services (least privilege by default)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from cases import services
from cases.codes import ConsentToRaise, LaDecision, TriState
from cases.models import Case, Person
from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency, AgencyType, Area
from safeguarding.roles import Role
from tests.factories import AgencyFactory, AreaFactory, UserFactory


def concern_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "identified_at": timezone.now() - timedelta(days=1),
        "what_happened": "Found without food or heating.",
        "abuse_types": ["neglect_acts_of_omission"],
        "location_of_risk": "own_home",
        "source_of_risk": "other_known",
        "immediate_risk": False,
        "adult_aware": True,
        "consent_to_raise": ConsentToRaise.GIVEN,
        "adult_views": "Wants to stay at home.",
        "desired_outcomes": ["To stay at home"],
    }
    data.update(overrides)
    return data


class World:
    """An area with a trust, the local authority and police; a practitioner and a lead in each."""

    def __init__(self) -> None:
        self.trust: Agency = AgencyFactory(agency_type=AgencyType.NHS_MENTAL_HEALTH_TRUST)
        self.la: Agency = AgencyFactory(agency_type=AgencyType.LOCAL_AUTHORITY_ASC)
        self.police: Agency = AgencyFactory(agency_type=AgencyType.POLICE)
        self.area: Area = AreaFactory(agencies=[self.trust, self.la, self.police])
        self.practitioner: User = UserFactory(agency=self.trust)
        self.manager: User = UserFactory(agency=self.trust, roles=[Role.TEAM_MANAGER, Role.PRACTITIONER])
        self.lead: User = UserFactory(agency=self.trust, roles=[Role.SAFEGUARDING_LEAD])
        self.la_manager: User = UserFactory(
            agency=self.la, roles=[Role.LA_SAFEGUARDING_MANAGER, Role.SAFEGUARDING_LEAD]
        )
        self.la_practitioner: User = UserFactory(agency=self.la)
        self.officer: User = UserFactory(agency=self.police)
        self.commissioner: User = UserFactory(agency=self.trust, roles=[Role.COMMISSIONER])

    def person(self, by: User | None = None, **data: Any) -> Person:
        defaults = {"given_name": "Alex", "family_name": "Example", "date_of_birth": date(1970, 4, 1)}
        defaults.update(data)
        return services.person_create(by=by or self.practitioner, **defaults)

    def case(self, by: User | None = None, person: Person | None = None, **concern: Any) -> Case:
        by = by or self.practitioner
        draft = concern.pop("draft", False)
        return services.concern_log(
            by=by, adult=person or self.person(by), concern=concern_data(**concern), draft=draft
        ).case

    def decide(self, case: Case, decision: str = LaDecision.S42, **extra: Any) -> Case:
        concern = case.concerns.filter(decision="").first()
        yes = decision == LaDecision.S42
        services.record_la_decision(
            concern=concern,
            by=self.la_manager,
            received_at=timezone.now() - timedelta(hours=1),
            criterion_care_support_needs=TriState.YES,
            criterion_abuse_or_risk=TriState.YES,
            criterion_unable_to_protect=TriState.YES if yes else TriState.NO,
            decision=decision,
            not_s42_reasons=[] if yes else ["able_to_protect_self"],
            **extra,
        )
        case.refresh_from_db()
        return case
