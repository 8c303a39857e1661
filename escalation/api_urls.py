"""The clock engine's API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from escalation import api

urlpatterns = [
    path("deadlines/", api.DeadlineList.as_view(), name="deadline-list"),
    path("deadlines/<uuid:pk>/", api.DeadlineDetail.as_view(), name="deadline-detail"),
    path("deadlines/<uuid:pk>/reason/", api.DeadlineReason.as_view(), name="deadline-reason"),
    path("deadlines/<uuid:pk>/extend/", api.DeadlineExtend.as_view(), name="deadline-extend"),
]
