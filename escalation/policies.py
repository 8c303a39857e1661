"""Timescale policies: the reference defaults (domain reference §3.6, §4), their per-area versions, and due times.

Every area may keep its own versions of each timescale (Safeguarding Adults Boards differ). A deadline uses the
newest version active at its start for its area, else the newest national row (blank area), else the default in
code below — so an area created yesterday already has working clocks. Versions are never edited; a change is a new
version, and once it is active the open deadlines that used the key are recomputed (their original due time stays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from escalation.calendar import (
    LONDON,
    BusinessHours,
    StandardHours,
    add_working_days,
    add_working_hours,
    end_of_day,
)
from escalation.models import Basis, TimescalePolicy

if TYPE_CHECKING:
    from safeguarding.organisations.models import Area


@dataclass(frozen=True)
class PolicyDefault:
    key: str
    label: str
    basis: str
    amount: int
    source: str = ""


# The reference defaults. Several are local examples, not national rules: confirm them with each board.
_DEFAULTS: tuple[PolicyDefault, ...] = (
    PolicyDefault("concern_acknowledgement", "Local authority acknowledges a concern", Basis.HOURS, 24, "§4 [S82]"),
    PolicyDefault("s42_decision", "Decision whether a section 42 enquiry is needed", Basis.WORKING_DAYS, 1, "§4 [S84]"),
    PolicyDefault("strategy_discussion", "Strategy discussion or planning meeting", Basis.WORKING_DAYS, 5, "§4 [S84]"),
    PolicyDefault("safeguarding_plan", "Safeguarding plan in place", Basis.WORKING_DAYS, 7, "§4 [S21b]"),
    PolicyDefault("plan_review", "First safeguarding plan review", Basis.CALENDAR_DAYS, 42, "§4 [S84]"),
    PolicyDefault("enquiry_completion", "Enquiry completed", Basis.WORKING_DAYS, 20, "§4 [S84] (4 working weeks)"),
    PolicyDefault("referral_acknowledgement", "Referral acknowledged", Basis.WORKING_HOURS, 8, "local default"),
    PolicyDefault("referral_response", "Referral answered (accepted or declined)", Basis.WORKING_DAYS, 5, "local"),
    PolicyDefault("information_request_response", "Information request answered", Basis.WORKING_DAYS, 5, "local"),
    PolicyDefault(
        "meeting_contributions",
        "Meeting contributions returned (before the meeting)",
        Basis.WORKING_DAYS,
        -2,
        "§4 [S40b] (negative: before the meeting)",
    ),
    PolicyDefault("meeting_minutes", "Meeting minutes issued", Basis.WORKING_DAYS, 3, "§4 (unconfirmed)"),
    PolicyDefault("default_action_due", "Action due (when no date is given)", Basis.WORKING_DAYS, 20, "local"),
    PolicyDefault("sar_acknowledgement", "SAR referral acknowledged", Basis.WORKING_DAYS, 5, "§4 [S80]"),
    PolicyDefault("sar_decision", "SAR decision", Basis.WORKING_DAYS, 10, "§4 [S63b]"),
    PolicyDefault("mappa_l2_review", "MAPPA level 2 review", Basis.CALENDAR_DAYS, 112, "§4 (16 weeks, unconfirmed)"),
    PolicyDefault("mappa_l3_review", "MAPPA level 3 review", Basis.CALENDAR_DAYS, 56, "§4 (8 weeks, unconfirmed)"),
    PolicyDefault(
        "notification_acknowledgement",
        "High-risk notification acknowledged (then deputy, then agency lead)",
        Basis.HOURS,
        4,
        "§10.9",
    ),
    PolicyDefault("escalation_stage_1", "Disagreement stage 1: practitioners resolve", Basis.WORKING_DAYS, 5, "§3.6"),
    PolicyDefault("escalation_stage_2", "Disagreement stage 2: managers resolve", Basis.WORKING_DAYS, 1, "§3.6"),
    PolicyDefault("escalation_stage_3", "Disagreement stage 3: senior manager or lead", Basis.WORKING_DAYS, 1, "§3.6"),
    PolicyDefault("escalation_stage_4", "Disagreement stage 4: director and SAB chair", Basis.WORKING_DAYS, 1, "§3.6"),
    PolicyDefault(
        "ladder_grace_team_manager", "Overdue: wait before telling the team manager", Basis.WORKING_DAYS, 1, "§3.6"
    ),
    PolicyDefault(
        "ladder_grace_safeguarding_lead",
        "Overdue: wait before telling the agency safeguarding lead",
        Basis.WORKING_DAYS,
        1,
        "§3.6",
    ),
    PolicyDefault(
        "ladder_grace_director",
        "Overdue: wait before telling the director and SAB chair",
        Basis.WORKING_DAYS,
        1,
        "§3.6",
    ),
)
DEFAULT_POLICIES: dict[str, PolicyDefault] = {p.key: p for p in _DEFAULTS}


def register_policy_default(key: str, *, label: str, basis: str, amount: int, source: str = "") -> None:
    """Let an app add a timescale of its own (called from its ``AppConfig.ready()``)."""
    if basis not in Basis.values or basis == Basis.FIXED:
        raise ValueError(f"Unknown basis for a policy: {basis}")
    DEFAULT_POLICIES[key] = PolicyDefault(key, label, basis, amount, source)


def policy_label(key: str) -> str:
    default = DEFAULT_POLICIES.get(key)
    return default.label if default else key.replace("_", " ").capitalize()


@dataclass(frozen=True)
class EffectivePolicy:
    key: str
    basis: str
    amount: int
    version: int  # 0: the default in code
    row: TimescalePolicy | None = None


def resolve_policy(*, key: str, area: Area | None, at: datetime | None = None) -> EffectivePolicy:
    """The version of ``key`` in force for ``area`` at ``at``: the area's, else the national row, else the code."""
    at = at or timezone.now()
    versions = TimescalePolicy.objects.filter(key=key, active_from__lte=at).order_by("-version")
    row = versions.filter(area=area).first() if area is not None else None
    if row is None:
        row = versions.filter(area=None).first()
    if row is not None:
        return EffectivePolicy(key, row.basis, row.amount, row.version, row)
    default = DEFAULT_POLICIES.get(key)
    if default is None:
        raise LookupError(f"No timescale policy is defined for {key!r}")
    return EffectivePolicy(key, default.basis, default.amount, 0, None)


def compute_due(
    *,
    start: datetime,
    basis: str,
    amount: int,
    nation: str,
    area: Area | None = None,
    hours_of: BusinessHours | None = None,
) -> datetime:
    """The due time ``amount`` units of ``basis`` after ``start``.

    Working and calendar days are due by the end of the day (23:59:59 UK time); hours run on clock time; working
    hours count only the holder agency's business hours on working days.
    """
    if basis == Basis.WORKING_DAYS:
        return end_of_day(add_working_days(start, amount, nation, area=area))
    if basis == Basis.CALENDAR_DAYS:
        return end_of_day(timezone.localtime(start, LONDON).date() + timedelta(days=amount))
    if basis == Basis.HOURS:
        return start + timedelta(hours=amount)
    if basis == Basis.WORKING_HOURS:
        return add_working_hours(start, amount, hours_of or StandardHours(nation=nation), area=area, nation=nation)
    raise ValueError(f"A {basis!r} deadline has no computed due time")


def due_for_policy(
    *, policy: EffectivePolicy, start: datetime, nation: str, area: Area | None, hours_of: BusinessHours | None
) -> datetime:
    return compute_due(
        start=start, basis=policy.basis, amount=policy.amount, nation=nation, area=area, hours_of=hours_of
    )


def seed_policies(*, area: Area | None) -> int:
    """Write version 1 of every default the area lacks (idempotent). Returns how many rows were written."""
    existing = set(TimescalePolicy.objects.filter(area=area).values_list("key", flat=True))
    rows = [
        TimescalePolicy(
            area=area,
            key=default.key,
            basis=default.basis,
            amount=default.amount,
            version=1,
            active_from=datetime(2000, 1, 1, tzinfo=LONDON),
            note=f"Reference default ({default.source})" if default.source else "Reference default",
            applied_at=timezone.now(),
        )
        for default in DEFAULT_POLICIES.values()
        if default.key not in existing
    ]
    TimescalePolicy.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
