"""The entity network as networkx, for centrality, communities and paths.

`to_networkx` reads it off a store (any KGStore; an rdflib graph through
`kg.store.quads.memory_store`) with four SPARQL queries (typed nodes, labels, evidence counted per
relation, relations) instead of the whole union read into rdflib: the network of a 1M-triple store
is a few seconds of queries, where parsing the union took over a minute and a gigabyte.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from kg.core.vocab import KG, RELATION_FAMILIES, RELATION_PROPERTIES, class_ancestors
from kg.store.base import solutions

if TYPE_CHECKING:
    import networkx as nx

    from kg.store.base import KGStore

_KG = str(KG)
_SKIPPED = ("Document", "Evidence")
Relation = tuple[str, str, str]  # subject IRI, property IRI, object IRI


def to_networkx(store: KGStore) -> nx.MultiDiGraph:
    """The entity network of the store's union graph, read with SPARQL (local store or server).

    Nodes: entities and events (IRI strings) with `label` and `cls`; edges: relations with
    `predicate`, `family` and `evidence` (how many sentences support them)."""
    skipped = ", ".join(f"kg:{name}" for name in _SKIPPED)
    typed = [
        (row["node"].value, row["cls"].value)
        for row in solutions(
            store,
            f"SELECT ?node ?cls WHERE {{ ?node a ?cls "
            f"FILTER(ISIRI(?node) && STRSTARTS(STR(?cls), STR(kg:)) && ?cls NOT IN ({skipped})) }}",
        )
    ]
    labels = {
        row["node"].value: row["label"].value
        for row in solutions(
            store, "SELECT ?node (MIN(?l) AS ?label) WHERE { ?node rdfs:label ?l } GROUP BY ?node"
        )
    }
    evidence = {
        (row["s"].value, row["p"].value, row["o"].value): int(row["n"].value)
        for row in solutions(
            store,
            "SELECT ?s ?p ?o (COUNT(?ev) AS ?n) WHERE { ?ev a kg:Evidence ; rdf:subject ?s ; "
            "rdf:predicate ?p ; rdf:object ?o } GROUP BY ?s ?p ?o",
        )
    }
    properties = " ".join(f"kg:{prop}" for prop in RELATION_PROPERTIES)
    relations = [
        (row["s"].value, row["p"].value, row["o"].value)
        for row in solutions(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {properties} }} ?s ?p ?o }}")
    ]
    return _network(typed, labels, evidence, relations)


def _network(
    typed: Iterable[tuple[str, str]],
    labels: Mapping[str, str],
    evidence: Mapping[Relation, int],
    relations: Iterable[Relation],
) -> nx.MultiDiGraph:
    """Nodes of kg classes (their most specific class; labelled by their least label), and the
    relations between them."""
    import networkx as nx

    net = nx.MultiDiGraph()
    for node, cls in sorted(typed):  # sorted: the same network whatever order the triples came in
        if not cls.startswith(_KG):
            continue
        local = cls[len(_KG) :]
        if local in _SKIPPED:
            continue
        current = net.nodes[node].get("cls") if node in net else None
        if current is None or len(class_ancestors(local)) > len(class_ancestors(current)):
            net.add_node(node, cls=local, label=labels.get(node, node))
    for s, p, o in sorted(relations):
        prop = p[len(_KG) :]
        if s in net and o in net and prop in RELATION_FAMILIES:
            count = evidence.get((s, p, o), 0)
            net.add_edge(s, o, key=prop, predicate=prop, family=RELATION_FAMILIES[prop], evidence=count)
    return net
