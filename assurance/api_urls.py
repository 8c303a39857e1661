"""Assurance API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from assurance import api

urlpatterns = [
    path("assurance/metrics/", api.MetricsView.as_view(), name="assurance-metrics"),
    path("evidence-packs/", api.PackListCreate.as_view(), name="evidence-pack-list"),
    path("evidence-packs/<uuid:pk>/", api.PackDetail.as_view(), name="evidence-pack-detail"),
    path("evidence-packs/<uuid:pk>/sign/", api.PackSign.as_view(), name="evidence-pack-sign"),
    path("evidence-packs/<uuid:pk>/render/", api.PackRender.as_view(), name="evidence-pack-render"),
    path("evidence-packs/<uuid:pk>/new-version/", api.PackNewVersion.as_view(), name="evidence-pack-new-version"),
    path("evidence-packs/<uuid:pk>/download/", api.PackDownload.as_view(), name="evidence-pack-download"),
    path("evidence-packs/<uuid:pk>/csv/", api.PackCsv.as_view(), name="evidence-pack-csv"),
    path("training-records/", api.TrainingListCreate.as_view(), name="training-record-list"),
    path("training-records/import/", api.TrainingImport.as_view(), name="training-record-import"),
]
