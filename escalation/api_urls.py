"""The clock engine's API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from escalation import api
from escalation.disagreements import api as disagreements

urlpatterns = [
    path("deadlines/", api.DeadlineList.as_view(), name="deadline-list"),
    path("deadlines/<uuid:pk>/", api.DeadlineDetail.as_view(), name="deadline-detail"),
    path("deadlines/<uuid:pk>/reason/", api.DeadlineReason.as_view(), name="deadline-reason"),
    path("deadlines/<uuid:pk>/extend/", api.DeadlineExtend.as_view(), name="deadline-extend"),
    path("deadlines/<uuid:pk>/challenge/", disagreements.DeadlineChallenge.as_view(), name="deadline-challenge"),
    path("disagreements/", disagreements.DisagreementListCreate.as_view(), name="disagreement-list"),
    path("disagreements/<uuid:pk>/", disagreements.DisagreementDetail.as_view(), name="disagreement-detail"),
    path(
        "disagreements/<uuid:pk>/escalate/", disagreements.DisagreementEscalate.as_view(), name="disagreement-escalate"
    ),
    path("disagreements/<uuid:pk>/resolve/", disagreements.DisagreementResolve.as_view(), name="disagreement-resolve"),
    path("disagreements/<uuid:pk>/notes/", disagreements.DisagreementNotes.as_view(), name="disagreement-notes"),
]
