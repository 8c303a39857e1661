from django.urls import path

from escalation import views

app_name = "escalation"

urlpatterns = [
    path("deadlines/", views.my_deadlines, name="my-deadlines"),
    path("deadlines/<uuid:pk>/", views.deadline_detail, name="deadline"),
    path("deadlines/<uuid:pk>/reason/", views.deadline_reason, name="deadline-reason"),
    path("deadlines/<uuid:pk>/extend/", views.deadline_extend, name="deadline-extend"),
]
