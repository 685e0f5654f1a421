"""Keeping the union graph current around a write `kg serve` relays, at the cost of what it touches.

A served store's queries read the merged union (`kg.store.names.UNION_GRAPH`). Rebuilding it after every
write, as `kg serve` did, took 293 s per write on a 1M-triple store. Instead, a write is planned
from the graphs it touches:

- a Graph Store Protocol write names its graph (`?graph=IRI` or `?default`);
- a SPARQL update made only of INSERT DATA and DELETE DATA operations (bulk loads) is run, as
  INSERT DATA, on an empty in-memory Oxigraph store: its graphs are those of the quads it holds
  then (5,000 triples: 0.07 s, where rdflib's parser and algebra took 124 s);
- any other update is parsed (rdflib's parser) and each operation's graphs read off: the graphs of
  its data and templates (`WITH` for triples outside any GRAPH), the graph a LOAD, CLEAR, DROP,
  ADD, MOVE or COPY writes (MOVE also empties its source).

(Which graphs an update writes is read by `kg.store.touched.update_graphs`.)

Before the write, the triples of those graphs are set aside in a scratch graph; after it, those no
graph states any more leave the union (`kg.store.updates.union_minus`), and the graphs' new triples join it
(`kg.store.updates.union_plus`). Both cost what those graphs hold, not what the store holds. A write whose
graphs cannot be known (a variable graph, `DROP ALL`, `CLEAR NAMED`, a whole-dataset Graph Store
write, an update rdflib cannot parse) or that writes the union itself gets a full rebuild
(`kg.store.updates.REFRESH_UNION`), as before. The extraction records' graph is never part of the union.

kg's own clients (`kg.store.remote.RemoteStore`) keep the union current themselves, in the same requests
as their writes, and say so with the header `kg.store.names.UNION_HEADER`: their writes need nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from kg.store.names import RECORDS_GRAPH, SCRATCH_GRAPH, UNION_GRAPH, GraphName
from kg.store.touched import update_graphs
from kg.store.updates import REFRESH_UNION, copy_into, union_minus, union_plus

_DEFAULT = ox.DefaultGraph()


@dataclass(frozen=True)
class Plan:
    """The updates to run around one write: `before` it (None: nothing), `after` it succeeded
    (None: nothing), and `failed` if it did not."""

    before: str | None
    after: str | None
    failed: str | None

    @classmethod
    def for_graphs(cls, graphs: Iterable[GraphName] | None) -> Plan:
        """The plan for a write confined to `graphs` (None: unknown, so rebuild the union after)."""
        if graphs is None:
            return cls(None, REFRESH_UNION, None)
        touched = sorted(set(graphs) - {RECORDS_GRAPH}, key=str)
        if UNION_GRAPH in touched or SCRATCH_GRAPH in touched:
            return cls(None, REFRESH_UNION, None)
        if not touched:
            return cls(None, None, None)
        drop = f"DROP SILENT GRAPH {SCRATCH_GRAPH}"
        before = " ;\n".join([drop, *copy_into(SCRATCH_GRAPH, touched)])
        after = " ;\n".join([union_minus(SCRATCH_GRAPH), drop, *union_plus(touched)])
        return cls(before, after, drop)


KEPT = Plan(None, None, None)


def plan_store_write(params: Mapping[str, list[str]]) -> Plan:
    """The plan for a Graph Store Protocol write with these query parameters."""
    graphs = params.get("graph", [])
    if "default" in params and not graphs:
        return Plan.for_graphs([_DEFAULT])
    if len(graphs) == 1 and "default" not in params:
        try:
            return Plan.for_graphs([ox.NamedNode(graphs[0])])
        except ValueError:
            return Plan.for_graphs(None)  # Oxigraph will refuse it; nothing to plan
    return Plan.for_graphs(None)  # the whole dataset


def plan_update(update: str) -> Plan:
    """The plan for a SPARQL update (see the module docstring)."""
    return Plan.for_graphs(update_graphs(update))
