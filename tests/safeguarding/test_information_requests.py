"""Information requests (domain §3.8): lifecycle, the clock, the decision a disclosure records, and the
no-existence-leak rule for requests by NHS number."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases.models import Case
from cases.selectors import case_list_for_user
from escalation.models import Deadline, DeadlineStatus
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from safeguarding.sharing import requests as ir
from safeguarding.sharing.models import InformationRequest, RequestStatus, SharingDecision
from tests.cases.factories import World
from tests.escalation.conftest import run_clocks

pytestmark = pytest.mark.django_db

NHS = "9434765919"
OTHER_NHS = "9434765870"
DISCLOSE = {
    "data_items": ["identity", "concern", "risk"],
    "lawful_basis_art6": "6_1_e_public_task",
    "consent_status": "not_sought",
    "override_reason": "crime_suspected",
    "override_detail": "Police are investigating an assault on the adult.",
    "adult_not_informed_reason": "Telling the adult now could alert the person alleged to cause harm.",
}


@pytest.fixture
def world() -> World:
    return World()


def ask(world: World, **extra: Any) -> InformationRequest:
    data: dict[str, Any] = {
        "by": world.officer,
        "holder_agency": world.trust,
        "purpose": "police_investigation",
        "lawful_basis": "6_1_e_public_task",
        "what": "Any safeguarding concerns and risk assessments held about this adult.",
        "why": "We are investigating an assault and need to understand the risk to the adult.",
        "nhs_number": NHS,
    }
    data.update(extra)
    return ir.information_request_create(**data)


def test_a_request_by_nhs_number_reaches_the_holder_and_starts_the_clock(world: World) -> None:
    request = ask(world)
    assert request.status == RequestStatus.REQUESTED
    deadline = Deadline.objects.get(kind="information_request", subject_id=str(request.pk))
    assert deadline.holder_agency == world.trust
    assert request.due_at == deadline.due_at
    assert Notification.objects.filter(recipient=world.lead, kind="information_request").exists()
    assert set(ir.information_requests_visible_to(world.officer)) == {request}
    assert set(ir.information_requests_visible_to(world.lead, box="received")) == {request}
    assert not ir.information_requests_visible_to(world.lead, box="sent").exists()
    assert not ir.information_requests_visible_to(world.la_practitioner).exists()
    assert not ir.information_requests_visible_to(world.commissioner).exists()


def test_the_requester_learns_nothing_about_the_holders_records_before_the_answer(world: World) -> None:
    world.case(person=world.person(nhs_number=NHS))
    held, not_held = ask(world, nhs_number=NHS), ask(world, nhs_number=OTHER_NHS)
    for request in (held, not_held):
        request.refresh_from_db()
        assert request.status == RequestStatus.REQUESTED
        assert request.record_id is None and request.decision is None
    titles = Notification.objects.filter(kind="information_request").values_list("title", flat=True)
    assert len({t.replace(held.reference, "X").replace(not_held.reference, "X") for t in titles}) == 1
    assert not case_list_for_user(user=world.officer).exists()


def test_a_disclosure_records_a_sharing_decision_and_meets_the_clock(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    request = ask(world)
    ir.information_request_consider(request=request, by=world.lead)
    answered = ir.information_request_respond(
        request=request,
        by=world.lead,
        outcome="disclose",
        reasons="The police need the risk picture to protect the adult from further harm.",
        record=case,
        scope="summary",
        **DISCLOSE,
    )
    assert answered.status == RequestStatus.APPROVED_SHARED
    decision = SharingDecision.objects.get(source="information_request", source_id=str(request.pk))
    assert decision.recipient_agency == world.police and decision.purpose == "police_investigation"
    assert answered.decision == decision
    assert list(case_list_for_user(user=world.officer)) == [case]
    assert ir.information_request_record_visible(answered, world.officer) == case
    assert Deadline.objects.get(subject_id=str(request.pk)).status == DeadlineStatus.MET
    assert Notification.objects.filter(recipient=world.officer, kind="information_request_answered").exists()


def test_a_refusal_needs_reasons_and_shares_nothing(world: World) -> None:
    case = world.case(person=world.person(nhs_number=NHS))
    request = ask(world)
    with pytest.raises(InvalidInput) as error:
        ir.information_request_respond(request=request, by=world.lead, outcome="refuse", reasons="No")
    assert "reasons" in error.value.errors
    answered = ir.information_request_respond(
        request=request,
        by=world.lead,
        outcome="refuse",
        reasons="The request does not meet the threshold: no crime has been reported to us.",
        record=case,
    )
    assert answered.status == RequestStatus.REFUSED
    assert answered.decision is not None and answered.decision.direction == "refuse"
    assert ir.information_request_record_visible(answered, world.officer) is None
    assert not case_list_for_user(user=world.officer).exists()
    with pytest.raises(TransitionNotAllowed):
        ir.information_request_respond(
            request=request, by=world.lead, outcome="refuse", reasons="Answering a second time is not allowed."
        )


def test_only_the_holder_answers_and_only_the_requester_withdraws(world: World) -> None:
    request = ask(world)
    with pytest.raises(ActionForbidden):
        ir.information_request_respond(
            request=request, by=world.officer, outcome="refuse", reasons="Answering my own request is not allowed."
        )
    with pytest.raises(ActionForbidden):
        ir.information_request_withdraw(request=request, by=world.lead, reason="Not mine")
    ir.information_request_withdraw(request=request, by=world.officer, reason="The investigation closed")
    assert Deadline.objects.get(subject_id=str(request.pk)).status == DeadlineStatus.CANCELLED


def test_a_request_about_a_case_needs_a_case_the_requester_can_see(world: World) -> None:
    case = world.case()
    with pytest.raises(InvalidInput) as error:
        ask(world, case=case, nhs_number=None)
    assert "case" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        ask(world, nhs_number="1234567890")
    assert "nhs_number" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        ask(world, holder_agency=world.police)
    assert "holder_agency" in error.value.errors


def test_an_overdue_request_escalates_to_the_holders_leads(world: World) -> None:
    request = ask(world)
    assert request.due_at is not None
    run_clocks(request.due_at + timedelta(minutes=1))
    deadline = Deadline.objects.get(subject_id=str(request.pk))
    assert deadline.breached_at is not None
    assert Notification.objects.filter(recipient=world.lead).exclude(kind="information_request").exists()


def test_a_given_due_time_overrides_the_policy(world: World) -> None:
    due = timezone.now() + timedelta(days=30)
    request = ask(world, due_at=due)
    assert request.due_at == due
    assert Case.objects.count() == 0
