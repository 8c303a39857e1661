"""The cases app's timescales on the clock engine: enquiry completion, plan reviews, plan actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from escalation.models import Deadline
from escalation.services import open_deadlines_for
from safeguarding.actions.services import action_complete
from tests.cases.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def test_an_s42_decision_starts_the_enquiry_completion_clock_for_the_lead_agency(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    enquiry = case.enquiries.get()
    deadline = open_deadlines_for(enquiry, "enquiry_completion").get()
    assert deadline.holder_agency == world.trust and deadline.holder_user == world.practitioner
    assert deadline.due_at > timezone.now() + timedelta(days=14)


def test_concluding_the_enquiry_meets_its_clock(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    enquiry = case.enquiries.get()
    services.enquiry_update(
        enquiry=enquiry,
        by=world.practitioner,
        risk_assessment_outcome="no_risk_no_action",
        msp_asked="not_asked",
        mental_capacity="did_not_lack_capacity",
    )
    services.enquiry_conclude(enquiry=enquiry, by=world.manager)
    assert Deadline.objects.get(kind="enquiry_completion").status == "met"


def test_a_plan_has_a_review_clock_and_its_actions_have_due_clocks(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    review = timezone.localdate() + timedelta(days=10)
    plan = services.plan_create(
        case=case, by=world.practitioner, lead_agency=world.trust, risks="Harm", review_date=review
    )
    assert timezone.localdate(open_deadlines_for(plan, "plan_review").get().due_at) == review
    action = services.plan_action_add(
        plan=plan,
        by=world.practitioner,
        owner_agency=world.trust,
        owner_person=world.practitioner,
        description="Visit",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    assert open_deadlines_for(action, "action_due").exists()
    action_complete(action=action, by=world.practitioner, evidence_notes="Visited on Tuesday")
    assert not open_deadlines_for(action, "action_due").exists()
    services.plan_review(
        plan=plan, by=world.practitioner, notes="Going well", next_review_date=timezone.localdate() + timedelta(days=30)
    )
    assert Deadline.objects.filter(kind="plan_review", status="met").count() == 1
    assert open_deadlines_for(plan, "plan_review").count() == 1


def test_closing_a_case_cancels_its_clocks(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    plan = services.plan_create(
        case=case,
        by=world.practitioner,
        lead_agency=world.trust,
        risks="Harm",
        review_date=timezone.localdate() + timedelta(days=10),
    )
    services.case_transition(case=case, by=world.practitioner, transition="close", reason="ceased_at_request")
    assert not open_deadlines_for(plan).exists()
    assert not open_deadlines_for(case.enquiries.get()).exists()
    assert Deadline.objects.filter(status="cancelled").count() == 2


def test_clock_holders_follow_a_reassigned_lead_practitioner(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    services.case_reassign(case=case, by=world.manager, lead_practitioner=world.manager)
    deadline = open_deadlines_for(case.enquiries.get(), "enquiry_completion").get()
    assert deadline.holder_user == world.manager
    assert deadline.events.filter(event_type="reassigned").exists()
