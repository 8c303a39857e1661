"""Presentation of figures, with small-number suppression for anything that leaves the provider.

External (commissioner views, evidence packs, CSV): a count under 5 shows as ``[c]`` (JSON
``{"value": null, "suppressed": true, "display": "[c]"}``) and any other count is rounded to the nearest 5; a
percentage whose numerator or denominator is under 5 is suppressed too (otherwise it is computed from the exact
counts and shown to the whole per cent); a median over fewer than 5 items is suppressed. Internal (the provider's own
leads): exact figures.
"""

from __future__ import annotations

from typing import Any

from assurance.metrics.registry import Figure, Outcome, definition_dict

THRESHOLD = 5
SUPPRESSED: dict[str, Any] = {"value": None, "suppressed": True, "display": "[c]"}


def round5(value: int) -> int:
    """Round half up to the nearest 5 (SAC convention)."""
    return int((value + 2) // 5 * 5) if value >= 0 else -round5(-value)


def count(value: int, *, exact: bool) -> dict[str, Any]:
    if exact:
        return {"value": value, "suppressed": False, "display": f"{value:,}"}
    if value < THRESHOLD:
        return dict(SUPPRESSED)
    shown = round5(value)
    return {"value": shown, "suppressed": False, "display": f"{shown:,}"}


def figure(fig: Figure, *, exact: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"key": fig.key, "label": fig.label, "kind": fig.kind}
    if fig.kind == "count":
        out.update(count(int(fig.value or 0), exact=exact))
    elif fig.kind == "percent":
        num, den = int(fig.numerator or 0), int(fig.denominator or 0)
        out["numerator"] = count(num, exact=exact)
        out["denominator"] = count(den, exact=exact)
        if not exact and (num < THRESHOLD or den < THRESHOLD):
            out.update(SUPPRESSED)
        elif den == 0:
            out.update({"value": None, "suppressed": False, "display": "No data"})
        else:
            pct = 100.0 * num / den
            value = round(pct, 1) if exact else float(round(pct))
            display = f"{value:.1f}%" if exact else f"{value:.0f}%"
            out.update({"value": value, "suppressed": False, "display": display})
    elif fig.kind == "median":
        n = int(fig.n or 0)
        out["n"] = count(n, exact=exact)
        if not exact and n < THRESHOLD:
            out.update(SUPPRESSED)
        elif fig.value is None or n == 0:
            out.update({"value": None, "suppressed": False, "display": "No data"})
        else:
            value = round(float(fig.value), 1)
            out.update({"value": value, "suppressed": False, "display": f"{value:.1f} {fig.unit}".strip()})
    else:  # pragma: no cover - a programming error in a metric
        raise ValueError(f"Unknown figure kind {fig.kind}")
    return out


def outcome(result: Outcome, *, exact: bool) -> dict[str, Any]:
    metric = result.metric
    body: dict[str, Any] = {
        "code": metric.code,
        "title": metric.title,
        "source": metric.source,
        "definition": definition_dict(metric, result.data),
        "available": result.available,
    }
    if result.data is None:
        body.update({"reason": result.reason, "figures": [], "breakdowns": []})
        return body
    body["figures"] = [figure(f, exact=exact) for f in result.data.figures]
    body["breakdowns"] = [
        {"key": b.key, "label": b.label, "rows": [figure(r, exact=exact) for r in b.rows]}
        for b in result.data.breakdowns
    ]
    return body
