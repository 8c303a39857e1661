"""The sharing engine's API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from safeguarding.sharing import api, api_agreements
from safeguarding.sharing import api_break_glass as break_glass

urlpatterns = [
    path("information-requests/", api.InformationRequestListCreate.as_view(), name="information-request-list"),
    path("information-requests/<uuid:pk>/", api.InformationRequestDetail.as_view(), name="information-request-detail"),
    path(
        "information-requests/<uuid:pk>/consider/",
        api.InformationRequestConsider.as_view(),
        name="information-request-consider",
    ),
    path(
        "information-requests/<uuid:pk>/respond/",
        api.InformationRequestRespond.as_view(),
        name="information-request-respond",
    ),
    path(
        "information-requests/<uuid:pk>/withdraw/",
        api.InformationRequestWithdraw.as_view(),
        name="information-request-withdraw",
    ),
    path("break-glass/lookup/", break_glass.BreakGlassLookup.as_view(), name="break-glass-lookup"),
    path("break-glass-reviews/", break_glass.BreakGlassReviewList.as_view(), name="break-glass-review-list"),
    path(
        "break-glass-reviews/<uuid:pk>/review/", break_glass.BreakGlassReviewAction.as_view(), name="break-glass-review"
    ),
    path("sharing-agreements/", api_agreements.AgreementListCreate.as_view(), name="sharing-agreement-list"),
    path("sharing-agreements/<uuid:pk>/", api_agreements.AgreementDetail.as_view(), name="sharing-agreement-detail"),
]
