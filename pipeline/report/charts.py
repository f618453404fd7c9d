"""Inline SVG charts, a point map and HTML tables (no JavaScript, no external assets); every text is escaped."""

from __future__ import annotations

import math
from html import escape

PALETTE = ("#4e79a7", "#e15759", "#f28e2b", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#9c755f")


LEGEND_ITEM_WIDTH = 180  # px per legend entry; entries wrap onto more rows instead of overflowing


def stacked_bars(days: list[str], series: dict[str, list[int]], *, width: int = 760, height: int = 240,
                 label: str = "events per day by event type") -> str:
    """Vertical stacked bars: one bar per day, one colour per series, with a legend."""
    if not days or not series:
        return '<p class="empty">no events in this window</p>'
    totals = [sum(values[i] for values in series.values()) for i in range(len(days))]
    top = max(max(totals), 1)
    left, bottom, plot_h = 40, 40, height - 70
    step = (width - left - 10) / len(days)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{escape(label)}">',
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


def shown_of(items: list, limit: int) -> tuple[list, str]:
    """The first ``limit`` items and a caption that says how many there are ("all 7" / "top 25 of 31")."""
    if len(items) <= limit:
        return items, f"all {len(items)}"
    return items[:limit], f"top {limit} of {len(items)}"


def html_table(columns: list[str], rows: list[tuple], *, rtl_columns: frozenset[int] = frozenset()) -> str:
    """A table; cells of ``rtl_columns`` get ``dir="auto"`` so Arabic text runs right to left."""
    if not rows:
        return '<p class="empty">none</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(
            (f'<td dir="auto" class="ar">{escape("" if v is None else str(v))}</td>' if i in rtl_columns
             else f"<td>{escape('' if v is None else str(v))}</td>")
            for i, v in enumerate(r)) + "</tr>"
        for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _grid_step(span: float) -> int:
    return next(s for s in (1, 2, 5, 10, 20, 30) if span / s <= 8)


def point_map(points: list[tuple[float, float, str, int, str]], labels: list[tuple[float, float, str]], *,
              outlines: list[list[tuple[float, float]]] = (), width: int = 760) -> str:
    """Events as dots on a latitude/longitude grid (equirectangular, no tiles, no network).

    ``points``: (lat, lon, category, deaths, title); dot area grows with deaths, colour by category.
    ``labels``: (lat, lon, text) drawn as place names (e.g. country centroids).
    ``outlines``: polylines of (lon, lat) drawn under the dots (country borders).
    """
    if not points:
        return '<p class="empty">no event with coordinates</p>'
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    pad = 1.5
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    x_scale = math.cos(math.radians((south + north) / 2))
    height = max(int(width * (north - south) / max((east - west) * x_scale, 1e-6)), 200)
    height = min(height, 700)

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (lon - west) / (east - west) * width, (north - lat) / (north - south) * height

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="map of events" class="map"><rect width="{width}" height="{height}" fill="#f7f9fb"/>']
    for line in outlines:
        if any(south - 5 <= lat <= north + 5 and west - 5 <= lon <= east + 5 for lon, lat in line):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(lat, lon) for lon, lat in line))
            parts.append(f'<polyline points="{path}" class="border"/>')
    step = _grid_step(max(north - south, east - west))
    for lon in range(math.ceil(west / step) * step, math.floor(east) + 1, step):
        x, _ = xy(south, lon)
        parts.append(f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" class="grid"/>'
                     f'<text x="{x + 2:.1f}" y="{height - 4}" class="axis">{lon}°E</text>')
    for lat in range(math.ceil(south / step) * step, math.floor(north) + 1, step):
        _, y = xy(lat, west)
        parts.append(f'<line x1="0" y1="{y:.1f}" x2="{width}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="2" y="{y - 2:.1f}" class="axis">{lat}°N</text>')
    for lat, lon, text in labels:
        if south <= lat <= north and west <= lon <= east:
            x, y = xy(lat, lon)
            parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" class="place">{escape(text)}</text>')
    categories = list(dict.fromkeys(p[2] for p in points))
    for lat, lon, category, deaths, title in sorted(points, key=lambda p: -p[3]):
        x, y = xy(lat, lon)
        colour = PALETTE[categories.index(category) % len(PALETTE)]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{4 + 2 * math.sqrt(max(deaths, 0)):.1f}" '
                     f'fill="{colour}" fill-opacity="0.7" stroke="#333" stroke-width="0.5">'
                     f"<title>{escape(title)}</title></circle>")
    for j, name in enumerate(categories):
        parts.append(f'<rect x="{8 + (j % 4) * LEGEND_ITEM_WIDTH}" y="{8 + (j // 4) * 16}" width="10" height="10" '
                     f'fill="{PALETTE[j % len(PALETTE)]}"/><text x="{22 + (j % 4) * LEGEND_ITEM_WIDTH}" '
                     f'y="{17 + (j // 4) * 16}" class="legend">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)
