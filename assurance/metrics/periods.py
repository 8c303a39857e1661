"""Reporting periods: ``YYYY-Qn`` (calendar quarters: Q1 is January to March), ``YYYY`` (a calendar year), or
explicit ``from``/``to`` ISO dates (both inclusive). Boundaries are UK local midnights."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from escalation.calendar import LONDON
from safeguarding.exceptions import InvalidInput

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def end_before(self) -> datetime:
        """The first instant after the period (exclusive upper bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON)

    @property
    def is_quarter(self) -> bool:
        return bool(_QUARTER.match(self.label))

    def describe(self) -> str:
        return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"


def quarter(year: int, q: int) -> Period:
    start = date(year, 3 * (q - 1) + 1, 1)
    end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
    return Period(f"{year}-Q{q}", start, end)


def quarter_of(day: date) -> Period:
    return quarter(day.year, (day.month - 1) // 3 + 1)


def parse_period(value: str | None = None, *, from_: str | None = None, to: str | None = None) -> Period:
    """A period from ``YYYY-Qn``/``YYYY``, or from ``from``/``to`` dates; the current quarter when nothing is given."""
    if from_ or to:
        if not (from_ and to):
            raise InvalidInput("Give both from and to", errors={"from" if not from_ else "to": ["Enter a date"]})
        try:
            start, end = date.fromisoformat(from_), date.fromisoformat(to)
        except ValueError as exc:
            raise InvalidInput("Dates must be YYYY-MM-DD", errors={"from": ["Dates must be YYYY-MM-DD"]}) from exc
        if end < start:
            raise InvalidInput("The period ends before it starts", errors={"to": ["Must be on or after from"]})
        if (end - start).days > 366 * 3:
            raise InvalidInput("A period may be at most three years", errors={"to": ["Choose a shorter period"]})
        return Period(f"{start.isoformat()}..{end.isoformat()}", start, end)
    if not value:
        from django.utils import timezone

        return quarter_of(timezone.localdate())
    if match := _QUARTER.match(value):
        return quarter(int(match.group(1)), int(match.group(2)))
    if match := _YEAR.match(value):
        year = int(match.group(1))
        return Period(value, date(year, 1, 1), date(year, 12, 31))
    if ".." in value:
        left, _, right = value.partition("..")
        return parse_period(from_=left, to=right)
    raise InvalidInput("Unknown period", errors={"period": ["Use YYYY-Qn (e.g. 2026-Q2), YYYY, or from and to dates"]})


def quarters_ending(period: Period, count: int) -> list[Period]:
    """``count`` calendar quarters ending with the quarter that holds the period's last day, oldest first."""
    last = quarter_of(period.end)
    year, q = int(last.label[:4]), int(last.label[-1])
    out = []
    for _ in range(count):
        out.append(quarter(year, q))
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return list(reversed(out))
