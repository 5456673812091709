"""Trend charts drawn on the server as SVG (no script, no CDN): one line chart per tracked question
of a series, from the trends' points (activities.trends). Knows nothing of the types: every number
in a point's summary is a line (a poll's options, a rating's statements, a quiz's percentage, a
poker median, a count); a summary of a list (a word cloud's top words) is a table of its words."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH, HEIGHT = 560, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
# Distinguishable on white, at least 3:1 against it (WCAG non-text contrast); dashes tell them apart
# without color too.
COLORS = ["#1f5fa8", "#b3261e", "#2e7d32", "#6a1b9a", "#9a5b00", "#00695c", "#ad1457", "#37474f"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4", "12 2"]


def _numeric_keys(points: list[dict[str, Any]], order: list[str]) -> list[str]:
    keys: list[str] = []
    for point in points:
        for key, value in (point["summary"] or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool) and key not in keys:
                keys.append(key)
    ranked = [k for k in order if k in keys]
    return ranked + [k for k in keys if k not in ranked]


def _list_keys(points: list[dict[str, Any]]) -> list[str]:
    keys: list[str] = []
    for point in points:
        for key, value in (point["summary"] or {}).items():
            if isinstance(value, list) and key not in keys:
                keys.append(key)
    return keys


def _label(point: dict[str, Any]) -> str:
    return f"{point['session_name']} ({(point['date'] or '')[:10]})"


def line_chart(item: dict[str, Any]) -> SafeString:
    """An SVG line chart of one trend item, with a data table for screen readers and exact values."""
    points = item["points"]
    labels: dict[str, str] = item.get("labels") or {}
    keys = _numeric_keys(points, list(item.get("matched") or labels))
    title = item["title"] or item["track_key"]
    parts: list[str] = []
    if keys:
        values = [
            float(v)
            for p in points
            for k in keys
            if isinstance(v := (p["summary"] or {}).get(k), int | float) and not isinstance(v, bool)
        ]
        top = max(values + [1.0])
        if all(0 <= v <= 100 for v in values) and top > 10:
            top = 100.0  # percentages: a full scale, so a change is not exaggerated
        plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
        # Translators: on a trend chart, at a session whose answers are too few to be shown.
        too_few = escape(gettext("too few"))
        step = plot_w / max(1, len(points) - 1)

        def x(i: int) -> float:
            return LEFT + (i * step if len(points) > 1 else plot_w / 2)

        def y(v: float) -> float:
            return TOP + plot_h - (v / top) * plot_h

        svg = [
            f'<svg class="caja-trend-chart" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
            f'aria-labelledby="t-{escape(item["track_key"])}">',
            f'<title id="t-{escape(item["track_key"])}">{escape(title)}</title>',
            f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" stroke="#555"/>',
            f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="#555"/>',
        ]
        for tick in (0.0, top / 2, top):
            svg.append(
                f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
                f'fill="#333">{tick:g}</text>'
            )
        for i, point in enumerate(points):
            svg.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11" '
                f'fill="#333">{escape(point["session_name"][:18])}</text>'
            )
            if point["too_few"]:
                svg.append(
                    f'<text x="{x(i):.1f}" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" font-size="10" '
                    f'fill="#555">{too_few}</text>'
                )
        for n, key in enumerate(keys):
            color, dash = COLORS[n % len(COLORS)], DASHES[n % len(DASHES)]
            segment: list[str] = []
            segments: list[list[str]] = [segment]
            for i, point in enumerate(points):
                value = (point["summary"] or {}).get(key)
                if not isinstance(value, int | float) or isinstance(value, bool):
                    segment = []  # a gap: too few answers, or no such option then
                    segments.append(segment)
                    continue
                segment.append(f"{x(i):.1f},{y(float(value)):.1f}")
                svg.append(
                    f'<circle cx="{x(i):.1f}" cy="{y(float(value)):.1f}" r="3.5" fill="{color}">'
                    f"<title>{escape(labels.get(key, key))}: {value:g}</title></circle>"
                )
            for seg in segments:
                if len(seg) > 1:
                    svg.append(
                        f'<polyline class="caja-trend-line" points="{" ".join(seg)}" fill="none" '
                        f'stroke="{color}" stroke-width="2" stroke-dasharray="{dash}"/>'
                    )
        svg.append("</svg>")
        parts.append("".join(svg))
        legend = format_html_join(
            "",
            '<li><span class="caja-swatch" style="border-top: 3px {} {}"></span>{}</li>',
            (
                ("dashed" if DASHES[n % len(DASHES)] else "solid", COLORS[n % len(COLORS)], labels.get(k, k))
                for n, k in enumerate(keys)
            ),
        )
        parts.append(str(format_html('<ul class="caja-trend-legend">{}</ul>', legend)))
    table_keys = keys + _list_keys(points)
    head = format_html_join("", "<th scope='col'>{}</th>", ((labels.get(k, k),) for k in table_keys))
    rows = format_html_join(
        "",
        "<tr><th scope='row'>{}</th><td>{}</td>{}</tr>",
        (
            (
                _label(p),
                p["responses"],
                format_html_join(
                    "",
                    "<td>{}</td>",
                    (
                        (gettext("Too few answers") if p["too_few"] else _cell((p["summary"] or {}).get(k)),)
                        for k in table_keys
                    ),
                ),
            )
            for p in points
        ),
    )
    unmatched = [k for p in points for k in p.get("unmatched", [])]
    note = (
        format_html(
            '<p class="caja-trend-note">{} {}</p>',
            gettext("Not in every session (changed options):"),
            ", ".join(sorted({labels.get(k, k) for k in unmatched})),
        )
        if unmatched
        else ""
    )
    table = format_html(
        '<table class="caja-trend-table"><caption>{}</caption><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th>{}</tr></thead><tbody>{}</tbody></table>{}',
        title,
        gettext("Session"),
        gettext("Answers"),
        head,
        rows,
        note,
    )
    parts.append(str(table))
    return mark_safe(  # noqa: S308 - every value above went through escape() or format_html
        f'<figure class="caja-trend" data-track-key="{escape(item["track_key"])}">'
        f"<figcaption><strong>{escape(title)}</strong> · <code>{escape(item['track_key'])}</code>"
        f" · {escape(item['type'])}</figcaption>{''.join(parts)}</figure>"
    )


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"{value:g}" if isinstance(value, float) else str(value)
