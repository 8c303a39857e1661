from django.urls import path

from cases.views import access, break_glass, case_page, exports, journey, lists, sharing, work

app_name = "cases"

urlpatterns = [
    path("cases/", lists.case_list, name="list"),
    path("cases/team/", lists.team_caseload, name="team"),
    path("cases/search/", lists.search, name="search"),
    path("cases/concerns/new/", journey.start, name="concern-start"),
    path("cases/concerns/new/<str:journey_id>/possible-matches/", journey.match, name="concern-match"),
    path("cases/concerns/new/<str:journey_id>/check/", journey.check, name="concern-check"),
    path("cases/concerns/new/<str:journey_id>/<str:step>/", journey.step, name="concern-step"),
    path("cases/<uuid:pk>/", case_page.case_detail, name="detail"),
    path("cases/<uuid:pk>/chronology/", case_page.chronology_add, name="chronology-add"),
    path("cases/<uuid:pk>/risk/", case_page.risk_update, name="risk-update"),
    path("cases/<uuid:pk>/transitions/<str:name>/", case_page.transition, name="transition"),
    path("cases/<uuid:pk>/capacity/new/", case_page.capacity_add, name="capacity-add"),
    path("cases/<uuid:pk>/dash/new/", case_page.dash_add, name="dash-add"),
    path("cases/<uuid:pk>/enquiry/", work.enquiry_edit, name="enquiry-edit"),
    path("cases/<uuid:pk>/plans/new/", work.plan_new, name="plan-new"),
    path("cases/<uuid:pk>/plans/<uuid:plan_id>/review/", work.plan_review, name="plan-review"),
    path("cases/<uuid:pk>/plans/<uuid:plan_id>/actions/new/", work.plan_action_new, name="plan-action-new"),
    path("cases/<uuid:pk>/share/", sharing.share, name="share"),
    path("cases/<uuid:pk>/sharing/<uuid:decision_id>/revoke/", sharing.revoke, name="revoke"),
    path("cases/<uuid:pk>/break-glass/", break_glass.break_glass, name="break-glass"),
    path("cases/<uuid:pk>/break-glass/end/", break_glass.break_glass_end, name="break-glass-end"),
    path("cases/<uuid:pk>/access-log/", access.access_log, name="access-log"),
    path("cases/<uuid:pk>/exports/", exports.export_list, name="exports"),
    path("cases/<uuid:pk>/exports/<uuid:export_id>/download/", exports.export_download, name="export-download"),
]
