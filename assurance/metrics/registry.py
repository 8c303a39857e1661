"""The metric registry: each metric is a function with its written definition (numerator, denominator, period and
the policy it measures against) beside it.

A metric function receives a :class:`Context` (period and scope) and returns exact :class:`Figure` values, or
raises :class:`Unavailable` when the data it needs is not recorded (for example an app that is not installed yet).
Presentation, including small-number suppression for anything that leaves the provider, is applied afterwards in
``assurance.metrics.present``: a metric never rounds or hides anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from assurance.metrics.periods import Period


class Unavailable(Exception):
    """The metric cannot be computed from what this service records (never shown as a value)."""


@dataclass(frozen=True)
class Definition:
    numerator: str
    denominator: str
    period: str
    policy: str = ""


@dataclass(frozen=True)
class Figure:
    """One exact figure. ``kind``: ``count`` (``value``), ``percent`` (``numerator``/``denominator``) or
    ``median`` (``value`` over ``n`` items, in ``unit``)."""

    key: str
    label: str
    kind: str
    value: float | int | None = None
    numerator: int | None = None
    denominator: int | None = None
    n: int | None = None
    unit: str = ""


@dataclass(frozen=True)
class Breakdown:
    key: str
    label: str
    rows: list[Figure]


@dataclass
class MetricData:
    figures: list[Figure]
    breakdowns: list[Breakdown] = field(default_factory=list)
    policy: str = ""  # the policy actually applied (e.g. "24 hours"), overriding the static text when set


@dataclass(frozen=True)
class Context:
    period: Period
    agency_ids: tuple[UUID, ...]
    team_id: UUID | None = None
    area_id: UUID | None = None
    # Aggregates several metrics share (one scan of the concerns, say), keyed by what they depend on.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def shared(self, name: str, compute: Callable[[], Any]) -> Any:
        key = (name, self.period, self.agency_ids, self.team_id, self.area_id)
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


@dataclass(frozen=True)
class Metric:
    code: str
    title: str
    definition: Definition
    compute: Callable[[Context], MetricData]
    source: str  # the app whose records it counts
    dimensions: frozenset[str] = frozenset({"agency", "team", "area"})
    headline: str = ""  # the figure key plotted in quarterly trends

    @property
    def order(self) -> int:
        return int(self.code[1:])


_metrics: dict[str, Metric] = {}


def register_metric(
    code: str,
    *,
    title: str,
    numerator: str,
    denominator: str,
    period: str,
    policy: str = "",
    source: str,
    dimensions: tuple[str, ...] = ("agency", "team", "area"),
    headline: str = "",
) -> Callable[[Callable[[Context], MetricData]], Callable[[Context], MetricData]]:
    def decorate(fn: Callable[[Context], MetricData]) -> Callable[[Context], MetricData]:
        _metrics[code] = Metric(
            code=code,
            title=title,
            definition=Definition(numerator, denominator, period, policy),
            compute=fn,
            source=source,
            dimensions=frozenset(dimensions),
            headline=headline,
        )
        return fn

    return decorate


def all_metrics() -> list[Metric]:
    from assurance.metrics import load

    load()
    return sorted(_metrics.values(), key=lambda m: m.order)


def get_metric(code: str) -> Metric:
    from assurance.metrics import load

    load()
    return _metrics[code]


@dataclass
class Outcome:
    metric: Metric
    data: MetricData | None
    reason: str = ""

    @property
    def available(self) -> bool:
        return self.data is not None


def run(metric: Metric, ctx: Context) -> Outcome:
    if ctx.team_id is not None and "team" not in metric.dimensions:
        return Outcome(metric, None, "Not recorded by team: choose no team to see this metric.")
    if ctx.area_id is not None and "area" not in metric.dimensions:
        return Outcome(metric, None, "Not recorded by area: choose no area to see this metric.")
    try:
        return Outcome(metric, metric.compute(ctx))
    except Unavailable as exc:
        return Outcome(metric, None, str(exc))


def compute_all(ctx: Context, codes: list[str] | None = None) -> list[Outcome]:
    return [run(m, ctx) for m in all_metrics() if codes is None or m.code in codes]


def definition_dict(metric: Metric, data: MetricData | None) -> dict[str, Any]:
    d = metric.definition
    return {
        "numerator": d.numerator,
        "denominator": d.denominator,
        "period": d.period,
        "policy": (data.policy if data and data.policy else d.policy),
    }
