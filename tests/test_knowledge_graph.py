"""KnowledgeGraph reads through its in-memory store; its rdflib `.graph` and `.dataset` are views of
the store, and the counts the store gives are the counts rdflib gives of the same data."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, Dataset, URIRef

from kg.core.errors import QueryError
from kg.core.vocab import KG, RELATION_PROPERTIES
from kg.pipeline.knowledge_graph import KnowledgeGraph
from kg.quality.stats import graph_stats
from kg.store.local import GraphStore
from kg.store.names import RECORDS_GRAPH, UNION_GRAPH
from kg.store.quads import memory_store


@pytest.fixture(scope="module")
def dataset(sample_trig: Path) -> Dataset:
    data = Dataset()
    data.parse(sample_trig, format="trig")
    return data


def test_knowledge_graph_stats_are_the_counts_rdflib_gives(dataset: Dataset) -> None:
    """The store's SPARQL counts, checked against counts made here with rdflib alone."""
    union = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    stats = KnowledgeGraph(dataset).stats()
    assert stats.triples == len(union)
    assert stats.documents == len({s for s, p, o in union if p == RDF.type and o == KG.Document}) == 2
    assert stats.evidence == len({s for s, p, o in union if p == RDF.type and o == KG.Evidence})
    relations = Counter(str(p).removeprefix(str(KG)) for _, p, _ in union)
    assert stats.relations == {p: relations[p] for p in RELATION_PROPERTIES if relations[p]}
    assert stats.entities["Country"] == len({s for s, p, o in union if p == RDF.type and o == KG.Country})


def test_knowledge_graph_views_are_the_data_and_made_once(dataset: Dataset) -> None:
    kgraph = KnowledgeGraph(dataset)
    assert isinstance(kgraph.store, GraphStore) and kgraph.store.path is None  # in memory
    union = {(s, p, o) for s, p, o, _ in dataset.quads((None, None, None, None))}
    assert set(kgraph.graph) == union and len(kgraph) == len(union)
    assert set(kgraph.dataset.quads((None, None, None, None))) == set(dataset.quads((None, None, None, None)))
    assert kgraph.graph is kgraph.graph and kgraph.dataset is kgraph.dataset


def test_knowledge_graph_reads_its_store_not_the_views(dataset: Dataset) -> None:
    """The views are copies: changing one changes neither the counts nor the answers."""
    kgraph = KnowledgeGraph(dataset)
    before = kgraph.stats()
    added = URIRef("https://w3id.org/kg-geo/id/country/XXX")
    kgraph.graph.add((added, RDF.type, KG.Country))
    assert kgraph.stats() == before
    countries = kgraph.query("SELECT ?c WHERE { ?c a kg:Country } ORDER BY ?c")["c"].tolist()
    assert countries == sorted({str(s) for s, _, _, _ in dataset.quads((None, RDF.type, KG.Country, None))})
    assert str(added) not in countries


def test_knowledge_graph_from_store_copies_the_documents_graphs(tmp_path: Path, sample_trig: Path) -> None:
    with GraphStore(tmp_path / "store") as disk:
        disk.load_file(sample_trig)
        record = ox.NamedNode("https://w3id.org/kg-geo/id/record/x")
        disk.store.add(ox.Quad(record, record, ox.Literal("a record"), RECORDS_GRAPH))
        kgraph = KnowledgeGraph.from_store(disk)
        expected = graph_stats(disk)
    assert kgraph.stats() == expected  # the disk store is closed: the copy is the knowledge graph's own
    assert kgraph.store.path is None
    assert not kgraph.store.quads_for_pattern(None, None, None, RECORDS_GRAPH)  # kg's internal graphs stay
    assert (
        len(kgraph.store.quads_for_pattern(None, None, None, UNION_GRAPH)) == expected.triples == len(kgraph)
    )


def test_knowledge_graph_of_a_plain_graph_reads_its_default_graph() -> None:
    graph = rdflib.Graph()
    graph.add((URIRef("https://w3id.org/kg-geo/id/country/JPN"), RDF.type, KG.Country))
    kgraph = KnowledgeGraph(graph)
    assert kgraph.stats().entities == {"Country": 1} and len(kgraph) == 1


def test_knowledge_graph_stats_of_a_store_that_answers_no_rows() -> None:
    class Answers:  # a store whose counting query gives no solutions (an ASK answer)
        def query(self, sparql: str, params: object = None) -> object:
            with memory_store(rdflib.Graph()) as empty:
                return empty.query("ASK { ?s ?p ?o }")

    with pytest.raises(QueryError, match="did not return solutions"):
        graph_stats(Answers())  # type: ignore[arg-type]


def test_knowledge_graph_to_pyvis_is_the_explorers_view(dataset: Dataset) -> None:
    from kg.views.network import network_view

    kgraph = KnowledgeGraph(dataset)
    net = kgraph.to_pyvis(focus="Japan", hops=1)
    view = network_view(kgraph.graph, focus="Japan", hops=1)
    assert {n["id"] for n in net.nodes} == {n.id for n in view.nodes}
    assert len(net.edges) == len(view.edges) > 0
    assert {n["id"] for n in kgraph.to_pyvis().nodes} > {n["id"] for n in net.nodes}
