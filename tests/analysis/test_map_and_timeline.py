"""Reports are placed from the bundled gazetteer; timelines follow the facts."""

import pytest

from pcms.analysis import geo, timeline
from tests.conftest import sign_in


@pytest.mark.django_db
def test_places_are_found_whatever_the_accents_and_case():
    ayorou = geo.geocode("AYOROU", "NE")
    assert ayorou.precision == geo.Precision.TOWN and ayorou.region == "NE-6"
    assert round(ayorou.latitude, 1) == 14.7
    assert geo.geocode("Tillaberi", "NE").precision == geo.Precision.TOWN
    assert geo.geocode("Près d'Ayorou, Tillabéri", "NE").region == "NE-6"


@pytest.mark.django_db
def test_unknown_places_fall_back_to_the_region_then_the_country():
    region = geo.geocode("Campement sans nom", "NE", "NE-2")
    assert region.precision == geo.Precision.REGION and region.region == "NE-2"
    assert geo.geocode("Sahel", "BF").precision == geo.Precision.REGION
    assert geo.geocode("", "TD").precision == geo.Precision.COUNTRY
    assert geo.geocode("", None) is None


def test_every_region_of_the_member_states_has_a_centroid_and_a_shape():
    shapes = {code for feature in geo.region_features()
              for code in feature["properties"]["codes"].split(",")}
    import pycountry

    codes = {r.code for c in ("MR", "ML", "BF", "NE", "TD")
             for r in pycountry.subdivisions.get(country_code=c) if r.parent_code is None}
    assert codes <= set(geo.region_centroids())
    assert codes - shapes == {"ML-9", "ML-10"}  # newer than Natural Earth's boundaries


def test_map_data_places_readable_reports_at_their_towns(client, sahel, regional_analyst):
    sign_in(client, regional_analyst)
    data = client.get("/analysis/map/data/").json()
    assert data["total"] == 24 and len(data["markers"]) == 24
    assert {m["precision"] for m in data["markers"]} == {"town"}
    dori = next(m for m in data["markers"] if m["title"].endswith("à Dori"))
    assert (round(dori["lat"], 1), round(dori["lon"], 1)) == (14.0, -0.0)
    assert dori["url"] == f"/records/reports/{dori['id']}/"
    assert data["regions"]["BF-12"] == 6
    assert str(sahel.home_report.pk) not in {m["id"] for m in data["markers"]}
    mali = client.get("/analysis/map/data/", {"country": "ML"}).json()
    assert mali["total"] == 8
    assert client.get("/analysis/map/").status_code == 200


def test_entity_timeline_lists_reports_and_relations_in_order(client, sahel, regional_analyst):
    events = timeline.entity_timeline(sahel.hub, regional_analyst)
    reports = [e for e in events if e.kind == "report"]
    assert len(reports) == 8
    assert [e.day for e in events] == sorted(e.day for e in events)
    assert len([e for e in events if e.kind == "relation"]) == 8
    assert all("Personne fictive gardée" not in e.title for e in events)
    home = timeline.entity_timeline(sahel.hub, sahel.users["NE"][0])
    assert any("Personne fictive gardée" in e.title for e in home)
    sign_in(client, regional_analyst)
    response = client.get(f"/analysis/timeline/{sahel.hub.pk}/")
    assert response.content.decode().count('data-event="report"') == 8


def test_reports_timeline_serves_a_case(sahel, regional_analyst):
    from pcms.records.models import Report

    events = timeline.reports_timeline(Report.objects.all(), regional_analyst)
    assert len(events) == 24 and events[0].day <= events[-1].day
