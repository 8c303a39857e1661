"""Helpers shared by the metric modules: SQL pieces and figure builders."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, DurationField, ExpressionWrapper, F, FloatField, Q, QuerySet
from django.db.models.functions import Extract

from assurance.metrics.registry import Context, Figure


class Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def days_between(start: str, end: str) -> Any:
    """``end - start`` in (fractional) days, as SQL."""
    return Extract(ExpressionWrapper(F(end) - F(start), output_field=DurationField()), "epoch") / 86400.0


def in_period(field: str, ctx: Context) -> Q:
    return Q(**{f"{field}__gte": ctx.period.start_at, f"{field}__lt": ctx.period.end_before})


def scoped(qs: QuerySet[Any], ctx: Context, *, agency: str, case: str | None = "case") -> QuerySet[Any]:
    """Filter ``qs`` to the context's agencies (through ``agency``) and its team and area (through ``case``)."""
    qs = qs.filter(**{f"{agency}__in": ctx.agency_ids})
    if case is not None:
        prefix = f"{case}__" if case else ""
        if ctx.team_id is not None:
            qs = qs.filter(**{f"{prefix}team_id": ctx.team_id})
        if ctx.area_id is not None:
            qs = qs.filter(**{f"{prefix}area_id": ctx.area_id})
    return qs


def count(key: str, label: str, value: int) -> Figure:
    return Figure(key=key, label=label, kind="count", value=int(value or 0))


def percent(key: str, label: str, numerator: int, denominator: int) -> Figure:
    return Figure(
        key=key, label=label, kind="percent", numerator=int(numerator or 0), denominator=int(denominator or 0)
    )


def median(key: str, label: str, value: float | None, n: int, unit: str = "days") -> Figure:
    return Figure(key=key, label=label, kind="median", value=value, n=int(n or 0), unit=unit)
