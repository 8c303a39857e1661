from django.urls import path

from safeguarding.attachments import views

app_name = "attachments"

urlpatterns = [
    path("for/<str:parent_type>/<str:parent_id>/", views.attachment_panel, name="panel"),
    path("<uuid:pk>/download/", views.attachment_download, name="download"),
]
