from django.urls import path

from safeguarding.actions import views

app_name = "actions"

urlpatterns = [
    path("", views.my_actions, name="my-actions"),
    path("panel/", views.my_actions_panel, name="panel"),
]
