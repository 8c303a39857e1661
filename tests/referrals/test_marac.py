"""MARAC referrals: pre-filled from the DASH, the four criteria, the 12-month repeat rule, agreement signatories,
the coordinator's listing decisions and the states the meetings capability advances."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from referrals import selectors, services
from referrals.models import Referral
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from tests.factories import UserFactory
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db


def test_a_marac_referral_is_pre_filled_from_the_cases_dash(world: ReferralWorld) -> None:
    case = world.case()
    dash = world.dash(case, yes=16, judgement="Threats to kill and recent separation.")
    referral = world.marac(case, send=False)
    assert referral.dash == dash and referral.dash_yes_count == 16
    assert referral.professional_judgement == "Threats to kill and recent separation."
    assert referral.victim == case.adult
    assert referral.criteria == ["visible_high_risk", "professional_judgement"]
    assert referral.recipient_user == world.coordinator and referral.recipient_agency == world.police


def test_the_criteria_are_derived_visible_risk_judgement_and_escalation(world: ReferralWorld) -> None:
    low = world.marac(send=False, yes=8, da_incidents_12m=3)
    assert low.criteria == ["potential_escalation"]
    none = world.marac(send=False, yes=8)
    assert none.criteria == []
    with pytest.raises(InvalidInput) as err:
        services.referral_send(referral=none, by=world.practitioner)
    assert "criteria" in err.value.errors


def test_sending_shares_the_pack_with_the_coordinator_under_the_marac_agreement(world: ReferralWorld) -> None:
    referral = world.marac()
    assert referral.state == "referred"
    decision = referral.sharing_decision
    assert decision.recipient_user == world.coordinator and decision.purpose == "marac"
    assert decision.agreement == world.agreement and decision.scope == "summary"
    assert Notification.objects.filter(recipient=world.coordinator, kind="referral_received").exists()


def test_only_signatories_of_the_areas_marac_agreement_may_refer(world: ReferralWorld) -> None:
    world.agreement.signatories.remove(world.trust)
    referral = world.marac(send=False)
    with pytest.raises(ActionForbidden):
        services.referral_send(referral=referral, by=world.practitioner)


def test_the_person_causing_harm_is_never_notified(world: ReferralWorld) -> None:
    referral = world.marac()
    told = set(Notification.objects.filter(target_id=str(referral.pk)).values_list("recipient_id", flat=True))
    assert told == {world.coordinator.pk}


def test_a_new_incident_within_12_months_of_the_last_referral_is_a_repeat_across_agencies(
    world: ReferralWorld,
) -> None:
    from cases import services as cases
    from tests.cases.factories import concern_data

    police_case = world.case(by=world.officer, person=None)
    victim = police_case.adult
    harmer = world.harm_person(police_case)
    # The police referred eleven months ago.
    with time_machine.travel(timezone.now() - timedelta(days=335)):
        first = world.marac(police_case, harm=[harmer], by=world.officer)
    # The trust has its own case about the same victim and person causing harm.
    trust_case = cases.concern_log(by=world.practitioner, adult=victim, concern=concern_data()).case
    trust_case.people.create(person=harmer, role="alleged_source_of_harm")
    second = world.marac(trust_case, harm=[harmer])
    assert second.is_repeat and second.previous_referral == first
    assert "repeat" in second.criteria and second.repeat_rule_text
    # Another person causing harm: not a repeat.
    other = world.harm_person(trust_case, given_name="Other")
    third = world.marac(trust_case, harm=[other], send=False)
    assert not third.is_repeat


def test_after_12_months_it_is_a_new_referral_judged_by_the_incident_date(world: ReferralWorld) -> None:
    case = world.case()
    harmer = world.harm_person(case)
    with time_machine.travel(timezone.now() - timedelta(days=400)):
        world.marac(case, harm=[harmer])
    later = world.marac(case, harm=[harmer], send=False)
    assert not later.is_repeat
    # An incident dated within 12 months of the old referral is a repeat, even if reported later.
    backdated = world.marac(case, harm=[harmer], send=False, incident_date=timezone.localdate() - timedelta(days=100))
    assert backdated.is_repeat


def test_the_repeat_rule_text_is_configurable(world: ReferralWorld, settings) -> None:  # type: ignore[no-untyped-def]
    settings.MARAC_REPEAT_RULE_TEXT = "Local rule: violence, threats, stalking or sexual abuse within 12 months."
    case = world.case()
    harmer = world.harm_person(case)
    world.marac(case, harm=[harmer])
    again = world.marac(case, harm=[harmer], send=False)
    assert again.repeat_rule_text.startswith("Local rule")


def test_the_coordinator_lists_not_lists_and_the_referrer_challenges(world: ReferralWorld) -> None:
    referral = world.marac(yes=10, professional_judgement="Stalking after separation.")
    with pytest.raises(ActionForbidden):
        services.marac_not_list(referral=referral, by=world.practitioner, reason="x")
    with pytest.raises(InvalidInput):
        services.marac_not_list(referral=referral, by=world.coordinator, reason="")
    referral = services.marac_not_list(referral=referral, by=world.coordinator, reason="Below the threshold.")
    assert referral.state == "not_listed"
    assert referral in selectors.marac_queue(user=world.coordinator)
    with pytest.raises(InvalidInput):
        services.marac_challenge(referral=referral, by=world.practitioner, professional_judgement="too short")
    referral = services.marac_challenge(
        referral=referral,
        by=world.practitioner,
        professional_judgement="She fears for her life; he has followed her to work three times this week.",
    )
    assert referral.state == "referred" and "fears for her life" in referral.professional_judgement
    sitting = timezone.localdate() + timedelta(days=7)
    referral = services.marac_list(referral=referral, by=world.coordinator, intended_sitting_date=sitting)
    assert referral.state == "listed" and referral.intended_sitting_date == sitting
    assert list(selectors.marac_referrals_ready_to_list(area=world.area, by=world.coordinator)) == [referral]


def test_listing_needs_a_future_sitting_and_an_emergency_needs_a_reason(world: ReferralWorld) -> None:
    referral = world.marac()
    with pytest.raises(InvalidInput):
        services.marac_list(
            referral=referral, by=world.coordinator, intended_sitting_date=timezone.localdate() - timedelta(days=1)
        )
    with pytest.raises(InvalidInput):
        services.marac_list(
            referral=referral, by=world.coordinator, intended_sitting_date=timezone.localdate(), emergency=True
        )
    referral = services.marac_list(
        referral=referral,
        by=world.coordinator,
        intended_sitting_date=timezone.localdate(),
        emergency=True,
        emergency_reason="Threat to kill made yesterday.",
    )
    assert referral.state == "emergency"


def test_the_meetings_capability_advances_heard_actions_open_closed(world: ReferralWorld) -> None:
    referral = world.marac()
    with pytest.raises(TransitionNotAllowed):
        services.marac_referral_heard(referral=referral, by=world.coordinator)
    referral = services.marac_list(
        referral=referral, by=world.coordinator, intended_sitting_date=timezone.localdate() + timedelta(days=3)
    )
    outsider = UserFactory(agency=world.housing, roles=["marac_coordinator"])
    with pytest.raises(ActionForbidden):
        services.marac_referral_heard(referral=referral, by=outsider)
    referral = services.marac_referral_heard(referral=referral, by=world.coordinator)
    assert referral.state == "heard" and referral.heard_at is not None
    assert list(selectors.marac_referrals_ready_to_list(area=world.area, by=world.coordinator)) == []
    referral = services.marac_referral_actions_open(referral=referral, by=world.coordinator)
    referral = services.marac_referral_close(referral=referral, by=world.coordinator)
    assert referral.state == "closed"


def test_the_sender_may_withdraw_a_marac_referral_before_it_is_listed(world: ReferralWorld) -> None:
    referral = world.marac()
    referral = services.referral_withdraw(referral=referral, by=world.practitioner, reason="Victim moved out of area.")
    assert referral.state == "withdrawn"
    referral.sharing_decision.refresh_from_db()
    assert referral.sharing_decision.revoked_at is not None


def test_an_idva_referral_goes_alongside_with_its_own_share(world: ReferralWorld) -> None:
    referral = world.marac(idva_referred=True)
    sibling = Referral.objects.get(kind="service", case=referral.case)
    assert sibling.recipient_agency == world.idva and sibling.state == "sent"
    assert sibling.sharing_decision.recipient_agency == world.idva
    assert sibling.sharing_decision_id != referral.sharing_decision_id
    referral.refresh_from_db()
    assert referral.idva_agency == world.idva


def test_the_coordinators_agency_must_have_signed_the_agreement_too(world: ReferralWorld) -> None:
    world.agreement.signatories.remove(world.police)
    referral = world.marac(send=False)
    with pytest.raises(ActionForbidden):
        services.referral_send(referral=referral, by=world.practitioner)


def test_open_referrals_held_by_a_leaving_coordinator_are_listed_for_reassignment(world: ReferralWorld) -> None:
    from safeguarding.registry import open_work_for

    referral = world.marac()
    assert any(item.object_id == str(referral.pk) for item in open_work_for(world.coordinator))
