from django.urls import path

from safeguarding.leavers import views

app_name = "leavers"

urlpatterns = [
    path("", views.reassignment_list, name="list"),
    path("panel/", views.reassignment_panel, name="panel"),
    path("<uuid:pk>/reassigned/", views.reassignment_mark, name="mark"),
]
