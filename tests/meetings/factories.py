"""The meetings cast: the cases World (trust owns the case; the local authority and police in the same area), a
chair in the local authority, a coordinator in the police, and named representatives."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from cases.models import Case
from meetings import services
from meetings.models import AgendaItem, Meeting
from safeguarding.accounts.models import User
from safeguarding.roles import Role
from tests.cases.factories import World
from tests.factories import UserFactory

DECISION: dict[str, Any] = {
    "scope": "contribute",
    "data_items": ["identity", "risk"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "given",
    "adult_informed": True,
    "rationale": "The meeting needs the risk picture to agree a protection plan.",
}


class MeetingWorld:
    def __init__(self) -> None:
        w = self.world = World()
        self.trust, self.la, self.police, self.area = w.trust, w.la, w.police, w.area
        self.chair: User = UserFactory(agency=w.la, roles=[Role.MEETING_CHAIR, Role.PRACTITIONER])
        self.coordinator: User = UserFactory(agency=w.police, roles=[Role.MARAC_COORDINATOR])
        self.police_rep: User = UserFactory(agency=w.police, roles=[Role.MARAC_REPRESENTATIVE, Role.PRACTITIONER])
        self.trust_rep: User = w.practitioner
        self.police_other: User = UserFactory(agency=w.police)
        self.case: Case = w.case()

    def meeting(self, meeting_type: str = "strategy_meeting", *, days: int = 3, **extra: Any) -> Meeting:
        data: dict[str, Any] = {
            "by": self.chair,
            "meeting_type": meeting_type,
            "title": f"{meeting_type} meeting",
            "area": self.area,
            "scheduled_at": timezone.now() + timedelta(days=days),
            "chair": self.chair,
            "coordinator": self.coordinator,
            "venue": "Room 1",
            "link": "https://meet.example.test/abc",
        }
        data.update(extra)
        return services.meeting_create(**data)

    def invite_all(self, meeting: Meeting) -> None:
        services.invitation_add(meeting=meeting, by=self.chair, agency=self.trust, person=self.trust_rep)
        services.invitation_add(meeting=meeting, by=self.chair, agency=self.police, person=self.police_rep)

    def shared_item(self, meeting: Meeting, case: Case | None = None) -> AgendaItem:
        item = services.agenda_add_case(meeting=meeting, by=self.trust_rep, case=case or self.case)
        return services.agenda_item_share(item=item, by=self.trust_rep, **DECISION)

    def held(self, meeting: Meeting) -> Meeting:
        services.meeting_transition(meeting=meeting, by=self.chair, transition="start")
        services.attendance_record(
            meeting=meeting,
            by=self.chair,
            agency=self.la,
            status="attended",
            attendee_name="Chair",
            confidentiality_acknowledged=True,
        )
        return services.meeting_transition(meeting=meeting, by=self.chair, transition="hold")
