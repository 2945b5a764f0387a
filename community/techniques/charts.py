"""Server-side SVG charts (pygal) for the techniques pages.

Every chart is drawn from numbers already computed (no queries), has no JavaScript and no
external reference, carries role="img" with a label, and each template that shows one also
shows the same numbers as a table (the text alternative).
"""

from __future__ import annotations

import re

import pygal
from django.utils.html import escape
from pygal.style import Style

STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1b2330",
    foreground_strong="#1b2330",
    foreground_subtle="#dfe3ea",
    opacity=".9",
    opacity_hover="1",
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    value_label_font_size=12,
    legend_font_size=13,
    title_font_size=15,
    tooltip_font_size=12,
    colors=("#0b5cad", "#8a94a3", "#0f7b6c", "#9a5b00", "#b42318", "#6941c6"),
)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _config(**kwargs) -> dict:
    base = {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "explicit_size": False,
        "show_legend": False,
        "margin": 8,
        "tooltip_border_radius": 4,
        "truncate_label": -1,
        "truncate_legend": -1,
    }
    base.update(kwargs)
    return base


def _svg(chart: pygal.graph.graph.Graph, label: str) -> str:
    """Render without pygal's inline script and comments, labelled for assistive technology."""
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" focusable="false" ', 1)


def _short(text: str, limit: int = 34) -> str:
    """Shorten a label, keeping a trailing "(n=...)"."""
    if len(text) <= limit:
        return text
    suffix = ""
    if text.endswith(")") and " (n=" in text:
        text, suffix = text.rsplit(" (n=", 1)
        suffix = " (n=" + suffix
    return text[: max(8, limit - len(suffix) - 1)].rstrip() + "…" + suffix


def pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def rate_bars(rows: list[dict], *, label: str, height: int | None = None) -> str:
    """Horizontal bars of success rates (percent) with 95% intervals.

    rows: [{"label", "rate", "ci_low", "ci_high", "n"}]; rows without a rate are drawn empty.
    """
    chart = pygal.HorizontalBar(
        **_config(
            width=640,
            height=height or max(140, 44 * len(rows) + 50),
            range=(0, 100),
            y_labels=[0, 25, 50, 75, 100],
            print_values=True,
            value_formatter=lambda v: f"{v:.0f}%",
            show_x_guides=True,
            show_y_guides=False,
        )
    )
    rows = list(reversed(rows))  # pygal draws the first label at the bottom
    chart.x_labels = [f"{row['label']} (n={row.get('n', 0)})" for row in rows]
    values = []
    for i, row in enumerate(rows):
        value = pct(row.get("rate"))
        if value is None:
            values.append(None)
            continue
        item = {"value": value, "color": row.get("color") or STYLE.colors[(len(rows) - 1 - i) % len(STYLE.colors)]}
        if row.get("ci_low") is not None:
            item["ci"] = {"low": pct(row["ci_low"]), "high": pct(row["ci_high"])}
        values.append(item)
    chart.add("Success rate", values)
    return _svg(chart, label)


def _style(*colors: str) -> Style:
    style = Style(**{name: getattr(STYLE, name) for name in STYLE.__dict__ if not name.startswith("_")})
    style.colors = colors
    return style


def monthly_uses(series: list[dict], *, label: str) -> str:
    """Stacked bars per month: successful, other decided and pending uses."""
    chart = pygal.StackedBar(
        **_config(
            style=_style("#0b5cad", "#b8c0cc", "#e0a84a"),
            width=640,
            height=260,
            show_legend=True,
            legend_at_bottom=True,
            legend_at_bottom_columns=3,
            x_label_rotation=0,
            show_minor_x_labels=True,
        )
    )
    chart.x_labels = [m["label"].split(" ")[0] for m in series]
    chart.add("Success", [m["successes"] for m in series])
    chart.add("Other outcome", [m["other"] for m in series])
    chart.add("Waiting", [m["waiting"] for m in series])
    return _svg(chart, label)


def weekly_line(points: list[tuple[str, int]], *, label: str, title: str) -> str:
    """One series over weeks (e.g. reps practising per week)."""
    chart = pygal.Bar(
        **_config(
            width=720,
            height=260,
            x_label_rotation=0,
            show_minor_x_labels=False,
            x_labels_major_every=max(1, len(points) // 6),
            truncate_label=-1,
        )
    )
    chart.x_labels = [p[0] for p in points]
    top = max([p[1] for p in points] + [1])
    step = max(1, -(-top // 5))
    chart.y_labels = list(range(0, top + step, step))
    chart.add(title, [p[1] for p in points])
    return _svg(chart, label)


def paired_rates(rows: list[dict], *, label: str, first: str, second: str) -> str:
    """Two series of rates side by side per category (e.g. you vs the team, per stage)."""
    chart = pygal.HorizontalBar(
        **_config(
            width=640,
            height=max(160, 52 * len(rows) + 70),
            range=(0, 100),
            y_labels=[0, 25, 50, 75, 100],
            show_legend=True,
            legend_at_bottom=True,
            legend_at_bottom_columns=2,
            value_formatter=lambda v: f"{v:.0f}%",
            print_values=False,
            style=_style("#b8c0cc", "#0b5cad"),
        )
    )
    rows = list(reversed(rows))  # pygal draws the first label at the bottom
    chart.x_labels = [_short(row["label"]) for row in rows]
    chart.add(second, [pct(row.get("second")) for row in rows])
    chart.add(first, [pct(row.get("first")) for row in rows])
    return _svg(chart, label)
