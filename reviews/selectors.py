"""Reads for reviews: one visibility rule per model, and the RAG rating computed in SQL.

Who sees what (domain §5.2 rule 5; issue 11 "Access"):
- the SAB business unit (case-working staff of the area's business unit agency) sees every review of its area,
  every chronology and every action-plan item;
- panel members and the review's reviewer (an external ``sar_reviewer`` account) see the reviews they sit on or
  write, in full (the "board" of that review); a reviewer sees no other review;
- other agencies (case-working roles) see the reviews they referred, were asked for a chronology or own an item of,
  and every published review, but only their own submissions and their own items; drafts and other agencies'
  chronologies stay with the board until publication;
- commissioners see nothing here (lists empty, details 404): assurance gives them aggregates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from reviews.models import (
    PUBLISHED_STATUSES,
    REFERRAL_STATUSES,
    ChronologyRequest,
    ChronologyStatus,
    ImprovementTheme,
    LearningEvent,
    OwnerFlag,
    Rag,
    Review,
    ReviewAction,
)
from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES, ActionStatus
from safeguarding.audit.services import record_access, record_denied
from safeguarding.organisations.models import Agency, Area
from safeguarding.organisations.selectors import agency_of, case_working_agency_id
from safeguarding.roles import Role, reaches_case_data


def amber_window_days() -> int:
    """An open item due within this many days (and not updated recently) is Amber. Default 14."""
    return int(getattr(settings, "REVIEWS_RAG_AMBER_WINDOW_DAYS", 14))


def no_update_days() -> int:
    """An item updated within this many days is not Amber for being due soon. Default 30."""
    return int(getattr(settings, "REVIEWS_RAG_NO_UPDATE_DAYS", 30))


def _excluded(user: User) -> bool:
    return not user.is_authenticated or not user.is_active or user.has_role(Role.COMMISSIONER)


def unit_agency(user: User) -> Agency | None:
    """The SAB business unit the user works in (case-working roles only; never the external reviewer)."""
    if _excluded(user):
        return None
    agency = agency_of(user)
    if agency is None or not reaches_case_data(user.roles):
        return None
    if not Area.objects.filter(business_unit=agency).exists():
        return None
    return agency


def board_reviews(*, user: User) -> QuerySet[Review]:
    """Reviews the user sees in full: the business unit's, those they sit on as panel members, the one they write."""
    if _excluded(user):
        return Review.objects.none()
    condition = Q(reviewer=user)
    unit = unit_agency(user)
    if unit is not None:
        condition |= Q(business_unit=unit)
    if reaches_case_data(user.roles):
        condition |= Q(Exists(Review.panel_members.through.objects.filter(review=OuterRef("pk"), user=user)))
    return Review.objects.filter(condition)


def review_list_for_user(*, user: User) -> QuerySet[Review]:
    if _excluded(user):
        return Review.objects.none()
    condition = Q(pk__in=board_reviews(user=user).values("pk"))
    agency = case_working_agency_id(user)
    if agency is not None:
        asked = ChronologyRequest.objects.filter(review=OuterRef("pk"), agency=agency).exclude(
            status=ChronologyStatus.CANCELLED
        )
        owns = ReviewAction.objects.filter(recommendation__review=OuterRef("pk"), owner_agency=agency)
        condition |= Q(referrer_agency=agency) | Q(status__in=PUBLISHED_STATUSES) | Q(Exists(asked)) | Q(Exists(owns))
    return Review.objects.filter(condition)


def review_get_for_user(*, user: User, pk: Any, route: str) -> Review:
    """The review, or 404 (the same for missing and invisible). Writes the access row either way."""
    found = (
        review_list_for_user(user=user)
        .select_related("area", "business_unit", "referrer", "referrer_agency", "case__adult", "reviewer")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        record_denied(user=user, object_type=Review, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


def has_full_access(*, user: User, review: Review) -> bool:
    """Whether the user is on the review's board (business unit, panel, reviewer): drafts and every chronology."""
    return board_reviews(user=user).filter(pk=review.pk).exists()


def filter_stage(qs: QuerySet[Review], stage: str | None) -> QuerySet[Review]:
    """``referral``: up to the decision (and declined); ``review``: commissioned onwards."""
    if stage == "referral":
        return qs.filter(status__in=REFERRAL_STATUSES)
    if stage == "review":
        return qs.exclude(status__in=REFERRAL_STATUSES)
    return qs


def chronology_list_for_user(*, user: User) -> QuerySet[ChronologyRequest]:
    if _excluded(user):
        return ChronologyRequest.objects.none()
    condition = Q(review__in=board_reviews(user=user).values("pk"))
    agency = case_working_agency_id(user)
    if agency is not None:
        condition |= Q(agency=agency)
    return ChronologyRequest.objects.filter(condition)


def chronologies_for_review(*, user: User, review: Review) -> QuerySet[ChronologyRequest]:
    return chronology_list_for_user(user=user).filter(review=review).select_related("agency", "responded_by")


def chronology_get_for_user(*, user: User, pk: Any, route: str) -> ChronologyRequest:
    found = chronology_list_for_user(user=user).select_related("review", "agency").filter(pk=pk).first()
    if found is None:
        record_denied(user=user, object_type=ChronologyRequest, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


# --- action-plan items ----------------------------------------------------------------------------------------


def with_rag(
    qs: QuerySet[ReviewAction], *, today: date | None = None, now: datetime | None = None
) -> QuerySet[ReviewAction]:
    """Annotate ``rag`` and ``rag_order`` (Red first) in SQL.

    Blue: completed and evidence verified. Red: open and past its due date, or flagged off track by its owner.
    Amber: flagged at risk, or open and due within the policy window (14 days) with no update in the last 30 days.
    Green: otherwise (a completed item awaiting verification is Green). Cancelled items rate ``none``.
    """
    today = today or timezone.localdate()
    now = now or timezone.now()
    is_open = Q(status__in=OPEN_STATUSES)
    window_end = today + timedelta(days=amber_window_days())
    stale_before = now - timedelta(days=no_update_days())
    return qs.annotate(
        rag=Case(
            When(status=ActionStatus.VERIFIED, then=Value(Rag.BLUE.value)),
            When(status=ActionStatus.CANCELLED, then=Value(Rag.NONE.value)),
            When(is_open & Q(due_date__lt=today), then=Value(Rag.RED.value)),
            When(is_open & Q(owner_flag=OwnerFlag.OFF_TRACK), then=Value(Rag.RED.value)),
            When(is_open & Q(owner_flag=OwnerFlag.AT_RISK), then=Value(Rag.AMBER.value)),
            When(
                is_open & Q(due_date__gte=today, due_date__lte=window_end, last_update_at__lt=stale_before),
                then=Value(Rag.AMBER.value),
            ),
            default=Value(Rag.GREEN.value),
        ),
        rag_order=Case(
            When(status=ActionStatus.VERIFIED, then=Value(3)),
            When(status=ActionStatus.CANCELLED, then=Value(4)),
            When(is_open & Q(due_date__lt=today), then=Value(0)),
            When(is_open & Q(owner_flag=OwnerFlag.OFF_TRACK), then=Value(0)),
            When(is_open & Q(owner_flag=OwnerFlag.AT_RISK), then=Value(1)),
            When(
                is_open & Q(due_date__gte=today, due_date__lte=window_end, last_update_at__lt=stale_before),
                then=Value(1),
            ),
            default=Value(2),
            output_field=IntegerField(),
        ),
    )


def review_action_list_for_user(*, user: User) -> QuerySet[ReviewAction]:
    """The business unit sees every item of its area; a review's board sees its items; an agency sees its own."""
    if _excluded(user):
        return ReviewAction.objects.none()
    condition = Q(recommendation__review__in=board_reviews(user=user).values("pk")) | Q(owner_person=user)
    agency = case_working_agency_id(user)
    if agency is not None:
        condition |= Q(owner_agency=agency)
    return ReviewAction.objects.filter(condition)


def review_actions_rated(*, user: User, today: date | None = None) -> QuerySet[ReviewAction]:
    """Visible items with their RAG, overdue (Red) first, then by due date."""
    return (
        with_rag(review_action_list_for_user(user=user), today=today)
        .select_related("recommendation__review", "owner_agency", "owner_person")
        .order_by("rag_order", "due_date", "created_at")  # type: ignore[misc]
    )


def review_action_get_for_user(*, user: User, pk: Any, route: str) -> ReviewAction:
    found = (
        with_rag(review_action_list_for_user(user=user))
        .select_related("recommendation__review", "owner_agency", "owner_person", "completed_by", "verified_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        record_denied(user=user, object_type=ReviewAction, object_id=pk, route=route)
        raise Http404("Not found")
    record_access(user=user, objects_or_ids=found, route=route)
    return found


def is_business_manager(*, user: User, review: Review) -> bool:
    """The business manager of the review's business unit (who verifies evidence before Blue)."""
    return bool(
        user.has_role(Role.SAB_BUSINESS_MANAGER)
        and unit_agency(user) is not None
        and agency_of(user) == review.business_unit
    )


# --- learning ------------------------------------------------------------------------------------------------


def learning_event_list_for_user(*, user: User) -> QuerySet[LearningEvent]:
    """Learning events hold no personal data: everyone case-working in an area of the event sees them."""
    if _excluded(user) or not reaches_case_data(user.roles):
        return LearningEvent.objects.none()
    agency = agency_of(user)
    if agency is None:
        return LearningEvent.objects.none()
    return LearningEvent.objects.filter(Q(area__agencies=agency) | Q(area__business_unit=agency)).distinct()


def theme_list_for_user(*, user: User) -> QuerySet[ImprovementTheme]:
    if _excluded(user) or not reaches_case_data(user.roles):
        return ImprovementTheme.objects.none()
    agency = agency_of(user)
    if agency is None:
        return ImprovementTheme.objects.none()
    return ImprovementTheme.objects.filter(Q(area__agencies=agency) | Q(area__business_unit=agency)).distinct()


# --- for the SAB business unit's "My work" and for assurance (aggregates, no personal data) ----------------------


def sab_work(*, user: User) -> tuple[QuerySet[Review], QuerySet[ReviewAction]]:
    """Referrals awaiting acknowledgement and items whose evidence awaits verification, for the business unit."""
    unit = unit_agency(user)
    if unit is None:
        return Review.objects.none(), ReviewAction.objects.none()
    referrals = Review.objects.filter(business_unit=unit, status="referral_received").order_by("referred_at")
    evidence = ReviewAction.objects.filter(
        recommendation__review__business_unit=unit, status=ActionStatus.COMPLETED
    ).order_by("completed_at")
    return referrals, evidence


def status_counts(*, area: Area) -> dict[str, int]:
    """SARs of an area by status (for assurance: commissioners see aggregates only)."""
    rows = Review.objects.filter(area=area).values_list("status").annotate(n=Count("id"))
    return {str(status): int(n) for status, n in rows}


def rag_counts(*, area: Area, today: date | None = None) -> dict[str, int]:
    """Action-plan items of an area's reviews by RAG rating (for assurance; computed like the tracker)."""
    qs = with_rag(ReviewAction.objects.filter(recommendation__review__area=area), today=today)
    rows = qs.values_list("rag").annotate(n=Count("id"))  # type: ignore[misc]
    return {str(rag): int(n) for rag, n in rows}


def open_reviews_held_by(user: User) -> QuerySet[Review]:
    """Reviews not yet closed that the user writes or sits on the panel of (a leaver's open work)."""
    return (
        Review.objects.filter(Q(reviewer=user) | Q(panel_members=user))
        .exclude(status__in=("declined", "closed"))
        .distinct()
        .order_by("referred_at")
    )
