"""Which graphs a SPARQL update may write (for `kg serve`'s union upkeep, kg.server.upkeep).

- an update made only of INSERT DATA and DELETE DATA operations (bulk loads) is run, as INSERT
  DATA, on an empty in-memory Oxigraph store: its graphs are those of the quads it holds then
  (5,000 triples: 0.07 s, where rdflib's parser and algebra took 124 s);
- any other update is parsed (rdflib's parser) and each operation's graphs read off: the graphs of
  its data and templates (`WITH` for triples outside any GRAPH), the graph a LOAD, CLEAR, DROP,
  ADD, MOVE or COPY writes (MOVE also empties its source).

None where that cannot be known (a variable graph, `DROP ALL`, `CLEAR NAMED`, an update rdflib
cannot parse).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib.plugins.sparql.algebra import translateUpdate
from rdflib.plugins.sparql.parser import parseUpdate

from kg.store.names import GraphName
from kg.store.sparqltext import masked

log = logging.getLogger(__name__)

_DEFAULT = ox.DefaultGraph()


def update_graphs(update: str) -> set[GraphName] | None:
    """The graphs a SPARQL update may change; None if that cannot be known."""
    data = _as_insert_data(update)
    return _data_graphs(data) if data is not None else _parsed_graphs(update)


def _parsed_graphs(update: str) -> set[GraphName] | None:
    """`update_graphs` of any update, read off rdflib's parse of it."""
    try:
        parsed = parseUpdate(update)
        for operation in parsed.request:
            _slim(operation)
        operations = translateUpdate(parsed).algebra
    except Exception as e:  # pyparsing and rdflib raise many kinds; Oxigraph will judge the text
        log.info("cannot tell which graphs an update writes (%s): the union will be rebuilt", e)
        return None
    graphs: set[GraphName] = set()
    for operation in operations:
        written = _written(operation)
        if written is None:
            return None
        graphs |= written
    return graphs


#: What is left to read once strings, IRIs and comments are blanked out (kg.store.sparqltext.masked):
#: braces, semicolons, and words (keywords, prefixed names, literals' other parts)
_CODE_TOKEN = re.compile(r"[{};]|[^\s{};]+")


def _as_insert_data(update: str) -> str | None:
    """An update made only of INSERT DATA and DELETE DATA operations (after PREFIX and BASE
    declarations), with each DELETE DATA turned into INSERT DATA; None for any other update.

    Those are the updates that load data in bulk, and their graphs are those of their quads, which
    Oxigraph finds by running the update on an empty store in memory (a few ms for 10k triples).
    rdflib's parser took 6 s for 1,000 triples and 124 s for 5,000. Only the update's shape is read
    here; Oxigraph judges the rest (a malformed update gets no plan, as before).
    """
    expect = "operation"  # what may come next outside the data blocks
    depth, deletes, seen_data = 0, [], False
    for match in _CODE_TOKEN.finditer(masked(update)):
        token = match.group()
        if depth > 0:  # inside a data block: only its braces matter
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                expect = "semicolon"
            continue
        word = token.upper()
        if token == "{" and expect == "block":
            depth = 1
        elif token == ";" and expect == "semicolon":
            expect = "operation"
        elif expect == "operation" and word == "PREFIX":
            expect = "prefix"
        elif (expect == "prefix" and token.endswith(":")) or (expect == "operation" and word == "BASE"):
            expect = "operation"  # the IRI that follows is blanked out
        elif expect == "operation" and word in ("INSERT", "DELETE"):
            if word == "DELETE":
                deletes.append(match.span())
            expect = "data"
        elif expect == "data" and word == "DATA":
            expect, seen_data = "block", True
        else:
            return None
    if depth != 0 or expect not in ("operation", "semicolon") or not seen_data:
        return None
    for start, end in reversed(deletes):
        update = update[:start] + "INSERT" + update[end:]
    return update


def _data_graphs(update: str) -> set[GraphName] | None:
    """The graphs of the quads an INSERT DATA update inserts (None if Oxigraph refuses it)."""
    scratch = ox.Store()
    try:
        scratch.update(update)
    except (SyntaxError, ValueError, OSError) as e:
        log.info("cannot tell which graphs an update writes (%s): the union will be rebuilt", e)
        return None
    return {quad.graph_name for quad in scratch}


def _slim(operation: Any) -> None:
    """Keep one triple of each block of a parsed update: which graphs an operation writes does not
    depend on how many triples a block holds, and rdflib's translation takes a time quadratic in
    their number."""
    for clause in (operation, _field(operation, "delete"), _field(operation, "insert")):
        quads = _field(clause, "quads") if clause is not None else None
        if quads is None:
            continue
        for block in (quads, *(_field(quads, "quadsNotTriples") or ())):
            triples = _field(block, "triples")
            if triples:
                block["triples"] = triples[:1]


def _written(operation: Any) -> set[GraphName] | None:
    """The graphs one update operation may change; None if they cannot be known."""
    name = operation.name
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return _template(operation, None)
    if name == "Modify":
        found: set[GraphName] = set()
        for clause in (_field(operation, "delete"), _field(operation, "insert")):
            graphs = _template(clause, _field(operation, "withClause")) if clause is not None else set()
            if graphs is None:
                return None
            found |= graphs
        return found
    if name == "Load":
        return _graph(_field(operation, "graphiri"))
    if name in ("Clear", "Drop"):
        return _graph(_field(operation, "graphiri"))
    if name == "Create":
        return set()
    if name in ("Add", "Copy"):
        return _graph(operation.graph[1])
    if name == "Move":
        source, target = _graph(operation.graph[0]), _graph(operation.graph[1])
        return None if source is None or target is None else source | target
    return None


def _template(clause: Any, default: object) -> set[GraphName] | None:
    """The graphs of a data block or template: its GRAPH blocks, and `default` (WITH) or the
    default graph for triples outside them; None if a GRAPH block names a variable."""
    graphs: set[GraphName] = set()
    for graph, triples in (_field(clause, "quads") or {}).items():
        if triples:
            named = _graph(graph)
            if named is None:
                return None
            graphs |= named
    if _field(clause, "triples"):
        named = _graph(default)
        if named is None:
            return None
        graphs |= named
    return graphs


def _field(node: Any, key: str) -> Any:
    """A field of an rdflib algebra node, None if absent (its own `get` differs from a dict's)."""
    return dict.get(node, key)


def _graph(graph: object) -> set[GraphName] | None:
    """An operation's graph as a set of one: an IRI, or the default graph (None or "DEFAULT");
    None for "NAMED", "ALL" or a variable."""
    if graph is None or graph == "DEFAULT":
        return {_DEFAULT}
    if isinstance(graph, rdflib.URIRef):
        return {ox.NamedNode(str(graph))}
    return None
