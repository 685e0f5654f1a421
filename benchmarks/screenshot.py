"""A screenshot of the HTML explorer on the graph of `examples/`, with a node's side panel open.

Builds the graph with `kg.build(["examples"])` (needs the spaCy model), renders it, opens the page
in headless Chromium at 1400x900 with the network blocked, waits for `kgReady`, clicks the entity
with the most relations and saves a PNG.

    .venv/bin/python -m benchmarks.screenshot [--out docs/explorer.png]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import kg
from benchmarks.bench_views import ARGS, CHROMIUM, VIEWPORT, _offline
from kg.views.html import render

ROOT = Path(__file__).resolve().parent.parent

#: The best-connected node (most relations; ties by label), its canvas point in page coordinates.
_PICK = """() => {
  const nodes = kgData.nodes.slice().sort((a, b) => b.degree - a.degree || a.label.localeCompare(b.label));
  const node = nodes[0];
  const p = kgNetwork.canvasToDOM(kgNetwork.getPositions([node.id])[node.id]);
  const r = document.getElementById("kg-network").getBoundingClientRect();
  return {id: node.id, label: node.label, degree: node.degree, x: r.left + p.x, y: r.top + p.y,
          cx: p.x, cy: p.y};
}"""

#: A point of the canvas over no node and no edge (bottom right first), in page coordinates.
_EMPTY = """() => {
  const r = document.getElementById("kg-network").getBoundingClientRect();
  for (let fy = 0.97; fy > 0; fy -= 0.05) {
    for (let fx = 0.97; fx > 0; fx -= 0.05) {
      const p = {x: r.width * fx, y: r.height * fy};
      if (kgNetwork.getNodeAt(p) === undefined && kgNetwork.getEdgeAt(p) === undefined) {
        return {x: r.left + p.x, y: r.top + p.y};
      }
    }
  }
  return null;
}"""


def screenshot(out: Path, inputs: Sequence[str | Path] = (ROOT / "examples",)) -> Path:
    from playwright.sync_api import sync_playwright

    graph = kg.build(list(inputs))
    with tempfile.TemporaryDirectory(prefix="kg-screenshot-") as tmp:
        page_path = render(graph.graph, Path(tmp) / "graph.html", title="kg explorer: examples/")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            try:
                context = browser.new_context(viewport=VIEWPORT)
                context.route("**/*", _offline)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(page_path.resolve().as_uri())
                page.wait_for_function("() => window.kgReady === true", timeout=60_000)
                target = page.evaluate(_PICK)
                found = page.evaluate("(p) => kgNetwork.getNodeAt({x: p.cx, y: p.cy})", target)
                if found != target["id"]:
                    raise SystemExit(f"another node lies over {target['label']}: {found}")
                page.mouse.click(target["x"], target["y"])
                page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'node'")
                empty = page.evaluate(_EMPTY)  # move off the node: no hover tooltip in the picture
                if empty is not None:
                    page.mouse.move(empty["x"], empty["y"])
                page.wait_for_selector("div.vis-tooltip", state="hidden")
                page.wait_for_timeout(300)
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                if errors:
                    raise SystemExit(f"page errors: {errors}")
                print(f"{out}: {target['label']} selected ({target['degree']} relations)", file=sys.stderr)
            finally:
                browser.close()
    return out


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "explorer.png", help="PNG to write")
    args = parser.parse_args(argv)
    screenshot(args.out)


if __name__ == "__main__":
    main()
