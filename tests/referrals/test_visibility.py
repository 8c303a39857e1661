"""Who sees a referral, a MAPPA nominal and the case behind them: the recipient sees what the decision grants and
nothing else; third agencies see nothing; declining or withdrawing ends only the referral's own share."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.selectors import Scope, case_scope_for_user
from referrals import selectors, services
from referrals.models import MappaNominal
from safeguarding.registry import is_visible
from safeguarding.roles import Role
from safeguarding.sharing.codes import Purpose
from safeguarding.sharing.services import share_record
from tests.factories import UserFactory
from tests.referrals.conftest import BASIS, ReferralWorld

pytestmark = pytest.mark.django_db


def visible(user, referral) -> bool:  # type: ignore[no-untyped-def]
    return selectors.referral_list_for_user(user=user).filter(pk=referral.pk).exists()


def test_a_draft_is_seen_only_by_the_sending_agency(world: ReferralWorld) -> None:
    draft = world.s42(send=False)
    assert visible(world.practitioner, draft) and visible(world.lead, draft)
    assert not visible(world.la_manager, draft)
    assert case_scope_for_user(user=world.la_manager, case=draft.case) is None


def test_the_la_sees_a_sent_s42_concern_and_the_full_case_and_no_more(world: ReferralWorld) -> None:
    referral = world.s42()
    assert visible(world.la_manager, referral) and visible(world.la_practitioner, referral)
    assert case_scope_for_user(user=world.la_manager, case=referral.case) == Scope.FULL
    other_case = world.case()
    assert case_scope_for_user(user=world.la_manager, case=other_case) is None


def test_third_agencies_and_non_case_roles_see_nothing(world: ReferralWorld) -> None:
    referrals = [world.s42(), world.marac(), world.service(to=world.probation), world.mappa()]
    for user in (world.housing_officer, world.commissioner):
        assert selectors.referral_list_for_user(user=user).count() == 0
        for referral in referrals:
            assert not is_visible(referral, user=user)
            assert case_scope_for_user(user=user, case=referral.case) is None


def test_marac_material_reaches_only_the_coordinator_not_their_colleagues(world: ReferralWorld) -> None:
    referral = world.marac()
    assert visible(world.coordinator, referral)
    assert not visible(world.officer, referral) and not visible(world.police_lead, referral)
    assert case_scope_for_user(user=world.coordinator, case=referral.case) == Scope.SUMMARY
    assert case_scope_for_user(user=world.officer, case=referral.case) is None


def test_a_service_recipient_sees_a_summary_only(world: ReferralWorld) -> None:
    referral = world.service()
    assert visible(world.housing_officer, referral)
    assert case_scope_for_user(user=world.housing_officer, case=referral.case) == Scope.SUMMARY


def test_declining_keeps_other_live_decisions_in_effect(world: ReferralWorld) -> None:
    case = world.case()
    share_record(
        obj=case,
        decided_by=world.practitioner,
        recipient_agency=world.housing,
        purpose=Purpose.INDIVIDUAL_CARE,
        scope="full",
        data_items=["identity", "concern"],
        lawful_basis_art6="6_1_e_public_task",
        **BASIS,
    )
    referral = world.service(case)
    services.referral_decline(referral=referral, by=world.housing_lead, reason="We hold this already.")
    assert case_scope_for_user(user=world.housing_officer, case=case) == Scope.FULL
    # The share the referral made has ended, and with it the recipient's view of the referral; the sender keeps it.
    assert not visible(world.housing_officer, referral)
    assert visible(world.practitioner, referral)


def test_withdrawing_ends_the_recipients_access_to_the_case(world: ReferralWorld) -> None:
    referral = world.service()
    services.referral_withdraw(referral=referral, by=world.practitioner, reason="Sent to the wrong agency.")
    assert case_scope_for_user(user=world.housing_officer, case=referral.case) is None


def test_a_mappa_nominal_is_seen_by_the_responsible_authority_and_named_agencies_only(world: ReferralWorld) -> None:
    referral = services.referral_accept(referral=world.mappa(), by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    seen = lambda u: selectors.nominal_list_for_user(user=u).filter(pk=nominal.pk).exists()  # noqa: E731
    assert seen(world.probation_officer) and seen(world.practitioner)
    assert not seen(world.officer) and not seen(world.la_manager) and not seen(world.housing_officer)
    assert not seen(world.commissioner)
    auditor = UserFactory(agency=world.probation, roles=[Role.AUDITOR])
    assert not seen(auditor)


def test_the_recipient_stops_seeing_a_referral_when_its_decision_expires(world: ReferralWorld) -> None:
    import time_machine

    referral = world.service()
    expires = referral.sharing_decision.expires_at
    with time_machine.travel(expires + timedelta(minutes=1)):
        assert not visible(world.housing_officer, referral)
        assert visible(world.practitioner, referral)
