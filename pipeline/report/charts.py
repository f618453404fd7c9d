"""Inline SVG charts and HTML tables (no JavaScript, no external assets); every text is escaped."""

from __future__ import annotations

from html import escape

PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


LEGEND_ITEM_WIDTH = 180  # px per legend entry; entries wrap onto more rows instead of overflowing


def stacked_bars(days: list[str], series: dict[str, list[int]], *, width: int = 760, height: int = 240) -> str:
    """Vertical stacked bars: one bar per day, one colour per series, with a legend."""
    if not days or not series:
        return '<p class="empty">no events in this window</p>'
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    top = max(max(totals), 1)
    left, bottom, plot_h = 40, 40, height - 70
    step = (width - left - 10) / len(days)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="events per day by event type">',
             f'<text x="{left - 6}" y="{height - bottom - plot_h + 4}" text-anchor="end" class="axis">{top}</text>',
             f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="axis">0</text>']
    for i, day in enumerate(days):
        y = height - bottom
        for j, (name, values) in enumerate(series.items()):
            h = values[i] / top * plot_h
            if h:
                y -= h
                parts.append(f'<rect x="{left + i * step + 1:.1f}" y="{y:.1f}" width="{max(step - 2, 1):.1f}" '
                             f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                             f'<title>{escape(day)} {escape(name)}: {values[i]}</title></rect>')
        if len(days) <= 12 or i % max(len(days) // 8, 1) == 0:
            parts.append(f'<text x="{left + i * step + step / 2:.1f}" y="{height - bottom + 14}" '
                         f'text-anchor="middle" class="axis">{escape(day[5:])}</text>')
    per_row = max((width - left) // LEGEND_ITEM_WIDTH, 1)
    for j, name in enumerate(series):
        x = left + (j % per_row) * LEGEND_ITEM_WIDTH
        y = height + (j // per_row) * 16
        parts.append(f'<rect x="{x}" y="{y - 14}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="{y - 5}" class="legend">{escape(name)}</text>')
    legend_rows = -(-len(series) // per_row)
    parts[0] = parts[0].replace(f'height="{height}"', f'height="{height + (legend_rows - 1) * 16}"', 1)
    parts.append("</svg>")
    return "".join(parts)


def ranked_bars(items: list[tuple[str, int]], *, width: int = 760, bar_h: int = 18) -> str:
    """Horizontal bars, largest first, label on the left and the count on the right."""
    if not items:
        return '<p class="empty">nothing to show</p>'
    top = max(v for _, v in items) or 1
    label_w, height = 240, len(items) * (bar_h + 4) + 4
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">']
    for i, (label, value) in enumerate(items):
        y = 2 + i * (bar_h + 4)
        w = value / top * (width - label_w - 60)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 5}" text-anchor="end" class="label">'
                     f'{escape(label)}</text><rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                     f'fill="{PALETTE[0]}"/><text x="{label_w + w + 4:.1f}" y="{y + bar_h - 5}" '
                     f'class="label">{value}</text>')
    parts.append("</svg>")
    return "".join(parts)


def html_table(columns: list[str], rows: list[tuple]) -> str:
    if not rows:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape('' if v is None else str(v))}</td>" for v in r) + "</tr>"
                   for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
