from django.urls import path

from assurance import views

app_name = "assurance"

urlpatterns = [
    path("assurance/", views.metrics_page, name="metrics"),
    path("assurance/metrics.csv", views.metrics_csv, name="metrics-csv"),
    path("assurance/packs/", views.pack_list, name="packs"),
    path("assurance/packs/<uuid:pk>/", views.pack_detail, name="pack"),
    path("assurance/packs/<uuid:pk>/narrative/", views.pack_narrative, name="pack-narrative"),
    path("assurance/packs/<uuid:pk>/sign/", views.pack_sign, name="pack-sign"),
    path("assurance/packs/<uuid:pk>/render/", views.pack_render, name="pack-render"),
    path("assurance/packs/<uuid:pk>/progress/", views.pack_progress, name="pack-progress"),
    path("assurance/packs/<uuid:pk>/new-version/", views.pack_new_version, name="pack-new-version"),
    path("assurance/packs/<uuid:pk>/download/", views.pack_download, name="pack-download"),
    path("assurance/packs/<uuid:pk>/figures.csv", views.pack_csv, name="pack-csv"),
    path("assurance/training/", views.training, name="training"),
    path("assurance/training/import/", views.training_import, name="training-import"),
]
