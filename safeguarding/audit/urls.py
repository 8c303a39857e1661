from django.urls import path

from safeguarding.audit import views

app_name = "audit"

urlpatterns = [
    path("access-log/", views.user_activity, name="user-activity"),
]
