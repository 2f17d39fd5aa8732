"""Where reports happened: the bundled gazetteer, region centroids and boundaries.

Nothing is fetched: towns come from `data/towns.csv` (GeoNames), region centroids from
`data/region_centroids.json`, region and country boundaries from `static/analysis/*.geojson`
(Natural Earth); `data/README.md` says where each comes from. A report is placed at the town its
`place` names, when the gazetteer knows it; otherwise at the centroid of its region; otherwise at
the centroid of its country; otherwise nowhere.
"""

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pcms.reference.models import Region

HERE = Path(__file__).parent
TOWNS = HERE / "data" / "towns.csv"
CENTROIDS = HERE / "data" / "region_centroids.json"
REGIONS_GEOJSON = HERE / "static" / "analysis" / "regions.geojson"
COUNTRIES_GEOJSON = HERE / "static" / "analysis" / "countries.geojson"
# West, south, east, north of the five member states, with a margin (degrees).
BOUNDS = (-17.5, 9.0, 24.5, 27.5)


class Precision:
    TOWN = "town"
    REGION = "region"
    COUNTRY = "country"


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float
    precision: str
    region: str = ""


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by one space: 'Tillabéri' and 'TILLABERI' agree."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", plain.replace("'", " ")))


@cache
def towns() -> dict[str, dict[str, Point]]:
    """Country code -> normalised town name -> point."""
    index: dict[str, dict[str, Point]] = {}
    with TOWNS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            point = Point(float(row["latitude"]), float(row["longitude"]), Precision.TOWN,
                          row["region"])
            names = [row["name"], *filter(None, row["alternate_names"].split("|"))]
            for name in names:
                index.setdefault(row["country"], {}).setdefault(normalise(name), point)
    return index


@cache
def region_centroids() -> dict[str, tuple[float, float]]:
    return {code: tuple(value) for code, value in json.loads(CENTROIDS.read_text()).items()}


@cache
def country_centroids() -> dict[str, tuple[float, float]]:
    """The mean of each country's region centroids: a point inside every member state."""
    sums: dict[str, list[float]] = {}
    for code, (latitude, longitude) in region_centroids().items():
        total = sums.setdefault(code.split("-")[0], [0.0, 0.0, 0])
        total[0] += latitude
        total[1] += longitude
        total[2] += 1
    return {code: (lat / n, lon / n) for code, (lat, lon, n) in sums.items()}


@cache
def _region_names() -> dict[str, dict[str, str]]:
    """Country code -> normalised region name (French, English, Arabic) -> region code."""
    index: dict[str, dict[str, str]] = {}
    for region in Region.objects.all():
        for name in (region.name_fr, region.name_en, region.name_ar):
            if name:
                index.setdefault(region.country_id, {})[normalise(name)] = region.code
    return index


def geocode(place: str, country: str | None = None, region: str | None = None) -> Point | None:
    """The point of a report's place: a known town, else its region, else its country."""
    known = towns()
    countries = [country] if country else list(known)
    for part in [place, *place.split(",")] if place else []:
        name = normalise(part)
        if not name:
            continue
        for code in countries:
            if name in known.get(code, {}):
                return known[code][name]
        for code in countries:
            region_code = _region_names().get(code or "", {}).get(name)
            if region_code and region_code in region_centroids():
                latitude, longitude = region_centroids()[region_code]
                return Point(latitude, longitude, Precision.REGION, region_code)
    if region and region in region_centroids():
        latitude, longitude = region_centroids()[region]
        return Point(latitude, longitude, Precision.REGION, region)
    if country and country in country_centroids():
        latitude, longitude = country_centroids()[country]
        return Point(latitude, longitude, Precision.COUNTRY)
    return None


@cache
def region_features() -> list[dict]:
    return json.loads(REGIONS_GEOJSON.read_text())["features"]


@cache
def country_features() -> list[dict]:
    return json.loads(COUNTRIES_GEOJSON.read_text())["features"]


def region_values(counts: dict[str, int]) -> dict[str, int]:
    """Counts per ISO region code summed onto the boundary polygons (some cover several codes)."""
    values: dict[str, int] = {}
    for feature in region_features():
        properties = feature["properties"]
        values[properties["code"]] = sum(counts.get(code, 0) for code in properties["codes"].split(","))
    return values
