from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("meetings/", views.meeting_list, name="list"),
    path("meetings/new/", views.meeting_new, name="new"),
    path("meetings/panel/", views.my_meetings_panel, name="panel"),
    path("meetings/for-case/<uuid:case_id>/", views.case_panel, name="case-panel"),
    path("meetings/<uuid:pk>/", views.detail, name="detail"),
    path("meetings/<uuid:pk>/chair/", views.chair, name="chair"),
    path("meetings/<uuid:pk>/transition/<str:transition>/", views.transition, name="transition"),
    path("meetings/<uuid:pk>/reschedule/", views.reschedule, name="reschedule"),
    path("meetings/<uuid:pk>/invite/", views.invite, name="invite"),
    path("meetings/<uuid:pk>/rsvp/", views.rsvp, name="rsvp"),
    path("meetings/<uuid:pk>/agenda/", views.agenda_add, name="agenda-add"),
    path("meetings/<uuid:pk>/agenda/build/", views.agenda_build, name="agenda-build"),
    path("meetings/<uuid:pk>/actions/<uuid:action_id>/complete/", views.action_complete, name="action-complete"),
    path("meetings/<uuid:pk>/actions/<uuid:action_id>/verify/", views.action_verify, name="action-verify"),
    path("meetings/<uuid:pk>/agenda/<uuid:item_id>/share/", views.agenda_share, name="agenda-share"),
    path("meetings/<uuid:pk>/agenda/<uuid:item_id>/", views.agenda_item, name="agenda-item"),
    path("meetings/<uuid:pk>/agenda/<uuid:item_id>/case/", views.agenda_update_case, name="agenda-update-case"),
    path("meetings/<uuid:pk>/contribute/", views.contribute, name="contribute"),
    path("meetings/<uuid:pk>/research/", views.research, name="research"),
    path("meetings/<uuid:pk>/attendance/", views.attendance, name="attendance"),
    path("meetings/<uuid:pk>/decisions/", views.decision, name="decision"),
    path("meetings/<uuid:pk>/actions/", views.action_add, name="action-add"),
    path("meetings/<uuid:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<uuid:pk>/minutes/pdf/", views.minutes_pdf, name="minutes-pdf"),
    path("meetings/<uuid:pk>/minutes/approve/", views.minutes_approve, name="minutes-approve"),
    path("meetings/<uuid:pk>/minutes/issue/", views.minutes_issue, name="minutes-issue"),
    path("meetings/<uuid:pk>/minutes/addenda/", views.minutes_addendum, name="minutes-addendum"),
    path("meetings/<uuid:pk>/executive-summary/", views.executive_summary, name="executive-summary"),
]
