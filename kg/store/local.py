"""The graph store: an embedded Oxigraph database, one named graph per document (the graphs and
their names: kg.store.names), queried over their merged union. Its writes are the SPARQL updates
of kg.store.updates; the files it loads are read by kg.store.rdffiles. `KGStore` (kg.store.base)
is what every store offers, this one or a SPARQL server's (kg.store.remote).
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
import rdflib

from kg.core.errors import InputError, QueryError, StoreError
from kg.core.vocab import DEFAULT_PREFIXES, bind_prefixes
from kg.store.base import Closing, OxTerm, QueryResult, to_ox_term, to_rdflib
from kg.store.names import (
    DOC_PREFIX,
    INTERNAL_GRAPHS,
    REFERENCE_GRAPH,
    UNION_GRAPH,
    GraphName,
    doc_iri,
    graph_name,
    in_graph,
)
from kg.store.rdffiles import parsed, prepare, retarget
from kg.store.sparqltext import uses_named_graphs
from kg.store.updates import REFRESH_UNION, apply_update

log = logging.getLogger(__name__)

#: Files up to this size (in all) are loaded in one transaction rather than by the bulk loader.
_SMALL_LOAD = 4 * 1024 * 1024


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
                    f"the kg store at {self.path} is busy: another process has it open "
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
            prepared = [prepare(path, Path(scratch) / f"{n}.nt") for n, path in enumerate(paths)]
            before = len(self)
            for path, fmt, union in prepared:
                try:
                    if union is None:
                        quads = retarget(ox.parse(path=os.fspath(path), format=fmt), target)
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
            parsed(path, lambda parsed: quads.update(retarget(parsed, target)))
        added = sum(1 for quad in quads if quad not in self.store)
        union = {in_graph(q, UNION_GRAPH) for q in quads}
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
                    yield in_graph(quad, UNION_GRAPH)

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

    def dump_union_to(self, handle: BinaryIO, prefixes: Mapping[str, str]) -> None:
        """`dump_union` written to a file as Oxigraph serializes it (never whole in memory)."""
        try:
            self.store.dump(
                handle, format=ox.RdfFormat.TURTLE, from_graph=UNION_GRAPH, prefixes=dict(prefixes)
            )
        except OSError as e:
            raise StoreError(f"cannot read the kg store at {self.location}: {e}") from e

    def dump_dataset(self, prefixes: Mapping[str, str], *, exclude: Iterable[ox.NamedNode] = ()) -> bytes:
        """The knowledge graphs (as `quads`, in graph order) as TriG, each graph serialized by
        Oxigraph from the store: its Turtle, without the prefix lines, in a `<graph> { }` block."""
        buffer = io.BytesIO()
        self.dump_dataset_to(buffer, prefixes, exclude=exclude)
        return buffer.getvalue()

    def dump_dataset_to(
        self, handle: BinaryIO, prefixes: Mapping[str, str], *, exclude: Iterable[ox.NamedNode] = ()
    ) -> None:
        """`dump_dataset` written to a file a graph at a time (one graph in memory at most)."""
        skip = set(exclude)
        graphs: list[GraphName] = sorted((g for g in self.graph_names() if g not in skip), key=str)
        if self.quads_for_pattern(None, None, None, ox.DefaultGraph()):
            graphs.insert(0, ox.DefaultGraph())
        head = "".join(f"@prefix {name}: {ox.NamedNode(ns)} .\n" for name, ns in prefixes.items())
        handle.write(head.encode())
        for graph in graphs:
            lines = self._dump(graph, prefixes).splitlines(keepends=True)
            start = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix ")), len(lines))
            name = "" if isinstance(graph, ox.DefaultGraph) else f"{graph} "
            handle.write(f"{name}{{\n".encode())
            handle.writelines(lines[start:])  # the prefix lines come first, and only there
            handle.write(b"}\n")

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


def store_folder(path: Path) -> Path:
    """The Oxigraph folder `path` names: itself if it is a store, else `path/store` (what `kg build
    --out path` makes); a store still to be made is `path` itself if it is called "store"."""
    path = Path(path)
    if (path / "CURRENT").is_file():
        return path
    if (path / "store").is_dir() or path.name != "store":
        return path / "store"
    return path
