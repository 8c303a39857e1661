from django.urls import path

from cases import api

urlpatterns = [
    path("cases/", api.CaseListCreate.as_view(), name="case-list"),
    path("cases/search/", api.CaseSearch.as_view(), name="case-search"),
    path("cases/<uuid:pk>/", api.CaseDetail.as_view(), name="case-detail"),
    path("cases/<uuid:pk>/transitions/", api.CaseTransition.as_view(), name="case-transitions"),
    path("cases/<uuid:pk>/chronology/", api.CaseChronology.as_view(), name="case-chronology"),
    path("cases/<uuid:pk>/enquiry/", api.CaseEnquiry.as_view(), name="case-enquiry"),
    path("cases/<uuid:pk>/enquiry/conclude/", api.CaseEnquiryConclude.as_view(), name="case-enquiry-conclude"),
    path("cases/<uuid:pk>/plans/", api.CasePlans.as_view(), name="case-plans"),
    path("cases/<uuid:pk>/plans/<str:plan_id>/review/", api.CasePlanReview.as_view(), name="case-plan-review"),
    path("cases/<uuid:pk>/plans/<str:plan_id>/actions/", api.CasePlanActions.as_view(), name="case-plan-actions"),
    path("cases/<uuid:pk>/capacity-assessments/", api.CaseCapacity.as_view(), name="case-capacity"),
    path("cases/<uuid:pk>/dash-assessments/", api.CaseDash.as_view(), name="case-dash"),
    path("people/", api.PersonListCreate.as_view(), name="person-list"),
    path("people/search/", api.PersonSearch.as_view(), name="person-search"),
    path("people/<uuid:pk>/", api.PersonDetail.as_view(), name="person-detail"),
    path("people/<uuid:pk>/merge/", api.PersonMergeView.as_view(), name="person-merge"),
]

from cases import api_sharing  # noqa: E402

urlpatterns += [
    path(
        "cases/<uuid:pk>/sharing-decisions/", api_sharing.CaseSharingDecisions.as_view(), name="case-sharing-decisions"
    ),
    path(
        "cases/<uuid:pk>/sharing-decisions/<uuid:decision_id>/revoke/",
        api_sharing.CaseSharingDecisionRevoke.as_view(),
        name="case-sharing-decision-revoke",
    ),
    path("cases/<uuid:pk>/visibility/", api_sharing.CaseVisibility.as_view(), name="case-visibility"),
]

from cases import api_access, api_break_glass, api_exports  # noqa: E402

urlpatterns += [
    path("cases/<uuid:pk>/break-glass/", api_break_glass.CaseBreakGlass.as_view(), name="case-break-glass"),
    path("cases/<uuid:pk>/break-glass/end/", api_break_glass.CaseBreakGlassEnd.as_view(), name="case-break-glass-end"),
    path("cases/<uuid:pk>/access-log/", api_access.CaseAccessLog.as_view(), name="case-access-log"),
    path("cases/<uuid:pk>/exports/", api_exports.CaseExports.as_view(), name="case-exports"),
    path("cases/<uuid:pk>/exports/<uuid:export_id>/", api_exports.CaseExportDetail.as_view(), name="case-export"),
    path(
        "cases/<uuid:pk>/exports/<uuid:export_id>/download/",
        api_exports.CaseExportDownload.as_view(),
        name="case-export-download",
    ),
]
