from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.codes import LaDecision
from cases.models import Case, CaseStatus, ClosureReason, EnquiryStatus, Person
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from tests.cases.factories import World, concern_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return World()


def test_logging_a_concern_opens_a_raised_case_with_a_reference_and_a_chronology_entry(world: World) -> None:
    case = world.case()
    assert case.status == CaseStatus.RAISED
    assert case.reference.startswith(f"SG-{timezone.now().year}-")
    assert case.owning_agency == world.trust
    assert case.area == world.area
    assert case.lead_practitioner == world.practitioner
    assert case.chronology.filter(automatic=True).count() == 1


def test_a_second_concern_about_the_same_adult_joins_the_open_case(world: World) -> None:
    person = world.person()
    first = world.case(person=person)
    logged = services.concern_log(by=world.practitioner, adult=person, concern=concern_data())
    assert logged.joined_existing_case and logged.case == first
    assert first.concerns.count() == 2


def test_a_concern_in_another_agency_opens_its_own_case(world: World) -> None:
    person = world.person()
    first = world.case(person=person)
    other = services.concern_log(by=world.officer, adult=person, concern=concern_data()).case
    assert other != first and other.owning_agency == world.police


def test_draft_cases_can_be_submitted(world: World) -> None:
    case = world.case(draft=True)
    assert case.status == CaseStatus.DRAFT
    case = services.case_transition(case=case, by=world.practitioner, transition="submit")
    assert case.status == CaseStatus.RAISED
    assert case.concerns.get().raised_at is not None


def test_immediate_risk_alerts_the_agencys_leads_who_must_acknowledge(world: World) -> None:
    world.case(immediate_risk=True, immediate_actions="Police called")
    alert = Notification.objects.get(recipient=world.lead)
    assert alert.requires_ack and alert.kind == "immediate_risk"
    assert "Example" not in alert.title  # opaque reference only


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"abuse_types": []}, "abuse_types"),
        ({"what_happened": " "}, "what_happened"),
        ({"identified_at": timezone.now() + timedelta(days=2)}, "identified_at"),
        ({"consent_to_raise": "not_sought"}, "consent_not_sought_reason"),
        ({"adult_aware": False}, "adult_aware_reason"),
        ({"immediate_risk": True}, "immediate_actions"),
        ({"consent_to_raise": "lacks_capacity_best_interests"}, "consent_not_sought_detail"),
        ({"location_of_risk": "moon"}, "location_of_risk"),
    ],
)
def test_concern_validation_names_the_field(world: World, overrides: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        world.case(**overrides)
    assert field in exc.value.errors


def test_nothing_is_saved_half_way_when_a_concern_is_invalid(world: World) -> None:
    before = (Case.objects.count(), Person.objects.count())
    with pytest.raises(InvalidInput):
        world.case(abuse_types=[])
    assert (Case.objects.count(), Person.objects.count() - 1) == before  # only the person created beforehand


def test_s42_decision_opens_an_enquiry_led_by_the_chosen_agency(world: World) -> None:
    case = world.decide(world.case(), LaDecision.S42, enquiry_lead_agency=world.trust)
    assert case.status == CaseStatus.ENQUIRY
    enquiry = case.enquiries.get()
    assert enquiry.enquiry_type == "s42" and enquiry.lead_agency == world.trust and enquiry.caused_by_la
    concern = case.concerns.get()
    assert concern.decision == LaDecision.S42 and concern.decided_by == world.la_manager


def test_no_enquiry_closes_the_case_and_needs_an_alternative_response(world: World) -> None:
    case = world.case()
    with pytest.raises(InvalidInput) as exc:
        world.decide(case, LaDecision.NO_ENQUIRY)
    assert "alternative_responses" in exc.value.errors
    case = world.decide(case, LaDecision.NO_ENQUIRY, alternative_responses=["advice_and_guidance"])
    assert case.status == CaseStatus.CLOSED and case.closure_reason == ClosureReason.NO_ENQUIRY


def test_no_action_must_stand_alone(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        world.decide(world.case(), LaDecision.NO_ENQUIRY, alternative_responses=["no_action", "care_review"])
    assert "alternative_responses" in exc.value.errors


def test_only_the_local_authority_records_the_decision(world: World) -> None:
    case = world.case()
    with pytest.raises(ActionForbidden):
        services.record_la_decision(
            concern=case.concerns.get(),
            by=world.lead,
            received_at=timezone.now(),
            criterion_care_support_needs="yes",
            criterion_abuse_or_risk="yes",
            criterion_unable_to_protect="yes",
            decision=LaDecision.S42,
        )


def test_s42_needs_all_three_criteria(world: World) -> None:
    case = world.case()
    with pytest.raises(InvalidInput) as exc:
        services.record_la_decision(
            concern=case.concerns.get(),
            by=world.la_manager,
            received_at=timezone.now(),
            criterion_care_support_needs="yes",
            criterion_abuse_or_risk="no",
            criterion_unable_to_protect="yes",
            decision=LaDecision.S42,
        )
    assert "decision" in exc.value.errors


def test_transitions_not_allowed_now_answer_with_the_reason(world: World) -> None:
    case = world.case()
    with pytest.raises(TransitionNotAllowed, match="cannot be"):
        services.case_transition(case=case, by=world.practitioner, transition="start_plan")
    with pytest.raises(TransitionNotAllowed):
        services.case_transition(case=case, by=world.practitioner, transition="reopen", reason="x")


def test_close_needs_one_of_the_reasons_and_reopen_needs_a_reason(world: World) -> None:
    case = world.case()
    with pytest.raises(InvalidInput):
        services.case_transition(case=case, by=world.practitioner, transition="close", reason="bored")
    case = services.case_transition(case=case, by=world.practitioner, transition="close", reason="withdrawn")
    assert case.status == CaseStatus.CLOSED and case.closed_at
    with pytest.raises(InvalidInput):
        services.case_transition(case=case, by=world.practitioner, transition="reopen")
    case = services.case_transition(case=case, by=world.practitioner, transition="reopen", reason="New information")
    assert case.status == CaseStatus.RAISED and case.closed_at is None


def test_every_transition_writes_a_chronology_entry(world: World) -> None:
    case = world.case()
    before = case.chronology.count()
    services.case_transition(case=case, by=world.practitioner, transition="close", reason="duplicate")
    assert case.chronology.count() == before + 1


def test_concluding_an_enquiry_needs_its_guards_and_a_manager(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    enquiry = case.enquiries.get()
    with pytest.raises(ActionForbidden):
        services.enquiry_conclude(enquiry=enquiry, by=world.practitioner)
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_conclude(enquiry=enquiry, by=world.manager)
    assert {"risk_assessment_outcome", "msp_asked", "mental_capacity"} <= set(exc.value.errors)
    services.enquiry_update(
        enquiry=enquiry,
        by=world.practitioner,
        risk_assessment_outcome="risk_identified_action_taken",
        msp_asked="asked_no_outcomes_expressed",
        mental_capacity="did_not_lack_capacity",
    )
    with pytest.raises(InvalidInput) as exc:
        services.enquiry_conclude(enquiry=enquiry, by=world.manager)
    assert set(exc.value.errors) == {"risk_result"}
    services.enquiry_update(enquiry=enquiry, by=world.practitioner, risk_result="risk_reduced")
    enquiry = services.enquiry_conclude(enquiry=enquiry, by=world.manager)
    assert enquiry.status == EnquiryStatus.CONCLUDED and enquiry.signed_off_by == world.manager


def test_msp_achieved_only_when_outcomes_were_expressed(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    enquiry = case.enquiries.get()
    services.enquiry_update(
        enquiry=enquiry,
        by=world.practitioner,
        risk_assessment_outcome="no_risk_no_action",
        msp_asked="not_asked",
        msp_achieved="fully",
        mental_capacity="dont_know",
    )
    errors = services.enquiry_conclusion_errors(case.enquiries.get())
    assert set(errors) == {"msp_achieved"}


def test_another_agency_cannot_change_the_enquiry(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    with pytest.raises(ActionForbidden):
        services.enquiry_update(enquiry=case.enquiries.get(), by=world.officer, scope="x")


def test_plans_follow_an_enquiry_and_only_the_lead_agency_changes_them(world: World) -> None:
    case = world.case()
    with pytest.raises(TransitionNotAllowed):
        services.plan_create(
            case=case,
            by=world.practitioner,
            lead_agency=world.trust,
            risks="r",
            review_date=timezone.localdate() + timedelta(days=7),
        )
    case = world.decide(case, enquiry_lead_agency=world.trust)
    plan = services.plan_create(
        case=case,
        by=world.practitioner,
        lead_agency=world.trust,
        risks="Further harm",
        review_date=timezone.localdate() + timedelta(days=7),
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.PLAN
    action = services.plan_action_add(
        plan=plan,
        by=world.practitioner,
        owner_agency=world.trust,
        owner_person=world.practitioner,
        description="Visit weekly",
        due_date=timezone.localdate() + timedelta(days=3),
    )
    assert action.status == "open"
    with pytest.raises(ActionForbidden):
        services.plan_review(plan=plan, by=world.officer, notes="x", next_review_date=timezone.localdate())


def test_closing_a_case_closes_nothing_else_half_way(world: World) -> None:
    case = world.decide(world.case(), enquiry_lead_agency=world.trust)
    with pytest.raises(TransitionNotAllowed, match="Conclude the enquiry"):
        services.case_transition(case=case, by=world.practitioner, transition="conclude")
    case = services.case_transition(case=case, by=world.practitioner, transition="close", reason="ceased_at_request")
    assert case.status == CaseStatus.CLOSED


def test_dash_bands(world: World) -> None:
    case = world.case()
    for yes, band in [(0, "standard"), (9, "standard"), (10, "medium"), (13, "medium"), (14, "high"), (24, "high")]:
        answers = {str(n): ("yes" if n <= yes else "no") for n in range(1, 25)}
        dash = services.dash_record(case=case, by=world.practitioner, answers=answers)
        assert (dash.yes_count, dash.band) == (yes, band)


def test_dash_needs_every_answer(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.dash_record(case=world.case(), by=world.practitioner, answers={"1": "yes"})
    assert "answers.24" in exc.value.errors


def test_reassigning_the_lead_practitioner_is_recorded(world: World) -> None:
    case = world.case()
    other = world.manager
    case = services.case_reassign(case=case, by=world.manager, lead_practitioner=other)
    assert case.lead_practitioner == other
    assert case.chronology.filter(summary__startswith="Reassigned").exists()
    with pytest.raises(InvalidInput):
        services.case_reassign(case=case, by=world.manager, lead_practitioner=world.officer)


def test_case_core_is_changed_only_by_the_owning_agency_with_optimistic_locking(world: World) -> None:
    case = world.case()
    read_version = case.version
    updated = services.case_update(case=case, by=world.practitioner, expected_version=read_version, risk_level="high")
    assert updated.version == read_version + 1
    with pytest.raises(TransitionNotAllowed):
        services.case_update(case=case, by=world.practitioner, expected_version=read_version, risk_level="low")
    with pytest.raises(InvalidInput):
        services.case_update(case=updated, by=world.practitioner, status="closed")


def test_merging_people_moves_every_reference_and_can_be_undone(world: World) -> None:
    keep = world.person(nhs_number="9434765919")
    dup = world.person()
    case_a = world.case(person=keep)
    services.case_transition(case=case_a, by=world.practitioner, transition="close", reason="duplicate")
    case_b = world.case(person=dup)
    record = services.person_merge(keep=keep, merge=dup, by=world.lead, reason="Same NHS number and address")
    case_b.refresh_from_db()
    dup.refresh_from_db()
    assert case_b.adult == keep and dup.merged_into == keep
    admin = world.commissioner
    admin.membership.roles = ["agency_admin"]
    admin.membership.save()
    services.person_merge_undo(record=record, by=admin)
    case_b.refresh_from_db()
    assert case_b.adult == dup


def test_only_leads_merge_people(world: World) -> None:
    a, b = world.person(), world.person()
    world.case(person=a)
    with pytest.raises(ActionForbidden):
        services.person_merge(keep=a, merge=b, by=world.practitioner, reason="same")
