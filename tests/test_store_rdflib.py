"""Where rdflib meets the store (kg.store.base, kg.store.quads): rdflib data loaded into a store in
memory, and a store's answers read back as rdflib terms."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, BNode, Literal, URIRef
from rdflib.compare import isomorphic

from kg.core.errors import QueryError
from kg.core.vocab import KG
from kg.store.base import constructed, is_rdf_term, rdflib_rows, rdflib_term, sparql_literal
from kg.store.names import UNION_GRAPH
from kg.store.quads import memory_store

ID = "https://w3id.org/kg-geo/id/"
JPN, USA = URIRef(ID + "country/JPN"), URIRef(ID + "country/USA")
DOC = URIRef(ID + "doc/alpha")
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def test_store_rdflib_memory_store_of_a_graph_reads_it_as_the_union() -> None:
    graph = rdflib.Graph()
    graph.add((JPN, RDF.type, KG.Country))
    graph.add((JPN, RDFS.label, Literal("Japon", lang="fr")))
    graph.add((BNode("b1"), KG.alliedWith, JPN))
    with memory_store(graph) as store:
        assert store.path is None
        union = {q.triple for q in store.quads_for_pattern(None, None, None, UNION_GRAPH)}
        assert len(union) == 3
        assert store.quads_for_pattern(ox.BlankNode("b1"), None, None, None)  # the store keeps the id
        assert isomorphic(store.union_graph(), graph)  # read back, rdflib names blank nodes anew


def test_store_rdflib_memory_store_of_a_dataset_keeps_its_graphs() -> None:
    dataset = rdflib.Dataset()
    dataset.graph(DOC).add((JPN, RDF.type, KG.Country))
    dataset.graph(URIRef(ID + "doc/beta")).add((JPN, RDF.type, KG.Country))
    dataset.add((USA, RDF.type, KG.Country))  # the default graph
    with memory_store(dataset) as store:
        assert store.documents() == ["alpha", "beta"]
        assert len(store.quads_for_pattern(None, None, None, ox.DefaultGraph())) == 1
        assert len(store.quads_for_pattern(None, None, None, UNION_GRAPH)) == 2  # merged: one JPN triple


def test_store_rdflib_terms_come_back_as_rdflib_wrote_them() -> None:
    assert rdflib_term(ox.NamedNode(str(JPN))) == JPN
    assert rdflib_term(ox.BlankNode("x")) == BNode("x")
    assert rdflib_term(ox.Literal("a")) == Literal("a")  # xsd:string is a plain literal, as in rdflib
    assert rdflib_term(ox.Literal("a", language="fr")) == Literal("a", lang="fr")
    assert rdflib_term(ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER))) == Literal(1)
    assert rdflib_term(None) is None
    triple = ox.Triple(ox.NamedNode(str(JPN)), ox.NamedNode(str(RDF.type)), ox.NamedNode(str(KG.Country)))
    assert rdflib_term(triple) is None  # rdflib cannot hold an RDF 1.2 triple term
    with pytest.raises(QueryError, match="unexpected term"):
        rdflib_term(ox.Variable("v"))


def test_store_rdflib_rows_and_constructed_triples() -> None:
    graph = rdflib.Graph()
    graph.add((JPN, RDFS.label, Literal("Japan")))
    with memory_store(graph) as store:
        variables, rows = rdflib_rows(store, "SELECT ?s ?l ?none WHERE { ?s rdfs:label ?l }")
        assert variables == ["s", "l", "none"]
        assert list(rows) == [{"s": JPN, "l": Literal("Japan"), "none": None}]
        assert set(constructed(store, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")) == set(graph)
        with pytest.raises(QueryError, match="expected to select rows"):
            rdflib_rows(store, "ASK { ?s ?p ?o }")
        with pytest.raises(QueryError, match="expected to construct triples"):
            constructed(store, "SELECT * WHERE { ?s ?p ?o }")


def test_store_rdflib_what_is_an_rdf_term_and_literals_as_sparql() -> None:
    assert is_rdf_term(JPN) and is_rdf_term(Literal(1)) and is_rdf_term(ox.NamedNode(str(JPN)))
    assert not is_rdf_term("Japan") and not is_rdf_term(1)
    assert sparql_literal('say "hi"\n') == '"say \\"hi\\"\\n"'
    assert sparql_literal("5", XSD_INTEGER) == f'"5"^^<{XSD_INTEGER}>'
