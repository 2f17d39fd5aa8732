"""Link analysis: the network of entities and reports around one entity, within need-to-know.

Nodes are entities (persons, organisations, vehicles, phones, documents...) and reports; edges are
the `Link` rows between entities (a relation entity such as Ownership or Membership, or a reference
such as a passport's holder) and the mentions of entities in reports. A node is shown only if the
user may read it, and an edge only if the user may read both its ends and the relation entity it
comes from: the graph never hints at what lies beyond.

Each step asks the database a fixed number of indexed questions whatever the number of
neighbours: links from and to the frontier, mentions of it, then which of the ids found may be
read. `expand` is what the page calls when a node is opened.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from pcms.records import schema as ftm
from pcms.records.choices import MentionRole
from pcms.records.models import Entity, Link, Mention, Report
from pcms.records.templatetags.records import schema_label
from pcms.records.visibility import readable

REPORT_PREFIX = "report:"
MAX_NODES = 600


@dataclass
class Graph:
    nodes: dict[str, dict] = field(default_factory=dict)
    edges: dict[str, dict] = field(default_factory=dict)
    relations: set[str] = field(default_factory=set)
    truncated: bool = False

    def as_json(self) -> dict:
        return {"nodes": list(self.nodes.values()), "edges": list(self.edges.values()),
                "truncated": self.truncated}


def _readable_reports(ids: set[str], user) -> set[str]:
    if not ids:
        return set()
    found = readable(Report.objects.filter(pk__in=list(ids)), user).values_list("pk", flat=True)
    return {str(pk) for pk in found}


def _readable_entities(ids: set[str], user) -> dict[str, str]:
    """Readable entity id -> schema."""
    if not ids:
        return {}
    found = readable(Entity.objects.filter(pk__in=list(ids)), user).values_list("pk", "schema")
    return {str(pk): schema for pk, schema in found}


def _entity_node(row: dict) -> dict:
    return {"id": str(row["id"]), "label": row["caption"], "schema": row["schema"],
            "kind": "entity", "url": f"/records/entities/{row['id']}/"}


def _report_node(row: dict) -> dict:
    return {"id": REPORT_PREFIX + str(row["id"]), "label": row["reference"], "title": row["title"],
            "schema": "Report", "kind": "report", "category": row["category"],
            "date": row["facts_date"].isoformat() if row["facts_date"] else "",
            "url": f"/records/reports/{row['id']}/"}


def _add_entities(graph: Graph, ids: set[str]) -> None:
    missing = [pk for pk in ids if pk not in graph.nodes]
    for row in Entity.objects.filter(pk__in=missing).values("id", "caption", "schema"):
        graph.nodes[str(row["id"])] = _entity_node(row)


def _add_reports(graph: Graph, ids: set[str]) -> None:
    missing = [pk for pk in ids if REPORT_PREFIX + pk not in graph.nodes]
    for row in Report.objects.filter(pk__in=missing).values("id", "reference", "title", "category",
                                                              "facts_date"):
        graph.nodes[REPORT_PREFIX + str(row["id"])] = _report_node(row)


def expand(graph: Graph, node_ids: list[str], user, limit: int = MAX_NODES) -> Graph:
    """Add to `graph` the readable neighbours of `node_ids` and the readable edges to them."""
    entity_ids = {n for n in node_ids if not n.startswith(REPORT_PREFIX)}
    report_ids = {n[len(REPORT_PREFIX):] for n in node_ids if n.startswith(REPORT_PREFIX)}
    fields = ("id", "source_id", "target_id", "via_id", "label")
    links = []
    if entity_ids:
        links = list(Link.objects.filter(source_id__in=entity_ids).values_list(*fields))
        links += list(Link.objects.filter(target_id__in=entity_ids).values_list(*fields))
    mentions = []
    if entity_ids:
        mentions += list(Mention.objects.filter(entity_id__in=entity_ids)
                         .values_list("id", "report_id", "entity_id", "role"))
    if report_ids:
        mentions += list(Mention.objects.filter(report_id__in=report_ids)
                         .values_list("id", "report_id", "entity_id", "role"))
    candidates = {str(v) for link in links for v in link[1:4]} | {str(m[2]) for m in mentions}
    visible = _readable_entities(candidates, user)
    reports = _readable_reports({str(m[1]) for m in mentions}, user)
    relation_ids = {str(link[3]) for link in links if str(link[3]) in visible}
    # Relation entities are edges, not nodes: a mention of one is not drawn.
    nodes = {pk for pk, schema in visible.items() if schema not in ftm.RELATION_SCHEMATA}

    new_entities: set[str] = set()
    for _pk, source, target, via, _label in links:
        ends = {str(source), str(target)}
        if ends <= nodes and str(via) in visible:
            new_entities |= ends
    new_entities |= {str(m[2]) for m in mentions if str(m[2]) in nodes and str(m[1]) in reports}
    new_reports = {str(m[1]) for m in mentions if str(m[1]) in reports and str(m[2]) in nodes}

    room = limit - len(graph.nodes)
    fresh_entities = sorted(pk for pk in new_entities if pk not in graph.nodes)
    fresh_reports = sorted(pk for pk in new_reports if REPORT_PREFIX + pk not in graph.nodes)
    if len(fresh_entities) + len(fresh_reports) > room:
        graph.truncated = True
        fresh_entities = fresh_entities[:max(room, 0)]
        fresh_reports = fresh_reports[:max(room - len(fresh_entities), 0)]
    _add_entities(graph, set(fresh_entities))
    _add_reports(graph, set(fresh_reports))

    for pk, source, target, via, label in links:
        s, t, v = str(source), str(target), str(via)
        if s in graph.nodes and t in graph.nodes and v in relation_ids:
            graph.edges[f"link:{pk}"] = {"id": f"link:{pk}", "source": s, "target": t,
                                         "label": label, "via": v, "kind": "link"}
            graph.relations.add(v)
    for pk, report, entity, role in mentions:
        r, e = REPORT_PREFIX + str(report), str(entity)
        if r in graph.nodes and e in graph.nodes:
            graph.edges[f"mention:{pk}"] = {"id": f"mention:{pk}", "source": r, "target": e,
                                            "label": role, "kind": "mention"}
    return graph


def ego(entity: Entity, user, depth: int = 1, expanded: list[str] = (), limit: int = MAX_NODES) -> Graph:
    """The network `depth` steps around `entity` (itself readable), plus the nodes the user opened."""
    graph = Graph()
    _add_entities(graph, {str(entity.pk)})
    graph.nodes[str(entity.pk)]["root"] = True
    frontier = [str(entity.pk)]
    for _step in range(max(depth, 1)):
        before = set(graph.nodes)
        expand(graph, frontier, user, limit)
        frontier = [n for n in graph.nodes if n not in before]
        if not frontier or graph.truncated:
            break
    opened = [n for n in expanded if n in graph.nodes]
    if opened:
        expand(graph, opened, user, limit)
    return graph


def around(node_id: str, user) -> Graph | None:
    """One node and its readable neighbours, or None when the user may not read the node."""
    graph = Graph()
    try:
        if node_id.startswith(REPORT_PREFIX):
            pk = uuid.UUID(node_id[len(REPORT_PREFIX):])
            for row in readable(Report.objects.filter(pk=pk), user).values(
                    "id", "reference", "title", "category", "facts_date"):
                graph.nodes[node_id] = _report_node(row)
        else:
            pk = uuid.UUID(node_id)
            for row in readable(Entity.objects.filter(pk=pk), user).values("id", "caption", "schema"):
                graph.nodes[node_id] = _entity_node(row)
    except ValueError:
        return None
    if not graph.nodes:
        return None
    return expand(graph, [node_id], user)


def entities_for_export(graph: Graph, user) -> QuerySet:
    """The graph's entities and the relation entities of its edges, as far as `user` may read."""
    ids = [n for n in graph.nodes if not n.startswith(REPORT_PREFIX)] + list(graph.relations)
    return readable(Entity.objects.filter(pk__in=ids), user).order_by("schema", "caption")


def labels() -> dict:
    """Names of node types, relations and roles in the reader's language, for the page's script."""
    names = {name: schema_label(name) for name in (*ftm.OPERATIONAL_SCHEMATA, *ftm.RELATION_SCHEMATA)}
    names["Report"] = str(Report._meta.verbose_name).capitalize()
    return {"schemata": names, "roles": {value: str(label) for value, label in MentionRole.choices},
            "truncated": _("The network is larger than this view: open nodes one by one."),
            "count": _("%(nodes)s nodes, %(edges)s links")}
