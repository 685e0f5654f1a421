"""The entity network as networkx, for centrality, communities and paths."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS

from kg.vocab import KG, RELATION_FAMILIES, RELATION_PROPERTIES, class_ancestors

if TYPE_CHECKING:
    import networkx as nx


def to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Nodes: entities and events (IRI strings) with `label` and `cls`; edges: relations with
    `predicate`, `family` and `evidence` (how many sentences support them)."""
    import networkx as nx

    net = nx.MultiDiGraph()
    kg_ns = str(KG)
    for node, cls in graph.subject_objects(RDF.type):
        name = str(cls)
        if not name.startswith(kg_ns) or not isinstance(node, URIRef):
            continue
        local = name[len(kg_ns) :]
        if local in ("Document", "Evidence"):
            continue
        current = net.nodes[str(node)].get("cls") if str(node) in net else None
        if current is None or len(class_ancestors(local)) > len(class_ancestors(current)):
            net.add_node(str(node), cls=local, label=str(graph.value(node, RDFS.label) or node))
    evidence_count: dict[tuple[str, str, str], int] = {}
    for ev in graph.subjects(RDF.type, KG.Evidence):
        key = (
            str(graph.value(ev, RDF.subject)),
            str(graph.value(ev, RDF.predicate)),
            str(graph.value(ev, RDF.object)),
        )
        evidence_count[key] = evidence_count.get(key, 0) + 1
    for prop in RELATION_PROPERTIES:
        for s, o in graph.subject_objects(KG[prop]):
            if str(s) in net and str(o) in net:
                count = evidence_count.get((str(s), str(KG[prop]), str(o)), 0)
                net.add_edge(
                    str(s), str(o), key=prop, predicate=prop, family=RELATION_FAMILIES[prop], evidence=count
                )
    return net
