from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from reviews import selectors, services
from reviews.models import ReviewAction
from tests.reviews.factories import Board

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
NOW = timezone.make_aware(datetime(2026, 6, 15, 12, 0))


def _rag(item: ReviewAction, today: date = TODAY, now: datetime = NOW) -> str:
    return selectors.with_rag(ReviewAction.objects.filter(pk=item.pk), today=today, now=now).get().rag  # type: ignore[attr-defined]


def _craft(item: ReviewAction, **values: object) -> ReviewAction:
    ReviewAction.objects.filter(pk=item.pk).update(**values)
    item.refresh_from_db()
    return item


@pytest.fixture
def rec(b: Board):  # type: ignore[no-untyped-def]
    return b.recommendation(b.published())


def test_rag_red_when_past_due_and_not_complete(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = _craft(b.item(rec), due_date=TODAY - timedelta(days=1), last_update_at=NOW)
    assert _rag(item) == "red"
    assert _rag(_craft(item, status="in_progress")) == "red"
    # Completed (awaiting verification) is not red, even past due.
    assert _rag(_craft(item, status="completed")) == "green"


def test_rag_red_when_flagged_off_track_by_its_owner(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = _craft(b.item(rec), due_date=TODAY + timedelta(days=90), last_update_at=NOW, owner_flag="off_track")
    assert _rag(item) == "red"


def test_rag_amber_when_flagged_at_risk(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = _craft(b.item(rec), due_date=TODAY + timedelta(days=90), last_update_at=NOW, owner_flag="at_risk")
    assert _rag(item) == "amber"


def test_rag_amber_when_due_within_the_window_without_an_update_for_30_days(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = _craft(b.item(rec), due_date=TODAY + timedelta(days=14), last_update_at=NOW - timedelta(days=31))
    assert _rag(item) == "amber"
    assert _rag(_craft(item, due_date=TODAY)) == "amber"  # due today is not yet past due
    # Just outside the 14-day window: green.
    assert _rag(_craft(item, due_date=TODAY + timedelta(days=15))) == "green"
    # Updated 29 days ago: green.
    assert _rag(_craft(item, due_date=TODAY + timedelta(days=7), last_update_at=NOW - timedelta(days=29))) == "green"


@override_settings(REVIEWS_RAG_AMBER_WINDOW_DAYS=30)
def test_the_amber_window_is_a_policy_setting(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = _craft(b.item(rec), due_date=TODAY + timedelta(days=25), last_update_at=NOW - timedelta(days=40))
    assert _rag(item) == "amber"


def test_rag_blue_only_when_evidence_is_verified(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    item = b.item(rec)
    done = services.review_action_complete(action=item, by=b.lead, evidence_notes="Evidence.")
    assert _rag(done, today=timezone.localdate(), now=timezone.now()) == "green"
    verified = services.review_action_verify(action=done, by=b.manager_sab)
    assert _rag(verified, today=verified.due_date + timedelta(days=5)) == "blue"


def test_rag_none_for_cancelled_and_red_first_in_the_tracker(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    green = b.item(rec, due=today + timedelta(days=90))
    red = _craft(b.item(rec), due_date=today - timedelta(days=3))
    amber = _craft(b.item(rec, due=today + timedelta(days=80)), owner_flag="at_risk")
    cancelled = _craft(b.item(rec), status="cancelled")
    rows = list(selectors.review_actions_rated(user=b.manager_sab))
    assert [r.pk for r in rows] == [red.pk, amber.pk, green.pk, cancelled.pk]
    assert [r.rag for r in rows] == ["red", "amber", "green", "none"]  # type: ignore[attr-defined]


# --- visibility ----------------------------------------------------------------------------------------------


def test_the_reviewer_sees_only_the_review_they_write(b: Board) -> None:
    mine = b.in_review()
    other = b.commissioned()
    assert list(selectors.review_list_for_user(user=b.reviewer)) == [mine]
    assert not selectors.review_list_for_user(user=b.other_reviewer).exists()
    with pytest.raises(Http404):
        selectors.review_get_for_user(user=b.reviewer, pk=other.pk, route="test")
    assert selectors.has_full_access(user=b.reviewer, review=mine)
    assert set(selectors.chronology_list_for_user(user=b.reviewer)) == set(mine.chronology_requests.all())


def test_agencies_see_only_their_own_submissions_before_publication(b: Board) -> None:
    review = b.step(b.referral(), "acknowledge", "request_chronologies")
    la_request = review.chronology_requests.get(agency=b.la)
    services.chronology_respond(request=la_request, by=b.la_practitioner, chronology="LA chronology.")
    # The police were not asked and did not refer: nothing.
    assert not selectors.review_list_for_user(user=b.officer).exists()
    # The local authority sees the review (asked) but only its own chronology, and not the draft.
    assert list(selectors.review_list_for_user(user=b.la_practitioner)) == [review]
    assert list(selectors.chronology_list_for_user(user=b.la_practitioner)) == [la_request]
    assert not selectors.has_full_access(user=b.la_practitioner, review=review)
    # The panel member sits on it: every chronology.
    services.review_update(review=review, by=b.manager_sab, panel_members=[b.panel_member])
    assert selectors.chronology_list_for_user(user=b.panel_member).count() == 2
    assert selectors.has_full_access(user=b.panel_member, review=review)


def test_after_publication_every_agency_sees_the_review_but_only_its_own_items(b: Board) -> None:
    review = b.published()
    rec = b.recommendation(review)
    trust_item = b.item(rec, owner=b.lead)
    police_item = b.item(rec, owner=b.officer)
    assert list(selectors.review_list_for_user(user=b.officer)) == [review]
    assert list(selectors.review_action_list_for_user(user=b.officer)) == [police_item]
    assert list(selectors.review_action_list_for_user(user=b.practitioner)) == [trust_item]
    assert not selectors.chronology_list_for_user(user=b.officer).exists()


def test_the_business_unit_sees_every_item(b: Board) -> None:
    rec = b.recommendation(b.published())
    items = {b.item(rec, owner=b.lead), b.item(rec, owner=b.officer), b.item(rec, owner=b.la_practitioner)}
    assert set(selectors.review_action_list_for_user(user=b.manager_sab)) == items
    assert set(selectors.review_action_list_for_user(user=b.chair)) == items


def test_commissioners_see_nothing(b: Board) -> None:
    review = b.published()
    b.item(b.recommendation(review), owner=b.lead)
    services.learning_event_create(by=b.manager_sab, title="Briefing", format="briefing", held_on=TODAY)
    for commissioner in (b.commissioner, b.sab_commissioner):
        assert not selectors.review_list_for_user(user=commissioner).exists()
        assert not selectors.review_action_list_for_user(user=commissioner).exists()
        assert not selectors.chronology_list_for_user(user=commissioner).exists()
        assert not selectors.learning_event_list_for_user(user=commissioner).exists()
        with pytest.raises(Http404):
            selectors.review_get_for_user(user=commissioner, pk=review.pk, route="test")
    assert selectors.learning_event_list_for_user(user=b.officer).count() == 1


def test_the_referrer_agency_sees_its_referral(b: Board) -> None:
    review = b.referral()
    assert list(selectors.review_list_for_user(user=b.lead)) == [review]
    assert not selectors.review_list_for_user(user=b.la_practitioner).exists()


def test_aggregates_for_assurance_count_statuses_and_rag(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    b.referral()
    today = timezone.localdate()
    b.item(rec, due=today + timedelta(days=90))
    _craft(b.item(rec), due_date=today - timedelta(days=1))
    assert selectors.status_counts(area=b.area) == {"published": 1, "referral_received": 1}
    assert selectors.rag_counts(area=b.area, today=today) == {"green": 1, "red": 1}


def test_the_unit_sees_referrals_to_acknowledge_and_evidence_to_verify(b: Board, rec) -> None:  # type: ignore[no-untyped-def]
    referral = b.referral()
    done = services.review_action_complete(action=b.item(rec), by=b.lead, evidence_notes="Done.")
    referrals, evidence = selectors.sab_work(user=b.manager_sab)
    assert (list(referrals), list(evidence)) == ([referral], [done])
    assert [list(q) for q in selectors.sab_work(user=b.lead)] == [[], []]


def test_a_leavers_open_work_lists_the_reviews_they_write_or_sit_on_and_their_items(b: Board) -> None:
    from safeguarding import registry

    review = b.in_review()
    item = b.item(b.recommendation(b.published()), owner=b.panel_member)
    kinds = {(w.kind, w.object_id) for w in registry.open_work_for(b.panel_member)}
    assert ("review", str(review.pk)) in kinds
    assert ("action:reviews.reviewaction", str(item.pk)) in kinds
    assert [w.label for w in registry.open_work_for(b.reviewer) if w.kind == "review"] == [
        f"Reviewer for SAR {review.reference}",
        f"Reviewer for SAR {review.reference[:-3]}{int(review.reference[-3:]) + 1:03d}",
    ]
