"""A deletion at the owner removes the record at every node that received it.

Three real nodes as processes (NE owns the record, ML and RG receive it), each with its own data
folder and database, exchanging signed, encrypted bundles as an administrator would carry them.
"""

import json
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.federation.netkit import Node, migrated_template

pytestmark = pytest.mark.network


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    template = migrated_template(tmp_path_factory.mktemp("template"))
    base = tmp_path_factory.mktemp("nodes")
    with ThreadPoolExecutor(3) as pool:
        nodes = list(pool.map(lambda pair: Node(pair[1], base, template, seed=pair[0]),
                              enumerate(("NE", "ML", "RG"))))
    ne, ml, rg = nodes
    plans = {ne: [("ML", ml.key), ("RG", rg.key)], ml: [("NE", ne.key)], rg: [("NE", ne.key)]}
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda node: play(node, "; ".join(
            f"steps.peer({code!r}, {key!r})" for code, key in plans[node])), nodes))
    yield ne, ml, rg, tmp_path_factory.mktemp("bundles")
    for node in nodes:
        node.stop()


def play(node: Node, calls: str):
    out = node.pcms("shell", "-c", f"from tests.dataprotection import steps; {calls}")
    lines = [line for line in out.splitlines() if line.startswith("[")]
    return json.loads(lines[-1]) if lines else None


def holds(node: Node, report_id: str, person_id: str) -> tuple[bool, bool]:
    return (bool(node.query("SELECT 1 FROM records_report WHERE id = ?", report_id.replace("-", ""))),
            bool(node.query("SELECT 1 FROM records_entity WHERE id = ?", person_id.replace("-", ""))))


def test_a_deletion_at_the_owner_removes_the_record_at_two_receiving_nodes(network):
    ne, ml, rg, folder = network
    report_id, person_id = play(ne, f"steps.create({str(folder)!r}, 'ML', 'RG')")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda node: play(node, f"steps.receive({str(folder)!r}, 'NE')"), (ml, rg)))
    assert holds(ml, report_id, person_id) == (True, True)
    assert holds(rg, report_id, person_id) == (True, True)

    play(ne, f"steps.erase({str(folder)!r}, {report_id!r}, 'ML', 'RG')")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda node: play(node, f"steps.receive({str(folder)!r}, 'NE')"), (ml, rg)))
    for node in (ne, ml, rg):
        assert holds(node, report_id, person_id) == (False, False), node.code
        assert not node.query("SELECT 1 FROM records_searchtoken WHERE token = 'fictive'")
    trace = ne.query("SELECT detail FROM audit_auditentry WHERE action = 'delete' AND object_id = ?",
                     report_id)
    assert trace and "Fictive" not in trace[0][0]
