"""The graph store: an embedded Oxigraph database, one named graph per document.

A document's graph is named by its IRI (`https://w3id.org/kg-geo/id/doc/<doc id>`), so rebuilding a
document replaces exactly what it said. Queries see the union of all graphs as their default graph.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Self

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
_REFRESH_UNION = f"""
DROP SILENT GRAPH {UNION_GRAPH} ;
INSERT {{ GRAPH {UNION_GRAPH} {{ ?s ?p ?o }} }}
WHERE {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {UNION_GRAPH}) }} }}
"""
#: Files larger than this are checked in a first streaming pass, then bulk-loaded.
_BULK_THRESHOLD = 64 * 1024 * 1024
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


class GraphStore:
    """A persistent (or in-memory) quad store with one named graph per document."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._store: ox.Store | None = None
        try:
            if self.path is not None and not self.path.exists():
                self.path.mkdir(parents=True)
            self._store = ox.Store(None if self.path is None else os.fspath(self.path))
        except OSError as e:
            raise StoreError(f"cannot open the kg store at {self.path}: {e}") from e
        log.debug("opened store at %s", self.path or "<memory>")

    @classmethod
    def open_existing(cls, path: Path) -> GraphStore:
        """Open a store that `kg build` made; StoreError if there is none at `path`."""
        path = Path(path)
        if not path.is_dir() or not (path / "CURRENT").is_file():
            raise StoreError(f"no kg store at {path} (run `kg build` first)")
        return cls(path)

    # ------------------------------------------------------------------ lifecycle

    @property
    def store(self) -> ox.Store:
        """The underlying pyoxigraph store; StoreError once closed."""
        if self._store is None:
            raise StoreError(f"the kg store at {self.path or '<memory>'} is closed")
        return self._store

    def flush(self) -> None:
        if self.path is None:
            return
        try:
            self.store.flush()
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path}: {e}") from e

    def close(self) -> None:
        """Flush and release the store (and its lock on disk); idempotent."""
        if self._store is None:
            return
        try:
            self.flush()
        finally:
            self._store = None  # pyoxigraph releases the database when the object is freed

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __len__(self) -> int:
        """Quads in the documents' (and the default) graphs, not counting the derived union graph."""
        union = sum(1 for _ in self.store.quads_for_pattern(None, None, None, UNION_GRAPH))
        return len(self.store) - union

    def __repr__(self) -> str:
        state = "closed" if self._store is None else f"{len(self)} quads"
        return f"GraphStore({self.path or '<memory>'}, {state})"

    # ------------------------------------------------------------------ writing

    def load_file(self, path: Path, *, graph: str | None = None) -> int:
        """Load an RDF file, returning how many quads were added; on a parse error nothing is added.

        `graph` (an IRI, or a document id) receives the triples of a triple format; quad formats
        keep their own graph names.
        """
        path = Path(path)
        fmt = rdf_format(path)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        to_graph = None if graph is None else ox.NamedNode(graph if ":" in graph else doc_iri(graph))
        before = len(self)
        try:
            if path.stat().st_size <= _BULK_THRESHOLD:
                self.store.load(path=os.fspath(path), format=fmt, to_graph=to_graph)  # one transaction
            else:
                for _ in ox.parse(path=os.fspath(path), format=fmt):  # check it all before writing
                    pass
                self.store.bulk_load(path=os.fspath(path), format=fmt, to_graph=to_graph)
        except (SyntaxError, ValueError) as e:
            raise InputError(f"{path}: cannot parse {fmt}: {e}") from e
        except OSError as e:
            raise StoreError(f"{path}: cannot load into the kg store: {e}") from e
        added = len(self) - before
        self.refresh_union()
        log.info("loaded %d quads from %s", added, path)
        return added

    def refresh_union(self) -> None:
        """Rebuild the union graph from every other graph (after any write)."""
        try:
            self.store.update(_REFRESH_UNION)
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path or '<memory>'}: {e}") from e

    def replace_documents(self, trig: bytes | str) -> None:
        """Replace each named graph of the TriG data with its new content, in one transaction.

        Triples outside any named graph are added to the default graph.
        """
        try:
            quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
        except (SyntaxError, ValueError) as e:
            raise InputError(f"cannot parse TriG data: {e}") from e
        if not quads:
            return
        by_graph: dict[str, list[ox.Quad]] = {}
        for quad in quads:
            by_graph.setdefault(str(quad.graph_name), []).append(quad)
        drops = [f"DROP SILENT GRAPH {name} ;" for name in by_graph if name != str(ox.DefaultGraph())]
        blocks = [_insert_block(name, graph_quads) for name, graph_quads in by_graph.items()]
        update = "\n".join([*drops, "INSERT DATA {", *blocks, "}"])
        try:
            self.store.update(update)  # SPARQL updates are atomic in Oxigraph
        except (SyntaxError, ValueError) as e:  # a term pyoxigraph printed but cannot read back
            raise InputError(f"cannot store TriG data: {e}") from e
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path or '<memory>'}: {e}") from e
        self.refresh_union()
        log.debug("replaced %d graphs (%d quads)", len(drops), len(quads))

    def remove_document(self, doc_id: str) -> bool:
        """Drop a document's graph; False if the store has no such document."""
        name = ox.NamedNode(doc_iri(doc_id))
        try:
            if not self.store.contains_named_graph(name):
                return False
            self.store.remove_graph(name)
        except OSError as e:
            raise StoreError(f"cannot write the kg store at {self.path or '<memory>'}: {e}") from e
        self.refresh_union()
        return True

    # ------------------------------------------------------------------ reading

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
                named_graphs=[g for g in self.store.named_graphs() if g != UNION_GRAPH],
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
        _bind_prefixes(dataset)
        quads = (q for q in self.store if q.graph_name != UNION_GRAPH)
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
        if data:
            dataset.parse(data=data, format="nquads")
        return dataset

    def union_graph(self) -> rdflib.Graph:
        """Every distinct triple of every graph, as one rdflib Graph."""
        graph = rdflib.Graph()
        _bind_prefixes(graph)
        quads = self.store.quads_for_pattern(None, None, None, UNION_GRAPH)
        data = ox.serialize((quad.triple for quad in quads), format=ox.RdfFormat.N_TRIPLES)
        if data:
            graph.parse(data=data, format="nt")
        return graph


def _insert_block(graph_name: str, quads: Iterable[ox.Quad]) -> str:
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if graph_name == str(ox.DefaultGraph()):
        return triples
    return f"GRAPH {graph_name} {{\n{triples}\n}}"


def _bind_prefixes(graph: rdflib.Graph) -> None:
    graph.bind("kg", KG._NS)
    for prefix, namespace in (("prov", PROV), ("skos", SKOS), ("dcterms", DCTERMS), ("owl", OWL)):
        graph.bind(prefix, namespace)
