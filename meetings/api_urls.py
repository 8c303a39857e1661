"""The meetings API routes, included into ``/api/v1/`` (names live in the ``api`` namespace)."""

from django.urls import path

from meetings import api

urlpatterns = [
    path("meetings/", api.MeetingListCreate.as_view(), name="meeting-list"),
    path("meetings/<uuid:pk>/", api.MeetingDetail.as_view(), name="meeting-detail"),
    path("meetings/<uuid:pk>/transitions/", api.MeetingTransitions.as_view(), name="meeting-transitions"),
    path("meetings/<uuid:pk>/reschedule/", api.MeetingReschedule.as_view(), name="meeting-reschedule"),
    path("meetings/<uuid:pk>/metrics/", api.MeetingMetrics.as_view(), name="meeting-metrics"),
    path("meetings/<uuid:pk>/agenda/", api.Agenda.as_view(), name="meeting-agenda"),
    path("meetings/<uuid:pk>/agenda/<uuid:item_id>/", api.AgendaItemDetail.as_view(), name="meeting-agenda-item"),
    path(
        "meetings/<uuid:pk>/agenda/<uuid:item_id>/update-case/",
        api.AgendaItemUpdateCase.as_view(),
        name="meeting-agenda-update-case",
    ),
    path(
        "meetings/<uuid:pk>/agenda/<uuid:item_id>/sharing-decision/",
        api.AgendaSharingDecision.as_view(),
        name="meeting-agenda-sharing-decision",
    ),
    path("meetings/<uuid:pk>/invitations/", api.Invitations.as_view(), name="meeting-invitations"),
    path(
        "meetings/<uuid:pk>/invitations/<uuid:invitation_id>/rsvp/",
        api.InvitationRsvp.as_view(),
        name="meeting-invitation-rsvp",
    ),
    path("meetings/<uuid:pk>/attendance/", api.AttendanceView.as_view(), name="meeting-attendance"),
    path("meetings/<uuid:pk>/contributions/", api.Contributions.as_view(), name="meeting-contributions"),
    path("meetings/<uuid:pk>/decisions/", api.Decisions.as_view(), name="meeting-decisions"),
    path("meetings/<uuid:pk>/actions/", api.MeetingActions.as_view(), name="meeting-actions"),
    path("meetings/<uuid:pk>/minutes/", api.MinutesView.as_view(), name="meeting-minutes"),
    path("meetings/<uuid:pk>/minutes/approve/", api.MinutesApprove.as_view(), name="meeting-minutes-approve"),
    path("meetings/<uuid:pk>/minutes/issue/", api.MinutesIssue.as_view(), name="meeting-minutes-issue"),
    path("meetings/<uuid:pk>/minutes/addenda/", api.MinutesAddenda.as_view(), name="meeting-minutes-addenda"),
    path("meetings/<uuid:pk>/executive-summary/", api.ExecutiveSummary.as_view(), name="meeting-executive-summary"),
]
