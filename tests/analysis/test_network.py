"""The network view shows only what the user may read, step by step, and exports it."""

import json

from pcms.analysis import network
from pcms.audit.models import AuditEntry
from pcms.records.models import Entity
from tests.conftest import sign_in


def captions(graph) -> set[str]:
    return {node["label"] for node in graph.nodes.values()}


def test_ego_network_holds_persons_vehicles_and_reports(sahel, regional_analyst):
    graph = network.ego(sahel.hub, regional_analyst)
    kinds = [node["schema"] for node in graph.nodes.values()]
    assert kinds.count("Person") == 8 and kinds.count("Vehicle") == 1 and kinds.count("Report") == 8
    assert {edge["label"] for edge in graph.edges.values()} == {"Associate", "Ownership", "suspect"}
    assert all(edge["source"] in graph.nodes and edge["target"] in graph.nodes
               for edge in graph.edges.values())


def test_records_kept_at_home_stay_out_of_other_platforms_networks(sahel, regional_analyst):
    ne_officer = sahel.users["NE"][0]
    ml_officer = sahel.users["ML"][0]
    assert "Personne fictive gardée" in captions(network.ego(sahel.hub, ne_officer))
    for user in (regional_analyst, ml_officer):
        graph = network.ego(sahel.hub, user, depth=3)
        assert "Personne fictive gardée" not in captions(graph)
        assert f"report:{sahel.home_report.pk}" not in graph.nodes
        hidden = str(sahel.home_person.pk)
        assert all(hidden not in (edge["source"], edge["target"]) for edge in graph.edges.values())
        assert network.around(hidden, user) is None


def test_a_second_step_reaches_the_vehicles_of_associates(sahel, regional_analyst):
    one = network.ego(sahel.hub, regional_analyst, depth=1)
    two = network.ego(sahel.hub, regional_analyst, depth=2)
    vehicles = [n for n in two.nodes.values() if n["schema"] == "Vehicle"]
    assert len(vehicles) == 8 and len(two.nodes) > len(one.nodes)


def test_a_graph_larger_than_the_limit_is_cut_and_says_so(sahel, regional_analyst):
    graph = network.ego(sahel.hub, regional_analyst, limit=5)
    assert graph.truncated and len(graph.nodes) == 5


def test_pages_expand_a_node_and_export_ftm_and_png(client, sahel, regional_analyst):
    sign_in(client, regional_analyst)
    url = f"/analysis/network/{sahel.hub.pk}/"
    assert client.get(url).status_code == 200
    data = client.get(url + "data/").json()
    associate = next(n for n in data["nodes"] if n["schema"] == "Person" and not n.get("root"))
    expanded = client.get(url + "data/", {"node": associate["id"]}).json()
    assert any(n["schema"] == "Vehicle" for n in expanded["nodes"])
    assert client.get(url + "data/", {"node": str(sahel.home_person.pk)}).status_code == 404
    assert client.get(url + "data/", {"node": "not-an-id"}).status_code == 404

    response = client.get(url + "ftm/", {"expanded": associate["id"]})
    lines = [json.loads(line) for line in response.content.decode().splitlines()]
    schemata = {line["schema"] for line in lines}
    assert {"Person", "Vehicle", "Associate", "Ownership"} <= schemata
    assert str(sahel.home_person.pk) not in {line["id"] for line in lines}
    relation = next(line for line in lines if line["schema"] == "Associate")
    assert relation["properties"]["person"] == [str(sahel.hub.pk)]

    assert client.post(url + "png/").status_code == 204
    formats = set(AuditEntry.objects.filter(action="export", object_id=str(sahel.hub.pk))
                  .values_list("detail__format", flat=True))
    assert formats == {"ftm", "png"}


def test_an_entity_the_user_may_not_read_has_no_network(client, sahel, regional_analyst):
    sign_in(client, regional_analyst)
    hidden = Entity.objects.get(pk=sahel.home_person.pk)
    for suffix in ("", "data/", "ftm/"):
        assert client.get(f"/analysis/network/{hidden.pk}/{suffix}").status_code == 404
    assert client.get(f"/analysis/timeline/{hidden.pk}/").status_code == 404
