"""What every kg store offers (`KGStore`: the embedded GraphStore of kg.store.local, a SPARQL server's
RemoteStore of kg.store.remote), and the conversions between Python values, rdflib and pyoxigraph terms
both use."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

import pyoxigraph as ox
import rdflib

from kg.core.errors import QueryError
from kg.core.vocab import bind_prefixes
from kg.store.names import GraphName

OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


class KGStore(Protocol):
    """What kg's store-level operations (append, remove, import, export, infer) need of a store:
    GraphStore (embedded Oxigraph) and kg.store.remote.RemoteStore (a SPARQL endpoint) both provide it."""

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


def is_rdf_term(value: object) -> bool:
    """Whether `value` is an RDF term, rdflib's or pyoxigraph's (rather than a plain Python value)."""
    return isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | rdflib.term.Identifier)


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


def solutions(
    store: KGStore, sparql: str, params: Mapping[str, object] | None = None
) -> Iterator[ox.QuerySolution]:
    """The rows of a SELECT on `store` (none for another query form): for code that reads the store
    with SPARQL whichever store it is (kg.views.neighbourhood, kg.views.analysis)."""
    result = store.query(sparql, params)
    return iter(result) if isinstance(result, ox.QuerySolutions) else iter(())


def rdflib_term(term: object) -> rdflib.term.Node | None:
    """A pyoxigraph term as rdflib's (an xsd:string literal without its datatype, as rdflib writes
    it); None for an unbound cell or an RDF 1.2 triple term, which rdflib cannot hold."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        if term.datatype.value == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))
    if term is None or isinstance(term, ox.Triple):
        return None
    raise QueryError(f"unexpected term in the store: {term!r}")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def rdflib_rows(
    store: KGStore, sparql: str, params: Mapping[str, object] | None = None
) -> tuple[list[str], Iterator[dict[str, rdflib.term.Node | None]]]:
    """The variables and rows of a SELECT on `store`, each row's cells as rdflib terms (None when
    unbound, see `rdflib_term`): for code that reads the store in rdflib's terms (kg.quality)."""
    result = store.query(sparql, params)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(f"a query expected to select rows did not: {sparql}")
    variables = [v.value for v in result.variables]
    rows = ({name: rdflib_term(row[name]) for name in variables} for row in result)
    return variables, rows


def constructed(store: KGStore, sparql: str) -> rdflib.Graph:
    """The triples a CONSTRUCT on `store` gives, as an rdflib Graph."""
    result = store.query(sparql)
    if not isinstance(result, ox.QueryTriples):
        raise QueryError(f"a query expected to construct triples did not: {sparql}")
    return to_rdflib(result)


def sparql_literal(lexical: str, datatype: str | None = None) -> str:
    """A literal as SPARQL (and N-Triples) writes it, escaped by Oxigraph."""
    if datatype is not None:
        return str(ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
    return str(ox.Literal(lexical))


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
