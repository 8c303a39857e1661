"""The cast of the referrals tests: the cases ``World`` (trust, local authority, police in one area) plus the area's
MARAC coordinator (police) under a MARAC agreement, a probation service (MAPPA responsible authority), an IDVA
service and a housing provider that is nobody's recipient (the third agency)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases import services as cases
from cases.dash_questions import DEFAULT_VERSION, default_questions
from cases.models import Case, DashAssessment, DashQuestionSet, Person
from referrals import services
from referrals.models import Referral
from safeguarding.accounts.models import User
from safeguarding.organisations import services as org
from safeguarding.organisations.models import Agency, AgencyType, MappaRole, Position
from safeguarding.roles import Role
from safeguarding.sharing.codes import ConsentStatus, Purpose
from safeguarding.sharing.models import SharingAgreement
from tests.cases.factories import World
from tests.factories import AgencyFactory, UserFactory

BASIS = {
    "consent_status": ConsentStatus.GIVEN,
    "adult_informed": True,
    "rationale": "The adult agreed that the referral should go ahead to keep them safe.",
}
NO_CONSENT_BASIS = {
    "consent_status": ConsentStatus.NOT_SOUGHT,
    "override_reason": "seeking_consent_would_increase_risk",
    "override_detail": "Telling the victim now would alert the person causing harm.",
    "adult_informed": False,
    "adult_not_informed_reason": "It would increase the risk to the victim.",
    "rationale": "High risk of serious harm: MARAC needs the referral to plan for safety.",
}


class ReferralWorld(World):
    def __init__(self) -> None:
        super().__init__()
        self.probation: Agency = AgencyFactory(
            agency_type=AgencyType.PROBATION, mappa_role=MappaRole.RESPONSIBLE_AUTHORITY
        )
        self.idva: Agency = AgencyFactory(agency_type=AgencyType.IDVA_SERVICE)
        self.housing: Agency = AgencyFactory(agency_type=AgencyType.HOUSING_AUTHORITY)
        self.area.agencies.add(self.probation, self.idva, self.housing)
        self.coordinator: User = UserFactory(agency=self.police, roles=[Role.MARAC_COORDINATOR])
        self.police_lead: User = UserFactory(agency=self.police, roles=[Role.SAFEGUARDING_LEAD])
        self.probation_officer: User = UserFactory(
            agency=self.probation, roles=[Role.PRACTITIONER, Role.MAPPA_ATTENDEE]
        )
        self.housing_officer: User = UserFactory(agency=self.housing)
        self.housing_lead: User = UserFactory(agency=self.housing, roles=[Role.SAFEGUARDING_LEAD])
        org.directory_set(area=self.area, position=Position.MARAC_COORDINATOR, holder=self.coordinator)
        self.agreement = SharingAgreement.objects.create(
            area=self.area,
            title="MARAC information-sharing protocol",
            purpose=Purpose.MARAC,
            review_date=timezone.localdate() + timedelta(days=365),
        )
        self.agreement.signatories.set([self.trust, self.la, self.police, self.idva])

    def harm_person(self, case: Case, **data: Any) -> Person:
        defaults = {"given_name": "Kevin", "family_name": "Harmer", "date_of_birth": date(1968, 2, 2)}
        defaults.update(data)
        person = cases.person_create(by=self.practitioner, **defaults)
        case.people.get_or_create(person=person, role="alleged_source_of_harm", defaults={"relationship": "partner"})
        return person

    def dash(self, case: Case, yes: int = 15, judgement: str = "", by: User | None = None) -> DashAssessment:
        # Transactional tests (browser journeys) flush the question set its data migration loaded: make sure.
        DashQuestionSet.objects.get_or_create(version=DEFAULT_VERSION, defaults={"questions": default_questions()})
        answers = {str(n): ("yes" if n <= yes else "no") for n in range(1, 25)}
        return cases.dash_record(
            case=case, by=by or self.practitioner, answers=answers, professional_judgement=judgement
        )

    def s42(self, case: Case | None = None, *, send: bool = True, by: User | None = None) -> Referral:
        case = case or self.case()
        referral = services.referral_create(
            by=by or self.practitioner,
            case=case,
            kind="s42_concern",
            reason="Neglect at home: the adult needs a safeguarding enquiry.",
            sharing_basis=BASIS,
        )
        return services.referral_send(referral=referral, by=by or self.practitioner) if send else referral

    def marac(
        self,
        case: Case | None = None,
        *,
        send: bool = True,
        yes: int = 15,
        harm: list[Person] | None = None,
        incident_date: date | None = None,
        by: User | None = None,
        **details: Any,
    ) -> Referral:
        by = by or self.practitioner
        case = case or self.case(by=by)
        if harm is None:
            harm = [self.harm_person(case)]
        if not case.dash_assessments.exists():
            self.dash(case, yes=yes, by=by)
        referral = services.referral_create(
            by=by,
            case=case,
            kind="marac",
            reason="High risk domestic abuse from a former partner.",
            sharing_basis=NO_CONSENT_BASIS,
            details={
                "persons_causing_harm": [p.pk for p in harm],
                "incident_date": (incident_date or timezone.localdate()).isoformat(),
                "harm_relationship": "ex_partner",
                "safe_contact_number": "07700 900123",
                "safe_to_call": "Weekdays 10am to 2pm",
                **details,
            },
        )
        return services.referral_send(referral=referral, by=by) if send else referral

    def service(self, case: Case | None = None, *, send: bool = True, to: Agency | None = None) -> Referral:
        case = case or self.case()
        referral = services.referral_create(
            by=self.practitioner,
            case=case,
            kind="service",
            reason="Needs rehousing away from the person causing harm.",
            recipient_agency=to or self.housing,
            sharing_basis=BASIS,
            details={"service_type": "housing"},
        )
        return services.referral_send(referral=referral, by=self.practitioner) if send else referral

    def mappa(
        self, case: Case | None = None, *, send: bool = True, level: str = "level2_active_multi_agency"
    ) -> Referral:
        case = case or self.case()
        subject = self.harm_person(case)
        referral = services.referral_create(
            by=self.practitioner,
            case=case,
            kind="mappa",
            reason="Our patient's former partner may be a MAPPA nominal: we ask for information.",
            recipient_agency=self.probation,
            sharing_basis=BASIS,
            details={
                "mappa_request": "ask",
                "mappa_subject": subject.pk,
                "mappa_category": "cat2_violent_or_other_sexual",
                "mappa_level": level,
                "visor_reference": "VR-0001",
            },
        )
        return services.referral_send(referral=referral, by=self.practitioner) if send else referral


@pytest.fixture
def world(db: Any) -> ReferralWorld:
    return ReferralWorld()
