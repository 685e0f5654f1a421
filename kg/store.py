"""The graph store: an embedded Oxigraph database, one named graph per document.

A document's graph is named by its IRI (`https://w3id.org/kg-geo/id/doc/<doc id>`), so rebuilding a
document replaces exactly what it said. Queries see the union of all graphs as their default graph.

Besides the documents' graphs a store may hold: imported reference data (REFERENCE_GRAPH, or any
graph `kg import` names), the consequences `kg infer` materialised (INFERRED_GRAPH), and two
internal graphs no query, export or view sees: the derived UNION_GRAPH, and RECORDS_GRAPH, where
`kg.incremental` keeps each document's extraction records so that `kg build --append` and
`kg remove` can re-resolve the corpus without re-reading the texts.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import pyoxigraph as ox
import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

from kg.errors import InputError, QueryError, StoreError
from kg.vocab import ID, KG

log = logging.getLogger(__name__)

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
#: The HTTP header, and its value, that kg's clients (kg.remote) send with every write: each of
#: their writes keeps UNION_GRAPH current itself, so `kg serve` adds nothing to it (kg.upkeep).
UNION_HEADER = "X-KG-Union"
UNION_KEPT = "kept"
#: Where `kg serve` sets a write's graphs aside until the write is done (kg.upkeep).
SCRATCH_GRAPH = ox.NamedNode(str(ID) + "graph/scratch")
#: Graphs that are bookkeeping, not knowledge: never in the union, datasets, exports or views.
INTERNAL_GRAPHS = frozenset({UNION_GRAPH, RECORDS_GRAPH, SCRATCH_GRAPH})
#: Files up to this size (in all) are loaded in one transaction rather than by the bulk loader.
_SMALL_LOAD = 4 * 1024 * 1024
_FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}

#: Triples per INSERT DATA or DELETE DATA operation of an update (an update may hold many): Virtuoso's
#: parser gives up near 5,000 in one operation (measured on 7.2), and compiles smaller ones faster.
OPERATION_TRIPLES = 2000

#: Prefixes every query may use without declaring them (its own PREFIX lines take precedence).
DEFAULT_PREFIXES: dict[str, str] = {
    "kg": str(KG._NS),
    "id": str(ID),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "owl": str(OWL),
    "skos": str(SKOS),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "wd": "http://www.wikidata.org/entity/",
}

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


class KGStore(Protocol):
    """What kg's store-level operations (append, remove, import, export, infer) need of a store:
    GraphStore (embedded Oxigraph) and kg.remote.RemoteStore (a SPARQL endpoint) both provide it."""

    #: Whether the store's default graph is part of it (a server's is not: Virtuoso and GraphDB
    #: answer for it with the union of all graphs). See `union_minus` and `refresh_union_update`.
    has_default_graph: bool

    @property
    def location(self) -> str: ...

    def query(
        self, sparql: str, params: Mapping[str, object] | None = None, *, union: bool = True
    ) -> QueryResult: ...

    def update(self, sparql: str, *, refresh: bool = True) -> None: ...

    def apply(
        self,
        *,
        drop: Iterable[ox.NamedNode] = (),
        delete: Iterable[ox.Quad] = (),
        insert: Iterable[ox.Quad] = (),
    ) -> None: ...

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: OxTerm | None,
        graph: GraphName | None,
    ) -> list[ox.Quad]: ...

    def quads(self, *, exclude: Iterable[ox.NamedNode] = ()) -> Iterator[ox.Quad]: ...

    def graph_names(self) -> list[ox.NamedNode | ox.BlankNode]: ...

    def documents(self) -> list[str]: ...

    def union_graph(self) -> rdflib.Graph: ...

    def load_files(self, paths: Iterable[Path], *, graph: str | None = None, check: bool = True) -> int: ...

    def close(self) -> None: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


_GRAPH_CLAUSE = re.compile(r"\b(?:GRAPH|FROM\s+NAMED)\b", re.I)


def uses_named_graphs(sparql: str) -> bool:
    """Whether a query may read named graphs (GRAPH, FROM NAMED): only those need the list of graphs,
    which slows Oxigraph several-fold on stores of thousands of documents."""
    return _GRAPH_CLAUSE.search(sparql) is not None


def doc_iri(doc_id: str) -> str:
    """The IRI of a document, which is also the name of its graph."""
    return DOC_PREFIX + doc_id


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF syntax of a file, from its suffix; InputError if unknown."""
    try:
        return _FORMATS[path.suffix.lower()]
    except KeyError:
        known = " ".join(sorted(_FORMATS))
        raise InputError(f"{path}: unknown RDF file type {path.suffix!r} (known: {known})") from None


def check_rdf_file(path: Path) -> ox.RdfFormat:
    """The file's RDF format, once it parsed in full and writes into no internal graph; else InputError."""
    return _parsed(path, lambda quads: deque(quads, maxlen=0))


def to_ox_term(value: object) -> OxTerm:
    """A Python value, rdflib term or pyoxigraph term as a pyoxigraph term (strings are literals)."""
    if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple):
        return value
    if isinstance(value, rdflib.URIRef):
        return ox.NamedNode(str(value))
    if isinstance(value, rdflib.BNode):
        return ox.BlankNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return ox.Literal(str(value), language=value.language)
        if value.datatype is not None:
            return ox.Literal(str(value), datatype=ox.NamedNode(str(value.datatype)))
        return ox.Literal(str(value))
    if isinstance(value, bool | int | float | Decimal):
        # rdflib knows the XSD datatype and lexical form of Python values
        return to_ox_term(rdflib.Literal(value))
    if isinstance(value, str):
        return ox.Literal(value)
    raise QueryError(f"cannot bind a {type(value).__name__} as an RDF term: {value!r}")


class Closing:
    """A store handle that a `with` block closes."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class GraphStore(Closing):
    """A persistent (or in-memory) quad store with one named graph per document."""

    has_default_graph = True

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        """An on-disk store at `path` (created if missing), or in memory. `read_only` opens an
        existing store without taking its lock, so it can be read while another process (`kg
        serve`, a build) has it open; it sees the store as it was when opened, and refuses writes."""
        self.path = Path(path) if path is not None else None
        self.read_only = read_only and self.path is not None
        self._store: ox.Store | None = None
        try:
            if self.path is None:
                self._store = ox.Store()
            elif self.read_only:
                self._store = ox.Store.read_only(os.fspath(self.path))
            else:
                self.path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(os.fspath(self.path))
        except OSError as e:
            if not self.read_only and "LOCK" in str(e):
                raise StoreError(
                    f"cannot open the kg store at {self.path} to write it: another process has it open "
                    "for writing (a `kg serve --allow-update`, or another kg command); wait for it or "
                    "stop it, or write through the server with --store http://127.0.0.1:PORT "
                    f"({e})"
                ) from e
            raise StoreError(f"cannot open the kg store at {self.path}: {e}") from e
        log.debug("opened store at %s%s", self.path or "<memory>", " (read-only)" if self.read_only else "")

    @classmethod
    def open_existing(cls, path: Path, *, read_only: bool = False) -> GraphStore:
        """Open a store that `kg build` made; StoreError if there is none at `path`."""
        path = Path(path)
        if not path.is_dir() or not (path / "CURRENT").is_file():
            raise StoreError(f"no kg store at {path} (run `kg build` first)")
        return cls(path, read_only=read_only)

    # ------------------------------------------------------------------ lifecycle

    @property
    def store(self) -> ox.Store:
        """The underlying pyoxigraph store; StoreError once closed."""
        if self._store is None:
            raise StoreError(f"the kg store at {self.path or '<memory>'} is closed")
        return self._store

    def flush(self) -> None:
        if self.path is None or self.read_only:
            return
        try:
            self.store.flush()
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path}: {e}") from e

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError(f"the kg store at {self.location} is open read-only")

    def close(self) -> None:
        """Flush and release the store (and its lock on disk); idempotent."""
        if self._store is None:
            return
        try:
            self.flush()
        finally:
            self._store = None  # pyoxigraph releases the database when the object is freed

    @property
    def location(self) -> str:
        """Where the store is, for messages: its folder, or <memory>."""
        return str(self.path) if self.path is not None else "<memory>"

    def __len__(self) -> int:
        """Quads in the documents' (and the default) graphs, not counting the internal graphs."""
        return len(self.store) - sum(self._graph_size(g) for g in INTERNAL_GRAPHS)

    def _graph_size(self, graph: ox.NamedNode) -> int:
        """Triples in one graph, counted by Oxigraph (iterating them in Python is several times slower)."""
        result = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        assert isinstance(result, ox.QuerySolutions)
        count = next(iter(result))["n"]
        return int(count.value) if isinstance(count, ox.Literal) else 0

    def __repr__(self) -> str:
        state = "closed" if self._store is None else f"{len(self)} quads"
        return f"GraphStore({self.path or '<memory>'}, {state})"

    # ------------------------------------------------------------------ writing

    def load_file(self, path: Path, *, graph: str | None = None) -> int:
        """Load an RDF file, returning how many quads were added; on a parse error nothing is added.

        `graph` (an IRI, or a document id) receives the triples of a triple format (default: the
        store's default graph); quad formats keep their own graph names.
        """
        target: GraphName = ox.DefaultGraph() if graph is None else graph_name(graph)
        return self._load_all([Path(path)], target)

    def load_files(self, paths: Iterable[Path], *, graph: str | None = None, check: bool = True) -> int:
        """Load several RDF files all or nothing: each is parsed in full before any is written.

        Triples (and the default graph of quad files) go into `graph` (an IRI, default
        REFERENCE_GRAPH); quad formats keep their own graph names. A file that cannot be parsed,
        or that writes into an internal graph, raises InputError naming it, and nothing is loaded.
        Returns how many quads were added. The check is never skipped here (`check` is for
        remote stores): the same pass writes the union graph's copy of the triples.
        """
        target = REFERENCE_GRAPH if graph is None else graph_name(graph)
        if target in INTERNAL_GRAPHS:
            raise InputError(f"{graph}: an internal graph of the kg store; import into another graph")
        return self._load_all([Path(p) for p in paths], target)

    def _load_all(self, paths: list[Path], target: GraphName) -> int:
        """Check every file and write its triples as N-Triples (one parse), then bulk-load each file
        and its triples into the union graph (Oxigraph's bulk loader: twice as fast as adding both
        from Python). The bulk loader gives blank nodes new ids, so a file with blank nodes is
        added from Python instead, keeping its blank nodes the same in both graphs.

        Small files (a few documents) go in one transaction instead: on a large store the bulk
        loader's cost does not shrink with the file (7.7 s for 400 quads at 1M triples)."""
        self._writable()
        if sum(path.stat().st_size for path in paths if path.is_file()) <= _SMALL_LOAD:
            return self._load_small(paths, target)
        with tempfile.TemporaryDirectory(prefix="kg-load-") as scratch:
            prepared = [_prepare(path, Path(scratch) / f"{n}.nt") for n, path in enumerate(paths)]
            before = len(self)
            for path, fmt, union in prepared:
                try:
                    if union is None:
                        quads = _retarget(ox.parse(path=os.fspath(path), format=fmt), target)
                        self.bulk_add(quads, compact=False)
                        continue
                    to_graph = None if isinstance(target, ox.DefaultGraph) else target
                    self.store.bulk_load(path=os.fspath(path), format=fmt, to_graph=to_graph)
                    self.store.bulk_load(
                        path=os.fspath(union), format=ox.RdfFormat.N_TRIPLES, to_graph=UNION_GRAPH
                    )
                except (SyntaxError, ValueError) as e:
                    raise InputError(f"{path}: cannot parse {fmt}: {e}") from e
                except OSError as e:
                    raise StoreError(f"{path}: cannot load into the kg store: {e}") from e
        self.compact()
        added = len(self) - before
        log.info("loaded %d quads from %d files", added, len(prepared))
        return added

    def _load_small(self, paths: list[Path], target: GraphName) -> int:
        quads: set[ox.Quad] = set()
        for path in paths:
            _parsed(path, lambda parsed: quads.update(_retarget(parsed, target)))
        added = sum(1 for quad in quads if quad not in self.store)
        union = {_in(q, UNION_GRAPH) for q in quads}
        try:
            self.store.extend([*quads, *union])
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.location}: {e}") from e
        log.info("loaded %d quads from %d files", added, len(paths))
        return added

    def bulk_add(self, quads: Iterable[ox.Quad], *, compact: bool = True) -> None:
        """Add quads, and their triples to the union graph, with Oxigraph's bulk loader, then
        (with `compact`) compact the database.

        Fast (no transaction, nothing held in memory), so for checked data only: a failure half-way
        leaves part of it added. Quads of the internal graphs are added as they are.
        """
        self._writable()

        def with_union() -> Iterator[ox.Quad]:
            for quad in quads:
                yield quad
                if quad.graph_name not in INTERNAL_GRAPHS:
                    yield _in(quad, UNION_GRAPH)

        try:
            self.store.bulk_extend(with_union())
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.location}: {e}") from e
        if compact:
            self.compact()

    def compact(self) -> None:
        """Compact the on-disk database. The bulk loader writes files whose key ranges overlap, so
        each look-up reads several of them until they are merged: queries on a freshly bulk-loaded
        1M-triple store ran 1.5-2x faster once compacted (8.5 s to compact; see benchmarks/)."""
        self._writable()
        if self.path is None:
            return
        try:
            self.store.optimize()
        except OSError as e:
            raise StoreError(f"cannot compact the kg store at {self.location}: {e}") from e

    def refresh_union(self) -> None:
        """Rebuild the union graph from every other graph (after any write)."""
        self._writable()
        try:
            self.store.update(REFRESH_UNION)
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path or '<memory>'}: {e}") from e

    def replace_documents(self, trig: bytes | str) -> None:
        """Replace each named graph of the TriG data with its new content, in one transaction
        (in bulk when the store is empty). Triples outside any named graph join the default graph.
        """
        try:
            quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
        except (SyntaxError, ValueError) as e:
            raise InputError(f"cannot parse TriG data: {e}") from e
        if not quads:
            return
        if len(self.store) == 0:
            self.bulk_add(quads)
        else:
            names = {q.graph_name for q in quads if isinstance(q.graph_name, ox.NamedNode)}
            try:
                self.apply(drop=sorted(names, key=str), insert=quads)
            except StoreError as e:
                raise InputError(f"cannot store TriG data: {e}") from e
        log.debug("replaced graphs with %d quads", len(quads))

    def apply(
        self,
        *,
        drop: Iterable[ox.NamedNode] = (),
        delete: Iterable[ox.Quad] = (),
        insert: Iterable[ox.Quad] = (),
    ) -> None:
        """Drop whole graphs, delete quads, then insert quads, and bring the union graph up to date:
        one transaction, whose cost follows the size of the change (see `apply_update`)."""
        update = apply_update(drop=drop, delete=delete, insert=insert)
        if update:
            self.update(update, refresh=False)

    def remove_document(self, doc_id: str) -> bool:
        """Drop a document's graph; False if the store has no such document."""
        name = ox.NamedNode(doc_iri(doc_id))
        try:
            if not self.store.contains_named_graph(name):
                return False
        except OSError as e:
            raise StoreError(f"cannot read the kg store at {self.location}: {e}") from e
        self.apply(drop=[name])
        return True

    # ------------------------------------------------------------------ reading

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | None,
        predicate: ox.NamedNode | None,
        obj: OxTerm | None,
        graph: GraphName | None,
    ) -> list[ox.Quad]:
        """The quads matching a pattern (None matches anything), internal graphs included."""
        try:
            return list(self.store.quads_for_pattern(subject, predicate, obj, graph))
        except OSError as e:
            raise StoreError(f"cannot read the kg store at {self.location}: {e}") from e

    def graph_names(self) -> list[ox.NamedNode | ox.BlankNode]:
        """The named graphs that hold knowledge (documents, reference data, inferred), not internal ones."""
        return [g for g in self.store.named_graphs() if g not in INTERNAL_GRAPHS]

    def quads(self, *, exclude: Iterable[ox.NamedNode] = ()) -> Iterator[ox.Quad]:
        """Every quad of the knowledge graphs (and the default graph); never the internal graphs."""
        skip = INTERNAL_GRAPHS | set(exclude)
        return (q for q in self.store if q.graph_name not in skip)

    def dump_union(self, prefixes: Mapping[str, str]) -> bytes:
        """The union graph as Turtle, serialized by Oxigraph from the store (no Python object per
        triple: 1M triples in seconds, where reading them into Python took 13 s)."""
        return self._dump(UNION_GRAPH, prefixes)

    def dump_dataset(self, prefixes: Mapping[str, str], *, exclude: Iterable[ox.NamedNode] = ()) -> bytes:
        """The knowledge graphs (as `quads`, in graph order) as TriG, each graph serialized by
        Oxigraph from the store: its Turtle, without the prefix lines, in a `<graph> { }` block."""
        skip = set(exclude)
        graphs: list[GraphName] = sorted((g for g in self.graph_names() if g not in skip), key=str)
        if self.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            graphs.insert(0, ox.DefaultGraph())
        head = "".join(f"@prefix {name}: {ox.NamedNode(ns)} .\n" for name, ns in prefixes.items())
        chunks = [head.encode()]
        for graph in graphs:
            lines = self._dump(graph, prefixes).splitlines(keepends=True)
            start = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
            body = b"".join(lines[start:])  # the prefix lines come first, and only there
            name = "" if isinstance(graph, ox.DefaultGraph) else f"{graph} "
            chunks += [f"{name}{{\n".encode(), body, b"}\n"]
        return b"".join(chunks)

    def _dump(self, graph: GraphName, prefixes: Mapping[str, str]) -> bytes:
        try:
            data = self.store.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=dict(prefixes))
            return data or b""
        except OSError as e:
            raise StoreError(f"cannot read the kg store at {self.location}: {e}") from e

    def update(self, sparql: str, *, refresh: bool = True) -> None:
        """Run a SPARQL update in one transaction, then (with `refresh`) rebuild the union graph."""
        self._writable()
        try:
            self.store.update(sparql, prefixes=DEFAULT_PREFIXES)
        except (SyntaxError, ValueError) as e:
            raise StoreError(
                f"cannot apply an update to the kg store at {self.path or '<memory>'}: {e}"
            ) from e
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path or '<memory>'}: {e}") from e
        if refresh:
            self.refresh_union()

    def documents(self) -> list[str]:
        """Ids of the documents in the store, sorted."""
        names = (g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(name[len(DOC_PREFIX) :] for name in names if name.startswith(DOC_PREFIX))

    def query(
        self, sparql: str, params: Mapping[str, object] | None = None, *, union: bool = True
    ) -> QueryResult:
        """Run a SPARQL query; `params` values are bound to variables, never spliced into the text.

        The prefixes of DEFAULT_PREFIXES (kg:, rdfs:, ...) need no PREFIX declaration. With `union`
        the default graph is the merge of all graphs (UNION_GRAPH); without, the store's own default
        graph. SPARQL substitution (SEP-0007) requires a bound variable to be in the SELECT projection.
        """
        substitutions: dict[ox.Variable, OxTerm] = {
            ox.Variable(name.lstrip("?$")): to_ox_term(v) for name, v in (params or {}).items()
        }
        try:
            return self.store.query(
                sparql,
                prefixes=DEFAULT_PREFIXES,
                default_graph=UNION_GRAPH if union else None,
                named_graphs=self.graph_names() if uses_named_graphs(sparql) else None,
                substitutions=substitutions,
            )
        except SyntaxError as e:
            raise QueryError(f"malformed SPARQL: {e}") from e
        except (RuntimeError, ValueError) as e:
            raise QueryError(f"cannot run the query: {e}") from e
        except OSError as e:
            raise StoreError(f"cannot read the kg store at {self.path or '<memory>'}: {e}") from e

    def to_dataset(self) -> rdflib.Dataset:
        """Every graph as an rdflib Dataset whose default graph is the union of the named graphs."""
        dataset = rdflib.Dataset(default_union=True)
        bind_prefixes(dataset)
        data = ox.serialize(self.quads(), format=ox.RdfFormat.N_QUADS)
        if data:
            dataset.parse(data=data, format="nquads")
        return dataset

    def union_graph(self) -> rdflib.Graph:
        """Every distinct triple of every graph, as one rdflib Graph."""
        return to_rdflib(quad.triple for quad in self.store.quads_for_pattern(None, None, None, UNION_GRAPH))


def solutions(
    store: KGStore, sparql: str, params: Mapping[str, object] | None = None
) -> Iterator[ox.QuerySolution]:
    """The rows of a SELECT on `store` (none for another query form): for code that reads the store
    with SPARQL whichever store it is (kg.neighbourhood, kg.analysis)."""
    result = store.query(sparql, params)
    return iter(result) if isinstance(result, ox.QuerySolutions) else iter(())


def to_rdflib(triples: Iterable[ox.Triple], graph: rdflib.Graph | None = None) -> rdflib.Graph:
    """The triples added to `graph`, or to a new rdflib Graph with kg's prefixes (through N-Triples,
    which rdflib reads faster than it adds terms converted one by one)."""
    if graph is None:
        graph = rdflib.Graph()
        bind_prefixes(graph)
    data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
    if data:
        graph.parse(data=data, format="nt")
    return graph


def apply_update(
    *,
    drop: Iterable[ox.NamedNode] = (),
    delete: Iterable[ox.Quad] = (),
    insert: Iterable[ox.Quad] = (),
    default_graph: bool = True,
    drop_by_deleting: bool = False,
) -> str:
    """One SPARQL update that drops graphs, deletes quads, then inserts quads ("" if nothing to do),
    and keeps UNION_GRAPH current at a cost proportional to the change, not to the store.

    The triples that may leave the union (the dropped graphs', the deleted quads') are set aside in
    a scratch graph first; after the change, those no other graph still states leave the union, and
    the graphs written to are copied into it (a copy, not INSERT DATA, keeps blank nodes the same).
    Without `default_graph` the store's default graph is not read (see KGStore.has_default_graph).
    With `drop_by_deleting` the graphs are emptied by one DELETE rather than one DROP each (for a
    server that keeps no empty graphs and takes only so many operations in one update: Virtuoso).
    """
    drop, delete, insert = list(drop), list(delete), list(insert)
    leaving = [g for g in drop if g not in INTERNAL_GRAPHS]
    deleted = [q for q in delete if q.graph_name not in INTERNAL_GRAPHS]
    written = {q.graph_name for q in insert if q.graph_name not in INTERNAL_GRAPHS}
    parts = []
    parts += copy_into(_RETRACTED, leaving)
    if deleted:
        parts += data_operations("INSERT DATA", (_in(q, _RETRACTED) for q in deleted))
    if drop and drop_by_deleting:
        names = " ".join(str(g) for g in drop)
        where = f"VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }}"
        parts.append(f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ {where} }}")
    else:
        parts += [f"DROP SILENT GRAPH {name}" for name in drop]
    parts += data_operations("DELETE DATA", delete)
    parts += data_operations("INSERT DATA", insert)
    if leaving or deleted:
        parts.append(
            f"{union_minus(_RETRACTED, default_graph=default_graph)} ;\nDROP SILENT GRAPH {_RETRACTED}"
        )
    parts += union_plus(written)
    return " ;\n".join(parts)


def data_operations(verb: str, quads: Iterable[ox.Quad]) -> list[str]:
    """INSERT DATA or DELETE DATA operations (`verb`) of the quads, OPERATION_TRIPLES in each."""
    operations = []
    remaining = iter(quads)
    while chunk := list(islice(remaining, OPERATION_TRIPLES)):
        by_graph: dict[str, list[ox.Quad]] = {}
        for quad in chunk:
            by_graph.setdefault(str(quad.graph_name), []).append(quad)
        blocks = "\n".join(_insert_block(name, graph) for name, graph in by_graph.items())
        operations.append(f"{verb} {{\n{blocks}\n}}")
    return operations


def refresh_union_update(
    *, default_graph: bool = True, ignore: Iterable[ox.NamedNode] = INTERNAL_GRAPHS
) -> str:
    """The SPARQL update that rebuilds UNION_GRAPH from every graph but `ignore` (and the internal
    ones), and the default graph if `default_graph`."""
    names = ", ".join(str(g) for g in sorted(INTERNAL_GRAPHS | set(ignore), key=str))
    named = f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({names}))"
    where = f"{{ ?s ?p ?o }} UNION {{ {named} }}" if default_graph else named
    copy = f"INSERT {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ {where} }}"
    return f"DROP SILENT GRAPH {UNION_GRAPH} ;\n{copy}"


#: The SPARQL update that rebuilds UNION_GRAPH from every non-internal graph.
REFRESH_UNION = refresh_union_update()


def union_plus(graphs: Iterable[GraphName]) -> list[str]:
    """Updates copying graphs' triples into the union (see `copy_into`)."""
    return copy_into(UNION_GRAPH, graphs)


def copy_into(target: ox.NamedNode, graphs: Iterable[GraphName]) -> list[str]:
    """Updates copying graphs' triples into `target`, one for all the named graphs (a copy keeps
    blank nodes the same)."""
    graphs = set(graphs)
    copy = f"INSERT {{ GRAPH {target} {{ ?s ?p ?o }} }} WHERE"
    updates = [f"{copy} {{ ?s ?p ?o }}"] if ox.DefaultGraph() in graphs else []
    names = " ".join(str(g) for g in sorted(graphs, key=str) if not isinstance(g, ox.DefaultGraph))
    if names:
        updates.append(f"{copy} {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}")
    return updates


#: A scratch graph inside one update: the triples that may leave the union.
_RETRACTED = ox.NamedNode(str(ID) + "graph/retracted")


def union_minus(source: ox.NamedNode, *, default_graph: bool = True) -> str:
    """An update removing from the union the triples of `source` no knowledge graph (nor, with
    `default_graph`, the default graph) states."""
    internal = ", ".join(str(g) for g in sorted(INTERNAL_GRAPHS | {source}, key=str))
    others = f"FILTER(?g NOT IN ({internal}))"
    in_default = " FILTER NOT EXISTS { ?s ?p ?o }" if default_graph else ""
    return (
        f"DELETE {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {source} {{ ?s ?p ?o }}"
        f"{in_default} FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} {others} }} }}"
    )


def store_folder(path: Path) -> Path:
    """The Oxigraph folder `path` names: itself if it is a store, else `path/store` (what `kg build
    --out path` makes); a store still to be made is `path` itself if it is called "store"."""
    path = Path(path)
    if (path / "CURRENT").is_file():
        return path
    if (path / "store").is_dir() or path.name != "store":
        return path / "store"
    return path


def graph_name(graph: str) -> ox.NamedNode:
    """A graph IRI, or a document id (no colon) as its document's graph."""
    try:
        return ox.NamedNode(graph if ":" in graph else doc_iri(graph))
    except ValueError as e:
        raise InputError(f"{graph!r}: not a graph IRI: {e}") from e


def _prepare(path: Path, out: Path) -> tuple[Path, ox.RdfFormat, Path | None]:
    """Check a file as `check_rdf_file` does, writing its triples (whatever their graph) to `out`
    as N-Triples on the way; `out` is None in the result if the file has blank nodes."""
    blank = False

    def without_blank(quad: ox.Quad) -> bool:
        nonlocal blank
        blank = blank or isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
        return not blank

    def triples(quads: Iterator[ox.Quad]) -> Iterator[ox.Triple]:
        return (quad.triple for quad in quads if without_blank(quad))

    fmt = _parsed(path, lambda quads: ox.serialize(triples(quads), out, format=ox.RdfFormat.N_TRIPLES))
    return path, fmt, None if blank else out


def _retarget(quads: Iterable[ox.Quad], target: GraphName) -> Iterator[ox.Quad]:
    """The quads, those of the default graph moved to `target`."""
    return (_in(q, target) if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads)


def _parsed(path: Path, consume: Callable[[Iterator[ox.Quad]], object]) -> ox.RdfFormat:
    """Parse a whole file into `consume`; InputError naming the file if it is missing or bad, or if
    it writes into an internal graph."""

    def checked(quads: Iterator[ox.Quad]) -> Iterator[ox.Quad]:
        for quad in quads:
            if quad.graph_name in INTERNAL_GRAPHS:
                raise InputError(f"{path}: writes into {quad.graph_name}, an internal graph of the kg store")
            yield quad

    fmt = rdf_format(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    try:
        consume(checked(ox.parse(path=os.fspath(path), format=fmt)))
    except (SyntaxError, ValueError) as e:
        raise InputError(f"{path}: cannot parse {fmt}: {e}") from e
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e}") from e
    return fmt


def _in(quad: ox.Quad, graph: GraphName) -> ox.Quad:
    return ox.Quad(quad.subject, quad.predicate, quad.object, graph)


def _insert_block(graph_name: str, quads: Iterable[ox.Quad]) -> str:
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if graph_name == str(ox.DefaultGraph()):
        return triples
    return f"GRAPH {graph_name} {{\n{triples}\n}}"


def bind_prefixes(graph: rdflib.Graph) -> None:
    graph.bind("kg", KG._NS)
    for prefix, namespace in (("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS), ("owl", OWL)):
        graph.bind(prefix, namespace)
