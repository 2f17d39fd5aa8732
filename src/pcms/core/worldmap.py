"""A choropleth of countries as an SVG string, drawn on the server for PDF documents.

The browser draws the same map with static/pcms/countrymap.js; a PDF has no script, so this module
reads the vendored world atlas (Natural Earth 1:110m, TopoJSON with ISO 3166-1 numeric ids) and
writes the SVG itself, with the same colours and an equirectangular projection.
"""

import json
from functools import cache
from pathlib import Path

import pycountry
from django.utils.html import escape

ATLAS = Path(__file__).parent / "static" / "vendor" / "world-atlas" / "countries-110m.json"
PALETTE = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
EMPTY = "#e9ecef"


@cache
def _countries() -> list[tuple[str, str, list[list[tuple[float, float]]]]]:
    """(numeric id, English name, rings of (longitude, latitude)) for every country of the atlas."""
    topology = json.loads(ATLAS.read_text())
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)

    def ring(indices: list[int]) -> list[tuple[float, float]]:
        points: list[tuple[float, float]] = []
        for index in indices:
            arc = arcs[index] if index >= 0 else arcs[~index][::-1]
            points.extend(arc[1:] if points else arc)
        return points

    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        polygons = {"Polygon": [geometry.get("arcs", [])],
                    "MultiPolygon": geometry.get("arcs", [])}.get(geometry.get("type"), [])
        rings = [ring(indices) for polygon in polygons for indices in polygon]
        countries.append((geometry.get("id", ""), geometry["properties"]["name"], rings))
    return countries


def numeric_code(code: str) -> str | None:
    """ISO 3166-1 numeric code of an alpha-2 or numeric code."""
    if code.isdigit():
        return code.zfill(3)
    country = pycountry.countries.get(alpha_2=code.upper())
    return country.numeric if country else None


def bands(maximum: int) -> list[tuple[int, int, str]]:
    step = max(1, -(-maximum // len(PALETTE)))
    result = []
    for index, colour in enumerate(PALETTE):
        low = index * step + 1
        if low > max(maximum, 1):
            break
        high = maximum if index == len(PALETTE) - 1 else (index + 1) * step
        result.append((low, high, colour))
    return result


def choropleth_svg(values: dict[str, int], *, bounds=(-180, -60, 180, 85), width_mm: int = 170) -> str:
    """An SVG map where each country is coloured by its value ({alpha-2 or numeric: value})."""
    numeric: dict[str, int] = {}
    for code, value in values.items():
        key = numeric_code(code)
        if key:
            numeric[key] = numeric.get(key, 0) + int(value)
    legend = bands(max(numeric.values(), default=0))
    west, south, east, north = bounds
    paths = []
    for country_id, name, rings in _countries():
        value = numeric.get(country_id, 0)
        colour = next((c for low, high, c in legend if value <= high), legend[-1][2]) if value else EMPTY
        d = "".join("M" + "L".join(f"{x:.2f},{-y:.2f}" for x, y in points) + "Z"
                    for points in rings if points)
        if d:
            paths.append(f'<path d="{d}" fill="{colour}" stroke="#fff" stroke-width="0.15">'
                         f"<title>{escape(name)}{': ' + str(value) if value else ''}</title></path>")
    height_mm = round(width_mm * (north - south) / (east - west))
    unit = (east - west) / 100  # legend sizes scale with the area shown
    keys = "".join(
        f'<rect x="{west + unit * (2 + i * 16):.2f}" y="{-south - unit * 5:.2f}" width="{unit * 2.4:.2f}" '
        f'height="{unit * 2.4:.2f}" fill="{colour}" stroke="#999" stroke-width="{unit * .1:.2f}"/>'
        f'<text x="{west + unit * (5.2 + i * 16):.2f}" y="{-south - unit * 3:.2f}" '
        f'font-size="{unit * 2.2:.2f}" fill="#333">{low if low == high else f"{low}–{high}"}</text>'
        for i, (low, high, colour) in enumerate(legend))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{west} {-north} {east - west} '
            f'{north - south}" width="{width_mm}mm" height="{height_mm}mm" direction="ltr">'
            f'<rect x="{west}" y="{-north}" width="{east - west}" height="{north - south}" '
            f'fill="#f8fbff"/>{"".join(paths)}{keys}</svg>')
