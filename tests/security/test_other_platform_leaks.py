"""What NE keeps to itself never reaches a user of another platform, by any path.

The record kept to NE (`world.SECRET` in its title and person) is looked for by ML's officer,
supervisor and analyst through every way in: guessed addresses, API filters, search and
screening, dashboards and their exports, record exports, the exchange's files, the network around
a person ML may read, and federation. Each path must answer as if the record did not exist.
"""

import json

import pytest

from pcms.federation import keys, outbox
from pcms.federation.models import OutboxChange
from tests.security.world import OTHER, SECRET, SECRET_PERSON, Principal, World

SECRET_NAME = SECRET_PERSON["name"][0].split()[0]  # looked for; the searches use SECRET
READERS = [Principal(role, OTHER) for role in ("officer", "supervisor", "analyst")]
pytestmark = [pytest.mark.django_db, pytest.mark.heavy]


def _text(response) -> str:
    return response.content.decode(errors="replace")


def _assert_hidden(world: World, response, *, status=None, ids: bool = True) -> None:
    """Nothing of the kept record in the answer: not its person's name, its reference, or (unless
    the address itself names them, as a not-found page repeats it) its identifiers."""
    if status is not None:
        assert response.status_code == status, (response.status_code, response.content[:300])
    body = _text(response)
    assert SECRET_NAME not in body
    assert world.get("report", "own").reference not in body
    if ids:
        for record in (world.get("report", "own"), world.get("entity", "own")):
            assert str(record.pk) not in body


@pytest.mark.parametrize("reader", READERS, ids=str)
def test_guessed_addresses_answer_not_found(world, reader):
    report, entity = world.get("report", "own"), world.get("entity", "own")
    attachment, version = world.get("attachment", "own"), world.get("version", "own")
    client = world.client(reader)
    for url in (f"/records/reports/{report.pk}/", f"/records/reports/{report.pk}/edit/",
                f"/records/reports/{report.pk}/versions/{version.version}/",
                f"/records/attachments/{attachment.pk}/", f"/records/entities/{entity.pk}/",
                f"/records/entities/{entity.pk}/edit/", f"/analysis/network/{entity.pk}/",
                f"/analysis/network/{entity.pk}/data/", f"/analysis/network/{entity.pk}/ftm/",
                f"/analysis/timeline/{entity.pk}/",
                f"/exchange/files/{world.get('file', 'own').pk}/"):
        _assert_hidden(world, client.get(url), status=404, ids=False)
    api = world.api_headers(reader)
    for url in (f"/api/v1/records/reports/{report.pk}", f"/api/v1/records/entities/{entity.pk}",
                f"/api/v1/analysis/network/{entity.pk}"):
        _assert_hidden(world, client.get(url, **api), status=404, ids=False)


@pytest.mark.parametrize("reader", READERS, ids=str)
def test_lists_filters_and_search_leave_it_out(world, reader):
    client, api = world.client(reader), world.api_headers(reader)
    shared = world.get("report", "all")
    found = client.get("/records/reports/", {"owner": "NE"})
    assert shared.reference in _text(found)  # the lists do work: NE's shared report is there
    _assert_hidden(world, found)
    for url, query in (("/records/reports/", {"q": SECRET}), ("/records/entities/", {"q": SECRET}),
                       ("/records/entities/", {"owner": "NE"}), ("/records/search/", {"q": SECRET}),
                       ("/records/search/", {"q": "Zongo"})):
        _assert_hidden(world, client.get(url, query, HTTP_HX_REQUEST="true"))
        _assert_hidden(world, client.get(url, query))
    for url, query in (("/api/v1/records/reports", {"owner": "NE"}),
                       ("/api/v1/records/reports", {"q": SECRET}),
                       ("/api/v1/records/reports", {"status": "validated", "limit": 500}),
                       ("/api/v1/records/entities", {"q": SECRET}),
                       ("/api/v1/records/entities", {"owner": "NE", "schema": "Person"})):
        response = client.get(url, query, **api)
        assert response.status_code == 200, (url, response.content[:300])
        _assert_hidden(world, response)


@pytest.mark.parametrize("reader", [r for r in READERS if r.role != "supervisor"] +
                         [Principal("supervisor", OTHER)], ids=str)
def test_screening_names_no_record_it_may_not_read(world, reader):
    client, api = world.client(reader), world.api_headers(reader)
    query = {"schema": "Person", "properties": {"name": ["Amidou Zongo Tillakaina"],
                                                "birthDate": ["1979-03-14"]},
             "purpose": "terrorism-investigation", "reason": "Contrôle à la frontière."}
    response = client.post("/api/v1/screen", json.dumps(query), content_type="application/json",
                           **api)
    assert response.status_code in (200, 201), response.content[:300]
    _assert_hidden(world, response)
    page = client.get("/screening/", {"name": "Amidou Zongo Tillakaina", "purpose": "terrorism-investigation",
                                      "reason": "Contrôle"})
    _assert_hidden(world, page)
    for url in ("/screening/hits/", "/exchange/hits/"):
        _assert_hidden(world, client.get(url))
    _assert_hidden(world, client.get("/api/v1/exchange/hits", **api))


@pytest.mark.parametrize("reader", READERS, ids=str)
def test_dashboards_maps_and_their_exports_count_only_what_it_reads(world, reader):
    client, api = world.client(reader), world.api_headers(reader)
    for url in ("/analysis/", "/analysis/map/data/", "/analysis/export/by_category.csv",
                "/analysis/export/by_country.xlsx", "/exchange/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_hidden(world, response)
    board = client.get("/api/v1/analysis/dashboard", **api)
    _assert_hidden(world, board)
    home = client.get("/api/v1/analysis/dashboard", **world.api_headers(Principal(reader.role, "NE")))
    assert board.json() != home.json()  # NE's users count the report it keeps; ML's do not


@pytest.mark.parametrize("reader", READERS, ids=str)
def test_exports_refuse_or_leave_it_out(world, reader):
    client, api = world.client(reader), world.api_headers(reader)
    report, entity = world.get("report", "own"), world.get("entity", "own")
    for fmt in ("csv", "ftm", "stix"):
        for query in ({"report": str(report.pk)}, {"reference": report.reference},
                      {"entity": str(entity.pk)},
                      {"report": [str(report.pk), str(world.get("report", "all").pk)]}):
            response = client.get("/api/v1/exports", {"format": fmt, **query}, **api)
            assert response.status_code in (200, 400, 403, 404, 422), response.content[:300]
            _assert_hidden(world, response)
    page = client.post("/imports/export/", {"format": "csv", "reports": str(report.pk),
                                            "records": report.reference})
    _assert_hidden(world, page)


@pytest.mark.parametrize("reader", READERS, ids=str)
def test_network_around_a_shared_person_stops_at_what_it_reads(world, reader):
    client = world.client(reader)
    shared = world.get("entity", "all")
    for url in (f"/analysis/network/{shared.pk}/data/", f"/analysis/network/{shared.pk}/ftm/",
                f"/analysis/network/{shared.pk}/data/?depth=3", f"/records/entities/{shared.pk}/",
                f"/analysis/timeline/{shared.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_hidden(world, response)
        assert str(world.get("hidden_link").pk) not in _text(response)
    home = world.client(Principal(reader.role, "NE")).get(f"/analysis/network/{shared.pk}/data/")
    assert str(world.get("entity", "own").pk) in _text(home)  # NE's users do see the link


def test_a_record_kept_to_its_owner_never_enters_the_outbox(world, settings):
    keys.local_identity.cache_clear()
    keys.init("http://testserver")
    try:
        kept = [world.get("report", "own"), world.get("entity", "own"), world.get("hidden_link")]
        for record in kept:
            assert outbox.publish(record, force=True) == []
        outbox.reconcile()
        assert outbox.publish(world.get("report", "all"), force=True)  # shared ones do travel
        held = set(OutboxChange.objects.values_list("record_id", flat=True))
        assert not held & {str(record.pk) for record in kept}
        assert not any(SECRET.encode() in bytes(change.body)
                       for change in OutboxChange.objects.all())
    finally:
        keys.local_identity.cache_clear()
