"""The reviews app plugs into the platform: visibility rules, action kind, attachments, clocks, navigation, demo."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse

from safeguarding import registry
from safeguarding.roles import CASE_WORKING_ROLES, Role


def _leaver_reviews(user: Any) -> Iterable[registry.WorkItem]:
    from reviews.selectors import open_reviews_held_by

    for review in open_reviews_held_by(user):
        role = "Reviewer" if review.reviewer_id == user.pk else "Panel member"
        yield registry.WorkItem(
            kind="review",
            label=f"{role} for SAR {review.reference}",
            url=reverse("reviews:detail", args=[review.pk]),
            object_id=str(review.pk),
        )


def register() -> None:
    from reviews import clocks, selectors, services
    from reviews.models import ChronologyRequest, Review, ReviewAction
    from safeguarding.web.navigation import register_nav

    registry.register_visibility(
        Review,
        lambda u: selectors.review_list_for_user(user=u),
        url=lambda r: reverse("reviews:detail", args=[r.pk]),
        label=lambda r: f"SAR {r.reference}",
        owner_agency=lambda r: r.business_unit_id,
        case_id=lambda r: r.case_id,
    )
    registry.register_visibility(
        ChronologyRequest,
        lambda u: selectors.chronology_list_for_user(user=u),
        url=lambda c: reverse("reviews:chronology", args=[c.pk]),
        label=lambda c: f"Chronology request for SAR {c.review.reference}",
        owner_agency=lambda c: c.agency_id,
    )
    registry.register_visibility(
        ReviewAction,
        lambda u: selectors.review_action_list_for_user(user=u),
        url=lambda a: reverse("reviews:action", args=[a.pk]),
        label=lambda a: f"SAR action {a.reference}",
        owner_agency=lambda a: a.owner_agency_id,
    )
    registry.register_leaver_work("reviews", _leaver_reviews)
    registry.register_action_kind(ReviewAction, label="SAR action-plan items")
    registry.register_attachment_parent(ReviewAction, may_attach=lambda user, item: services._may_update(item, user))
    clocks.register()
    from safeguarding.sharing.requests import register_request_listener

    register_request_listener(lambda request, event: services.on_information_request(request, event))
    registry.register_my_work_panel(
        "sab-reviews",
        title="Safeguarding Adults Reviews",
        url_name="reviews:sab-work",
        order=40,
        roles=[Role.SAB_BUSINESS_MANAGER, Role.SAB_CHAIR],
    )
    registry.register_case_panel(
        "reviews", title="Safeguarding Adults Reviews", url_name="reviews:case-panel", order=90
    )
    register_nav(
        "reviews",
        label="Reviews",
        url_name="reviews:list",
        order=70,
        roles=[*CASE_WORKING_ROLES, Role.SAR_REVIEWER],
    )

    from reviews import demo

    registry.register_demo_step("reviews", demo.seed, order=70)
