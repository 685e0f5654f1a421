"""What a grown store costs beyond queries: views of it, and a write through `kg serve`.

For about 10k and 100k distinct triples (and 1M with `--large`) of `benchmarks.synthetic` data,
imported with `kg.views.exporting.import_files` (what `kg import` runs) into an on-disk store under /tmp:

* views: `kg render --store DIR --out page.html` in-process (typer's CliRunner, as
  `benchmarks.bench_store` times `kg query`), of the whole store (its 1,500 best-connected
  entities), then with `--focus NAME --hops 1|2` for the entity with the most relations (a hub) and
  a median one, against what the command did before: read the whole union into rdflib
  (`GraphStore.union_graph()`), then `kg.views.html.render` the same view. Both pages must be byte
  for byte the same. Best of three (one run at 1M triples).
* a write through `kg serve --allow-update` (a subprocess on a loopback port; HTTP as any SPARQL
  client speaks it): one triple inserted into a document's graph, and a document's graph dropped,
  each answered once the union graph has it, against what `kg serve` did before: the same write,
  then a rebuild of the whole union (`kg.store.updates.REFRESH_UNION`). Each once, on a copy of the store;
  the union must equal a full rebuild at the end.

    .venv/bin/python -m benchmarks.bench_grown [--sizes 10000 100000] [--large]
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from benchmarks import synthetic
from benchmarks.bench_store import (
    LARGE,
    _elapsed,
    _ratio,
    _s,
    best_of,
    chosen_sizes,
    invoke,
    progress,
    sizes_parser,
    union_size,
)
from kg.server.process import free_port
from kg.store.local import GraphStore, store_folder
from kg.store.names import DOC_PREFIX, UNION_HEADER, UNION_KEPT
from kg.store.updates import REFRESH_UNION
from kg.views.exporting import import_files
from kg.views.html import render


@dataclass(frozen=True)
class ViewResult:
    triples: int
    focus: str  # "none" (the whole store), "hub" or "median"
    relations: int  # of the focus entity
    hops: int | None
    kg: float  # `kg render --focus` on the store
    union: float  # the whole union read into rdflib, then rendered
    same: bool  # the two pages are identical


@dataclass(frozen=True)
class WriteResult:
    triples: int
    write: str
    kg: float  # through kg serve, union kept current
    rebuild: float  # the same write, then the whole union rebuilt
    exact: bool  # after all writes, the union equals a full rebuild


# ---------------------------------------------------------------------- data


def make_store(target: int, folder: Path) -> tuple[Path, int, list[tuple[str, str, int]]]:
    """A store of about `target` triples; its size, and the hub's and a median entity's labels with
    their numbers of relations."""
    data = synthetic.for_triples(target)
    trig = folder / "graph.trig"
    synthetic.write_trig(data, trig)
    location = folder / "kg"
    import_files(location, [trig])
    ranked = synthetic.by_relations(data)
    picks = [("hub", ranked[0]), ("median", ranked[len(ranked) // 2])]
    foci = [(name, entity.label, relations) for name, (entity, relations) in picks]
    return location, union_size(location), foci


# ---------------------------------------------------------------------- focused views


def bench_views(
    location: Path, triples: int, foci: list[tuple[str, str, int]], folder: Path, log: Callable[[str], None]
) -> list[ViewResult]:
    """`kg render` of the whole store (its 1,500 best-connected entities), then of each focus at one
    and two hops, against the whole union read into rdflib and rendered."""
    results = []
    runs = 1 if triples >= LARGE else 3
    views: list[tuple[str, str | None, int, int | None]] = [("none", None, 0, None)]
    views += [(name, label, relations, hops) for name, label, relations in foci for hops in (1, 2)]
    for name, label, relations, hops in views:
        page, baseline = folder / "kg.html", folder / "union.html"
        focus = [] if label is None else ["--focus", label, "--hops", str(hops)]
        args = ["render", "--store", str(location), *focus, "--out", str(page)]
        kg = best_of(partial(_elapsed, invoke, args), runs=runs, budget=float("inf"))
        union = best_of(
            partial(_elapsed, _render_union, location, label, hops or 1, baseline), runs=runs, budget=60
        )
        same = page.read_bytes() == baseline.read_bytes()
        log(f"grown: {triples:,}: render {name}, {hops} hops: kg {kg:.2f} s, union {union:.2f} s")
        results.append(ViewResult(triples, name, relations, hops, kg, union, same))
    return results


def _render_union(location: Path, focus: str | None, hops: int, out: Path) -> None:
    """What `kg render --store` did before: the whole union into rdflib, then the view."""
    with GraphStore.open_existing(store_folder(location), read_only=True) as store:
        union = store.union_graph()
    render(union, out, focus=focus, hops=hops)


# ---------------------------------------------------------------------- writes through kg serve


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`kg serve --allow-update` on `folder` (holding store/), stopped by its pid."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(folder), "--port", str(port), "--allow-update"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                _post(url, "/query", {"query": "ASK {}"})
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("kg serve did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=120)


def _post(url: str, path: str, fields: dict[str, str], headers: dict[str, str] | None = None) -> bytes:
    request = urllib.request.Request(url + path, data=urlencode(fields).encode(), headers=headers or {})
    with urllib.request.urlopen(request, timeout=7200) as response:
        return bytes(response.read())


def _update(url: str, update: str, *, rebuild: bool = False) -> float:
    """Time one update through kg serve; with `rebuild`, as kg serve did before: the write alone,
    then the whole union rebuilt."""
    start = time.perf_counter()
    if rebuild:
        _post(url, "/update", {"update": update}, {UNION_HEADER: UNION_KEPT})
        _post(url, "/update", {"update": REFRESH_UNION}, {UNION_HEADER: UNION_KEPT})
    else:
        _post(url, "/update", {"update": update})
    return time.perf_counter() - start


def _union_is_exact(url: str) -> bool:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    every = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"

    def number(query: str) -> int:
        body = _post(url, "/query", {"query": query}, {"Accept": "application/sparql-results+json"})
        return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])

    return number(count) == number(every)  # the synthetic stores have no default-graph triples


def bench_writes(location: Path, triples: int, folder: Path, log: Callable[[str], None]) -> list[WriteResult]:
    copy = folder / "served"
    shutil.copytree(store_folder(location), copy / "store")
    fact = "<https://example.org/a> <https://example.org/b> <https://example.org/c>"
    docs = [f"<{DOC_PREFIX}synthetic-{n:06d}>" for n in range(4)]
    writes = [
        (
            "insert one triple into a document",
            f"INSERT DATA {{ GRAPH {docs[0]} {{ {fact} }} }}",
            f"INSERT DATA {{ GRAPH {docs[1]} {{ {fact} }} }}",
        ),
        ("drop a document's graph", f"DROP GRAPH {docs[2]}", f"DROP GRAPH {docs[3]}"),
    ]
    results = []
    with served(copy) as url:
        for name, kg_write, baseline_write in writes:
            kg = _update(url, kg_write)
            rebuild = _update(url, baseline_write, rebuild=True)
            log(f"grown: {triples:,}: {name}: kg serve {kg:.3f} s, with a rebuild {rebuild:.1f} s")
            results.append((name, kg, rebuild))
        exact = _union_is_exact(url)
    shutil.rmtree(copy)
    return [WriteResult(triples, name, kg, rebuild, exact) for name, kg, rebuild in results]


# ---------------------------------------------------------------------- all sizes, tables


def run_all(
    sizes: Sequence[int], log: Callable[[str], None] = progress
) -> tuple[list[ViewResult], list[WriteResult]]:
    views: list[ViewResult] = []
    writes: list[WriteResult] = []
    with tempfile.TemporaryDirectory(prefix="kg-bench-grown-", dir="/tmp") as tmp:
        for target in sizes:
            folder = Path(tmp) / str(target)
            folder.mkdir()
            location, triples, foci = make_store(target, folder)
            log(f"grown: {target:,}: store of {triples:,} triples imported")
            views += bench_views(location, triples, foci, folder, log)
            writes += bench_writes(location, triples, folder, log)
            shutil.rmtree(folder)
    return views, writes


def view_table(results: Sequence[ViewResult]) -> str:
    lines = [
        "| triples | focus | its relations | hops | `kg render` s | whole union, then render s "
        "| union / kg | same page |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.triples:,} | {r.focus} | {r.relations or '—'} | {r.hops or '—'} "
            f"| {_s(r.kg)} | {_s(r.union)} "
            f"| {_ratio(r.union, r.kg)} | {'yes' if r.same else '**no**'} |"
        )
    return "\n".join(lines)


def write_table(results: Sequence[WriteResult]) -> str:
    lines = [
        "| triples | write | kg serve s | write, then union rebuilt s | rebuilt / kg | union exact after |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.triples:,} | {r.write} | {_s(r.kg)} | {_s(r.rebuild)} | {_ratio(r.rebuild, r.kg)} "
            f"| {'yes' if r.exact else '**no**'} |"
        )
    return "\n".join(lines)


def sections(views: Sequence[ViewResult], writes: Sequence[WriteResult]) -> list[str]:
    return [
        "### Views of a grown store: `kg render` vs reading the whole union",
        view_table(views),
        "### A write through `kg serve`: the union kept current vs rebuilt",
        write_table(writes),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    args = sizes_parser(__doc__).parse_args(argv)
    print("\n\n".join(sections(*run_all(chosen_sizes(args.sizes, args.large)))))


if __name__ == "__main__":
    main()
