"""Reports placed on the map: one marker per report, or one dot per place with its count."""

from django.db.models import Count, QuerySet
from django.urls import reverse

from pcms.analysis import geo

MAX_MARKERS = 2000
MAX_PLACES = 500


def _point(cache: dict, place: str, country: str | None, region: str | None) -> geo.Point | None:
    key = (place, country, region)
    if key not in cache:
        cache[key] = geo.geocode(place, country, region)
    return cache[key]


def report_markers(queryset: QuerySet, limit: int = MAX_MARKERS) -> list[dict]:
    """The most recent `limit` reports of `queryset` that can be placed."""
    rows = (queryset.order_by("-facts_date", "-created_at")
            .values("id", "reference", "title", "facts_date", "category", "place", "country_id",
                    "region_id")[:limit])
    cache: dict = {}
    markers = []
    for row in rows:
        point = _point(cache, row["place"], row["country_id"], row["region_id"])
        if point is None:
            continue
        markers.append({
            "id": str(row["id"]), "reference": row["reference"], "title": row["title"],
            "date": row["facts_date"].isoformat() if row["facts_date"] else "",
            "category": row["category"], "lat": point.latitude, "lon": point.longitude,
            "precision": point.precision,
            "url": reverse("records:report_detail", args=[row["id"]]),
        })
    return markers


def place_counts(queryset: QuerySet, limit: int = MAX_PLACES) -> list[tuple[float, float, int]]:
    """(latitude, longitude, reports) for the most frequent places of `queryset`."""
    groups = (queryset.order_by().values_list("place", "country_id", "region_id")
              .annotate(count=Count("pk")).order_by("-count")[:limit])
    cache: dict = {}
    totals: dict[tuple[float, float], int] = {}
    for place, country, region, count in groups:
        point = _point(cache, place, country, region)
        if point is not None:
            key = (point.latitude, point.longitude)
            totals[key] = totals.get(key, 0) + count
    return [(lat, lon, count) for (lat, lon), count in totals.items()]
