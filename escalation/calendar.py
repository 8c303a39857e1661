"""UK working days and working hours for deadlines (domain reference §7).

Three calendars — ``england-and-wales``, ``scotland`` and ``northern-ireland`` — come from the maintained
``holidays`` package (subdivisions ENG, SCT and NIR; Wales uses the England-and-Wales list). On top of them sits the
admin-editable :class:`~escalation.models.CalendarOverride` table: a row can *add* a non-working day (a proclamation
the feed does not know yet, a local closure) or *remove* one (an ad hoc holiday an area does not observe), for a whole
nation or for one area. Ad hoc days (royal proclamations, e.g. Scotland's Monday 15 June 2026) are non-working only
where ``Area.observe_ad_hoc_holidays`` is set (the default, and always when no area is known).

**The counting convention** (also in the README): ``add_working_days(start, n, nation)`` first moves ``start`` to
the next working day if it is not one; day 1 is then the first working day *after* that start. So a deadline of one
working day started on Friday 3 April 2026 (Good Friday) in England falls on Wednesday 8 April: the start moves to
Tuesday 7 April (Easter Monday is a holiday too) and day 1 is the day after. Negative ``n`` counts backwards in the
same way (a contribution due two working days *before* a meeting). A working day is Monday to Friday, excluding the
nation's bank holidays.

Calendars are cached per process. Changing an override bumps a generation number in the shared cache (Redis), which
every process checks at most every few seconds, so all of them drop their copies soon after a change.
"""

from __future__ import annotations

import threading
import time as _time
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

import holidays
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.utils import timezone

if TYPE_CHECKING:
    from safeguarding.organisations.models import Area

ENGLAND_AND_WALES = "england-and-wales"
SCOTLAND = "scotland"
NORTHERN_IRELAND = "northern-ireland"
NATIONS: dict[str, str] = {ENGLAND_AND_WALES: "ENG", SCOTLAND: "SCT", NORTHERN_IRELAND: "NIR"}

LONDON = ZoneInfo("Europe/London")
GENERATION_KEY = "escalation:calendar-generation"
# How often a process asks the shared cache whether overrides changed (seconds).
GENERATION_CHECK_SECONDS = 5.0


class BusinessHours(Protocol):
    """What a working-hours deadline needs: an ``Agency``, or :class:`StandardHours` when none is known."""

    @property
    def nation(self) -> str: ...

    @property
    def business_hours_start(self) -> time: ...

    @property
    def business_hours_end(self) -> time: ...


@dataclass(frozen=True)
class StandardHours:
    """Business hours of 09:00 to 17:00 for a deadline whose holder agency is unknown."""

    nation: str = ENGLAND_AND_WALES
    business_hours_start: time = time(9, 0)
    business_hours_end: time = time(17, 0)


@dataclass
class WorkingCalendar:
    """Non-working days of one nation, as seen from one area (or from no area)."""

    nation: str
    area_id: Any = None
    observe_ad_hoc: bool = True
    # Dates the overrides make non-working, and dates they make working again.
    added: frozenset[date] = frozenset()
    removed: frozenset[date] = frozenset()
    _feed: holidays.HolidayBase = field(init=False, repr=False)
    _ad_hoc: dict[int, frozenset[date]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.nation not in NATIONS:
            raise ValueError(f"Unknown calendar nation: {self.nation!r}")
        self._feed = holidays.country_holidays("GB", subdiv=NATIONS[self.nation])

    def _ad_hoc_days(self, year: int) -> frozenset[date]:
        """The feed's special (proclaimed) holidays of ``year``: jubilees, coronations, Scotland's 15 June 2026."""
        if year not in self._ad_hoc:
            self._feed.get(date(year, 1, 1))  # make sure the feed has expanded to this year
            days: set[date] = set()
            subdiv = NATIONS[self.nation].lower()
            for attribute in ("special_public_holidays", f"special_{subdiv}_public_holidays"):
                mapping: dict[int, Any] = getattr(self._feed, attribute, {}) or {}
                entries = mapping.get(year, ())
                if entries and not isinstance(entries[0], tuple):
                    entries = (entries,)
                for entry in entries:
                    if len(entry) == 3:
                        days.add(date(year, entry[0], entry[1]))
            self._ad_hoc[year] = frozenset(days)
        return self._ad_hoc[year]

    def bank_holiday(self, day: date) -> bool:
        if day not in self._feed:
            return False
        # Ad hoc (proclaimed) days count only where the area observes them.
        return self.observe_ad_hoc or day not in self._ad_hoc_days(day.year)

    def is_working_day(self, day: date) -> bool:
        if day.weekday() >= 5:
            return False  # weekends never become working days, whatever an override says
        if day in self.added:
            return False
        if day in self.removed:
            return True
        return not self.bank_holiday(day)

    def holidays_between(self, first: date, last: date) -> list[date]:
        """Weekday non-working days from ``first`` to ``last`` inclusive (the §7 fixtures list these)."""
        out = []
        day = first
        while day <= last:
            if day.weekday() < 5 and not self.is_working_day(day):
                out.append(day)
            day += timedelta(days=1)
        return out

    def next_working_day(self, day: date, *, step: int = 1) -> date:
        """``day`` itself if it is a working day, else the next one (``step=-1``: the previous one)."""
        while not self.is_working_day(day):
            day += timedelta(days=step)
        return day

    def add_working_days(self, start: date, n: int) -> date:
        step = 1 if n >= 0 else -1
        day = self.next_working_day(start, step=step)
        for _ in range(abs(n)):
            day = self.next_working_day(day + timedelta(days=step), step=step)
        return day


# --- the per-process cache ------------------------------------------------------------------------------------

_lock = threading.Lock()
_calendars: dict[tuple[str, Any, bool], WorkingCalendar] = {}
# Set in a thread whose open transaction changed overrides: calendars it builds then are not cached, because the
# transaction may still roll back. Cleared at the first look-up after that transaction ends.
_changing = threading.local()
_seen_generation: int | None = None
_checked_at = 0.0


def _generation() -> int:
    value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else 0


def _drop_stale() -> None:
    global _seen_generation, _checked_at
    now = _time.monotonic()
    if now - _checked_at < GENERATION_CHECK_SECONDS and _seen_generation is not None:
        return
    generation = _generation()
    with _lock:
        if generation != _seen_generation:
            _calendars.clear()
            _seen_generation = generation
        _checked_at = now


def invalidate_calendars() -> None:
    """Forget every cached calendar here and tell the other processes to do the same (call after commit)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, timeout=None)
    forget_local_calendars()


def calendar_changing() -> None:
    """Call inside a transaction that changes overrides: until it ends, this thread caches no calendar."""
    _changing.active = True
    forget_local_calendars()


def forget_local_calendars() -> None:
    """Forget this process's cached calendars (e.g. ones built inside a transaction that may roll back)."""
    global _seen_generation, _checked_at
    with _lock:
        _calendars.clear()
        _seen_generation = None
        _checked_at = 0.0


def calendar_for(nation: str, *, area: Area | None = None) -> WorkingCalendar:
    """The working-day calendar of ``nation`` as seen from ``area`` (its overrides and ad hoc setting)."""
    from escalation.models import CalendarOverride, OverrideAction

    _drop_stale()
    observe = True if area is None else bool(area.observe_ad_hoc_holidays)
    area_id = area.pk if area is not None else None
    key = (nation, area_id, observe)
    uncommitted = getattr(_changing, "active", False)
    if uncommitted and not connection.in_atomic_block:
        _changing.active = uncommitted = False
        forget_local_calendars()
    found = None if uncommitted else _calendars.get(key)
    if found is not None:
        return found
    rows = list(
        CalendarOverride.objects.filter(nation=nation)
        .filter(_area_condition(area_id))
        .values_list("day", "action", "area_id")
    )
    # An area's own row wins over a nation-wide row for the same day.
    decided: dict[date, str] = {}
    for day, action, _area in sorted(rows, key=lambda r: r[2] is not None):
        decided[day] = action
    calendar = WorkingCalendar(
        nation=nation,
        area_id=area_id,
        observe_ad_hoc=observe,
        added=frozenset(d for d, a in decided.items() if a == OverrideAction.ADD_NON_WORKING),
        removed=frozenset(d for d, a in decided.items() if a == OverrideAction.REMOVE_NON_WORKING),
    )
    if not uncommitted:
        with _lock:
            _calendars[key] = calendar
    return calendar


def _area_condition(area_id: Any) -> Q:
    condition = Q(area__isnull=True)
    if area_id is not None:
        condition |= Q(area_id=area_id)
    return condition


# --- the public helpers -----------------------------------------------------------------------------------------


def is_working_day(day: date, nation: str, *, area: Area | None = None) -> bool:
    return calendar_for(nation, area=area).is_working_day(day)


def add_working_days(start: date | datetime, n: int, nation: str, *, area: Area | None = None) -> date:
    """The date ``n`` working days after ``start`` in ``nation`` (as seen from ``area``).

    Convention (domain reference §7): if ``start`` is not a working day, move it to the next working day; day 1 is
    the first working day *after* that start. ``n = 0`` gives the start itself (moved to a working day). Negative
    ``n`` counts backwards symmetrically. A datetime ``start`` counts from its date in UK time.
    """
    if isinstance(start, datetime):
        start = timezone.localtime(start, LONDON).date()
    return calendar_for(nation, area=area).add_working_days(start, n)


def end_of_day(day: date) -> datetime:
    """The last moment of ``day`` in UK time: working- and calendar-day deadlines are due by the end of the day."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def add_working_hours(
    start_dt: datetime, hours: float, agency: BusinessHours, *, area: Area | None = None, nation: str | None = None
) -> datetime:
    """The moment ``hours`` of ``agency``'s business hours after ``start_dt``.

    Only time inside the agency's business hours (``business_hours_start`` to ``business_hours_end``, UK time) on
    working days of its nation (or ``nation`` when given) counts. A start outside business hours counts from the
    next opening. Zero hours from a moment outside business hours gives that next opening.
    """
    nation = nation or agency.nation
    calendar = calendar_for(nation, area=area)
    opens: time = agency.business_hours_start
    closes: time = agency.business_hours_end
    if closes <= opens:
        raise ValueError(f"{agency} has no business hours (closes at or before it opens)")
    remaining = timedelta(hours=hours)
    cursor = timezone.localtime(start_dt, LONDON)
    while True:
        day = cursor.date()
        open_at = datetime.combine(day, opens, tzinfo=LONDON)
        close_at = datetime.combine(day, closes, tzinfo=LONDON)
        if not calendar.is_working_day(day) or cursor >= close_at:
            next_day = calendar.next_working_day(day + timedelta(days=1))
            cursor = datetime.combine(next_day, opens, tzinfo=LONDON)
            continue
        cursor = max(cursor, open_at)
        available = close_at - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = close_at
