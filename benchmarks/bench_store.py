"""kg's Oxigraph store against rdflib's in-memory graph, and against raw pyoxigraph.

For about 10k and 100k distinct triples (and 1M with `--large`) of `benchmarks.synthetic` data,
written as kg writes it (`graph.trig`, one named graph per document, 1.4 quads per triple) and as
the union graph (`graph.nt`):

* load: `GraphStore().load_file` (in memory; it also rebuilds the store's merged union graph)
  against raw `pyoxigraph.Store().bulk_load` of the same file and `rdflib.Graph().parse` of the
  N-Triples (an rdflib Graph cannot hold TriG's named graphs);
* each saved query (`ontology/queries/*.rq`, no parameters, so every row): `kg.query.run` on the
  store loaded from graph.trig against `kg.query.run` on the rdflib Graph (rdflib's SPARQL
  engine) and against raw `Store.query` on the same pyoxigraph store (the same default graph,
  solutions read into tuples of terms): kg's overhead is its parameter binding, conversion of
  every cell to a Python value and the pandas DataFrame.

Times are the best of up to five runs (fewer when a run is slow); rdflib queries run in a forked
process and are stopped after `--query-cap` seconds.

    .venv/bin/python -m benchmarks.bench_store [--large] [--query-cap 60]
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

import kg.store
from benchmarks import synthetic
from kg.query import run, saved_queries, saved_query
from kg.store import DEFAULT_PREFIXES, GraphStore

SIZES = (10_000, 100_000)
LARGE = 1_000_000
_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nt": ox.RdfFormat.N_TRIPLES}


@dataclass(frozen=True)
class LoadResult:
    triples: int  # distinct triples of the union graph
    file: str
    statements: int  # quads in the file (triples for .nt)
    megabytes: float
    kg: float
    raw: float
    rdflib: float | None  # None: not measured (TriG)


@dataclass(frozen=True)
class QueryResult:
    triples: int
    query: str
    rows: int
    kg: float
    raw: float
    rdflib: float | None  # None: stopped after the cap
    rdflib_rows: int | None
    raw_rows: int
    cap: float


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def best_of(measure: Callable[[], float], *, runs: int = 5, budget: float = 5.0) -> float:
    """The smallest of up to `runs` values of `measure()` (seconds), stopping once `budget` is spent."""
    best, spent = float("inf"), 0.0
    for _ in range(runs):
        elapsed = measure()
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget:
            break
    return best


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def _elapsed(fn: Callable[..., Any], *args: Any) -> float:
    return _timed(partial(fn, *args))[0]


# ---------------------------------------------------------------------- loading


def time_kg_load(path: Path) -> float:
    def once() -> float:
        store = GraphStore()
        elapsed, _ = _timed(lambda: store.load_file(path))
        store.close()
        return elapsed

    return best_of(once, runs=3, budget=10.0)


def time_raw_load(path: Path) -> float:
    def once() -> float:
        store = ox.Store()
        elapsed, _ = _timed(lambda: store.bulk_load(path=str(path), format=_FORMATS[path.suffix]))
        return elapsed

    return best_of(once, runs=3, budget=10.0)


def time_rdflib_parse(path: Path) -> tuple[float, rdflib.Graph]:
    """One parse (slow enough that one run is representative); the graph is kept for the queries."""
    gc.collect()
    elapsed, graph = _timed(lambda: rdflib.Graph().parse(path, format="nt"))
    return elapsed, graph


# ---------------------------------------------------------------------- querying


def raw_query(store: ox.Store, sparql: str) -> list[tuple[Any, ...]]:
    """The saved query on pyoxigraph directly: the default graph GraphStore.query uses, no wrapper."""
    union = getattr(kg.store, "UNION_GRAPH", None)
    if union is not None:
        result = store.query(sparql, prefixes=DEFAULT_PREFIXES, default_graph=union)
    else:  # a store without a merged union graph
        result = store.query(sparql, prefixes=DEFAULT_PREFIXES, use_default_graph_as_union=True)
    assert isinstance(result, ox.QuerySolutions)
    variables = result.variables
    return [tuple(solution[v] for v in variables) for solution in result]


def _rdflib_child(conn: Any, graph: rdflib.Graph, sparql: str) -> None:
    spent = 0.0
    for _ in range(5):
        elapsed, frame = _timed(lambda: run(graph, sparql))
        conn.send((elapsed, len(frame)))
        spent += elapsed
        if spent > 5.0:
            break
    conn.close()


def time_rdflib_query(graph: rdflib.Graph, sparql: str, cap: float) -> tuple[float | None, int | None]:
    """Best time and row count of `run(graph, sparql)` in a forked process; (None, None) after `cap` s."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_rdflib_child, args=(sender, graph, sparql), daemon=True)
    child.start()
    sender.close()
    deadline = time.monotonic() + cap
    best: float | None = None
    rows: int | None = None
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not receiver.poll(left):
            break
        try:
            elapsed, rows = receiver.recv()
        except EOFError:  # the child is done
            break
        best = elapsed if best is None else min(best, elapsed)
    if child.is_alive():
        child.kill()
    child.join()
    receiver.close()
    return best, rows


# ---------------------------------------------------------------------- one size


def bench_size(
    target: int, folder: Path, cap: float, log: Callable[[str], None]
) -> tuple[list[LoadResult], list[QueryResult]]:
    start = time.perf_counter()
    data = synthetic.for_triples(target)
    trig, nt = folder / f"graph-{target}.trig", folder / f"graph-{target}.nt"
    quads = synthetic.write_trig(data, trig)
    triples = synthetic.write_ntriples(data, nt)
    del data
    log(
        f"store: {target:,}: {triples:,} triples, {quads:,} quads "
        f"written in {time.perf_counter() - start:.1f} s"
    )

    loads: list[LoadResult] = []
    for path, count in ((trig, quads), (nt, triples)):
        kg_load = time_kg_load(path)
        raw_load = time_raw_load(path)
        log(
            f"store: {target:,}: {path.name} loaded by kg in {kg_load:.2f} s, raw pyoxigraph {raw_load:.2f} s"
        )
        size = path.stat().st_size / 1e6
        loads.append(LoadResult(triples, path.name, count, size, kg_load, raw_load, None))
    rdflib_load, graph = time_rdflib_parse(nt)
    log(f"store: {target:,}: rdflib parsed {len(graph):,} triples in {rdflib_load:.2f} s")
    loads[-1] = replace(loads[-1], rdflib=rdflib_load)

    store = GraphStore()
    store.load_file(trig)
    queries: list[QueryResult] = []
    for name in saved_queries():
        sparql = saved_query(name)
        rows = len(run(store, sparql))
        kg_time = best_of(partial(_elapsed, run, store, sparql))
        raw_rows = len(raw_query(store.store, sparql))
        raw_time = best_of(partial(_elapsed, raw_query, store.store, sparql))
        rdflib_time, rdflib_rows = time_rdflib_query(graph, sparql, cap)
        rdflib_text = "> cap" if rdflib_time is None else f"{rdflib_time:.3f} s"
        log(
            f"store: {target:,}: {name}: {rows:,} rows, kg {kg_time:.3f} s, raw {raw_time:.3f} s, "
            f"rdflib {rdflib_text}"
        )
        queries.append(
            QueryResult(triples, name, rows, kg_time, raw_time, rdflib_time, rdflib_rows, raw_rows, cap)
        )
    store.close()
    del graph
    gc.collect()
    return loads, queries


def run_all(
    sizes: Sequence[int] = SIZES, *, cap: float = 60.0, log: Callable[[str], None] = progress
) -> tuple[list[LoadResult], list[QueryResult]]:
    loads: list[LoadResult] = []
    queries: list[QueryResult] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-store-") as tmp:
        for target in sizes:
            size_loads, size_queries = bench_size(target, Path(tmp), cap, log)
            loads += size_loads
            queries += size_queries
    return loads, queries


# ---------------------------------------------------------------------- tables


def _s(value: float | None, cap: float | None = None) -> str:
    if value is None:
        return "—" if cap is None else f"> {cap:g}"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def _times(value: float) -> str:
    return f"{value:,.1f}×" if value < 100 else f"{value:,.0f}×"


def _ratio(numerator: float | None, denominator: float, cap: float | None = None) -> str:
    if numerator is None:
        return "—" if cap is None else f"> {_times(cap / denominator)}"
    return _times(numerator / denominator)


def load_table(results: Sequence[LoadResult]) -> str:
    lines = [
        "| triples | file | statements | MB | kg `load_file` s | raw `bulk_load` s | kg / raw "
        "| rdflib `Graph().parse` s | rdflib / kg |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.triples:,} | {r.file} | {r.statements:,} | {r.megabytes:.1f} | {_s(r.kg)} | {_s(r.raw)} "
            f"| {_ratio(r.kg, r.raw)} | {_s(r.rdflib)} | {_ratio(r.rdflib, r.kg)} |"
        )
    return "\n".join(lines)


def query_table(results: Sequence[QueryResult]) -> str:
    lines = [
        "| triples | query | rows | kg `run` s | rdflib `run` s | rdflib / kg "
        "| raw pyoxigraph s | kg / raw |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    mismatches = []
    for r in results:
        if (r.rdflib_rows is not None and r.rdflib_rows != r.rows) or r.raw_rows != r.rows:
            mismatches.append(
                f"{r.query} at {r.triples:,}: kg {r.rows}, rdflib {r.rdflib_rows}, raw {r.raw_rows}"
            )
        lines.append(
            f"| {r.triples:,} | {r.query} | {r.rows:,} | {_s(r.kg)} | {_s(r.rdflib, r.cap)} "
            f"| {_ratio(r.rdflib, r.kg, r.cap)} | {_s(r.raw)} | {_ratio(r.kg, r.raw)} |"
        )
    if mismatches:
        lines += ["", "Row counts differ: " + "; ".join(mismatches)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--large", action="store_true", help=f"also {LARGE:,} triples (slow: rdflib)")
    parser.add_argument(
        "--query-cap", type=float, default=60.0, help="seconds before an rdflib query is stopped"
    )
    args = parser.parse_args(argv)
    loads, queries = run_all([*SIZES, LARGE] if args.large else SIZES, cap=args.query_cap)
    print(load_table(loads))
    print()
    print(query_table(queries))


if __name__ == "__main__":
    main()
