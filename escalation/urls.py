from django.urls import path

from escalation import views
from escalation.disagreements import views as disagreements

app_name = "escalation"

urlpatterns = [
    path("deadlines/", views.my_deadlines, name="my-deadlines"),
    path("deadlines/<uuid:pk>/", views.deadline_detail, name="deadline"),
    path("deadlines/<uuid:pk>/reason/", views.deadline_reason, name="deadline-reason"),
    path("deadlines/<uuid:pk>/extend/", views.deadline_extend, name="deadline-extend"),
    path("deadlines/<uuid:pk>/challenge/", disagreements.challenge, name="deadline-challenge"),
    path("disagreements/", disagreements.escalations, name="escalations"),
    path("disagreements/awaiting/", disagreements.awaiting_panel, name="disagreements-awaiting"),
    path("disagreements/for-case/<uuid:case_id>/", disagreements.case_panel, name="case-disagreements"),
    path(
        "disagreements/new/<str:subject_type>/<uuid:subject_id>/",
        disagreements.raise_disagreement,
        name="disagreement-raise",
    ),
    path("disagreements/<uuid:pk>/", disagreements.detail, name="disagreement"),
    path("disagreements/<uuid:pk>/escalate/", disagreements.escalate, name="disagreement-escalate"),
    path("disagreements/<uuid:pk>/resolve/", disagreements.resolve, name="disagreement-resolve"),
    path("disagreements/<uuid:pk>/notes/", disagreements.note, name="disagreement-note"),
]
