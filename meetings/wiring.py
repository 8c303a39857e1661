"""The meetings app plugs into the platform: visibility rules, clocks, action kind, panels, leavers, demo data."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from safeguarding import registry
from safeguarding.accounts.models import User
from safeguarding.roles import CASE_WORKING_ROLES
from safeguarding.web.navigation import register_nav


def _leaver_meetings(user: User) -> Iterable[registry.WorkItem]:
    from django.db.models import Q

    from meetings.models import Meeting, MeetingStatus

    open_states = [MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS, MeetingStatus.HELD]
    for meeting in Meeting.objects.filter(Q(chair=user) | Q(coordinator=user), status__in=open_states):
        role = "Chair" if meeting.chair_id == user.pk else "Coordinator"
        yield registry.WorkItem(
            kind="meeting",
            label=f"{role} of {meeting.get_meeting_type_display()} {meeting.reference}",
            url=reverse("meetings:detail", args=[meeting.pk]),
            object_id=str(meeting.pk),
        )


def register() -> None:
    from meetings import clocks, selectors
    from meetings.models import AgendaItem, Invitation, Meeting, MeetingAction

    def meeting_url(meeting: Meeting) -> str:
        return reverse("meetings:detail", args=[meeting.pk])

    registry.register_visibility(
        Meeting,
        lambda u: selectors.meeting_list_for_user(user=u),
        url=meeting_url,
        label=lambda m: f"{m.get_meeting_type_display()} {m.reference}",
        owner_agency=lambda m: m.chair_agency_id,
    )
    registry.register_visibility(
        Invitation,
        lambda u: Invitation.objects.filter(meeting__in=selectors.meeting_list_for_user(user=u).values("pk")),
        url=lambda i: meeting_url(i.meeting),
        label=lambda i: f"Contribution to {i.meeting.reference}",
        owner_agency=lambda i: i.agency_id,
    )
    registry.register_visibility(
        AgendaItem,
        lambda u: selectors.agenda_item_list_for_user(user=u),
        url=lambda i: meeting_url(i.meeting),
        label=lambda i: f"{i.title} at {i.meeting.reference}",
        case_id=lambda i: i.case_id,
    )
    registry.register_visibility(
        MeetingAction,
        lambda u: selectors.action_list_for_user(user=u),
        url=lambda a: meeting_url(a.meeting),
        label=lambda a: f"Meeting action from {a.meeting.reference}",
        owner_agency=lambda a: a.owner_agency_id,
        case_id=lambda a: a.agenda_item.case_id if a.agenda_item_id else None,
    )
    registry.register_action_kind(
        MeetingAction,
        label="Meeting actions",
        may_verify=lambda action, user: selectors.is_organiser(action.meeting, user),
    )
    registry.register_attachment_parent(
        MeetingAction, may_attach=lambda user, action: registry.is_visible(action, user=user)
    )
    registry.register_my_work_panel(
        "meetings", title="My meetings", url_name="meetings:panel", order=40, roles=CASE_WORKING_ROLES
    )
    registry.register_case_panel("meetings", title="Meetings", url_name="meetings:case-panel", order=70)
    registry.register_leaver_work("meetings", _leaver_meetings)
    clocks.register()
    from meetings.integration import on_action_change
    from safeguarding.actions.services import register_action_listener

    register_action_listener(on_action_change)
    register_nav("meetings", label="Meetings", url_name="meetings:list", order=40, roles=CASE_WORKING_ROLES)

    from meetings import demo

    registry.register_demo_step("meetings", demo.seed, order=70)
