"""The graphs of a kg store, by name: one per document, and the few kg keeps for itself.

A document's graph is named by its IRI (`https://w3id.org/kg-geo/id/doc/<doc id>`), so rebuilding a
document replaces exactly what it said. Queries see the union of all graphs as their default graph.

Besides the documents' graphs a store may hold: imported reference data (REFERENCE_GRAPH, or any
graph `kg import` names), the consequences `kg infer` materialised (INFERRED_GRAPH), and internal
graphs no query, export or view sees: the derived UNION_GRAPH, RECORDS_GRAPH, where
`kg.pipeline.incremental` keeps each document's extraction records so that `kg build --append` and
`kg remove` can re-resolve the corpus without re-reading the texts, and SCRATCH_GRAPH.
"""

from __future__ import annotations

import pyoxigraph as ox

from kg.core.errors import InputError
from kg.core.vocab import ID

#: Prefix of document IRIs (and of the named graphs they name).
DOC_PREFIX = str(ID) + "doc/"
#: The merged union of every other graph, kept up to date on every write: queries read it as their
#: default graph, so a fact several documents state matches once (RDF merge), not once per document.
UNION_GRAPH = ox.NamedNode(str(ID) + "graph/union")
#: Each document's extraction records (JSON), for re-resolution on append and remove; internal.
RECORDS_GRAPH = ox.NamedNode(str(ID) + "graph/records")
#: What `kg infer` materialised (symmetric, sub- and inverse properties); part of the union.
INFERRED_GRAPH = ox.NamedNode(str(ID) + "graph/inferred")
#: Where `kg import` puts triples when no graph is named.
REFERENCE_GRAPH = ox.NamedNode(str(ID) + "graph/reference")
#: The HTTP header, and its value, that kg's clients (kg.store.remote) send with every write: each of
#: their writes keeps UNION_GRAPH current itself, so `kg serve` adds nothing to it (kg.server.upkeep).
UNION_HEADER = "X-KG-Union"
UNION_KEPT = "kept"
#: Where `kg serve` sets a write's graphs aside until the write is done (kg.server.upkeep).
SCRATCH_GRAPH = ox.NamedNode(str(ID) + "graph/scratch")
#: Graphs that are bookkeeping, not knowledge: never in the union, datasets, exports or views.
INTERNAL_GRAPHS = frozenset({UNION_GRAPH, RECORDS_GRAPH, SCRATCH_GRAPH})

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def doc_iri(doc_id: str) -> str:
    """The IRI of a document, which is also the name of its graph."""
    return DOC_PREFIX + doc_id


def graph_name(graph: str) -> ox.NamedNode:
    """A graph IRI, or a document id (no colon) as its document's graph."""
    try:
        return ox.NamedNode(graph if ":" in graph else doc_iri(graph))
    except ValueError as e:
        raise InputError(f"{graph!r}: not a graph IRI: {e}") from e


def in_graph(quad: ox.Quad, graph: GraphName) -> ox.Quad:
    """The quad, in `graph`."""
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)
