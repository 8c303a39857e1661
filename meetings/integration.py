"""Calls into the referrals app: MARAC referral states follow the sitting that hears them, and holding a strategy
discussion meets the case's strategy-discussion clock. The referrals services require the area's MARAC coordinator,
so MARAC moves are made as the meeting's coordinator (the person who runs the sitting's administration).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from meetings.models import AgendaItem, Meeting, MeetingAction
from referrals import services as referrals
from referrals.codes import State
from safeguarding.accounts.models import User
from safeguarding.actions.models import OPEN_STATUSES


def strategy_discussion_held(*, case: Any, by: User, held_at: datetime) -> None:
    referrals.strategy_discussion_held(case=case, by=by, held_at=held_at)


def _actor(meeting: Meeting, by: User) -> User:
    return meeting.coordinator or by


def _referral_items(meeting: Meeting) -> list[AgendaItem]:
    return list(meeting.agenda_items.exclude(referral=None).select_related("referral"))


def marac_items_heard(*, meeting: Meeting, by: User) -> None:
    """A held MARAC sitting: each listed (or emergency) referral on its agenda is heard."""
    for item in _referral_items(meeting):
        referral = item.referral
        assert referral is not None
        if referral.state in (State.LISTED, State.EMERGENCY):
            referrals.marac_referral_heard(referral=referral, by=_actor(meeting, by), meeting=meeting)


def _has_open_actions(item: AgendaItem) -> bool:
    return MeetingAction.objects.filter(agenda_item=item, status__in=OPEN_STATUSES).exists()


def marac_items_closed_or_open(*, meeting: Meeting, by: User) -> None:
    """A closed MARAC sitting: referrals with open actions move to "actions open"; the rest close."""
    for item in _referral_items(meeting):
        referral = item.referral
        assert referral is not None
        if referral.state != State.HEARD:
            continue
        if _has_open_actions(item):
            referrals.marac_referral_actions_open(referral=referral, by=_actor(meeting, by))
        else:
            referrals.marac_referral_close(referral=referral, by=_actor(meeting, by))


def on_action_change(action: Any, event: str) -> None:
    """The last open action on a MARAC referral's item completes (or is cancelled): the referral closes."""
    if not isinstance(action, MeetingAction) or event not in ("completed", "verified", "cancelled"):
        return
    item = action.agenda_item
    if item is None or item.referral is None or item.referral.state != State.ACTIONS_OPEN:
        return
    if not _has_open_actions(item):
        meeting = item.meeting
        referrals.marac_referral_close(referral=item.referral, by=_actor(meeting, action.completed_by or meeting.chair))
