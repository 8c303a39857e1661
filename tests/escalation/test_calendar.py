"""Working days for the three UK calendars: the 2026-2027 fixtures and worked examples of domain reference §7."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from escalation import services
from escalation.calendar import (
    ENGLAND_AND_WALES,
    LONDON,
    NORTHERN_IRELAND,
    SCOTLAND,
    StandardHours,
    add_working_days,
    add_working_hours,
    calendar_for,
    invalidate_calendars,
    is_working_day,
)
from escalation.models import OverrideAction
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def d(text: str) -> date:
    return date.fromisoformat(text)


# Weekday bank holidays (domain §7 fixtures; weekend dates such as Sat 26 Dec 2026 omitted).
BANK_HOLIDAYS = {
    ENGLAND_AND_WALES: {
        2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
        2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    },
    SCOTLAND: {
        2026: ["01-01", "01-02", "04-03", "05-04", "05-25", "06-15", "08-03", "11-30", "12-25", "12-28"],
        2027: ["01-01", "01-04", "03-26", "05-03", "05-31", "08-02", "11-30", "12-27", "12-28"],
    },
    NORTHERN_IRELAND: {
        2026: ["01-01", "03-17", "04-03", "04-06", "05-04", "05-25", "07-13", "08-31", "12-25", "12-28"],
        2027: ["01-01", "03-17", "03-26", "03-29", "05-03", "05-31", "07-12", "08-30", "12-27", "12-28"],
    },
}


@pytest.mark.parametrize("nation", list(BANK_HOLIDAYS))
@pytest.mark.parametrize("year", [2026, 2027])
def test_each_nation_has_exactly_the_published_weekday_bank_holidays(nation: str, year: int) -> None:
    found = calendar_for(nation).holidays_between(date(year, 1, 1), date(year, 12, 31))
    assert found == [d(f"{year}-{md}") for md in BANK_HOLIDAYS[nation][year]]


# start, n, England & Wales, Scotland, Northern Ireland (domain §7 worked examples).
WORKED_EXAMPLES = [
    ("2026-04-02", 2, "2026-04-08", "2026-04-07", "2026-04-08"),
    ("2026-04-03", 1, "2026-04-08", "2026-04-07", "2026-04-08"),
    ("2026-06-12", 1, "2026-06-15", "2026-06-16", "2026-06-15"),
    ("2026-07-10", 1, "2026-07-13", "2026-07-13", "2026-07-14"),
    ("2026-08-28", 5, "2026-09-07", "2026-09-04", "2026-09-07"),
    ("2026-12-24", 3, "2026-12-31", "2026-12-31", "2026-12-31"),
    ("2027-12-24", 1, "2027-12-29", "2027-12-29", "2027-12-29"),
]


@pytest.mark.parametrize(("start", "n", "ew", "sc", "ni"), WORKED_EXAMPLES)
def test_add_working_days_matches_the_worked_examples_in_all_three_nations(
    start: str, n: int, ew: str, sc: str, ni: str
) -> None:
    assert add_working_days(d(start), n, ENGLAND_AND_WALES) == d(ew)
    assert add_working_days(d(start), n, SCOTLAND) == d(sc)
    assert add_working_days(d(start), n, NORTHERN_IRELAND) == d(ni)


def test_wales_uses_the_england_and_wales_list() -> None:
    # Easter Monday is a holiday in Wales (and England) but not in Scotland.
    assert not is_working_day(d("2026-04-06"), ENGLAND_AND_WALES)
    assert is_working_day(d("2026-04-06"), SCOTLAND)


def test_an_area_that_does_not_observe_ad_hoc_holidays_works_on_scotlands_15_june_2026() -> None:
    observing = AreaFactory(nation=SCOTLAND)
    not_observing = AreaFactory(nation=SCOTLAND)
    not_observing.observe_ad_hoc_holidays = False
    not_observing.save()
    assert add_working_days(d("2026-06-12"), 1, SCOTLAND, area=observing) == d("2026-06-16")
    assert add_working_days(d("2026-06-12"), 1, SCOTLAND, area=not_observing) == d("2026-06-15")
    # Regular bank holidays still apply to that area.
    assert not is_working_day(d("2026-08-03"), SCOTLAND, area=not_observing)


def test_zero_days_moves_a_non_working_start_to_the_next_working_day() -> None:
    assert add_working_days(d("2026-04-03"), 0, ENGLAND_AND_WALES) == d("2026-04-07")
    assert add_working_days(d("2026-04-08"), 0, ENGLAND_AND_WALES) == d("2026-04-08")


def test_negative_days_count_backwards_before_a_meeting() -> None:
    # Two working days before Tuesday 7 April 2026 in England: Thursday 2 April (Good Friday and Easter Monday).
    assert add_working_days(d("2026-04-07"), -2, ENGLAND_AND_WALES) == d("2026-04-01")
    assert add_working_days(d("2026-04-07"), -1, ENGLAND_AND_WALES) == d("2026-04-02")


def test_a_datetime_start_counts_from_its_uk_date() -> None:
    # 23:30 UTC on Thursday 2 April 2026 is 00:30 on Friday 3 April (Good Friday) in London, so the start moves
    # to Tuesday 7 April and day 1 is Wednesday 8 April (from Thursday itself it would be Tuesday 7 April).
    utc_evening = datetime.fromisoformat("2026-04-02T23:30:00+00:00")
    assert add_working_days(utc_evening, 1, ENGLAND_AND_WALES) == d("2026-04-08")


def test_an_override_can_add_a_non_working_day_for_a_nation() -> None:
    assert add_working_days(d("2026-06-12"), 1, ENGLAND_AND_WALES) == d("2026-06-15")
    services.calendar_override_save(
        nation=ENGLAND_AND_WALES, day=d("2026-06-15"), action=OverrideAction.ADD_NON_WORKING, reason="Proclamation"
    )
    assert add_working_days(d("2026-06-12"), 1, ENGLAND_AND_WALES) == d("2026-06-16")
    assert add_working_days(d("2026-06-12"), 1, NORTHERN_IRELAND) == d("2026-06-15")


def test_an_override_can_remove_a_bank_holiday_for_one_area_only() -> None:
    area = AreaFactory(nation=ENGLAND_AND_WALES)
    other = AreaFactory(nation=ENGLAND_AND_WALES)
    services.calendar_override_save(
        nation=ENGLAND_AND_WALES,
        day=d("2026-05-25"),
        action=OverrideAction.REMOVE_NON_WORKING,
        reason="Local authority open on the spring bank holiday",
        area=area,
    )
    assert is_working_day(d("2026-05-25"), ENGLAND_AND_WALES, area=area)
    assert not is_working_day(d("2026-05-25"), ENGLAND_AND_WALES, area=other)
    assert not is_working_day(d("2026-05-25"), ENGLAND_AND_WALES)


def test_an_areas_own_override_wins_over_a_national_one() -> None:
    area = AreaFactory(nation=ENGLAND_AND_WALES)
    services.calendar_override_save(
        nation=ENGLAND_AND_WALES, day=d("2026-06-15"), action=OverrideAction.ADD_NON_WORKING, reason="National"
    )
    services.calendar_override_save(
        nation=ENGLAND_AND_WALES,
        day=d("2026-06-15"),
        action=OverrideAction.REMOVE_NON_WORKING,
        reason="Open here",
        area=area,
    )
    assert is_working_day(d("2026-06-15"), ENGLAND_AND_WALES, area=area)
    assert not is_working_day(d("2026-06-15"), ENGLAND_AND_WALES)


def test_weekends_never_become_working_days() -> None:
    services.calendar_override_save(
        nation=SCOTLAND, day=d("2026-06-13"), action=OverrideAction.REMOVE_NON_WORKING, reason="Saturday opening"
    )
    assert not is_working_day(d("2026-06-13"), SCOTLAND)


def test_deleting_an_override_restores_the_feed_and_the_cache_is_refreshed() -> None:
    override = services.calendar_override_save(
        nation=ENGLAND_AND_WALES, day=d("2026-06-15"), action=OverrideAction.ADD_NON_WORKING, reason="Closure"
    )
    assert not is_working_day(d("2026-06-15"), ENGLAND_AND_WALES)
    services.calendar_override_delete(override=override)
    assert is_working_day(d("2026-06-15"), ENGLAND_AND_WALES)


def test_calendars_are_cached_per_process_until_invalidated(django_assert_num_queries) -> None:
    invalidate_calendars()
    calendar_for(SCOTLAND)
    with django_assert_num_queries(0):
        assert calendar_for(SCOTLAND).is_working_day(d("2026-06-16"))
        add_working_days(d("2026-06-12"), 3, SCOTLAND)


WORKING_HOURS = [
    # start (UK time), hours, expected (UK time): 09:00-17:00 England and Wales
    ("2026-04-02T15:00", 4, "2026-04-07T11:00"),  # Thu afternoon, over Good Friday and Easter Monday
    ("2026-04-03T10:00", 1, "2026-04-07T10:00"),  # starts on a holiday: counts from the next opening
    ("2026-06-12T18:30", 8, "2026-06-15T17:00"),  # after hours on Friday: the whole of Monday
    ("2026-06-15T08:00", 0, "2026-06-15T09:00"),  # zero hours before opening: the opening
    ("2026-03-27T16:00", 2, "2026-03-30T10:00"),  # over the clocks going forward (BST from 29 March)
]


@pytest.mark.parametrize(("start", "hours", "expected"), WORKING_HOURS)
def test_add_working_hours_counts_only_business_hours_on_working_days(start: str, hours: int, expected: str) -> None:
    start_dt = datetime.fromisoformat(start).replace(tzinfo=LONDON)
    result = add_working_hours(start_dt, hours, StandardHours())
    assert result == datetime.fromisoformat(expected).replace(tzinfo=LONDON)


def test_add_working_hours_uses_the_agencys_business_hours_and_nation() -> None:
    hours = StandardHours(nation=SCOTLAND, business_hours_start=time(8, 0), business_hours_end=time(12, 0))
    start = datetime(2026, 6, 12, 11, 0, tzinfo=LONDON)
    # One hour on Friday, Monday 15 June is Scotland's ad hoc holiday, three more hours on Tuesday.
    assert add_working_hours(start, 4, hours) == datetime(2026, 6, 16, 11, 0, tzinfo=LONDON)


def test_a_rolled_back_override_leaves_no_stale_calendar_in_the_process() -> None:
    from django.db import transaction

    seen_inside: list[bool] = []

    @transaction.atomic
    def save_then_fail() -> None:
        services.calendar_override_save(
            nation=ENGLAND_AND_WALES, day=d("2026-06-15"), action=OverrideAction.ADD_NON_WORKING, reason="Closure"
        )
        seen_inside.append(is_working_day(d("2026-06-15"), ENGLAND_AND_WALES))
        raise RuntimeError("the admin save failed after the service")

    with pytest.raises(RuntimeError):
        save_then_fail()
    assert seen_inside == [False]
    assert is_working_day(d("2026-06-15"), ENGLAND_AND_WALES)
