"""Server-rendered SVG bar charts of a metric's headline over quarters, for screens and PDFs.

No script and no inline style (CSP): presentation attributes only. Each chart names itself (``<title>``) and
describes its values in words (``<desc>``); screens also show the same values as a table.
"""

from __future__ import annotations

from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH, HEIGHT = 420, 180
LEFT, BOTTOM, TOP = 40, 30, 16
FONT = 'font-size="10" font-family="Pack Sans, Arial, sans-serif"'  # the PDF embeds only the shipped font


def describe(title: str, points: list[dict[str, Any]]) -> str:
    parts = [f"{p['period']}: {'suppressed (fewer than 5)' if p['suppressed'] else p['display']}" for p in points]
    return f"{title}, by quarter. " + "; ".join(parts) + "."


def bar_chart(*, chart_id: str, title: str, points: list[dict[str, Any]]) -> SafeString:
    percent = bool(points) and points[0].get("kind") == "percent"
    values = [float(p["value"]) for p in points if p.get("value") is not None]
    top = 100.0 if percent else max([*values, 1.0])
    plot_w, plot_h = WIDTH - LEFT - 10, HEIGHT - BOTTOM - TOP
    slot = plot_w / max(len(points), 1)
    bar_w = slot * 0.6
    t_id, d_id = f"{chart_id}-title", f"{chart_id}-desc"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-labelledby="{t_id} {d_id}">',
        f'<title id="{t_id}">{escape(title)}</title>',
        f'<desc id="{d_id}">{escape(describe(title, points))}</desc>',
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 10}" y2="{TOP + plot_h}" '
        'stroke="#505a5f" stroke-width="1"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" {FONT} fill="#0b0c0c">'
        f"{escape(f'{top:.0f}%' if percent else f'{top:,.0f}')}</text>",
        f'<text x="{LEFT - 6}" y="{TOP + plot_h}" text-anchor="end" {FONT} fill="#0b0c0c">0</text>',
    ]
    for i, p in enumerate(points):
        x = LEFT + i * slot + (slot - bar_w) / 2
        cx = x + bar_w / 2
        if p.get("value") is not None:
            h = plot_h * float(p["value"]) / top if top else 0
            y = TOP + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#1d70b8"/>')
            out.append(
                f'<text x="{cx:.1f}" y="{max(y - 3, TOP):.1f}" text-anchor="middle" {FONT} fill="#0b0c0c">'
                f"{escape(p['display'])}</text>"
            )
        else:
            out.append(
                f'<text x="{cx:.1f}" y="{TOP + plot_h - 4:.1f}" text-anchor="middle" {FONT} fill="#505a5f">'
                f"{escape(p['display'])}</text>"
            )
        out.append(
            f'<text x="{cx:.1f}" y="{HEIGHT - 10}" text-anchor="middle" {FONT} fill="#0b0c0c">'
            f"{escape(p['period'])}</text>"
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every interpolated text is escaped above


def charts_for(trends: dict[str, list[dict[str, Any]]], titles: dict[str, str], *, prefix: str) -> dict[str, Any]:
    return {
        code: {
            "svg": bar_chart(
                chart_id=f"{prefix}-{code.lower()}", title=f"{code} {titles.get(code, '')}", points=points
            ),
            "points": points,
        }
        for code, points in trends.items()
    }
