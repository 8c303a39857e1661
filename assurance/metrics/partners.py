"""Metrics about referrals, meetings and reviews (M11–M15, M17, M19, M20).

Those apps sit below assurance in the import order but are built separately; their models are reached only through
``django.apps`` (never imported by name at module level), so this module loads whether or not they exist yet. A
metric whose records are not kept yet raises :class:`Unavailable`: it is listed as "not available", never given a
value.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from assurance.metrics.registry import Context, MetricData, Unavailable, register_metric


def model(app_label: str, name: str) -> type[models.Model]:
    """The model ``app_label.name``, or :class:`Unavailable` when that app does not record it (yet)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError as exc:
        raise Unavailable(
            f"The {app_label} app does not record {name} yet, so this metric cannot be computed."
        ) from exc


def _needs(app_label: str, name: str) -> Any:
    def compute(ctx: Context) -> MetricData:
        model(app_label, name)
        raise Unavailable(f"{app_label}.{name} exists, but this metric is not wired to it yet.")

    return compute


_PENDING: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "M11",
        "Strategy meeting attendance",
        "Invitations to strategy meetings accepted and attended",
        "Invitations to strategy meetings, by organisation",
        "By meeting date",
        "meetings",
        "Meeting",
    ),
    (
        "M12",
        "Strategy meeting contribution",
        "Invitations with a report submitted before the meeting",
        "Invitations to strategy meetings",
        "By meeting date",
        "meetings",
        "Meeting",
    ),
    (
        "M13",
        "MARAC referrals",
        "MARAC referrals; those visible high risk, by professional judgement, and repeats (12-month rule)",
        "MARAC referrals made in the period",
        "By referral date",
        "referrals",
        "Referral",
    ),
    (
        "M14",
        "MARAC attendance",
        "MARAC meetings the organisation attended",
        "MARAC meetings the organisation was expected at",
        "By meeting date",
        "meetings",
        "Meeting",
    ),
    (
        "M15",
        "MARAC action completion",
        "MARAC actions completed by the next meeting; overdue actions",
        "MARAC actions due in the period",
        "By due date",
        "meetings",
        "Meeting",
    ),
    (
        "M17",
        "MAPPA attendance",
        "MAPPA level 2 and 3 meetings attended (no case detail)",
        "MAPPA level 2 and 3 meetings the organisation was invited to",
        "By meeting date",
        "meetings",
        "Meeting",
    ),
    (
        "M19",
        "SAR referrals and decisions",
        "SAR referrals made; those decided within policy; mandatory and discretionary",
        "SAR referrals decided in the period",
        "By referral or decision date",
        "reviews",
        "SarReferral",
    ),
    (
        "M20",
        "SAR action completion",
        "SAR action-plan items Green or Blue; overdue Red items; items with evidence",
        "SAR action-plan items owned by the organisation",
        "As at the period's last day",
        "reviews",
        "SarAction",
    ),
)

for code, title, numerator, denominator, period, app_label, name in _PENDING:
    register_metric(
        code,
        title=title,
        numerator=numerator,
        denominator=denominator,
        period=period,
        source=app_label,
    )(_needs(app_label, name))
