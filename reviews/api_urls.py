"""The reviews API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from reviews import api

urlpatterns = [
    path("reviews/", api.ReviewListCreate.as_view(), name="review-list"),
    path("reviews/<uuid:pk>/", api.ReviewDetail.as_view(), name="review-detail"),
    path("reviews/<uuid:pk>/transitions/", api.ReviewTransition.as_view(), name="review-transitions"),
    path("reviews/<uuid:pk>/recommendations/", api.ReviewRecommendations.as_view(), name="review-recommendations"),
    path("reviews/<uuid:pk>/chronologies/", api.ReviewChronologies.as_view(), name="review-chronologies"),
    path(
        "reviews/<uuid:pk>/chronologies/<uuid:request_id>/",
        api.ChronologyRespond.as_view(),
        name="review-chronology-respond",
    ),
    path("review-actions/", api.ReviewActionListCreate.as_view(), name="review-action-list"),
    path("review-actions/<uuid:pk>/", api.ReviewActionDetail.as_view(), name="review-action-detail"),
    path("review-actions/<uuid:pk>/evidence/", api.ReviewActionEvidence.as_view(), name="review-action-evidence"),
    path("review-actions/<uuid:pk>/verify/", api.ReviewActionVerify.as_view(), name="review-action-verify"),
    path("review-actions/<uuid:pk>/cancel/", api.ReviewActionCancel.as_view(), name="review-action-cancel"),
    path("learning-events/", api.LearningEventListCreate.as_view(), name="learning-event-list"),
    path("learning-events/<uuid:pk>/", api.LearningEventDetail.as_view(), name="learning-event-detail"),
]
