from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.models import CaseGroupObjectPermission
from cases.selectors import Scope, case_list_for_user, case_scope_for_user
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from safeguarding.roles import Role
from safeguarding.sharing import services as sharing
from safeguarding.sharing.selectors import who_can_see
from tests.cases.factories import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = {
    "purpose": "s42_enquiry",
    "scope": "full",
    "data_items": ["identity", "concern", "risk"],
    "lawful_basis_art6": "6_1_c_legal_obligation",
    "consent_status": "given",
    "rationale": "The local authority needs the full record to decide on a section 42 enquiry.",
    "adult_informed": True,
}


@pytest.fixture
def world() -> World:
    return World()


def share(world: World, case, *, by=None, **overrides):  # type: ignore[no-untyped-def]
    data = {**GOOD, "recipient_agency": world.police, **overrides}
    return sharing.share_record(obj=case, decided_by=by or world.practitioner, **data)


def test_sharing_gives_the_recipient_agency_the_scope_decided(world: World) -> None:
    case = world.case()
    assert case not in case_list_for_user(user=world.officer)
    share(world, case, scope="summary")
    assert case in case_list_for_user(user=world.officer)
    assert case_scope_for_user(user=world.officer, case=case) == Scope.SUMMARY


def test_the_widest_scope_wins_and_one_decision_ending_leaves_the_other(world: World) -> None:
    case = world.case()
    summary = share(world, case, scope="summary")
    full = share(world, case, scope="full", purpose="police_investigation")
    assert case_scope_for_user(user=world.officer, case=case) == Scope.FULL
    sharing.revoke_share(decision=full, by=world.practitioner, reason="Investigation closed")
    assert case_scope_for_user(user=world.officer, case=case) == Scope.SUMMARY
    sharing.revoke_share(decision=summary, by=world.practitioner, reason="No longer needed")
    assert case_scope_for_user(user=world.officer, case=case) is None
    assert case not in case_list_for_user(user=world.officer)


def test_access_ends_exactly_at_expiry_then_narrows(world: World) -> None:
    case = world.case()
    now = timezone.now()
    share(world, case, scope="full", expires_at=now + timedelta(days=1))
    share(world, case, scope="summary", expires_at=now + timedelta(days=10), purpose="individual_care")
    with time_machine.travel(now + timedelta(days=1) - timedelta(seconds=1)):
        assert case_scope_for_user(user=world.officer, case=case) == Scope.FULL
    with time_machine.travel(now + timedelta(days=1, seconds=1)):
        assert case_scope_for_user(user=world.officer, case=case) == Scope.SUMMARY
    with time_machine.travel(now + timedelta(days=10, seconds=1)):
        assert case not in case_list_for_user(user=world.officer)


def test_expire_shares_drops_expired_grants_and_tells_the_recipient(world: World) -> None:
    case = world.case()
    lead = UserFactory(agency=world.police, roles=[Role.SAFEGUARDING_LEAD])
    now = timezone.now()
    share(world, case, expires_at=now + timedelta(hours=1))
    with time_machine.travel(now + timedelta(hours=2)):
        assert sharing.expire_shares() == 1
        assert sharing.expire_shares() == 0
    assert not CaseGroupObjectPermission.objects.filter(content_object=case).exists()
    assert Notification.objects.filter(recipient=lead, kind="share_expired").count() == 1


def test_grants_never_reach_commissioners_auditors_or_agency_admins(world: World) -> None:
    case = world.case()
    share(world, case)
    for role in (Role.COMMISSIONER, Role.AUDITOR, Role.AGENCY_ADMIN):
        user = UserFactory(agency=world.police, roles=[role])
        assert case not in case_list_for_user(user=user)


def test_a_named_grant_reaches_only_that_person(world: World) -> None:
    case = world.case()
    colleague = UserFactory(agency=world.police)
    share(world, case, recipient_agency=None, recipient_user=world.officer)
    assert case in case_list_for_user(user=world.officer)
    assert case not in case_list_for_user(user=colleague)


def test_only_the_owning_agency_decides_and_grantees_never_share_onward(world: World) -> None:
    case = world.case()
    share(world, case, scope="contribute")
    with pytest.raises(ActionForbidden):
        share(world, case, by=world.officer, recipient_agency=world.la)
    with pytest.raises(ActionForbidden):
        share(world, case, by=world.commissioner, recipient_agency=world.la)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"rationale": "because"}, "rationale"),
        ({"rationale": "ok ok ok ok ok ok ok ok ok ok"}, "rationale"),
        ({"data_items": []}, "data_items"),
        ({"lawful_basis_art6": ""}, "lawful_basis_art6"),
        ({"scope": ""}, "scope"),
        ({"data_items": ["health"]}, "condition_art9"),
        ({"special_category": ["health"], "condition_art9": "9_2_h_health_social_care"}, "dpa_sch1_condition"),
        ({"consent_status": "refused"}, "override_reason"),
        (
            {
                "consent_status": "refused",
                "lawful_basis_art6": "6_1_a_consent",
                "override_reason": "others_at_risk",
                "override_detail": "x",
            },
            "lawful_basis_art6",
        ),
        (
            {"consent_status": "lacks_capacity", "override_reason": "lacks_capacity", "override_detail": "x"},
            "capacity_assessment_id",
        ),
        ({"adult_informed": False}, "adult_not_informed_reason"),
        ({"expires_at": timezone.now() - timedelta(days=1)}, "expires_at"),
        ({"purpose": "gossip"}, "purpose"),
    ],
)
def test_impossible_decisions_are_refused_with_field_errors(world: World, overrides: dict, field: str) -> None:
    case = world.case()
    with pytest.raises(InvalidInput) as exc:
        share(world, case, **overrides)
    assert field in exc.value.errors
    assert not CaseGroupObjectPermission.objects.filter(content_object=case).exists()


def test_sharing_with_your_own_agency_is_refused(world: World) -> None:
    with pytest.raises(InvalidInput) as exc:
        share(world, world.case(), recipient_agency=world.trust)
    assert "recipient_agency" in exc.value.errors


def test_a_refusal_is_recorded_and_grants_nothing(world: World) -> None:
    case = world.case()
    decision = sharing.refuse_share(
        obj=case,
        decided_by=world.practitioner,
        recipient_agency=world.police,
        purpose="police_investigation",
        consent_status="refused",
        rationale="The adult refused and there is no risk to others that overrides it.",
        adult_informed=True,
    )
    assert decision.status == "refused"
    assert case not in case_list_for_user(user=world.officer)
    with pytest.raises(TransitionNotAllowed):
        sharing.revoke_share(decision=decision, by=world.practitioner, reason="x")


def test_lacks_capacity_override_links_an_assessment_on_the_case(world: World) -> None:
    from cases.services import capacity_assessment_record

    case = world.case()
    assessment = capacity_assessment_record(
        case=case,
        by=world.practitioner,
        person=case.adult,
        decision="Sharing with the police",
        assessed_at=timezone.now() - timedelta(days=1),
        outcome="lacks_capacity",
        reasoning="Could not retain it.",
    )
    decision = share(
        world,
        case,
        consent_status="lacks_capacity",
        override_reason="lacks_capacity",
        override_detail="Best interests: risk of serious harm.",
        capacity_assessment_id=assessment.pk,
    )
    assert decision.capacity_assessment_id == assessment.pk


def test_who_can_see_lists_live_expired_and_revoked_decisions(world: World) -> None:
    case = world.case()
    live = share(world, case)
    revoked = share(world, case, recipient_agency=world.la, purpose="individual_care")
    sharing.revoke_share(decision=revoked, by=world.practitioner, reason="Finished")
    recipients = {r.label: r for r in who_can_see(case)}
    assert recipients[world.police.name].scope == "full"
    assert recipients[world.la.name].scope is None
    assert [d.status for d in recipients[world.la.name].decisions] == ["revoked"]
    assert live.status == "live"


def test_sharing_writes_a_chronology_entry_and_notifies_the_recipient(world: World) -> None:
    case = world.case()
    lead = UserFactory(agency=world.police, roles=[Role.SAFEGUARDING_LEAD])
    share(world, case)
    assert case.chronology.filter(entry_type="information_sharing").count() == 1
    assert Notification.objects.filter(recipient=lead, kind="shared_with_you").exists()
