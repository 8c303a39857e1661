from django.urls import path

from safeguarding.sharing import break_glass_views, views

app_name = "sharing"

urlpatterns = [
    path("information-requests/", views.request_list, name="requests"),
    path("information-requests/new/", views.request_new, name="request-new"),
    path("information-requests/<uuid:pk>/", views.request_detail, name="request"),
    path("information-requests/<uuid:pk>/consider/", views.request_consider, name="request-consider"),
    path("information-requests/<uuid:pk>/respond/", views.request_respond, name="request-respond"),
    path("information-requests/<uuid:pk>/withdraw/", views.request_withdraw, name="request-withdraw"),
    path("information-requests/for-case/<uuid:case_id>/", views.case_panel, name="case-requests"),
    path("information-requests/awaiting/", views.awaiting_panel, name="requests-awaiting"),
    path("emergency-access/", break_glass_views.lookup, name="break-glass"),
    path("emergency-access/reviews/", break_glass_views.reviews, name="break-glass-reviews"),
    path("emergency-access/<uuid:pk>/", break_glass_views.review, name="break-glass-review"),
    path("sharing-agreements/", views.agreement_list, name="agreements"),
]
