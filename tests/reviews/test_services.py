from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import DeadlineStatus
from escalation.services import open_deadlines_for
from reviews import services
from reviews.models import Basis, ChronologyStatus, Decision, ReviewStatus
from safeguarding.actions.models import ActionStatus
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db


def test_a_referral_gets_a_reference_a_timeline_entry_and_an_acknowledgement_clock(b: Board) -> None:
    review = b.referral()
    assert review.reference.startswith(f"SAR-{timezone.now().year}-")
    assert (review.status, review.business_unit, review.referrer_agency) == (
        ReviewStatus.REFERRAL_RECEIVED,
        b.unit,
        b.trust,
    )
    assert review.timeline.get().kind == "referred"
    clock = open_deadlines_for(review, services.ACKNOWLEDGEMENT).get()
    assert (clock.holder_agency, clock.holder_role) == (b.unit, "sab_business_manager")
    assert Notification.objects.filter(recipient=b.manager_sab, kind="sar_referral").exists()


def test_a_mandatory_referral_needs_concern_about_joint_working(b: Board) -> None:
    with pytest.raises(InvalidInput) as err:
        b.referral(concern_about_joint_working=False)
    assert "concern_about_joint_working" in err.value.errors
    assert b.referral(basis=Basis.DISCRETIONARY, concern_about_joint_working=False).basis == "discretionary"


def test_a_referral_names_the_adult_or_links_a_visible_case(b: Board) -> None:
    with pytest.raises(InvalidInput) as err:
        b.referral(adult_name="")
    assert "adult_name" in err.value.errors
    case = b.case()
    review = b.referral(adult_name="", case=case)
    assert review.case == case and review.adult_label == str(case.adult)


def test_commissioners_cannot_refer(b: Board) -> None:
    with pytest.raises(ActionForbidden):
        b.referral(by=b.commissioner)


def test_acknowledging_meets_the_clock_and_tells_the_referrer(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge")
    assert review.status == ReviewStatus.SCREENING and review.acknowledged_at is not None
    assert not open_deadlines_for(review, services.ACKNOWLEDGEMENT).exists()
    assert Notification.objects.filter(recipient=b.practitioner, kind="sar_acknowledged").exists()


def test_only_the_business_unit_moves_a_referral_on(b: Board) -> None:
    review = b.referral()
    for outsider in (b.practitioner, b.panel_member, b.reviewer):
        with pytest.raises(ActionForbidden):
            b.step(review, "acknowledge", by=outsider)


def test_a_transition_from_the_wrong_status_is_refused(b: Board) -> None:
    review = b.referral()
    with pytest.raises(TransitionNotAllowed):
        b.step(review, "commission")
    with pytest.raises(TransitionNotAllowed):
        b.step(review, "publish")


def test_chronology_requests_are_information_requests_with_the_s45_purpose_on_the_clock(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    assert review.status == ReviewStatus.AWAITING_CHRONOLOGIES
    requests = list(review.chronology_requests.select_related("information_request"))
    assert {r.agency for r in requests} == {b.trust, b.la}
    for r in requests:
        info = r.information_request
        assert (info.purpose, info.holder_agency, info.requesting_agency) == ("sar_s45_request", r.agency, b.unit)
        assert (info.source_object, info.nhs_number) == (review, "9434765919")
        assert open_deadlines_for(info, services.CHRONOLOGY).exists()
    # Asking again does not duplicate.
    b.step(review, "request_chronologies", agencies=[b.trust])
    assert review.chronology_requests.count() == 2


def test_an_agency_answers_its_own_chronology_request_only(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    trust_request = review.chronology_requests.get(agency=b.trust)
    with pytest.raises(ActionForbidden):
        services.chronology_respond(request=trust_request, by=b.la_practitioner, chronology="…")
    with pytest.raises(InvalidInput):
        services.chronology_respond(request=trust_request, by=b.lead, chronology=" ")
    done = services.chronology_respond(request=trust_request, by=b.lead, chronology="2026-01-03 visit missed.")
    assert (done.status, done.chronology, done.responded_by) == (
        ChronologyStatus.RECEIVED,
        "2026-01-03 visit missed.",
        b.lead,
    )
    assert done.information_request.status == "approved_shared"
    assert not open_deadlines_for(done.information_request, services.CHRONOLOGY).exists()
    assert review.timeline.filter(kind="chronology_received").count() == 1
    with pytest.raises(TransitionNotAllowed):
        services.chronology_respond(request=done, by=b.lead, chronology="again")


def test_a_decision_needs_a_rationale_meets_the_clock_and_tells_the_referrer(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies", "refer_to_panel")
    assert open_deadlines_for(review, services.DECISION).get().holder_role == "sab_chair"
    with pytest.raises(InvalidInput) as err:
        b.step(review, "commission", rationale=" ")
    assert "rationale" in err.value.errors
    with pytest.raises(ActionForbidden):
        b.step(review, "commission", by=b.panel_member)
    review = b.step(review, "commission")
    assert (review.status, review.decision, review.decision_by) == (
        ReviewStatus.COMMISSIONED,
        Decision.COMMISSIONED,
        b.chair,
    )
    assert not open_deadlines_for(review, services.DECISION).exists()
    assert Notification.objects.filter(recipient=b.practitioner, kind="sar_decision").exists()


def test_declining_cancels_outstanding_chronology_requests(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies", "refer_to_panel")
    review = b.step(review, "decline", other_review="A single-agency learning review by the trust.")
    assert review.status == ReviewStatus.DECLINED
    assert set(review.chronology_requests.values_list("status", flat=True)) == {ChronologyStatus.CANCELLED}
    assert set(review.chronology_requests.values_list("information_request__status", flat=True)) == {"withdrawn"}


def test_chronologies_need_the_adults_nhs_number(b: Board) -> None:
    review = b.step(b.referral(nhs_number=""), "acknowledge")
    with pytest.raises(InvalidInput) as err:
        b.step(review, "request_chronologies")
    assert "nhs_number" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        b.referral(nhs_number="943 476 5918")
    assert "nhs_number" in err.value.errors


def test_the_review_starts_only_with_methodology_reviewer_and_terms_of_reference(b: Board) -> None:
    review = b.commissioned()
    with pytest.raises(InvalidInput) as err:
        b.step(review, "agree_terms")
    assert set(err.value.errors) == {"methodology", "reviewer", "terms_of_reference"}
    with pytest.raises(InvalidInput):
        services.review_update(review=review, by=b.manager_sab, reviewer=b.practitioner)
    assert b.in_review().status == ReviewStatus.IN_REVIEW


def test_the_reviewer_writes_the_draft_and_the_unit_publishes_with_an_executive_summary(b: Board) -> None:
    review = b.in_review()
    with pytest.raises(InvalidInput):
        b.step(review, "submit_draft", by=b.reviewer)
    with pytest.raises(ActionForbidden):
        services.review_update(review=review, by=b.reviewer, terms_of_reference="mine now")
    with pytest.raises(ActionForbidden):
        services.review_update(review=review, by=b.other_reviewer, draft_report="not mine")
    services.review_update(review=review, by=b.reviewer, draft_report="Findings.")
    review = b.step(review, "submit_draft", by=b.reviewer)
    review = b.step(review, "finalise")
    with pytest.raises(InvalidInput):
        b.step(review, "publish")
    services.review_update(review=review, by=b.manager_sab, executive_summary="Summary.")
    review = b.step(review, "publish")
    assert review.status == ReviewStatus.PUBLISHED and review.published_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.review_update(review=review, by=b.manager_sab, executive_summary="Rewritten.")


def test_monitoring_needs_an_action_plan_and_closing_needs_every_item_verified(b: Board) -> None:
    review = b.published()
    with pytest.raises(InvalidInput):
        b.step(review, "start_monitoring")
    item = b.item(b.recommendation(review))
    review = b.step(review, "start_monitoring")
    with pytest.raises(TransitionNotAllowed):
        b.step(review, "close")
    services.review_action_complete(action=item, by=b.lead, evidence_notes="Alert live since March.")
    services.review_action_verify(action=item, by=b.manager_sab)
    assert b.step(review, "close").status == ReviewStatus.CLOSED


def test_an_item_runs_on_the_action_due_clock_until_completed(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    clock = open_deadlines_for(item, "action_due").get()
    assert clock.holder_user == b.lead and clock.due_at.date() == item.due_date
    services.review_action_complete(action=item, by=b.lead, evidence_notes="Done.")
    clock.refresh_from_db()
    assert clock.status == DeadlineStatus.MET


def test_owners_update_progress_and_flags_and_the_first_update_starts_the_item(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    with pytest.raises(ActionForbidden):
        services.review_action_update(action=item, by=b.la_practitioner, note="not mine")
    with pytest.raises(InvalidInput):
        services.review_action_update(action=item, by=b.lead, note="", owner_flag="at_risk")
    updated = services.review_action_update(action=item, by=b.lead, note="Pilot delayed.", owner_flag="at_risk")
    assert (updated.status, updated.owner_flag, updated.version) == (ActionStatus.IN_PROGRESS, "at_risk", 2)
    assert updated.last_reviewed_at is None
    assert updated.updates.get().note == "Pilot delayed."
    reviewed = services.review_action_update(action=updated, by=b.manager_sab, note="Reviewed at the board.")
    assert reviewed.last_reviewed_at is not None
    with pytest.raises(TransitionNotAllowed):
        services.review_action_update(action=reviewed, by=b.lead, note="stale", expected_version=1)


def test_completion_needs_evidence_and_only_the_business_manager_verifies(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    with pytest.raises(InvalidInput):
        services.review_action_complete(action=item, by=b.lead, evidence_notes=" ")
    done = services.review_action_complete(action=item, by=b.lead, evidence_notes="Audit shows 95% alerts.")
    assert Notification.objects.filter(recipient=b.manager_sab, kind="sar_action_evidence").exists()
    for other in (b.chair, b.lead, b.panel_member):
        with pytest.raises(ActionForbidden):
            services.review_action_verify(action=done, by=other)
    verified = services.review_action_verify(action=done, by=b.manager_sab)
    assert (verified.status, verified.verified_by) == (ActionStatus.VERIFIED, b.manager_sab)
    assert verified.last_reviewed_at == verified.verified_at


def test_the_business_manager_can_return_thin_evidence(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    done = services.review_action_complete(action=item, by=b.lead, evidence_notes="Done.")
    with pytest.raises(InvalidInput):
        services.review_action_reopen(action=done, by=b.manager_sab, reason="")
    back = services.review_action_reopen(action=done, by=b.manager_sab, reason="Attach the audit.")
    assert back.status == ActionStatus.IN_PROGRESS and back.completed_by is None
    assert open_deadlines_for(back, "action_due").exists()


def test_themes_and_learning_events_belong_to_the_unit(b: Board) -> None:
    review = b.published()
    item = b.item(b.recommendation(review))
    with pytest.raises(ActionForbidden):
        services.theme_create(by=b.lead, title="Missed visits")
    theme = services.theme_create(by=b.manager_sab, title="Missed visits", reviews=[review], actions_addressing=[item])
    assert list(theme.actions.all()) == [item]
    with pytest.raises(InvalidInput):
        services.theme_create(by=b.manager_sab, title="Missed visits")
    event = services.learning_event_create(
        by=b.manager_sab,
        title="Learning from SAR Adult D",
        format="briefing",
        held_on=timezone.localdate() - timedelta(days=3),
        reviews=[review],
        themes=[theme],
        attendance={b.trust: 12, b.la: 9, b.police: 0},
    )
    assert {(a.agency, a.attendees) for a in event.attendance.all()} == {(b.trust, 12), (b.la, 9)}


def test_a_chronology_answered_or_refused_through_the_information_request_follows_it(b: Board) -> None:
    from safeguarding.sharing import requests

    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    la_request = review.chronology_requests.get(agency=b.la)
    requests.information_request_respond(
        request=la_request.information_request,
        by=b.la_manager,
        outcome="refuse",
        reasons="We hold no record of contact with this adult in the period.",
    )
    la_request.refresh_from_db()
    assert (la_request.status, la_request.chronology) == (
        ChronologyStatus.REFUSED,
        "We hold no record of contact with this adult in the period.",
    )
    trust_request = review.chronology_requests.get(agency=b.trust)
    requests.information_request_respond(
        request=trust_request.information_request,
        by=b.lead,
        outcome="disclose",
        reasons="Chronology supplied under Care Act section 45 duty.",
        response_text="12 Feb: CPN visit, no answer.",
    )
    trust_request.refresh_from_db()
    assert (trust_request.status, trust_request.chronology) == (
        ChronologyStatus.RECEIVED,
        "12 Feb: CPN visit, no answer.",
    )


def test_the_unit_cancels_an_item_with_a_reason_and_its_clock_stops(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    with pytest.raises(ActionForbidden):
        services.review_action_cancel(action=item, by=b.lead, reason="Not needed")
    with pytest.raises(InvalidInput):
        services.review_action_cancel(action=item, by=b.manager_sab, reason=" ")
    cancelled = services.review_action_cancel(action=item, by=b.manager_sab, reason="Superseded by R2.")
    assert (cancelled.status, cancelled.cancelled_reason) == (ActionStatus.CANCELLED, "Superseded by R2.")
    assert not open_deadlines_for(cancelled, "action_due").exists()
    with pytest.raises(TransitionNotAllowed):
        services.review_action_cancel(action=cancelled, by=b.manager_sab, reason="again")
