"""Referral screens: boxes, the referral page and its actions, forms per kind, the LA decision, the MARAC queue,
MAPPA nominals and the panels; invisible objects answer 404, forbidden actions 403."""

from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from referrals import services
from referrals.models import MappaNominal, Referral
from tests.helpers import assert_access_rows, signed_in
from tests.referrals.conftest import ReferralWorld

pytestmark = pytest.mark.django_db


def test_the_la_inbox_lists_received_concerns_with_their_due_markers(world: ReferralWorld) -> None:
    referral = world.s42()
    client = signed_in(world.la_manager)
    with assert_access_rows(1, user=world.la_manager, object_ids=[referral.pk]):
        page = client.get("/referrals/").content.decode()
    assert referral.reference in page and "Referral acknowledgement due" in page
    assert referral.reference in signed_in(world.practitioner).get("/referrals/sent/").content.decode()
    assert referral.reference not in signed_in(world.housing_officer).get("/referrals/").content.decode()


def test_the_referral_page_shows_the_timeline_and_only_the_actions_allowed(world: ReferralWorld) -> None:
    referral = world.s42()
    page = signed_in(world.la_manager).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Acknowledge" in page and "Record the decision" in page and "Withdraw the referral" not in page
    page = signed_in(world.practitioner).get(f"/referrals/{referral.pk}/").content.decode()
    assert "Withdraw the referral" in page and "Acknowledge" not in page
    assert "Sent" in page


def test_invisible_referrals_and_nominals_answer_404(world: ReferralWorld) -> None:
    referral = world.s42()
    client = signed_in(world.housing_officer)
    with assert_access_rows(1, outcome="denied"):
        assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.post(f"/referrals/{referral.pk}/acknowledge/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/decision/").status_code == 404
    assert client.get(f"/referrals/mappa/{uuid.uuid4()}/").status_code == 404
    assert client.get(f"/referrals/for-case/{referral.case_id}/").status_code == 404


def test_a_forbidden_action_is_403(world: ReferralWorld) -> None:
    referral = world.s42()
    assert signed_in(world.practitioner).post(f"/referrals/{referral.pk}/acknowledge/").status_code == 403
    assert signed_in(world.practitioner).get(f"/referrals/{referral.pk}/decision/").status_code == 403
    assert signed_in(world.la_manager).get(f"/referrals/new/{referral.case_id}/service/").status_code == 403


def test_the_la_records_its_decision_from_the_form(world: ReferralWorld) -> None:
    referral = world.s42()
    client = signed_in(world.la_manager)
    response = client.post(f"/referrals/{referral.pk}/decision/", {"decision": "s42_enquiry"})
    assert response.status_code == 400 and "Answer each of the three criteria" in response.content.decode()
    response = client.post(
        f"/referrals/{referral.pk}/decision/",
        {
            "criterion_care_support_needs": "yes",
            "criterion_abuse_or_risk": "yes",
            "criterion_unable_to_protect": "no",
            "decision": "s42_enquiry",
        },
    )
    assert response.status_code == 400 and "all three criteria" in response.content.decode()
    response = client.post(
        f"/referrals/{referral.pk}/decision/",
        {
            "criterion_care_support_needs": "yes",
            "criterion_abuse_or_risk": "yes",
            "criterion_unable_to_protect": "yes",
            "decision": "s42_enquiry",
            "rationale": "Criteria met.",
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == "closed"


def test_the_marac_form_is_pre_filled_from_the_dash_and_saves_a_draft_to_send(world: ReferralWorld) -> None:
    case = world.case()
    harmer = world.harm_person(case)
    world.dash(case, yes=15, judgement="Threats to kill.")
    client = signed_in(world.practitioner)
    page = client.get(f"/referrals/new/{case.pk}/marac/").content.decode()
    assert "15 ticks" in page and "Threats to kill." in page and harmer.full_name in page
    today = timezone.localdate()
    response = client.post(
        f"/referrals/new/{case.pk}/marac/",
        {
            "persons_causing_harm": [str(harmer.pk)],
            "incident_date_0": today.day,
            "incident_date_1": today.month,
            "incident_date_2": today.year,
            "professional_judgement": "Threats to kill.",
            "victim_informed": "no",
            "reason": "High risk.",
            "consent_status": "not_sought",
            "override_reason": "seeking_consent_would_increase_risk",
            "override_detail": "It would alert him.",
            "adult_informed": "no",
            "adult_not_informed_reason": "Unsafe to tell her now.",
            "rationale": "Risk of serious harm to the victim from her former partner.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    referral = Referral.objects.get(case=case)
    assert referral.state == "draft" and referral.criteria == ["visible_high_risk", "professional_judgement"]
    assert client.post(f"/referrals/{referral.pk}/send/").status_code == 302
    referral.refresh_from_db()
    assert referral.state == "referred"


def test_a_form_with_errors_answers_400_with_the_summary(world: ReferralWorld) -> None:
    case = world.case()
    response = signed_in(world.practitioner).post(f"/referrals/new/{case.pk}/service/", {})
    assert response.status_code == 400 and "govuk-error-summary" in response.content.decode()


def test_the_coordinator_lists_from_the_queue_and_the_referral_page(world: ReferralWorld) -> None:
    referral = world.marac()
    client = signed_in(world.coordinator)
    assert referral.reference in client.get("/referrals/marac/").content.decode()
    sitting = timezone.localdate()
    response = client.post(
        f"/referrals/{referral.pk}/list/",
        {
            "list-intended_sitting_date_0": sitting.day,
            "list-intended_sitting_date_1": sitting.month,
            "list-intended_sitting_date_2": sitting.year,
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.state == "listed"
    response = client.post(f"/referrals/{referral.pk}/not-list/", {"not-list-reason": "x"})
    assert response.status_code == 400 and "listed for a marac" in response.content.decode().lower()
    referral.refresh_from_db()
    assert referral.state == "listed"


def test_the_case_panel_lists_the_cases_referrals_and_offers_referring_to_the_owner(world: ReferralWorld) -> None:
    referral = world.service()
    page = signed_in(world.practitioner).get(f"/referrals/for-case/{referral.case_id}/").content.decode()
    assert referral.reference in page and "Refer to MARAC" in page
    page = signed_in(world.housing_officer).get(f"/referrals/for-case/{referral.case_id}/").content.decode()
    assert referral.reference in page and "Refer to MARAC" not in page


def test_the_my_work_panel_shows_referrals_awaiting_the_recipient(world: ReferralWorld) -> None:
    referral = world.service()
    assert referral.reference in signed_in(world.housing_lead).get("/referrals/awaiting/").content.decode()


def test_mappa_nominal_pages_for_the_responsible_authority_and_named_agencies(world: ReferralWorld) -> None:
    referral = services.referral_accept(referral=world.mappa(), by=world.probation_officer)
    nominal = MappaNominal.objects.get(pk=referral.nominal_id)
    assert nominal.reference in signed_in(world.practitioner).get("/referrals/mappa/").content.decode()
    page = signed_in(world.probation_officer).get(f"/referrals/mappa/{nominal.pk}/").content.decode()
    assert "Record the review" in page
    assert signed_in(world.practitioner).post(f"/referrals/mappa/{nominal.pk}/", {"level": "x"}).status_code == 403
    response = signed_in(world.probation_officer).post(
        f"/referrals/mappa/{nominal.pk}/", {"level": "level3_active_multi_agency_senior"}
    )
    assert response.status_code == 302


def test_the_inbox_costs_the_same_queries_for_one_referral_or_many(world: ReferralWorld) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world.service()
    client = signed_in(world.housing_officer)
    client.get("/referrals/")
    with CaptureQueriesContext(connection) as one:
        client.get("/referrals/")
    for _ in range(4):
        world.service()
    with CaptureQueriesContext(connection) as many:
        client.get("/referrals/")
    assert len(many) == len(one)


def test_the_coordinator_can_record_heard_actions_open_and_closed_by_hand(world: ReferralWorld) -> None:
    referral = world.marac()
    services.marac_list(referral=referral, by=world.coordinator, intended_sitting_date=timezone.localdate())
    client = signed_in(world.coordinator)
    assert "Heard at MARAC" in client.get(f"/referrals/{referral.pk}/").content.decode()
    for action, state in (("heard", "heard"), ("actions-open", "actions_open"), ("close", "closed")):
        assert client.post(f"/referrals/{referral.pk}/{action}/").status_code == 302
        referral.refresh_from_db()
        assert referral.state == state
    assert signed_in(world.practitioner).post(f"/referrals/{referral.pk}/heard/").status_code == 403
