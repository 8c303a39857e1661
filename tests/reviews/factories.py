"""The cast of the reviews tests: the cases ``World`` plus the SAB business unit and the review roles."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from reviews import services
from reviews.models import Basis, Recommendation, Review, ReviewAction
from safeguarding.accounts.models import User
from safeguarding.organisations.models import AgencyType
from safeguarding.roles import Role
from tests.cases.factories import World
from tests.factories import AgencyFactory, UserFactory


class Board(World):
    """World + the area's SAB business unit (manager, chair), a panel member, two reviewers, a commissioner."""

    def __init__(self) -> None:
        super().__init__()
        self.unit = AgencyFactory(agency_type=AgencyType.SAB_BUSINESS_UNIT, name="SAB Business Unit")
        self.area.business_unit = self.unit
        self.area.save()
        self.area.agencies.add(self.unit)
        self.manager_sab: User = UserFactory(agency=self.unit, roles=[Role.SAB_BUSINESS_MANAGER])
        self.chair: User = UserFactory(agency=self.unit, roles=[Role.SAB_CHAIR])
        self.reviewer: User = UserFactory(agency=self.unit, roles=[Role.SAR_REVIEWER])
        self.other_reviewer: User = UserFactory(agency=self.unit, roles=[Role.SAR_REVIEWER])
        self.panel_member: User = UserFactory(agency=self.police, roles=[Role.SAFEGUARDING_LEAD, Role.SAR_PANEL_MEMBER])
        self.sab_commissioner: User = UserFactory(agency=self.unit, roles=[Role.COMMISSIONER])

    def referral(self, by: User | None = None, **extra: Any) -> Review:
        data: dict[str, Any] = {
            "basis": Basis.CONDITION1_DIED,
            "concern_about_joint_working": True,
            "care_and_support_needs": True,
            "serious_abuse_or_neglect": True,
            "adult_name": "Adult D",
            "nhs_number": "943 476 5919",
            "supporting_information": "Died at home after missed visits by three agencies.",
        }
        data.update(extra)
        return services.review_refer(by=by or self.practitioner, **data)

    def step(self, review: Review, *names: str, by: User | None = None, **extra: Any) -> Review:
        for name in names:
            who = by or (self.chair if name in ("commission", "decline") else self.manager_sab)
            kwargs = dict(extra)
            if name in ("commission", "decline"):
                kwargs.setdefault("rationale", "Mandatory criteria met; agencies' joint working is in question.")
            if name == "request_chronologies":
                kwargs.setdefault("agencies", [self.trust, self.la])
            review = services.review_transition(review=review, by=who, transition=name, **kwargs)
        return review

    def commissioned(self, **extra: Any) -> Review:
        review = self.referral(**extra)
        return self.step(review, "acknowledge", "request_chronologies", "refer_to_panel", "commission")

    def in_review(self) -> Review:
        review = self.commissioned()
        review = services.review_update(
            review=review,
            by=self.manager_sab,
            methodology="learning_together",
            reviewer=self.reviewer,
            terms_of_reference="How agencies shared information about missed visits.",
            panel_members=[self.panel_member],
        )
        return self.step(review, "agree_terms")

    def published(self) -> Review:
        review = self.in_review()
        services.review_update(review=review, by=self.reviewer, draft_report="Draft: findings on joint working.")
        review = self.step(review, "submit_draft", by=self.reviewer)
        review = self.step(review, "finalise")
        services.review_update(review=review, by=self.manager_sab, executive_summary="Agencies did not share.")
        return self.step(review, "publish")

    def recommendation(self, review: Review, text: str = "Agencies share missed-visit alerts.") -> Recommendation:
        return services.recommendation_add(review=review, by=self.manager_sab, text=text)

    def item(
        self, recommendation: Recommendation, *, owner: User | None = None, due: date | None = None, **extra: Any
    ) -> ReviewAction:
        owner = owner or self.lead
        return services.review_action_create(
            recommendation=recommendation,
            by=self.manager_sab,
            owner_agency=owner.agency_membership.agency,  # type: ignore[union-attr]
            owner_person=owner,
            description=extra.pop("description", "Introduce a missed-visit alert to the GP and council."),
            due_date=due or timezone.localdate() + timedelta(days=60),
            **extra,
        )
