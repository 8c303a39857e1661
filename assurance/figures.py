"""Building the figures a screen, a pack or a CSV shows: current period plus quarterly trends, presented exactly or
with suppression, and their canonical JSON and hash."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import replace
from typing import Any

from assurance.metrics import present
from assurance.metrics.periods import Period, quarters_ending
from assurance.metrics.registry import Context, Outcome, all_metrics, compute_all, run

TREND_QUARTERS = 4

# The pack's sections, in order; a metric appears in the first section that lists it.
SECTIONS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("concerns", "Concerns and enquiries", ("M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "M9", "M10", "M16")),
    ("meetings", "Contribution to multi-agency meetings", ("M11", "M12", "M13", "M14", "M15", "M17")),
    ("escalations", "Escalations and disagreements", ("M18",)),
    ("reviews", "Safeguarding Adults Reviews: referrals and action completion", ("M19", "M20")),
    ("sharing", "Information-sharing decisions by lawful basis", ("M21",)),
    ("workforce", "Training and data quality", ("M22", "M23", "M24")),
)


def metrics_payload(ctx: Context, *, exact: bool, trends: bool = True) -> dict[str, Any]:
    """Every metric for ``ctx`` (and, when asked, its headline over the last quarters), presented."""
    outcomes = compute_all(ctx)
    body = [present.outcome(o, exact=exact) for o in outcomes]
    payload: dict[str, Any] = {
        "period": {"label": ctx.period.label, "start": ctx.period.start.isoformat(), "end": ctx.period.end.isoformat()},
        "suppressed": not exact,
        "metrics": body,
    }
    if trends:
        payload["trends"] = trend_payload(ctx, exact=exact, known={o.metric.code: o for o in outcomes})
    return payload


def trend_payload(
    ctx: Context, *, exact: bool, known: dict[str, Outcome] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Each metric's headline figure over the quarters ending with the period's last quarter (``known``: outcomes
    already computed for ``ctx``, reused when the period is itself that quarter)."""
    out: dict[str, list[dict[str, Any]]] = {}
    quarters = quarters_ending(ctx.period, TREND_QUARTERS)
    known = known or {}
    for metric in all_metrics():
        if not metric.headline:
            continue
        points = []
        for q in quarters:
            reuse = q == ctx.period and metric.code in known
            result = known[metric.code] if reuse else run(metric, replace(ctx, period=q))
            fig = next((f for f in result.data.figures if f.key == metric.headline), None) if result.data else None
            if fig is None:
                break
            points.append({"period": q.label, **present.figure(fig, exact=exact)})
        if len(points) == len(quarters):
            out[metric.code] = points
    return out


def canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sections(metrics: list[dict[str, Any]]) -> list[dict[str, Any]]:
    by_code = {m["code"]: m for m in metrics}
    used: set[str] = set()
    out = []
    for key, title, codes in SECTIONS:
        items = [by_code[c] for c in codes if c in by_code and c not in used]
        used.update(m["code"] for m in items)
        out.append({"key": key, "title": title, "metrics": items})
    rest = [m for m in metrics if m["code"] not in used]
    if rest:
        out.append({"key": "other", "title": "Other measures", "metrics": rest})
    return out


CSV_HEADER = ["metric", "title", "figure", "breakdown", "label", "kind", "value", "display", "suppressed"]


def to_csv(payload: dict[str, Any], *, period: Period | None = None) -> str:
    """The same figures as CSV, one row per figure and breakdown row (unavailable metrics say so)."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["period", *CSV_HEADER])
    label = payload["period"]["label"]
    for m in payload["metrics"]:
        if not m["available"]:
            writer.writerow([label, m["code"], m["title"], "", "", "Not available", "", "", m["reason"], ""])
            continue
        for f in m["figures"]:
            writer.writerow(_row(label, m, f, ""))
        for b in m["breakdowns"]:
            for f in b["rows"]:
                writer.writerow(_row(label, m, f, b["label"]))
    return buf.getvalue()


def _row(label: str, m: dict[str, Any], f: dict[str, Any], breakdown: str) -> list[Any]:
    value = "" if f["value"] is None else f["value"]
    return [
        label,
        m["code"],
        m["title"],
        f["key"],
        breakdown,
        f["label"],
        f["kind"],
        value,
        f["display"],
        f["suppressed"],
    ]
