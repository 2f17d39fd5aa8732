"""Real nodes over real HTTP on loopback, through proxies that drop, delay, duplicate and cut.

Three nodes (the regional hub RG, and ML and NE, which reach each other only through RG) enter
records with every handling, correct and erase some, while every connection between them may
fail. Once the faults stop, every node must hold exactly what its owner addressed to it: nothing
missing, nothing extra, nothing twice, retractions applied; and again after a node is killed
with SIGKILL in the middle of synchronising and restarted.
"""

import os
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.federation.netkit import Node, migrated_template

pytestmark = [
    pytest.mark.network,
    # The nodes run on SQLite whatever the suite's database: once per `make test` is enough.
    pytest.mark.skipif(os.environ.get("PCMS_TEST_EXPECT_DB") == "postgresql",
                       reason="the network suite runs with the SQLite pass"),
]
CODES = ("RG", "ML", "NE")
CONVERGE_SECONDS = 150


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    template = migrated_template(tmp_path_factory.mktemp("template"))
    base = tmp_path_factory.mktemp("network")
    with ThreadPoolExecutor(3) as pool:
        made = list(pool.map(lambda pair: Node(pair[1], base, template, seed=pair[0]),
                             enumerate(CODES)))
    network = {node.code: node for node in made}
    rg, ml, ne = network["RG"], network["ML"], network["NE"]
    plans = {
        rg: [("ML", ml.key, ml.url, ""), ("NE", ne.key, ne.url, "")],
        ml: [("RG", rg.key, rg.url, ""), ("NE", ne.key, "", "RG")],
        ne: [("RG", rg.key, rg.url, ""), ("ML", ml.key, "", "RG")],
    }

    def peer(node):
        calls = "; ".join(f"scenario.peer({c!r}, {k!r}, {u!r}, {v!r})" for c, k, u, v in plans[node])
        node.pcms("shell", "-c", f"from tests.federation import scenario; {calls}")
        node.start()

    with ThreadPoolExecutor(3) as pool:
        list(pool.map(peer, made))
    yield network
    for node in made:
        node.stop()


def faults(network, on: bool) -> None:
    for node in network.values():
        node.proxy.faulty = on


def expected(network) -> dict[str, tuple[set, set, set]]:
    """What each node must hold: its own records, and validated ones addressed to it."""
    holdings = {code: (set(), set(), set()) for code in network}
    for owner in network.values():
        reports = owner.query(
            "SELECT r.id, r.dissemination, r.status FROM records_report r "
            "JOIN reference_platform p ON p.id = r.owner_id WHERE p.code = ?", owner.code)
        named = {}
        for report_id, code in owner.query(
                "SELECT x.report_id, p.code FROM records_report_recipients x "
                "JOIN reference_platform p ON p.id = x.platform_id"):
            named.setdefault(report_id, set()).add(code)
        entities = owner.query("SELECT id, origin_id FROM records_entity")
        mentions = owner.query("SELECT report_id, entity_id, role FROM records_mention")
        for report_id, dissemination, status in reports:
            audience = {owner.code}
            if status == "validated":
                audience |= {"all": set(network) - {owner.code}, "regional": {"RG"},
                             "named": named.get(report_id, set()), "own": set()}[dissemination]
            for code in audience & set(network):
                holdings[code][0].add(report_id)
                holdings[code][1].update(e for e, origin in entities if origin == report_id)
                holdings[code][2].update(m for m in mentions if m[0] == report_id)
    return holdings


def actual(node) -> tuple[set, set, set]:
    return (
        {row[0] for row in node.query("SELECT id FROM records_report")},
        {row[0] for row in node.query("SELECT id FROM records_entity")},
        set(node.query("SELECT report_id, entity_id, role FROM records_mention")),
    )


def assert_converges(network) -> None:
    deadline = time.monotonic() + CONVERGE_SECONDS
    while True:
        wanted = expected(network)
        held = {code: actual(node) for code, node in network.items()}
        if held == wanted or time.monotonic() > deadline:
            break
        time.sleep(1)
    for code in network:
        for index, kind in enumerate(("reports", "entities", "mentions")):
            missing = wanted[code][index] - held[code][index]
            extra = held[code][index] - wanted[code][index]
            assert not missing and not extra, f"{code} {kind}: {len(missing)} missing, {len(extra)} extra"
    for node in network.values():
        links = node.query("SELECT via_id, source_id, target_id, COUNT(*) FROM records_link "
                           "GROUP BY via_id, source_id, target_id HAVING COUNT(*) > 1")
        assert links == [], f"{node.code} holds duplicated links"


def both(first, second):
    """Play steps at two nodes at once, as their officers would."""
    with ThreadPoolExecutor(2) as pool:
        return [future.result() for future in (pool.submit(*first), pool.submit(*second))]


def test_records_converge_through_dropped_delayed_duplicated_and_cut_connections(nodes):
    rg, ml, ne = nodes["RG"], nodes["ML"], nodes["NE"]
    faults(nodes, True)
    [shared, *_rest], _ = both(
        (ml.play, "create(6, 'all')", "create(3, 'regional', start=10)",
         "create(3, 'named', ['NE'], start=20)", "create(2, 'own', start=30)",
         "create(2, 'all', validate=False, start=40)"),
        (ne.play, "create(5, 'all')", "create(3, 'named', ['ML'], start=10)"))
    time.sleep(3)
    ml.play(f"correct({shared[0]!r}, 'named', ['NE'])",
            f"correct({shared[1]!r}, 'all', revalidate=False)", f"erase({shared[2]!r})")
    time.sleep(4)
    faults(nodes, False)
    assert_converges(nodes)
    assert sum(node.proxy.counts["cut"] for node in nodes.values()) > 0
    assert sum(node.proxy.counts["duplicate"] for node in nodes.values()) > 0
    narrowed, withdrawn, erased = (uuid.UUID(i).hex for i in shared[:3])  # as SQLite stores them
    held_at_rg, held_at_ne = actual(rg)[0], actual(ne)[0]
    assert narrowed not in held_at_rg and withdrawn not in held_at_rg and erased not in held_at_rg
    assert narrowed in held_at_ne and withdrawn not in held_at_ne and erased not in held_at_ne


def test_a_node_killed_in_the_middle_of_a_sync_catches_up_after_restart(nodes):
    ml, ne = nodes["ML"], nodes["NE"]
    faults(nodes, True)
    both((ml.play, "create(12, 'all', start=100)"), (ne.play, "create(12, 'all', start=100)"))
    time.sleep(1.5)
    ne.kill()
    time.sleep(2)
    ne.start()
    time.sleep(2)
    nodes["RG"].kill()
    nodes["RG"].start()
    time.sleep(3)
    faults(nodes, False)
    assert_converges(nodes)


def wait_for(node, sql: str, *params) -> list[tuple]:
    deadline = time.monotonic() + CONVERGE_SECONDS
    while not (rows := node.query(sql, *params)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return rows


def test_a_message_reaches_its_recipient_through_the_hub_and_its_receipt_comes_back(nodes):
    rg, ml, ne = nodes["RG"], nodes["ML"], nodes["NE"]
    faults(nodes, True)
    [message_id] = ml.play("message('NE', 'Convoi signalé')")
    stored = uuid.UUID(message_id).hex
    assert wait_for(ne, "SELECT subject FROM exchange_message WHERE id = ?", stored) == [
        ("Convoi signalé",)]
    ne.play(f"acknowledge({message_id!r})")
    faults(nodes, False)
    receipt = wait_for(ml, "SELECT read_by_name, acknowledged_by_name FROM exchange_delivery "
                           "WHERE message_id = ? AND acknowledged_at IS NOT NULL", stored)
    assert receipt == [("author-ne", "author-ne")]
    assert rg.query("SELECT id FROM exchange_message WHERE id = ?", stored) == []
