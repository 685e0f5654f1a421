"""GraphStore.apply keeps the union graph current without rebuilding it: always equal to a rebuild."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.store.local import GraphStore
from kg.store.names import INFERRED_GRAPH, RECORDS_GRAPH, UNION_GRAPH

EX = "https://e.org/"


def q(s: str, p: str, o: str, g: str | None) -> ox.Quad:
    graph = ox.DefaultGraph() if g is None else ox.NamedNode(EX + g)
    obj = ox.BlankNode("b1") if o == "_" else ox.NamedNode(EX + o)
    return ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), obj, graph)


def g(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def union(store: GraphStore) -> set[ox.Triple]:
    return {quad.triple for quad in store.quads_for_pattern(None, None, None, UNION_GRAPH)}


@pytest.fixture
def store() -> GraphStore:
    graph_store = GraphStore(None)
    graph_store.apply(
        insert=[
            q("a", "p", "b", "d1"),
            q("a", "p", "b", "d2"),
            q("c", "p", "d", "d1"),
            q("e", "p", "f", None),
        ]
    )
    return graph_store


@pytest.mark.parametrize(
    "change",
    [
        {"drop": [g("d1")]},  # a p b stays (d2 says it too), c p d goes
        {"drop": [g("d1"), g("d2")]},
        {"delete": [q("a", "p", "b", "d1"), q("e", "p", "f", None)]},
        {"delete": [q("c", "p", "d", "d1")], "insert": [q("c", "p", "d", "d3")]},
        {"drop": [g("d1")], "insert": [q("c", "p", "x", "d1"), q("a", "p", "_", "d1")]},  # a blank node
        {"insert": [q("x", "p", "y", None)]},
        {"drop": [g("missing")]},
        {
            "insert": [
                ox.Quad(ox.NamedNode(EX + "r"), ox.NamedNode(EX + "p"), ox.Literal("{}"), RECORDS_GRAPH)
            ]
        },
    ],
    ids=[
        "drop-shared",
        "drop-both",
        "delete",
        "move",
        "rewrite-bnode",
        "default",
        "drop-missing",
        "internal",
    ],
)
def test_store_union_apply_equals_a_rebuild(store: GraphStore, change: dict[str, list]) -> None:
    store.apply(**change)
    incremental = union(store)
    quads = set(store.quads_for_pattern(None, None, None, UNION_GRAPH))
    store.refresh_union()
    assert incremental == union(store)
    assert quads == set(store.quads_for_pattern(None, None, None, UNION_GRAPH))  # same blank nodes
    assert not store.quads_for_pattern(
        None, None, None, ox.NamedNode("https://w3id.org/kg-geo/id/graph/retracted")
    )


def test_store_union_inferred_graph_is_in_the_union(store: GraphStore) -> None:
    store.apply(
        insert=[
            ox.Quad(ox.NamedNode(EX + "i"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "j"), INFERRED_GRAPH)
        ]
    )
    assert ox.Triple(ox.NamedNode(EX + "i"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "j")) in union(store)
    assert store.documents() == []
    assert INFERRED_GRAPH in store.graph_names()
