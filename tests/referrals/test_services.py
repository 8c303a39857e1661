"""Referral lifecycles and their guards, the s42 decision, MARAC criteria and the repeat rule, MAPPA nominals."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from cases.codes import LaDecision, TriState
from cases.models import CaseStatus, Concern
from escalation.models import Deadline, DeadlineStatus
from escalation.services import open_deadlines_for
from referrals import services
from referrals.models import MappaNominal
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.sharing.models import SharingDecision
from tests.referrals.conftest import BASIS, ReferralWorld

pytestmark = pytest.mark.django_db


def open_clocks(subject: Any) -> set[str]:
    return set(open_deadlines_for(subject).values_list("kind", flat=True))


# --- s42 --------------------------------------------------------------------------------------------------------------


def test_sending_an_s42_concern_shares_the_full_record_with_the_la_and_sets_received_at(world: ReferralWorld) -> None:
    referral = world.s42()
    assert referral.state == "sent" and referral.recipient_agency == world.la
    decision = referral.sharing_decision
    assert decision.scope == "full" and decision.purpose == "s42_enquiry" and decision.recipient_agency == world.la
    assert decision.source == "referral" and decision.source_id == str(referral.pk)
    concern = Concern.objects.get(pk=referral.concern_id)
    assert concern.received_by_la_at == referral.sent_at
    assert open_clocks(referral) == {"referral_acknowledgement", "s42_decision"}


def test_the_la_acknowledges_then_decides_s42_which_updates_the_case_and_starts_the_strategy_clock(
    world: ReferralWorld,
) -> None:
    referral = world.s42()
    referral = services.referral_acknowledge(referral=referral, by=world.la_manager)
    assert referral.state == "acknowledged" and open_clocks(referral) == {"s42_decision"}
    referral = services.referral_record_decision(
        referral=referral,
        by=world.la_manager,
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.YES,
        criterion_unable_to_protect=TriState.YES,
        decision=LaDecision.S42,
        rationale="All three criteria are met.",
    )
    assert referral.state == "closed" and referral.decision_recorded_at is not None
    referral.case.refresh_from_db()
    assert referral.case.status == CaseStatus.ENQUIRY
    concern = Concern.objects.get(pk=referral.concern_id)
    assert concern.decision == LaDecision.S42 and concern.referrer_told_at is not None
    assert open_clocks(referral) == set()
    assert "strategy_discussion" in open_clocks(referral.case)
    deadline = services.strategy_discussion_held(case=referral.case, by=world.la_manager, held_at=timezone.now())
    assert deadline is not None and deadline.status == DeadlineStatus.MET


def test_a_no_enquiry_decision_closes_the_case_and_starts_no_strategy_clock(world: ReferralWorld) -> None:
    referral = world.s42()
    services.referral_accept(referral=referral, by=world.la_manager)
    services.referral_record_decision(
        referral=referral,
        by=world.la_manager,
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.NO,
        criterion_unable_to_protect=TriState.NO,
        decision=LaDecision.NO_ENQUIRY,
        not_s42_reasons=["not_experiencing_abuse_or_neglect"],
        alternative_responses=["advice_and_guidance"],
    )
    referral.case.refresh_from_db()
    assert referral.case.status == CaseStatus.CLOSED
    assert "strategy_discussion" not in open_clocks(referral.case)


def test_a_decision_missing_criteria_is_refused_and_changes_nothing(world: ReferralWorld) -> None:
    referral = world.s42()
    with pytest.raises(InvalidInput) as err:
        services.referral_record_decision(
            referral=referral,
            by=world.la_manager,
            criterion_care_support_needs="",
            criterion_abuse_or_risk=TriState.YES,
            criterion_unable_to_protect=TriState.YES,
            decision=LaDecision.S42,
        )
    assert "criterion_care_support_needs" in err.value.errors
    referral.refresh_from_db()
    assert referral.state == "sent"


def test_only_an_la_manager_of_the_recipient_may_act_on_an_s42_concern(world: ReferralWorld) -> None:
    referral = world.s42()
    with pytest.raises(ActionForbidden):
        services.referral_acknowledge(referral=referral, by=world.la_practitioner)
    with pytest.raises(ActionForbidden):
        services.referral_acknowledge(referral=referral, by=world.officer)
    with pytest.raises(ActionForbidden):
        services.referral_acknowledge(referral=referral, by=world.practitioner)


def test_transitions_not_allowed_now_are_refused(world: ReferralWorld) -> None:
    draft = world.s42(send=False)
    with pytest.raises(ActionForbidden):  # a draft has no recipient yet (and the API answers 404: it is invisible)
        services.referral_acknowledge(referral=draft, by=world.la_manager)
    sent = services.referral_send(referral=draft, by=world.practitioner)
    with pytest.raises(TransitionNotAllowed):
        services.referral_send(referral=sent, by=world.practitioner)
    services.referral_accept(referral=sent, by=world.la_manager)
    with pytest.raises(TransitionNotAllowed):
        services.referral_withdraw(referral=sent, by=world.practitioner, reason="Changed my mind")
    with pytest.raises(TransitionNotAllowed):
        services.referral_decline(referral=sent, by=world.la_manager, reason="Too late")
    with pytest.raises(TransitionNotAllowed):  # an s42 referral closes with the LA's decision, not by hand
        services.referral_close(referral=sent, by=world.la_manager)


def test_only_the_owning_agency_can_refer_a_case(world: ReferralWorld) -> None:
    case = world.case()
    with pytest.raises(ActionForbidden):
        services.referral_create(by=world.officer, case=case, kind="s42_concern", reason="x", sharing_basis=BASIS)


# --- decline, withdraw: only the referral's own decision is revoked ---------------------------------------------------


def test_declining_revokes_only_the_referrals_own_decision(world: ReferralWorld) -> None:
    case = world.case()
    first = world.service(case)
    second = world.service(case)  # a second referral to the same agency, with its own decision
    referral = services.referral_decline(referral=first, by=world.housing_lead, reason="Not our area of work.")
    assert referral.state == "declined" and referral.decline_reason
    assert SharingDecision.objects.get(pk=first.sharing_decision_id).revoked_at is not None
    assert SharingDecision.objects.get(pk=second.sharing_decision_id).revoked_at is None
    assert open_clocks(first) == set()


def test_a_decline_needs_a_reason(world: ReferralWorld) -> None:
    referral = world.service()
    with pytest.raises(InvalidInput) as err:
        services.referral_decline(referral=referral, by=world.housing_lead, reason=" ")
    assert "reason" in err.value.errors


def test_the_sender_withdraws_before_acceptance_and_the_share_ends(world: ReferralWorld) -> None:
    referral = world.service()
    services.referral_acknowledge(referral=referral, by=world.housing_lead)
    with pytest.raises(ActionForbidden):
        services.referral_withdraw(referral=referral, by=world.housing_lead, reason="Not mine to withdraw")
    referral = services.referral_withdraw(referral=referral, by=world.practitioner, reason="The adult moved away.")
    assert referral.state == "withdrawn"
    assert SharingDecision.objects.get(pk=referral.sharing_decision_id).revoked_at is not None


def test_service_referral_runs_draft_sent_acknowledged_accepted_closed(world: ReferralWorld) -> None:
    referral = world.service()
    assert referral.sharing_decision.scope == "summary"
    assert open_clocks(referral) == {"referral_acknowledgement", "referral_response"}
    referral = services.referral_acknowledge(referral=referral, by=world.housing_officer)
    referral = services.referral_accept(referral=referral, by=world.housing_officer)
    assert open_clocks(referral) == set()
    referral = services.referral_close(referral=referral, by=world.practitioner)
    assert referral.state == "closed"
    assert [e.event for e in referral.log.all()] == ["created", "sent", "acknowledged", "accepted", "closed"]


# --- payload validation per kind --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "details", "field"),
    [
        ("service", {}, "service_type"),
        ("service", {"service_type": "spa_day"}, "service_type"),
        ("mappa", {"mappa_request": "ask"}, "mappa_category"),
        ("mappa", {"mappa_category": "cat3_other_dangerous"}, "mappa_request"),
        ("marac", {}, "dash"),
    ],
)
def test_kind_specific_payloads_are_validated(world: ReferralWorld, kind: str, details: dict, field: str) -> None:
    case = world.case()
    with pytest.raises(InvalidInput) as err:
        services.referral_create(
            by=world.practitioner,
            case=case,
            kind=kind,
            reason="A referral to test validation.",
            recipient_agency=world.probation if kind == "mappa" else world.housing,
            sharing_basis=BASIS,
            details=details,
        )
    assert field in err.value.errors


def test_a_referral_without_a_reason_or_recipient_is_refused(world: ReferralWorld) -> None:
    with pytest.raises(InvalidInput) as err:
        services.referral_create(
            by=world.practitioner, case=world.case(), kind="service", reason="", details={"service_type": "housing"}
        )
    assert {"reason", "recipient_agency"} <= set(err.value.errors)


def test_mappa_information_goes_only_to_a_responsible_authority(world: ReferralWorld) -> None:
    case = world.case()
    subject = world.harm_person(case)
    with pytest.raises(InvalidInput) as err:
        services.referral_create(
            by=world.practitioner,
            case=case,
            kind="mappa",
            reason="Information about a possible nominal.",
            recipient_agency=world.housing,
            sharing_basis=BASIS,
            details={"mappa_request": "notify", "mappa_subject": subject.pk, "mappa_category": "cat3_other_dangerous"},
        )
    assert "recipient_agency" in err.value.errors


# --- MAPPA nominals ---------------------------------------------------------------------------------------------------


def test_accepting_mappa_information_records_a_nominal_with_a_review_clock(world: ReferralWorld) -> None:
    referral = world.mappa()
    assert referral.sharing_decision.purpose == "mappa"
    referral = services.referral_accept(referral=referral, by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    assert nominal.responsible_authority == world.probation and nominal.level == "level2_active_multi_agency"
    assert list(nominal.named_agencies.all()) == [world.trust]
    review = Deadline.objects.get(subject_id=str(nominal.pk), kind="mappa_review")
    assert review.due_at.date() == (review.started_at + timedelta(days=112)).date()
    assert nominal.next_review_due == review.due_at


def test_a_level_3_review_moves_the_clock_to_8_weeks_and_exit_stops_it(world: ReferralWorld) -> None:
    referral = services.referral_accept(referral=world.mappa(), by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    nominal = services.nominal_review(
        nominal=nominal, by=world.probation_officer, level="level3_active_multi_agency_senior"
    )
    review = Deadline.objects.get(subject_id=str(nominal.pk), kind="mappa_review", status=DeadlineStatus.PENDING)
    assert (review.due_at - review.started_at).days in (55, 56)
    with pytest.raises(ActionForbidden):
        services.nominal_exit(nominal=nominal, by=world.practitioner, reason="Not ours")
    nominal = services.nominal_exit(nominal=nominal, by=world.probation_officer, reason="Licence ended")
    assert nominal.status == "exited" and open_clocks(nominal) == set()


def test_a_basis_that_could_not_be_shared_is_refused_at_creation_with_field_errors(world: ReferralWorld) -> None:
    with pytest.raises(InvalidInput) as err:
        services.referral_create(
            by=world.practitioner,
            case=world.case(),
            kind="service",
            reason="Housing support please.",
            recipient_agency=world.housing,
            sharing_basis={"consent_status": "refused", "adult_informed": False, "rationale": "short"},
            details={"service_type": "housing"},
        )
    assert {"override_reason", "override_detail", "adult_not_informed_reason", "rationale"} <= set(err.value.errors)
