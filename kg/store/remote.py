"""A kg store on a SPARQL 1.1 server: `--store URL` for every command that reads or writes a store.

`RemoteStore` offers what `kg.store.base.KGStore` asks, through three endpoints (kg.store.endpoints: query,
update, and optionally Graph Store Protocol), so the same code builds, queries, renders, imports,
exports, infers and removes documents there. Tested against Oxigraph's server (`oxigraph serve`)
and Virtuoso 7.2 (tests/test_store_remote.py), and `kg serve` (tests/test_serve.py); Fuseki and
GraphDB are reached by their documented URL layouts, untested. It keeps the store's conventions:
the merged UNION_GRAPH (kept current by every write), the internal RECORDS_GRAPH, one named graph
per document.

- A remote store is the server's named graphs: kg never reads or writes the server's default graph,
  which Virtuoso (measured) and GraphDB (documented) answer with the union of all graphs. On
  Virtuoso, the graphs it keeps for itself (virtrdf#, owl#, ldp#, its DAV/ and sparql graphs;
  kg.store.virtuoso) are left out.
- Reads use SPARQL 1.1 Query only (no non-standard GET of the whole dataset). A query gets the
  union as default graph (`default-graph-uri`) and, when it reads named graphs (GRAPH, FROM
  NAMED), kg's graphs as named graphs, as `GraphStore.query` does. Prefixes of DEFAULT_PREFIXES are
  declared for it. SELECT and ASK only. Parameters are bound with a VALUES block at the start of the
  query's WHERE group, each value written by Oxigraph's serializer (an escaped RDF term): values
  stay data, never query text. A server that cuts results short is read in pages (kg.store.protocol);
  the whole dataset is read GRAPHS_PER_REQUEST graphs a request.
- Writes: a change (`apply`: build, remove; infer) is one update request, in which INSERT DATA and
  DELETE DATA go in operations of OPERATION_TRIPLES triples. Oxigraph applies it in one
  transaction; Virtuoso applies its operations one by one (measured: an operation that fails leaves
  those before it applied). `load_files` checks every file in full first (a bad file changes
  nothing), then sends each graph's triples in batches of `batch_size`: Graph Store Protocol POSTs
  of N-Triples, or INSERT DATA updates for graphs smaller than a batch (or _POOLED triples) and
  where the server has no Graph Store endpoint; then it copies the graphs written into the union in
  one update. The batches are separate requests: a failure half-way (network, server) can leave
  part of a file loaded. A graph with blank nodes goes in one request, since each request has its
  own blank nodes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
import rdflib

from kg.core.errors import QueryError, StoreError
from kg.core.vocab import DEFAULT_PREFIXES, ID
from kg.store import virtuoso
from kg.store.base import Closing, OxTerm, QueryResult, to_ox_term, to_rdflib
from kg.store.endpoints import Endpoints, endpoints, is_url
from kg.store.local import GraphStore, store_folder
from kg.store.names import DOC_PREFIX, INTERNAL_GRAPHS, REFERENCE_GRAPH, UNION_GRAPH, GraphName, graph_name
from kg.store.protocol import Client
from kg.store.rdffiles import check_rdf_file, rdf_format
from kg.store.sparqltext import query_form, uses_named_graphs, where_group
from kg.store.updates import apply_update, data_operations, refresh_union_update, union_plus

log = logging.getLogger(__name__)

_PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in DEFAULT_PREFIXES.items())
#: Graphs smaller than this (or than a batch) are sent together in INSERT DATA updates, not one
#: Graph Store request each.
_POOLED = 1000
#: Graphs read by one request when reading the whole dataset.
GRAPHS_PER_REQUEST = 100
#: The named graph given when a query reads named graphs but the store has none (a server given no
#: named-graph-uri would offer all of its graphs, as Virtuoso does).
_NO_GRAPH = ox.NamedNode(str(ID) + "graph/none")
Location = str | Path | Endpoints


def with_values(sparql: str, bindings: Mapping[str, OxTerm]) -> str:
    """The SELECT or ASK query with a VALUES block binding each variable at the start of its WHERE
    group (terms written by Oxigraph's serializer); QueryError for other forms or no WHERE group."""
    if query_form(sparql)[0] not in ("SELECT", "ASK"):
        raise QueryError("parameters are bound only in SELECT and ASK queries on a remote store")
    index = where_group(sparql)
    if index < 0:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    names = " ".join(f"?{name.lstrip('?$')}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    return sparql[: index + 1] + block + sparql[index + 1 :]


def is_remote(location: Location) -> bool:
    return isinstance(location, Endpoints) or is_url(location)


def connect(location: Location, *, create: bool = False, read_only: bool = False) -> GraphStore | RemoteStore:
    """The store at `location`: a server's URL or Endpoints (RemoteStore), or a folder (the store,
    or the folder holding store/); `read_only` opens a folder's store without its lock."""
    if isinstance(location, Endpoints) or is_url(location):
        return RemoteStore(location if isinstance(location, Endpoints) else str(location))
    path = store_folder(Path(location))
    return GraphStore(path) if create else GraphStore.open_existing(path, read_only=read_only)


class RemoteStore(Closing):
    """A kg store on a SPARQL 1.1 server (see the module docstring)."""

    path: Path | None = None
    has_default_graph = False

    def __init__(
        self,
        location: str | Endpoints,
        *,
        batch_size: int = 50_000,
        timeout: float = 600.0,
        max_result_bytes: int | None = None,
    ) -> None:
        """`location`: a server's URL (kg.store.endpoints recognises its layout), or its Endpoints.
        `timeout`: seconds an answer may take; `max_result_bytes`: the most one may hold."""
        self.endpoints = location if isinstance(location, Endpoints) else endpoints(location)
        self.client = Client(self.endpoints, timeout=timeout, max_result_bytes=max_result_bytes)
        self.batch_size = batch_size
        self._server_graphs: frozenset[ox.NamedNode] | None = None
        self.query("ASK {}", union=False)  # fail early, and clearly, if nothing answers there

    @property
    def location(self) -> str:
        return self.endpoints.location

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    def __repr__(self) -> str:
        return f"RemoteStore({self.location})"

    # ------------------------------------------------------------------ reading

    def query(
        self, sparql: str, params: Mapping[str, object] | None = None, *, union: bool = True
    ) -> QueryResult:
        """SELECT or ASK over the union (or, without `union`, the server's own default graph)."""
        if params:
            sparql = with_values(sparql, {name: to_ox_term(value) for name, value in params.items()})
        if query_form(sparql)[0] in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(f"{self.location}: only SELECT and ASK queries are supported on a remote store")
        dataset = []
        if union:
            dataset += [("default-graph-uri", UNION_GRAPH.value)]
            if uses_named_graphs(sparql):
                names = self.graph_names() or [_NO_GRAPH]
                dataset += [("named-graph-uri", str(g.value)) for g in names]
        return self.client.query(_PROLOGUE + sparql, dataset)

    def _select(self, sparql: str) -> list[ox.QuerySolution]:
        return list(self.client.solutions(self.query(sparql, union=False)))

    def _graphs(self) -> list[ox.NamedNode]:
        """Every named graph on the server. `GRAPH ?g { }` lists them quickly where it is supported;
        Virtuoso answers it with one row and no graph, and a store without graphs with none: then
        they are found by their triples (GROUP BY: Virtuoso 7.2 took over 60 s for DISTINCT ?g on
        1,500 graphs, 0.01 s for this)."""
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        if not rows or any(row["g"] is None for row in rows):
            rows = self._select("SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
        return [g for row in rows if isinstance(g := row["g"], ox.NamedNode)]

    def _ignored(self) -> frozenset[ox.NamedNode]:
        """The internal graphs, and the graphs the server keeps for itself (Virtuoso's)."""
        if self._server_graphs is None:
            own = self._graphs() if self.client.virtuoso else []
            self._server_graphs = frozenset(g for g in own if virtuoso.GRAPHS.match(g.value))
        return INTERNAL_GRAPHS | self._server_graphs

    def graph_names(self) -> list[ox.NamedNode | ox.BlankNode]:
        """The named graphs that hold knowledge (documents, reference data, inferred), sorted."""
        ignored = self._ignored()
        return sorted((g for g in self._graphs() if g not in ignored), key=str)

    def documents(self) -> list[str]:
        names = (g.value for g in self.graph_names() if isinstance(g, ox.NamedNode))
        return sorted(name[len(DOC_PREFIX) :] for name in names if name.startswith(DOC_PREFIX))

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: OxTerm | None,
        graph: GraphName | None,
    ) -> list[ox.Quad]:
        """The quads matching a pattern (None matches anything), internal graphs included; the
        server's default graph is not part of a remote store (nothing matches it)."""
        if isinstance(graph, ox.DefaultGraph):
            return []
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        pattern = " ".join(str(t) if t is not None else f"?{v}" for v, t in terms.items() if v != "g")
        where = f"GRAPH {graph if graph is not None else '?g'} {{ {pattern} }}"
        if all(t is not None for t in terms.values()):  # no variable to select: ask
            found = bool(self.query(f"ASK {{ {where} }}", union=False))
            return [ox.Quad(subject, predicate, obj, graph)] if found else []  # type: ignore[arg-type]
        server = self._ignored() - INTERNAL_GRAPHS
        quads = []
        for row in self._select(f"SELECT * WHERE {{ {where} }}"):
            quad = ox.Quad(*(t if t is not None else row[v] for v, t in terms.items()))  # type: ignore[arg-type]
            if quad.graph_name not in server:
                quads.append(quad)
        return quads

    def quads(self, *, exclude: Iterable[ox.NamedNode] = ()) -> Iterator[ox.Quad]:
        """Every quad of the knowledge graphs (never the internal ones), graph by graph."""
        skip = set(exclude)
        names = iter([g for g in self.graph_names() if g not in skip])
        while chunk := list(islice(names, GRAPHS_PER_REQUEST)):
            values = " ".join(str(g) for g in chunk)
            rows = self._select(
                f"SELECT ?g ?s ?p ?o WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }}"
            )
            quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]
            yield from sorted(quads, key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate)))

    def union_graph(self) -> rdflib.Graph:
        rows = self._select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }}")
        return to_rdflib(ox.Triple(row["s"], row["p"], row["o"]) for row in rows)

    def __len__(self) -> int:
        """Quads in the knowledge graphs, not counting the internal graphs (nor the server's)."""
        ignored = ", ".join(str(g) for g in sorted(self._ignored(), key=str))
        sparql = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({ignored})) }}"
        rows = self._select(sparql)
        return int(rows[0]["n"].value) if rows else 0

    # ------------------------------------------------------------------ writing

    def update(self, sparql: str, *, refresh: bool = True) -> None:
        self.client.update(_PROLOGUE + sparql)
        if refresh:
            self.refresh_union()

    def refresh_union(self) -> None:
        self.client.update(refresh_union_update(default_graph=False, ignore=self._ignored()))

    def apply(
        self,
        *,
        drop: Iterable[ox.NamedNode] = (),
        delete: Iterable[ox.Quad] = (),
        insert: Iterable[ox.Quad] = (),
    ) -> None:
        virtuoso = self.client.virtuoso
        update = apply_update(
            drop=drop, delete=delete, insert=insert, default_graph=False, drop_by_deleting=virtuoso
        )
        if update:
            self.update(update, refresh=False)  # the update keeps the union current itself

    def load_files(self, paths: Iterable[Path], *, graph: str | None = None, check: bool = True) -> int:
        """Check every file, then send each graph's triples in batches; returns the quads added."""
        target = REFERENCE_GRAPH if graph is None else graph_name(graph)
        if target in INTERNAL_GRAPHS:
            raise StoreError(f"{graph}: an internal graph of the kg store; import into another graph")
        checked = [(Path(p), check_rdf_file(Path(p)) if check else rdf_format(Path(p))) for p in paths]
        before = len(self)
        written: set[ox.NamedNode] = set()
        for path, fmt in checked:
            by_graph: dict[ox.NamedNode, list[ox.Triple]] = {}
            for quad in ox.parse(path=str(path), format=fmt):
                name = quad.graph_name if isinstance(quad.graph_name, ox.NamedNode) else target
                by_graph.setdefault(name, []).append(quad.triple)
            self._send_graphs(by_graph)
            written |= by_graph.keys()
            log.info("sent %s to %s", path, self.location)
        if written:  # the graphs written into the union: a cost that follows the files, not the store
            self.update(" ;\n".join(union_plus(written)), refresh=False)
        return len(self) - before

    def _send_graphs(self, by_graph: Mapping[ox.NamedNode, list[ox.Triple]]) -> None:
        """Each graph's triples: a graph of a batch or more (or 1,000 triples) by Graph Store Protocol
        POSTs of `batch_size` triples; smaller graphs (a TriG file of many documents) together, in
        INSERT DATA updates of `batch_size` triples, as every graph where there is no Graph Store
        endpoint. A graph with blank nodes goes in one request (Virtuoso refuses blank nodes in
        INSERT DATA, so an INSERT ... WHERE {} without a Graph Store endpoint)."""
        size = max(self.batch_size, 1)
        pooled: list[ox.Quad] = []
        for name, triples in by_graph.items():
            blank = any(
                isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
            )
            if self.endpoints.graph_store is not None and (blank or len(triples) >= min(size, _POOLED)):
                batches = iter(triples)
                while batch := list(islice(batches, len(triples) if blank else size)):
                    self.client.post_triples(name, batch)
            elif blank:
                block = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
                self.update(f"INSERT {{ GRAPH {name} {{\n{block}\n}} }} WHERE {{ }}", refresh=False)
            else:
                pooled += (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        quads = iter(pooled)
        while chunk := list(islice(quads, size)):
            self.update(" ;\n".join(data_operations("INSERT DATA", chunk)), refresh=False)
