"""The files beside a store, written from it: graph.ttl (the union graph, inferred triples included),
graph.trig (the graphs: documents, reference data, inferred) and graph.html (the view of the asserted
triples), after every change to the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from kg.core.vocab import DEFAULT_PREFIXES, KG, RELATION_PROPERTIES
from kg.pipeline.build import write_atomic, write_text_atomic
from kg.quality.stats import GraphStats, graph_stats
from kg.store.base import KGStore, to_rdflib
from kg.store.local import GraphStore
from kg.store.names import INFERRED_GRAPH, UNION_GRAPH


def write_views(
    store: KGStore, out_dir: Path, *, html: bool = True, only_existing: bool = False
) -> tuple[list[tuple[str, Path]], GraphStats | None]:
    """graph.ttl (the store's union graph) and graph.trig (its graphs, the inferred one included), so
    the files hold what queries of the store see, and graph.html, the view of the asserted graphs.

    With `only_existing`, only the files already in `out_dir` are rewritten. Returns the files
    written and the counts of the asserted union graph (None when no file was wanted: reading the
    whole store costs seconds per million triples).
    """

    def wanted(name: str) -> Path | None:
        path = out_dir / name
        return None if only_existing and not path.is_file() else path

    ttl, trig = wanted("graph.ttl"), wanted("graph.trig")
    page = wanted("graph.html") if html else None
    if ttl is None and trig is None and page is None:
        return [], None
    inferred = bool(store.quads_for_pattern(None, None, None, INFERRED_GRAPH))
    prefixes = {k: v for k, v in DEFAULT_PREFIXES.items() if k not in ("id", "wd")}  # id:a/b reads badly
    from kg.views.html import render
    from kg.views.neighbourhood import view_graph, whole_union_is_faster

    # The page is drawn from the whole asserted union (read once, for the files, the page and the
    # counts) when the store is small, or holds inferred triples (the page shows the asserted
    # graph, the store's union both); else from what the view shows, read from the store
    # (kg.views.neighbourhood), and a local store's files are serialized by Oxigraph straight from it.
    whole = page is not None and (inferred or whole_union_is_faster(store))
    if isinstance(store, GraphStore) and not inferred and not whole:
        dumped, stats = _dump_views(store, ttl, trig, prefixes)
        if page is not None:
            dumped.append(("view", render(view_graph(store), page)))
        return dumped, stats
    quads = list(store.quads(exclude=[INFERRED_GRAPH]))  # in the store's order: by graph, then subject
    merged = [q.triple for q in store.quads_for_pattern(None, None, None, UNION_GRAPH)]  # inferred too
    # the page and the counts: the asserted triples (the union graph is exactly them, merged, unless
    # the store holds inferred ones)
    triples = sorted({q.triple for q in quads}, key=_key) if inferred else merged
    written: list[tuple[str, Path]] = []
    if ttl is not None:
        write_text_atomic(ttl, _text(ox.serialize(merged, format=ox.RdfFormat.TURTLE, prefixes=prefixes)))
        written.append(("graph", ttl))
    if trig is not None:
        dataset = [*quads, *store.quads_for_pattern(None, None, None, INFERRED_GRAPH)]
        write_text_atomic(trig, _text(ox.serialize(dataset, format=ox.RdfFormat.TRIG, prefixes=prefixes)))
        written.append(("dataset", trig))
    if whole and page is not None:
        written.append(("view", render(to_rdflib(triples), page)))
    elif page is not None:
        written.append(("view", render(view_graph(store), page)))
    with GraphStore(None) as counted:  # the asserted triples the counts read, counted as any store's
        default = ox.DefaultGraph()
        counted.bulk_add(
            (
                ox.Quad(t.subject, t.predicate, t.object, default)
                for t in triples
                if t.predicate in _STATS_PREDICATES
            ),
            compact=False,
        )
        return written, replace(graph_stats(counted), triples=len(triples))


def _dump_views(
    store: GraphStore, ttl: Path | None, trig: Path | None, prefixes: Mapping[str, str]
) -> tuple[list[tuple[str, Path]], GraphStats]:
    """graph.ttl and graph.trig serialized by Oxigraph straight from the store, and the counts by
    SPARQL: at 1M triples, 61 s through Python objects and an rdflib graph for the counts."""
    written: list[tuple[str, Path]] = []
    if ttl is not None:
        write_atomic(ttl, lambda handle: store.dump_union_to(handle, prefixes))
        written.append(("graph", ttl))
    if trig is not None:
        write_atomic(trig, lambda handle: store.dump_dataset_to(handle, prefixes, exclude=[INFERRED_GRAPH]))
        written.append(("dataset", trig))
    return written, graph_stats(store)


_STATS_PREDICATES = frozenset(
    {ox.NamedNode(DEFAULT_PREFIXES["rdf"] + "type")} | {ox.NamedNode(str(KG[p])) for p in RELATION_PROPERTIES}
)


def _key(triple: ox.Triple) -> tuple[str, str, str]:
    return str(triple.subject), str(triple.predicate), str(triple.object)


def _text(data: bytes | None) -> str:
    return (data or b"").decode("utf-8")
