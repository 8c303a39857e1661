from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import services
from reviews.models import ReviewStatus
from safeguarding.actions.models import ActionStatus
from tests.helpers import signed_in
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db


def test_the_register_and_referral_form(b: Board) -> None:
    client = signed_in(b.practitioner)
    assert client.get(reverse("reviews:list")).status_code == 200
    bad = client.post(reverse("reviews:refer"), {"basis": "mandatory_condition1_died", "supporting_information": "x"})
    assert bad.status_code == 400 and b"There is a problem" in bad.content
    good = client.post(
        reverse("reviews:refer"),
        {
            "basis": "mandatory_condition1_died",
            "concern_about_joint_working": "on",
            "adult_name": "Adult F",
            "nhs_number": "943 476 5919",
            "supporting_information": "Died after discharge without a care package.",
        },
    )
    assert good.status_code == 302
    page = client.get(good["Location"])
    assert b"Referral received" in page.content and b"Adult F" not in page.content  # not on the board


def test_the_unit_moves_a_referral_through_screening_to_a_decision_on_the_review_page(b: Board) -> None:
    review = b.referral()
    client = signed_in(b.manager_sab)
    page = client.get(reverse("reviews:detail", args=[review.pk]))
    assert b"Acknowledge the referral" in page.content and b"Adult D" in page.content
    client.post(reverse("reviews:transition", args=[review.pk]), {"transition": "acknowledge"})
    response = client.post(
        reverse("reviews:transition", args=[review.pk]),
        {"transition": "request_chronologies", "agencies": [str(b.trust.pk)]},
    )
    assert response.status_code == 302
    client.post(reverse("reviews:transition", args=[review.pk]), {"transition": "refer_to_panel"})
    chair = signed_in(b.chair)
    missing = chair.post(reverse("reviews:decide", args=[review.pk]), {"decision": "commission"})
    assert missing.status_code == 400
    chair.post(reverse("reviews:decide", args=[review.pk]), {"decision": "commission", "rationale": "Criteria met."})
    review.refresh_from_db()
    assert review.status == ReviewStatus.COMMISSIONED
    wrong = client.post(reverse("reviews:transition", args=[review.pk]), {"transition": "publish"})
    assert wrong.status_code == 409


def test_an_agency_answers_its_chronology_request(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    own = review.chronology_requests.get(agency=b.la)
    client = signed_in(b.la_practitioner)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 200
    other = review.chronology_requests.get(agency=b.trust)
    assert client.get(reverse("reviews:chronology", args=[other.pk])).status_code == 404
    response = client.post(reverse("reviews:chronology", args=[own.pk]), {"chronology": "3 Jan: visit missed."})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.status == "received"


def test_details_recommendations_and_items_by_the_unit(b: Board) -> None:
    review = b.commissioned()
    client = signed_in(b.manager_sab)
    assert client.get(reverse("reviews:edit", args=[review.pk])).status_code == 200
    saved = client.post(
        reverse("reviews:edit", args=[review.pk]),
        {
            "methodology": "learning_together",
            "reviewer": str(b.reviewer.pk),
            "terms_of_reference": "Discharge planning.",
            "panel_members": [str(b.panel_member.pk)],
        },
    )
    assert saved.status_code == 302, saved.content
    assert signed_in(b.practitioner).get(reverse("reviews:edit", args=[review.pk])).status_code == 403
    review = b.step(review, "agree_terms")
    client.post(reverse("reviews:recommendation-add", args=[review.pk]), {"text": "Share discharge plans."})
    rec = review.recommendations.get()
    due = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("reviews:item-add", args=[rec.pk]),
        {"description": "Discharge checklist.", "owner_agency": str(b.trust.pk), "due_date": due.isoformat()},
    )
    assert response.status_code == 302, response.content
    assert rec.actions.get().owner_agency == b.trust
    assert signed_in(b.practitioner).get(reverse("reviews:item-add", args=[rec.pk])).status_code == 404


def test_the_owner_updates_and_records_evidence_and_the_manager_verifies(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    owner = signed_in(b.lead)
    assert b"Update progress" in owner.get(reverse("reviews:action", args=[item.pk])).content
    owner.post(reverse("reviews:action-update", args=[item.pk]), {"note": "Started.", "owner_flag": "at_risk"})
    item.refresh_from_db()
    assert item.owner_flag == "at_risk"
    owner.post(reverse("reviews:action-evidence", args=[item.pk]), {"evidence_notes": "Live."})
    item.refresh_from_db()
    assert item.status == ActionStatus.COMPLETED
    assert owner.post(reverse("reviews:action-verify", args=[item.pk])).status_code == 403
    manager = signed_in(b.manager_sab)
    assert b"Verify the evidence" in manager.get(reverse("reviews:action", args=[item.pk])).content
    manager.post(reverse("reviews:action-verify", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == ActionStatus.VERIFIED


def test_tracker_our_actions_and_learning_pages(b: Board) -> None:
    rec = b.recommendation(b.published())
    b.item(rec, owner=b.lead)
    b.item(rec, owner=b.officer)
    unit = signed_in(b.manager_sab)
    board = unit.get(reverse("reviews:tracker"))
    assert board.status_code == 200 and board.content.count(b"govuk-tag--green") >= 2
    assert unit.get(reverse("reviews:tracker") + "?by=agency&rag=red").status_code == 200
    ours = signed_in(b.officer).get(reverse("reviews:our-actions"))
    assert ours.status_code == 200 and ours.content.count(b"reviews/actions/") == 1
    learning = unit.post(
        reverse("reviews:learning"),
        {"title": "Workshop", "format": "workshop", "held_on": "2026-05-01", f"attendance-{b.trust.pk}": "8"},
    )
    assert learning.status_code == 302
    assert b"Workshop" in signed_in(b.officer).get(reverse("reviews:learning")).content


def test_commissioners_get_404_on_review_pages(b: Board) -> None:
    review = b.published()
    item = b.item(b.recommendation(review))
    client = signed_in(b.commissioner)
    assert client.get(reverse("reviews:detail", args=[review.pk])).status_code == 404
    assert client.get(reverse("reviews:action", args=[item.pk])).status_code == 404
    assert b"SAR-" not in client.get(reverse("reviews:list")).content


def test_the_case_panel_lists_reviews_of_the_case_the_user_may_see(b: Board) -> None:
    case = b.case()
    review = b.referral(case=case, adult_name="")
    url = reverse("reviews:case-panel", args=[case.pk])
    assert review.reference.encode() in signed_in(b.practitioner).get(url, HTTP_HX_REQUEST="true").content
    assert review.reference.encode() not in signed_in(b.officer).get(url, HTTP_HX_REQUEST="true").content


def test_the_sab_work_panel(b: Board) -> None:
    referral = b.referral()
    response = signed_in(b.manager_sab).get(reverse("reviews:sab-work"), HTTP_HX_REQUEST="true")
    assert referral.reference.encode() in response.content
    assert signed_in(b.manager_sab).get(reverse("reviews:sab-work")).status_code == 302


def test_the_unit_records_a_theme_and_links_an_item_to_it(b: Board) -> None:
    review = b.published()
    item = b.item(b.recommendation(review))
    unit = signed_in(b.manager_sab)
    response = unit.post(
        reverse("reviews:learning"),
        {"form": "theme", "title": "Missed visits", "description": "Recurs.", "reviews": [str(review.pk)]},
    )
    assert response.status_code == 302, response.content
    theme = review.themes.get()
    assert b"Link the theme" in unit.get(reverse("reviews:action", args=[item.pk])).content
    unit.post(reverse("reviews:action-theme", args=[item.pk]), {"theme": str(theme.pk)})
    assert list(theme.actions.all()) == [item]
    assert (
        signed_in(b.lead).post(reverse("reviews:action-theme", args=[item.pk]), {"theme": str(theme.pk)}).status_code
        == 403
    )
    assert signed_in(b.lead).post(reverse("reviews:learning"), {"form": "theme", "title": "x"}).status_code == 403


def test_the_review_page_keeps_drafts_and_other_chronologies_from_agencies_before_publication(b: Board) -> None:
    review = b.in_review()
    services.review_update(review=review, by=b.reviewer, draft_report="DRAFT-FINDINGS")
    url = reverse("reviews:detail", args=[review.pk])
    agency_page = signed_in(b.la_practitioner).get(url).content
    assert b"DRAFT-FINDINGS" not in agency_page and b"Adult D" not in agency_page
    assert agency_page.count(b"reviews/chronologies/") == 1
    board_page = signed_in(b.reviewer).get(url).content
    assert b"DRAFT-FINDINGS" in board_page and board_page.count(b"reviews/chronologies/") == 2


def test_the_unit_cancels_an_item_on_its_page(b: Board) -> None:
    item = b.item(b.recommendation(b.published()))
    unit = signed_in(b.manager_sab)
    assert b"Cancel the item" in unit.get(reverse("reviews:action", args=[item.pk])).content
    assert unit.post(reverse("reviews:action-cancel", args=[item.pk]), {"reason": ""}).status_code == 400
    assert unit.post(reverse("reviews:action-cancel", args=[item.pk]), {"reason": "Superseded."}).status_code == 302
    assert signed_in(b.lead).post(reverse("reviews:action-cancel", args=[item.pk]), {"reason": "x"}).status_code == 403
