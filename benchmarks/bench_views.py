"""The HTML explorer against pyvis's defaults: page generation in Python, then time to first draw.

For 100, 1,000 and 5,000 entities (four relations per entity, each with evidence, from
`benchmarks.synthetic`), both pages start from the same rdflib graph and show the same nodes and
edges (`kg.views.network.network_view` reads the graph for both):

* kg: `kg.views.html.render(graph, path, max_nodes=n)`: layout in Python, physics off.
* pyvis: `pyvis.network.Network()` with its defaults (physics on, stabilization on) except
  `cdn_resources="in_line"`, so the page loads offline, then `add_node` / `add_edge` (labels and
  evidence as tooltips) and `write_html`.

Both pages are opened in headless Chromium with every network request blocked. Time to first
draw is read in the page (`performance.now()`, from navigation start): for kg when the page sets
`window.kgReady` (after vis's first `afterDrawing`), for pyvis when its network fires
`stabilizationIterationsDone` (vis draws nothing before that). pyvis gets `--cap` seconds.

    .venv/bin/python -m benchmarks.bench_views [--sizes 100 1000 5000] [--cap 120]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Graph

from benchmarks import synthetic
from kg.views.html import render
from kg.views.network import network_view

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
SIZES = (100, 1000, 5000)
EDGES_PER_NODE = 4
VIEWPORT = {"width": 1400, "height": 900}

#: Runs before any script of the page: records when kg sets `kgReady` and when pyvis's global
#: `network` (assigned once vis.Network is built, before its first stabilization batch) is stable.
HOOK = """
(() => {
  const mark = (name) => { if (window[name] === undefined) window[name] = performance.now(); };
  let ready = false, net;
  Object.defineProperty(window, "kgReady", {
    configurable: true,
    get: () => ready,
    set: (value) => { ready = value; if (value) mark("__benchDrawn"); },
  });
  Object.defineProperty(window, "network", {
    configurable: true,
    get: () => net,
    set: (value) => {
      net = value;
      if (value && typeof value.once === "function") {
        mark("__benchNetworkBuilt");
        value.once("stabilizationIterationsDone", () => mark("__benchDrawn"));
      }
    },
  });
})();
"""


@dataclass(frozen=True)
class ViewResult:
    nodes: int
    edges: int
    pyvis_edges: int  # pyvis's undirected default merges parallel edges between a pair
    kg_gen: float
    pyvis_gen: float
    kg_draw: float | None  # None: did not draw within the cap
    pyvis_draw: float | None
    kg_bytes: int
    pyvis_bytes: int
    cap: float


def best_of(fn: Callable[[], Any], *, runs: int = 3, budget: float = 20.0) -> float:
    """The fastest of up to `runs` runs of `fn`, stopping early once `budget` seconds are spent."""
    best, spent = float("inf"), 0.0
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget:
            break
    return best


def pyvis_page(graph: Graph, path: Path, *, max_nodes: int) -> int:
    """pyvis with its defaults, from the same view of the graph; returns the number of edges kept."""
    from pyvis.network import Network

    view = network_view(graph, max_nodes=max_nodes)
    net = Network(cdn_resources="in_line")
    for node in view.nodes:
        net.add_node(node.id, label=node.label, title=f"{node.label} ({node.cls})")
    for edge in view.edges:
        evidence = " / ".join(ev.sentence for ev in edge.evidence)
        net.add_edge(edge.source, edge.target, title=f"{edge.predicate}: {evidence}")
    net.write_html(str(path))
    return len(net.edges)


class Browser:
    """Headless Chromium (Debian's), as tests/test_views_browser.py launches it."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise SystemExit(f"{CHROMIUM} is absent (apt-get install chromium)")
        self._playwright = sync_playwright().start()
        self.browser = self._playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)

    def close(self) -> None:
        self.browser.close()
        self._playwright.stop()

    def first_draw(self, path: Path, cap: float) -> float | None:
        """Seconds from navigation start to first draw, in a fresh context; None after `cap` seconds."""
        context = self.browser.new_context(viewport=VIEWPORT)
        try:
            context.route("**/*", _offline)
            context.add_init_script(HOOK)
            page = context.new_page()
            page.goto(path.resolve().as_uri(), wait_until="commit")
            try:
                page.wait_for_function(
                    "() => window.__benchDrawn !== undefined", polling=100, timeout=cap * 1000
                )
            except Exception as e:  # playwright's TimeoutError
                if type(e).__name__ != "TimeoutError":
                    raise
                return None
            return float(page.evaluate("() => window.__benchDrawn")) / 1000
        finally:
            context.close()

    def best_draw(self, path: Path, cap: float, *, runs: int = 3, budget: float = 30.0) -> float | None:
        best: float | None = None
        spent = 0.0
        for _ in range(runs):
            start = time.perf_counter()
            drawn = self.first_draw(path, cap)
            spent += time.perf_counter() - start
            if drawn is None:
                return best
            best = drawn if best is None else min(best, drawn)
            if spent > budget:
                break
        return best


def _offline(route: Any) -> None:
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


def bench_size(n: int, browser: Browser, folder: Path, cap: float, log: Callable[[str], None]) -> ViewResult:
    start = time.perf_counter()
    data = synthetic.documents(n, EDGES_PER_NODE * n)
    graph = synthetic.union_graph(data)
    view = network_view(graph, max_nodes=n)
    log(f"views: {n} nodes: {len(graph):,} triples built in {time.perf_counter() - start:.1f} s")
    kg_path, pyvis_path = folder / f"kg-{n}.html", folder / f"pyvis-{n}.html"
    kg_gen = best_of(lambda: render(graph, kg_path, title=f"{n} nodes", max_nodes=n))
    log(f"views: {n} nodes: kg page in {kg_gen:.2f} s")
    kept: list[int] = []
    pyvis_gen = best_of(lambda: kept.append(pyvis_page(graph, pyvis_path, max_nodes=n)))
    log(f"views: {n} nodes: pyvis page in {pyvis_gen:.2f} s")
    kg_draw = browser.best_draw(kg_path, cap)
    log(f"views: {n} nodes: kg first draw {_seconds(kg_draw, cap)}")
    pyvis_draw = browser.best_draw(pyvis_path, cap)
    log(f"views: {n} nodes: pyvis first draw {_seconds(pyvis_draw, cap)}")
    return ViewResult(
        nodes=len(view.nodes),
        edges=len(view.edges),
        pyvis_edges=kept[-1],
        kg_gen=kg_gen,
        pyvis_gen=pyvis_gen,
        kg_draw=kg_draw,
        pyvis_draw=pyvis_draw,
        kg_bytes=kg_path.stat().st_size,
        pyvis_bytes=pyvis_path.stat().st_size,
        cap=cap,
    )


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(
    sizes: Sequence[int] = SIZES, *, cap: float = 120.0, log: Callable[[str], None] = progress
) -> list[ViewResult]:
    browser = Browser()
    try:
        with tempfile.TemporaryDirectory(prefix="kg-bench-views-") as tmp:
            return [bench_size(n, browser, Path(tmp), cap, log) for n in sizes]
    finally:
        browser.close()


def _seconds(value: float | None, cap: float) -> str:
    return f"> {cap:g}" if value is None else f"{value:.2f}"


def _ratio(slow: float | None, fast: float | None, cap: float) -> str:
    if fast is None:
        return "n/a"
    if slow is None:
        return f"> {cap / fast:.0f}×"
    return f"{slow / fast:.1f}×"


def table(results: Sequence[ViewResult]) -> str:
    lines = [
        "| nodes | edges | kg gen s | pyvis gen s | ratio | kg draw s | pyvis draw s | ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.nodes:,} | {r.edges:,} | {r.kg_gen:.2f} | {r.pyvis_gen:.2f} | "
            f"{_ratio(r.pyvis_gen, r.kg_gen, r.cap)} | {_seconds(r.kg_draw, r.cap)} | "
            f"{_seconds(r.pyvis_draw, r.cap)} | {_ratio(r.pyvis_draw, r.kg_draw, r.cap)} |"
        )
    notes = [
        "",
        "Ratios are pyvis / kg. Page sizes (kg / pyvis, MB): "
        + ", ".join(f"{r.nodes:,}: {r.kg_bytes / 1e6:.1f} / {r.pyvis_bytes / 1e6:.1f}" for r in results)
        + ". Edges pyvis kept (its undirected default merges relations between the same pair): "
        + ", ".join(f"{r.pyvis_edges:,}" for r in results)
        + ".",
    ]
    return "\n".join(lines + notes)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES), help="node counts")
    parser.add_argument("--cap", type=float, default=120.0, help="seconds to wait for a page to draw")
    args = parser.parse_args(argv)
    print(table(run(args.sizes, cap=args.cap)))


if __name__ == "__main__":
    main()
