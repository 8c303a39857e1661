from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("referrals/", views.inbox, name="inbox"),
    path("referrals/sent/", views.outbox, name="outbox"),
    path("referrals/awaiting/", views.awaiting_panel, name="awaiting"),
    path("referrals/marac/", views.marac_queue, name="marac-queue"),
    path("referrals/mappa/", views.nominals, name="nominals"),
    path("referrals/mappa/<uuid:pk>/", views.nominal, name="nominal"),
    path("referrals/for-case/<uuid:case_id>/", views.case_panel, name="case-panel"),
    path("referrals/new/<uuid:case_id>/<str:kind>/", views.new, name="new"),
    path("referrals/<uuid:pk>/", views.detail, name="detail"),
    path("referrals/<uuid:pk>/decision/", views.decision, name="decision"),
    path("referrals/<uuid:pk>/<str:action>/", views.act, name="act"),
]
