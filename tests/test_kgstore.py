"""kg.store.base: Python values and rdflib terms as pyoxigraph terms, pyoxigraph triples as rdflib."""

from __future__ import annotations

from decimal import Decimal

import pyoxigraph as ox
import pytest
import rdflib

from kg.core.errors import QueryError
from kg.store.base import solutions, to_ox_term, to_rdflib
from kg.store.local import GraphStore

XSD = "http://www.w3.org/2001/XMLSchema#"
A, P = ox.NamedNode("https://e.org/a"), ox.NamedNode("https://e.org/p")


def typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    ("value", "term"),
    [
        ("Japan", ox.Literal("Japan")),
        (rdflib.URIRef("https://e.org/a"), ox.NamedNode("https://e.org/a")),
        (rdflib.BNode("b1"), ox.BlankNode("b1")),
        (rdflib.Literal("Nippon", lang="ja"), ox.Literal("Nippon", language="ja")),
        (rdflib.Literal("2024-07-28", datatype=rdflib.XSD.date), typed("2024-07-28", "date")),
        (3, typed("3", "integer")),
        (True, typed("true", "boolean")),
        (Decimal("0.5"), typed("0.5", "decimal")),
        (ox.NamedNode("https://e.org/x"), ox.NamedNode("https://e.org/x")),
    ],
)
def test_kgstore_to_ox_term(value: object, term: object) -> None:
    assert to_ox_term(value) == term


@pytest.mark.parametrize("value", [None, [1, 2], object()])
def test_kgstore_to_ox_term_refuses_other_values(value: object) -> None:
    with pytest.raises(QueryError, match="cannot bind a"):
        to_ox_term(value)


def test_kgstore_to_rdflib_keeps_every_triple_and_binds_prefixes() -> None:
    triples = [
        ox.Triple(A, P, ox.Literal("x", language="en")),
        ox.Triple(ox.BlankNode("b"), P, typed("1", "integer")),
    ]
    graph = to_rdflib(triples)
    assert len(graph) == 2
    assert (rdflib.URIRef(A.value), rdflib.URIRef(P.value), rdflib.Literal("x", lang="en")) in graph
    assert dict(graph.namespaces())["kg"] == rdflib.URIRef("https://w3id.org/kg-geo/ontology#")
    assert len(to_rdflib([])) == 0


def test_kgstore_solutions_are_rows_of_a_select_and_none_otherwise() -> None:
    with GraphStore() as store:
        store.apply(insert=[ox.Quad(A, P, ox.Literal("x"), ox.NamedNode("https://w3id.org/kg-geo/id/doc/d"))])
        rows = list(solutions(store, "SELECT ?s WHERE { ?s ?p ?o }"))
        assert [row["s"] for row in rows] == [A]
        assert list(solutions(store, "ASK { ?s ?p ?o }")) == []
