"""SPARQL updates that change a store's graphs and keep its union graph (UNION_GRAPH) current, at
a cost proportional to the change: the same text runs on the embedded store, `kg serve` and any
SPARQL 1.1 server (kg.store.remote)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import pyoxigraph as ox

from kg.core.vocab import ID
from kg.store.names import INTERNAL_GRAPHS, UNION_GRAPH, GraphName, in_graph

#: Triples per INSERT DATA or DELETE DATA operation of an update (an update may hold many): Virtuoso's
#: parser gives up near 5,000 in one operation (measured on 7.2), and compiles smaller ones faster.
OPERATION_TRIPLES = 2000


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
        parts += data_operations("INSERT DATA", (in_graph(q, _RETRACTED) for q in deleted))
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


def _insert_block(graph_name: str, quads: Iterable[ox.Quad]) -> str:
    triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in quads)
    if graph_name == str(ox.DefaultGraph()):
        return triples
    return f"GRAPH {graph_name} {{\n{triples}\n}}"
