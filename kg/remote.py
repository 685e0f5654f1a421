"""A kg store behind HTTP: `--store http://host:port` for `kg import`, `export`, `infer`, `remove`.

`RemoteStore` speaks the SPARQL 1.1 Protocol (`/query`, `/update`) and the Graph Store Protocol
(`/store`) of Oxigraph's server (`oxigraph serve`, or `kg serve --allow-update`), and offers what
`kg.store.KGStore` asks, so the same code imports, exports, infers and removes documents there.
It keeps the store's conventions: the merged UNION_GRAPH (refreshed by an update after every
write), the internal RECORDS_GRAPH, one named graph per document.

- Reads: a query gets the union as default graph and, when it reads named graphs (GRAPH, FROM
  NAMED), every knowledge graph as named graphs, as `GraphStore.query` does. Prefixes of
  DEFAULT_PREFIXES are declared for it. SELECT and ASK only. Parameters are bound with a VALUES
  block at the start of the query's WHERE group, each value written by Oxigraph's serializer (an
  escaped RDF term): values stay data, never query text.
- Writes: updates are single requests, so each is atomic on the server (Oxigraph applies a SPARQL
  update in one transaction). `load_files` checks every file in full first (a bad file changes
  nothing), then sends each graph's triples with Graph Store Protocol POSTs of `batch_size`
  triples, then copies the graphs written into the union in one update. The batches are separate
  transactions: a failure half-way (network, server) can leave part of a file loaded. A graph with
  blank nodes goes in one request, since each request has its own blank nodes.
"""

from __future__ import annotations

import logging
import re
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import rdflib

from kg.errors import QueryError, StoreError
from kg.store import (
    DEFAULT_PREFIXES,
    DOC_PREFIX,
    INTERNAL_GRAPHS,
    REFERENCE_GRAPH,
    REFRESH_UNION,
    UNION_GRAPH,
    Closing,
    GraphName,
    GraphStore,
    OxTerm,
    QueryResult,
    apply_update,
    check_rdf_file,
    graph_name,
    rdf_format,
    store_folder,
    to_ox_term,
    union_plus,
    uses_named_graphs,
)

log = logging.getLogger(__name__)

_PROLOGUE = "".join(f"PREFIX {k}: <{v}>\n" for k, v in DEFAULT_PREFIXES.items())
_JSON = "application/sparql-results+json"
_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } "
    f"FILTER(?g NOT IN ({', '.join(str(g) for g in sorted(INTERNAL_GRAPHS, key=str))})) }} }}"
)


#: What cannot hold a brace that opens the WHERE group: strings, IRIs and comments.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|#[^\n]*"
)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)


def with_values(sparql: str, bindings: Mapping[str, OxTerm]) -> str:
    """The SELECT or ASK query with a VALUES block binding each variable at the start of its WHERE
    group (terms written by Oxigraph's serializer); QueryError for other forms or no WHERE group."""
    masked = _NOT_CODE.sub(lambda m: " " * len(m.group()), sparql)
    form = _FORM.search(masked)
    if form is None or form.group(1).upper() not in ("SELECT", "ASK"):
        raise QueryError("parameters are bound only in SELECT and ASK queries on a remote store")
    depth = 0
    for index in range(form.end(), len(masked)):
        char = masked[index]
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "{" and depth == 0:
            break
    else:
        raise QueryError("cannot bind parameters: the query has no WHERE group")
    names = " ".join(f"?{name.lstrip('?$')}" for name in bindings)
    terms = " ".join(str(term) for term in bindings.values())
    block = f" VALUES ({names}) {{ ({terms}) }} "
    return sparql[: index + 1] + block + sparql[index + 1 :]


def is_remote(location: str | Path) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def connect(
    location: str | Path, *, create: bool = False, read_only: bool = False
) -> GraphStore | RemoteStore:
    """The store at `location`: a URL (RemoteStore), or a folder (the store, or the folder holding
    store/); `read_only` opens a folder's store without its lock (see GraphStore)."""
    if is_remote(location):
        return RemoteStore(str(location))
    path = store_folder(Path(location))
    return GraphStore(path) if create else GraphStore.open_existing(path, read_only=read_only)


class RemoteStore(Closing):
    """A kg store on a SPARQL 1.1 Protocol + Graph Store Protocol server (see the module docstring)."""

    path: Path | None = None

    def __init__(self, url: str, *, batch_size: int = 50_000, timeout: float = 600.0) -> None:
        # the server's address; its SPARQL endpoint's (.../query, what `kg serve` prints) is taken too
        self.url = url.rstrip("/").removesuffix("/query")
        self.batch_size = batch_size
        self.timeout = timeout
        self.query("ASK {}", union=False)  # fail early, and clearly, if nothing answers there

    @property
    def location(self) -> str:
        return self.url

    def close(self) -> None:
        """Nothing to release: every request is its own connection."""

    def __repr__(self) -> str:
        return f"RemoteStore({self.url})"

    # ------------------------------------------------------------------ HTTP

    def _request(
        self,
        path: str,
        *,
        data: bytes | None = None,
        params: list[tuple[str, str]] | None = None,
        content_type: str | None = None,
        accept: str | None = None,
    ) -> tuple[str, bytes]:
        url = self.url + path + (f"?{urlencode(params)}" if params else "")
        headers = {k: v for k, v in (("Content-Type", content_type), ("Accept", accept)) if v}
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, data=data, headers=headers), timeout=self.timeout
            ) as r:
                return r.headers.get("Content-Type", ""), bytes(r.read())
        except urllib.error.HTTPError as e:
            message = e.read().decode("utf-8", errors="replace").strip()
            error = QueryError if e.code == 400 and path == "/query" else StoreError
            raise error(f"{self.url}{path}: HTTP {e.code}: {message or e.reason}") from e
        except OSError as e:
            raise StoreError(f"cannot reach the kg store at {self.url}: {e}") from e

    def _form(self, path: str, fields: list[tuple[str, str]], accept: str | None = None) -> tuple[str, bytes]:
        return self._request(
            path,
            data=urlencode(fields).encode(),
            content_type="application/x-www-form-urlencoded",
            accept=accept,
        )

    # ------------------------------------------------------------------ reading

    def query(
        self, sparql: str, params: Mapping[str, object] | None = None, *, union: bool = True
    ) -> QueryResult:
        """SELECT or ASK over the union (or, without `union`, the server's own default graph)."""
        if params:
            sparql = with_values(sparql, {name: to_ox_term(value) for name, value in params.items()})
        fields = [("query", _PROLOGUE + sparql)]
        if union:
            fields += [("default-graph-uri", UNION_GRAPH.value)]
            if uses_named_graphs(sparql):
                fields += [("named-graph-uri", str(g.value)) for g in self.graph_names()]
        content_type, body = self._form("/query", fields, accept=f"{_JSON}, application/n-triples;q=0.1")
        if "json" not in content_type:
            raise QueryError(f"{self.url}: only SELECT and ASK queries are supported on a remote store")
        result = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        return result

    def _select(self, sparql: str) -> list[ox.QuerySolution]:
        result = self.query(sparql, union=False)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    def graph_names(self) -> list[ox.NamedNode | ox.BlankNode]:
        rows = self._select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        names = (row["g"] for row in rows)
        return [g for g in names if isinstance(g, ox.NamedNode | ox.BlankNode) and g not in INTERNAL_GRAPHS]

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
        terms = {"s": subject, "p": predicate, "o": obj}
        pattern = " ".join(str(t) if t is not None else f"?{v}" for v, t in terms.items())
        if isinstance(graph, ox.DefaultGraph):
            where = pattern
        elif graph is not None:
            where = f"GRAPH {graph} {{ {pattern} }}"
        else:
            where = f"{{ {pattern} }} UNION {{ GRAPH ?g {{ {pattern} }} }}"
        quads = []
        for row in self._select(f"SELECT * WHERE {{ {where} }}"):
            s, p, o = (t if t is not None else row[v] for v, t in terms.items())
            g = graph if graph is not None else (row["g"] if row["g"] is not None else ox.DefaultGraph())
            quads.append(ox.Quad(s, p, o, g))  # type: ignore[arg-type]
        return quads

    def quads(self, *, exclude: Iterable[ox.NamedNode] = ()) -> Iterator[ox.Quad]:
        """Every quad but the internal graphs' (the whole dataset, read with one GET)."""
        _, body = self._request("/store", accept="application/n-quads")
        skip = INTERNAL_GRAPHS | set(exclude)
        return (q for q in ox.parse(body, format=ox.RdfFormat.N_QUADS) if q.graph_name not in skip)

    def union_graph(self) -> rdflib.Graph:
        _, body = self._request(
            "/store", params=[("graph", UNION_GRAPH.value)], accept="application/n-triples"
        )
        graph = rdflib.Graph()
        if body.strip():
            graph.parse(data=body, format="nt")
        return graph

    def __len__(self) -> int:
        rows = self._select(_COUNT)
        return int(rows[0]["n"].value) if rows else 0

    # ------------------------------------------------------------------ writing

    def update(self, sparql: str, *, refresh: bool = True) -> None:
        self._form("/update", [("update", _PROLOGUE + sparql)])
        if refresh:
            self.refresh_union()

    def refresh_union(self) -> None:
        self._form("/update", [("update", REFRESH_UNION)])

    def apply(
        self,
        *,
        drop: Iterable[ox.NamedNode] = (),
        delete: Iterable[ox.Quad] = (),
        insert: Iterable[ox.Quad] = (),
    ) -> None:
        update = apply_update(drop=drop, delete=delete, insert=insert)
        if update:
            self.update(update, refresh=False)  # the update keeps the union current itself

    def load_files(self, paths: Iterable[Path], *, graph: str | None = None, check: bool = True) -> int:
        """Check every file, then POST each graph's triples in batches; returns the quads added."""
        target = REFERENCE_GRAPH if graph is None else graph_name(graph)
        if target in INTERNAL_GRAPHS:
            raise StoreError(f"{graph}: an internal graph of the kg store; import into another graph")
        checked = [(Path(p), check_rdf_file(Path(p)) if check else rdf_format(Path(p))) for p in paths]
        before = len(self)
        written: set[GraphName] = set()
        for path, fmt in checked:
            by_graph: dict[GraphName, list[ox.Triple]] = {}
            for quad in ox.parse(path=str(path), format=fmt):
                name = quad.graph_name if not isinstance(quad.graph_name, ox.DefaultGraph) else target
                by_graph.setdefault(name, []).append(quad.triple)
            for name, triples in by_graph.items():
                self._post_triples(name, triples)
            written |= by_graph.keys()
            log.info("sent %s to %s", path, self.url)
        if written:  # the graphs written into the union: a cost that follows the files, not the store
            self.update(" ;\n".join(union_plus(name) for name in sorted(written, key=str)), refresh=False)
        return len(self) - before

    def _post_triples(self, name: GraphName, triples: list[ox.Triple]) -> None:
        has_blank = any(
            isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples
        )
        size = len(triples) if has_blank else self.batch_size
        params = [("graph", str(name.value))] if isinstance(name, ox.NamedNode) else [("default", "")]
        batches = iter(triples)
        while batch := list(islice(batches, max(size, 1))):
            data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES) or b""
            self._request("/store", data=data, params=params, content_type="application/n-triples")
