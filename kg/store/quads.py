"""Mapped RDF into Oxigraph's quads, for the store: no N-Quads text between, each term converted once.

`to_quads` maps a resolved corpus (`kg.resolve.mapping.map_corpus`) straight into quads, as re-resolution
needs them; `dataset_quads` converts a Dataset a build has made anyway; `memory_store` loads an rdflib
graph or dataset into an in-memory store, so that it is read as every store is (kg reads only stores).
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID, ConjunctiveGraph
from rdflib.term import Node

from kg.core.types import Corpus
from kg.resolve.mapping import map_corpus
from kg.store.base import OxTerm, to_ox_term
from kg.store.local import GraphStore


def dataset_quads(dataset: Dataset | ConjunctiveGraph) -> list[ox.Quad]:
    """The dataset's quads as Oxigraph's (half the time of writing and parsing N-Quads)."""
    sink = _QuadSink()
    for s, p, o, g in dataset.quads((None, None, None, None)):  # g: the graph's name (or the graph)
        name = g.identifier if isinstance(g, Graph) else g
        graph = ox.DefaultGraph() if name in (None, DATASET_DEFAULT_GRAPH_ID) else sink.term(name)
        sink.add(s, p, o, graph)  # type: ignore[arg-type]
    return list(sink.quads)


def graph_quads(graph: Graph) -> list[ox.Quad]:
    """A graph's triples as Oxigraph's quads of the default graph (a Dataset's: every graph's)."""
    if isinstance(graph, ConjunctiveGraph):  # rdflib.Dataset too
        return dataset_quads(graph)
    sink = _QuadSink()
    default = ox.DefaultGraph()
    for s, p, o in graph:
        sink.add(s, p, o, default)
    return list(sink.quads)


def memory_store(graph: Graph) -> GraphStore:
    """A new in-memory store holding `graph` (a Dataset with its named graphs), read over the union
    of its graphs as every store is."""
    store = GraphStore(None)
    store.bulk_add(graph_quads(graph), compact=False)
    return store


def to_quads(corpus: Corpus) -> list[ox.Quad]:
    """The quads of `kg.resolve.mapping.to_dataset(corpus)`, mapped straight into Oxigraph's terms: no
    rdflib Dataset between (re-mapping 500 documents, 51k quads: 2.5 s to 0.8 s)."""
    sink = _QuadSink()
    map_corpus(corpus, sink.graph)
    return list(sink.quads)


class _QuadSink:
    """Quads added (each kept once, in order), every rdflib term converted once."""

    def __init__(self) -> None:
        self.quads: dict[ox.Quad, None] = {}
        self._terms: dict[Node, OxTerm] = {}

    def graph(self, name: URIRef) -> _GraphSink:
        return _GraphSink(self, ox.NamedNode(str(name)))

    def term(self, node: Node) -> OxTerm:
        found = self._terms.get(node)
        if found is None:
            found = self._terms[node] = to_ox_term(node)
        return found

    def add(self, s: Node, p: Node, o: Node, graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> None:
        term = self.term
        self.quads[ox.Quad(term(s), term(p), term(o), graph)] = None  # type: ignore[arg-type]


class _GraphSink:
    """One named graph of a _QuadSink, as `kg.resolve.mapping` adds to it (a `TripleSink`)."""

    def __init__(self, sink: _QuadSink, name: ox.NamedNode) -> None:
        self.sink, self.name = sink, name

    def add(self, triple: tuple[Node, Node, Node], /) -> None:
        self.sink.add(*triple, self.name)
