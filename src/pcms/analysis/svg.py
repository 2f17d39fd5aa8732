"""Charts and the map as SVG strings, drawn on the server for bulletin PDFs and previews.

WeasyPrint runs no JavaScript, so the Chart.js charts and the Leaflet map of the pages are drawn
again here from the same figures: bars (horizontal, or stacked over time) and a choropleth of the
member states' regions with a dot per place. Same palette as static/pcms/charts.js. WeasyPrint
does not shape Arabic inside SVG, so every word is HTML around the drawing (bar labels, legends)
and the SVG itself holds only digits; right to left, columns run from the right.
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


def _swatch(colour: str) -> str:
    return (f'<svg class="swatch" width="10" height="10" viewBox="0 0 10 10">'
            f'<rect width="10" height="10" fill="{colour}"/></svg>')


def _legend(items: list[tuple[str, object]]) -> str:
    """A legend in HTML, where the text is shaped (Arabic included) by the page, not by SVG."""
    return ('<ul class="chart-legend">' + "".join(
        f"<li>{_swatch(colour)} {escape(str(text))}</li>" for colour, text in items) + "</ul>")


def horizontal_bars(spec: dict, *, label: str = "", width: int = 280) -> str:
    """One row per label: the label, a bar, the value. An HTML table, so labels are shaped and
    follow the page's direction; each bar is a small SVG that grows from the label side."""
    labels = spec["labels"]
    values = spec["datasets"][0]["data"] if spec["datasets"] else []
    top_value = _nice_max(max(values, default=0))
    rows = []
    for name, value in zip(labels, values, strict=False):
        length = max(round(width * value / top_value, 1), 1)
        rows.append(f'<tr><td class="bar-label">{escape(str(name))}</td><td class="bar-cell">'
                    f'<svg width="{length}" height="12" viewBox="0 0 {length} 12">'
                    f'<rect width="{length}" height="12" fill="{PALETTE[0]}"/></svg> '
                    f'<span class="bar-value">{value}</span></td></tr>')
    return (f'<table class="bar-chart" aria-label="{escape(label)}"><tbody>{"".join(rows)}'
            f"</tbody></table>")


def stacked_columns(spec: dict, *, rtl: bool = False, width: int = 640, height: int = 220,
                    label: str = "") -> str:
    """One column per period, stacked by series; the axis labels are digits (no shaping needed)
    and the legend is HTML underneath."""
    labels, datasets = spec["labels"], spec["datasets"]
    left, right, top, bottom = (10, 40, 10, 24) if rtl else (40, 10, 10, 24)
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
    legend = _legend([(PALETTE[i % len(PALETTE)], ds["label"]) for i, ds in enumerate(datasets)])
    return _svg(width, height, "".join(parts), label) + legend


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
    height = round((north - south) * scale)

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
    keys = [(colour, low if low == high else f"{low}–{high}") for low, high, colour in legend]
    return (_svg(width, height, "".join(parts), label)
            + f'<div class="chart-legend-title">{escape(legend_label)}</div>' + _legend(keys))
