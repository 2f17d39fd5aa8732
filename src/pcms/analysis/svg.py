"""Charts and the map as SVG strings, drawn on the server for bulletin PDFs and previews.

WeasyPrint runs no JavaScript, so the Chart.js charts and the Leaflet map of the pages are drawn
again here from the same figures: bars (horizontal, or stacked over time) and a choropleth of the
member states' regions with a dot per place. Same palette as static/pcms/charts.js; right to left,
labels move to the right and bars grow leftwards.
"""

import math

from django.utils.html import escape

from pcms.analysis import geo
from pcms.core.worldmap import EMPTY, bands

PALETTE = ("#0d6efd", "#198754", "#fd7e14", "#6f42c1", "#d63384", "#20c997", "#ffc107",
           "#0dcaf0", "#6c757d", "#dc3545", "#6610f2", "#adb5bd")
FONT = 'font-family="Noto Sans, Noto Naskh Arabic, sans-serif"'


def _svg(width: int, height: int, body: str, label: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{escape(label)}" {FONT}>'
            f"{body}</svg>")


def _text(x: float, y: float, text: object, *, anchor: str = "start", size: float = 11,
          colour: str = "#1b1f24", weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" fill="{colour}" '
            f'text-anchor="{anchor}" font-weight="{weight}">{escape(str(text))}</text>')


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** int(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def horizontal_bars(spec: dict, *, rtl: bool = False, width: int = 640, label: str = "") -> str:
    """One bar per label, longest first, value at the bar's end."""
    labels, values = spec["labels"], spec["datasets"][0]["data"] if spec["datasets"] else []
    row, top = 22, 6
    height = top * 2 + row * max(len(labels), 1)
    label_width = 200
    chart = width - label_width - 50
    top_value = _nice_max(max(values, default=0))
    parts = []
    for index, (name, value) in enumerate(zip(labels, values, strict=False)):
        y = top + index * row
        length = chart * value / top_value
        if rtl:
            parts.append(_text(width - 4, y + 15, name, anchor="end"))
            x = width - label_width - length
            parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                         f'fill="{PALETTE[0]}"/>')
            parts.append(_text(x - 4, y + 15, value, anchor="end", colour="#495057"))
        else:
            parts.append(_text(4, y + 15, name))
            parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
                         f'fill="{PALETTE[0]}"/>')
            parts.append(_text(label_width + length + 4, y + 15, value, colour="#495057"))
    return _svg(width, height, "".join(parts), label)


def stacked_columns(spec: dict, *, rtl: bool = False, width: int = 640, height: int = 260,
                    label: str = "") -> str:
    """One column per period, stacked by series, with a legend underneath."""
    labels, datasets = spec["labels"], spec["datasets"]
    legend_rows = math.ceil(len(datasets) / 3)
    left, right, top, bottom = 40, 10, 10, 40 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(ds["data"][i] for ds in datasets) for i in range(len(labels))]
    top_value = _nice_max(max(totals, default=0))
    parts = []
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#dee2e6" stroke-width="0.7"/>')
        axis_x = left + plot_w + 4 if rtl else left - 4
        parts.append(_text(axis_x, y + 4, f"{value:g}", anchor="start" if rtl else "end", size=9,
                           colour="#6c757d"))
    slot = plot_w / max(len(labels), 1)
    every = max(1, math.ceil(len(labels) / 12))
    for index, name in enumerate(labels):
        position = len(labels) - 1 - index if rtl else index
        x = left + position * slot + slot * 0.15
        y = top + plot_h
        for series, dataset in enumerate(datasets):
            value = dataset["data"][index]
            if not value:
                continue
            h = plot_h * value / top_value
            y -= h
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                         f'fill="{PALETTE[series % len(PALETTE)]}"/>')
        if index % every == 0:
            parts.append(_text(x + slot * 0.35, top + plot_h + 14, name, anchor="middle", size=9))
    for series, dataset in enumerate(datasets):
        column, line = series % 3, series // 3
        x = (width - 10 - (column + 1) * plot_w / 3 + 14) if rtl else left + column * plot_w / 3
        y = top + plot_h + 26 + line * 18
        swatch_x = x + plot_w / 3 - 24 if rtl else x
        parts.append(f'<rect x="{swatch_x:.1f}" y="{y}" width="10" height="10" '
                     f'fill="{PALETTE[series % len(PALETTE)]}"/>')
        if rtl:
            parts.append(_text(swatch_x - 4, y + 9, dataset["label"], anchor="end", size=9))
        else:
            parts.append(_text(x + 14, y + 9, dataset["label"], size=9))
    return _svg(width, height, "".join(parts), label)


def _path(geometry: dict, project) -> str:
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    d = []
    for polygon in polygons:
        for ring in polygon:
            d.append("M" + "L".join("{:.1f},{:.1f}".format(*project(lon, lat)) for lon, lat in ring) + "Z")
    return "".join(d)


def region_map(region_counts: dict[str, int], places: list[tuple[float, float, int]], *,
               width: int = 640, label: str = "", legend_label: str = "") -> str:
    """The member states' regions coloured by count, with a dot per place sized by its count."""
    west, south, east, north = geo.BOUNDS
    scale = width / (east - west)
    height = round((north - south) * scale) + 24

    def project(lon: float, lat: float) -> tuple[float, float]:
        return (lon - west) * scale, (north - lat) * scale

    values = geo.region_values(region_counts)
    legend = bands(max(values.values(), default=0))
    parts = [f'<rect width="{width}" height="{height}" fill="#f8fbff"/>']
    for feature in geo.region_features():
        value = values.get(feature["properties"]["code"], 0)
        colour = next((c for low, high, c in legend if value <= high), legend[-1][2]) if value else EMPTY
        parts.append(f'<path d="{_path(feature["geometry"], project)}" fill="{colour}" '
                     f'stroke="#ffffff" stroke-width="0.8"/>')
    for feature in geo.country_features():
        parts.append(f'<path d="{_path(feature["geometry"], project)}" fill="none" '
                     f'stroke="#495057" stroke-width="1.2"/>')
    biggest = max((count for _lat, _lon, count in places), default=1)
    for latitude, longitude, count in sorted(places, key=lambda p: -p[2]):
        x, y = project(longitude, latitude)
        radius = 2.5 + 7 * math.sqrt(count / biggest)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="#dc3545" '
                     f'fill-opacity="0.75" stroke="#ffffff" stroke-width="0.8"/>')
    y = height - 8
    parts.append(_text(6, y, legend_label, size=10, weight="bold"))
    for index, (low, high, colour) in enumerate(legend):
        x = 150 + index * 80
        parts.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        parts.append(_text(x + 16, y, low if low == high else f"{low}–{high}", size=10))
    return _svg(width, height, "".join(parts), label)
