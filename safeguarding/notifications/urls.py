from django.urls import path

from safeguarding.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read-all"),
    path("badge/", views.unread_badge, name="badge"),
    path("<uuid:pk>/", views.notification_open, name="open"),
    path("<uuid:pk>/read/", views.notification_read, name="read"),
    path("<uuid:pk>/acknowledge/", views.notification_acknowledge, name="acknowledge"),
]
