"""One self-contained, offline HTML page for a `NetworkView`: vis-network drawing, filters, evidence panel.

This page uses nothing of pyvis but the vis-network JS and CSS bundled in the pyvis wheel
(`kg.views.pyvis_network` gives the same view as a pyvis `Network`, for those who want pyvis's
API). pyvis's own API gets in the way here: its template links Bootstrap and
vis from CDNs, `Network.add_edge` scans every existing edge (quadratic on 20,000 edges), and its
physics-based layout runs in the browser. So the page is our own template (`template.html`,
`view.js`, `view.css`), the layout is computed here with networkx/numpy/scipy, and the data goes
in as one escaped JSON block that the page reads with `JSON.parse` and writes with `textContent`.
Above `PACK_ABOVE` characters that JSON is gzipped and base64-encoded (`application/gzip`): six
times smaller, and quicker to open, as the browser's HTML parser is slow on megabytes of script text.
"""

from __future__ import annotations

import base64
import gzip
import html
import importlib.util
import json
import math
import os
import re
from dataclasses import fields
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
from rdflib import Graph
from scipy.spatial import cKDTree

from kg.core.errors import KGError
from kg.core.files import create_beside
from kg.views.network import NetworkView, ViewEdge, ViewEvidence, date_span, network_view

VIS_VERSION = "9.1.2"
#: colour and vis shape of each class (shapes that draw their label below, so size shows)
CLASS_STYLE: dict[str, tuple[str, str]] = {
    "Country": ("#4e79a7", "dot"),
    "Person": ("#f28e2b", "triangle"),
    "Organization": ("#76b7b2", "square"),
    "InternationalOrganization": ("#59a14f", "hexagon"),
    "GovernmentBody": ("#9c755f", "square"),
    "MediaOrganization": ("#bab0ac", "square"),
    "City": ("#edc948", "diamond"),
    "Region": ("#b07aa1", "diamond"),
    "Place": ("#d4a6c8", "diamond"),
    "Actor": ("#a0a0a0", "dot"),
    "Agreement": ("#e15759", "star"),
    "Event": ("#ff9da7", "triangleDown"),
    "Meeting": ("#ff9da7", "triangleDown"),
    "MilitaryExercise": ("#8c564b", "triangleDown"),
    "Election": ("#17becf", "triangleDown"),
}
FAMILY_COLOURS: dict[str, str] = {
    "cooperative": "#2ca02c",
    "conflictual": "#d62728",
    "structural": "#9a9a9a",
}
SPACING = 150.0  # canvas units between neighbouring nodes, roughly (nodes are 8 to 30 across)
_SMALL = 100  # components up to this size: Kamada-Kawai (a quarter of it in big views)
_FAST = 300  # components above this size: `_fast_layout`; in between: networkx spring layout
PACK_ABOVE = 1_000_000  # characters of JSON above which the data block is gzipped
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@cache
def vis_assets() -> tuple[str, str]:
    """(JS, CSS) of vis-network as shipped in the pyvis wheel (located without importing pyvis)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise KGError("pyvis is not installed: it ships the vis-network files the HTML view inlines")
    folder = Path(next(iter(spec.submodule_search_locations))) / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (folder / "vis-network.min.js").read_text(encoding="utf-8")
        css = (folder / "vis-network.css").read_text(encoding="utf-8")
    except OSError as e:
        raise KGError(f"vis-network {VIS_VERSION} not found in pyvis: {e}") from e
    return _script_safe(js), css.replace("</style", "<\\/style")


def _script_safe(js: str) -> str:
    # inside <script>, only "</script" and "<!--" can end or confuse the element
    return js.replace("</script", "<\\/script").replace("<!--", "<\\!--")


@cache
def _page_parts() -> tuple[str, str, str]:
    folder = resources.files("kg.views")
    return tuple(  # type: ignore[return-value]
        (folder / name).read_text(encoding="utf-8") for name in ("template.html", "view.js", "view.css")
    )


def json_for_script(data: Any) -> str:
    """JSON that is inert inside `<script type="application/json">`: no `<`, `>` or `&` survives."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


# ---------------------------------------------------------------- layout


def _fast_layout(
    n: int, edges: np.ndarray, seed: int = 7, iterations: int = 30, gravity: float = 1.0
) -> np.ndarray:
    """Fruchterman-Reingold in O(n + e) per iteration, for graphs too big for networkx's O(n^2).

    Repulsion is exact between nodes closer than 1.5k (pairs from a k-d tree) and approximated
    beyond that by the centres of mass of a coarse grid (a particle-mesh scheme): about a
    second for 5,000 nodes and 20,000 edges.
    """
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    k = math.sqrt(1.0 / n)
    cells = int(min(12, max(4, math.sqrt(n) / 4)))
    temperature, cooling = 0.1, 0.1 / (iterations + 1)
    src, dst = (edges[:, 0], edges[:, 1]) if len(edges) else (np.empty(0, int), np.empty(0, int))

    def scatter(disp: np.ndarray, index: np.ndarray, force: np.ndarray, sign: float) -> None:
        for axis in (0, 1):
            disp[:, axis] += sign * np.bincount(index, force[:, axis], n)

    for _ in range(iterations):
        disp = np.zeros((n, 2))
        # near field: exact
        pairs = cKDTree(pos).query_pairs(1.5 * k, output_type="ndarray")
        if len(pairs):
            delta = pos[pairs[:, 0]] - pos[pairs[:, 1]]
            force = delta * (k * k / np.maximum((delta**2).sum(axis=1), 1e-12))[:, None]
            scatter(disp, pairs[:, 0], force, 1.0)
            scatter(disp, pairs[:, 1], force, -1.0)
        # far field: every other grid cell acts as one mass at its centre of mass
        low, high = pos.min(axis=0), pos.max(axis=0)
        ij = np.minimum(((pos - low) / np.maximum(high - low, 1e-12) * cells).astype(int), cells - 1)
        cell = ij[:, 0] * cells + ij[:, 1]
        mass = np.bincount(cell, minlength=cells * cells).astype(float)
        used = np.flatnonzero(mass)
        sums = [np.bincount(cell, pos[:, a], cells * cells)[used] for a in (0, 1)]
        centre = np.stack(sums, axis=1) / mass[used, None]
        dx, dy = pos[:, 0, None] - centre[None, :, 0], pos[:, 1, None] - centre[None, :, 1]
        weight = mass[used][None, :] * (k * k) / np.maximum(dx * dx + dy * dy, 1e-12)
        weight[np.arange(n), np.searchsorted(used, cell)] = 0.0  # a node's own cell: near field only
        disp[:, 0] += (dx * weight).sum(axis=1)
        disp[:, 1] += (dy * weight).sum(axis=1)
        # springs
        if len(src):
            delta = pos[src] - pos[dst]
            force = delta * (np.sqrt((delta**2).sum(axis=1)) / k)[:, None]
            scatter(disp, src, force, -1.0)
            scatter(disp, dst, force, 1.0)
        # gravity of constant strength keeps small components near the rest
        off = pos - pos.mean(axis=0)
        disp -= off * (gravity / np.maximum(np.sqrt((off**2).sum(axis=1)), 1e-12))[:, None]
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-12)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _component_layout(g: nx.Graph, nodes: list[int], many: bool, seed: int) -> np.ndarray:
    """Positions of one connected component, centred, with radius about 0.6 * SPACING * sqrt(size)."""
    size = len(nodes)
    if size == 1:
        return np.zeros((1, 2))
    if size == 2:
        return np.array([[-SPACING / 2, 0.0], [SPACING / 2, 0.0]])
    sub = g.subgraph(nodes)
    if size <= _FAST:
        if size <= (_SMALL // 4 if many else _SMALL):
            raw = nx.kamada_kawai_layout(sub)
        else:
            raw = nx.spring_layout(sub, seed=seed, iterations=50)
        pos = np.array([raw[i] for i in nodes], dtype=float)
        pos -= pos.mean(axis=0)
        extent = float(np.sqrt((pos**2).sum(axis=1)).max()) or 1.0
    else:
        renumber = {old: new for new, old in enumerate(nodes)}
        edges = np.array([(renumber[a], renumber[b]) for a, b in sub.edges], dtype=np.int64)
        pos = _fast_layout(size, edges.reshape(-1, 2), seed)
        pos -= np.median(pos, axis=0)
        radius = np.sqrt((pos**2).sum(axis=1))
        extent = 1.3 * float(np.percentile(radius, 95)) or 1.0
        pos *= (np.minimum(radius, extent) / np.maximum(radius, 1e-12))[:, None]  # pull outliers in
    return pos * (SPACING * 0.6 * math.sqrt(size) / extent)


def lone_nodes(view: NetworkView) -> set[str]:
    """The nodes no edge of the view touches: the page lists them beside the drawing."""
    touched = {end for edge in view.edges for end in (edge.source, edge.target)}
    return {node.id for node in view.nodes if node.id not in touched}


def layout(view: NetworkView, seed: int = 7) -> dict[str, tuple[int, int]]:
    """Pixel positions for vis-network, so the page opens with physics off, for the nodes with
    edges (`lone_nodes` are listed, not drawn).

    Each connected component is laid out on its own (Kamada-Kawai when small, networkx's spring
    layout up to a few hundred nodes, `_fast_layout` beyond), then the components are packed
    in rows, largest first.
    """
    lone = lone_nodes(view)
    ids = [node.id for node in view.nodes if node.id not in lone]
    if not ids:
        return {}
    index = {node_id: i for i, node_id in enumerate(ids)}
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from((index[e.source], index[e.target]) for e in view.edges)
    components = sorted((sorted(c) for c in nx.connected_components(g)), key=lambda c: (-len(c), c[0]))
    many = len(ids) > 1500
    pos = np.zeros((len(ids), 2))
    x = y = row_height = 0.0
    width = 0.0
    for i, nodes in enumerate(components):
        part = _component_layout(g, nodes, many, seed)
        low, high = part.min(axis=0), part.max(axis=0)
        w, h = high - low + SPACING
        if i == 0:
            width = max(float(w), 1.5 * SPACING * math.sqrt(len(ids)))  # row width: the largest part
        elif x + w > width:
            x, y, row_height = 0.0, y + row_height, 0.0
        pos[nodes] = part - low + np.array([x, y])
        x, row_height = x + w, max(row_height, float(h))
    pos -= (pos.min(axis=0) + pos.max(axis=0)) / 2
    return {node_id: (round(float(px)), round(float(py))) for node_id, (px, py) in zip(ids, pos, strict=True)}


# ---------------------------------------------------------------- page


def edge_dates(edge: ViewEdge, node_dates: dict[str, str | None]) -> list[str]:
    """The days an edge stands for: sorted, distinct ISO 8601 days or `first/last` intervals.

    One per dated evidence record ("2024-08-01"), plus the kg:date of an event or agreement at
    either end ("2024-07" gives "2024-07-01/2024-07-31", see `date_span`). The page's time filter
    keeps an edge when any of them meets the chosen range; it reads the first and the last ten
    characters as the first and last day.
    """
    texts = [ev.date for ev in edge.evidence] + [node_dates.get(edge.source), node_dates.get(edge.target)]
    spans = sorted({span for text in texts if (span := date_span(text)) is not None})
    return [first if first == last else f"{first}/{last}" for first, last in spans]


def date_label(texts: list[str | None]) -> str | None:
    """The range of some dates as they were written: "2025" for a year, "2024-07" for a month,
    "2024-07 to 2025" for several; None if none is a date (see `date_span`)."""
    spans = [(span, (text or "").strip()[:10]) for text in texts if (span := date_span(text)) is not None]
    if not spans:
        return None
    first = min(spans, key=lambda s: (s[0][0], s[0][1]))
    last = max(spans, key=lambda s: (s[0][1], s[0][0]))
    return first[1] if first[1] == last[1] else f"{first[1]} to {last[1]}"


def class_label(name: str) -> str:
    """A class's name in words: "InternationalOrganization" -> "International organization"."""
    words = re.findall(r"[A-Z][a-z]*|[a-z]+|[0-9]+", name)
    return " ".join([words[0], *(w.lower() for w in words[1:])]) if words else name


def page_data(view: NetworkView, title: str = "kg graph") -> dict[str, Any]:
    """What the page reads from its JSON block (also handy for tests)."""
    positions = layout(view)
    node_dates = {node.id: node.date for node in view.nodes}
    classes = sorted({node.cls for node in view.nodes}, key=list(CLASS_STYLE).index)
    nodes = [
        {
            "id": node.id,
            "label": node.label,
            "cls": node.cls,
            "alt_labels": list(node.alt_labels),
            "iso3": node.iso3,
            "wikidata": node.wikidata,
            "degree": node.degree,
            "importance": node.importance,
            "date": node.date,
            "x": positions[node.id][0] if node.id in positions else None,
            "y": positions[node.id][1] if node.id in positions else None,
            "lone": node.id not in positions,
        }
        for node in view.nodes
    ]
    evidence_fields = [f.name for f in fields(ViewEvidence)]
    dates = [edge_dates(edge, node_dates) for edge in view.edges]
    edges = [
        {
            "id": f"e{i}",
            "source": edge.source,
            "target": edge.target,
            "predicate": edge.predicate,
            "family": edge.family,
            "symmetric": edge.symmetric,
            "confidence": edge.confidence,
            "dates": dates[i],
            "evidence": [{name: getattr(ev, name) for name in evidence_fields} for ev in edge.evidence],
        }
        for i, edge in enumerate(view.edges)
    ]
    days = [day for spans in dates for span in spans for day in (span[:10], span[-10:])]
    written = [ev.date for edge in view.edges for ev in edge.evidence]
    written += [node_dates.get(end) for edge in view.edges for end in (edge.source, edge.target)]
    return {
        "title": title,
        "nodes": nodes,
        "edges": edges,
        "total_nodes": view.total_nodes,
        "total_edges": view.total_edges,
        "date_range": [min(days), max(days)] if days else None,
        "date_label": date_label(written),
        "classes": [
            {"name": c, "label": class_label(c), "colour": CLASS_STYLE[c][0], "shape": CLASS_STYLE[c][1]}
            for c in classes
        ],
        "families": [{"name": f, "colour": colour} for f, colour in FAMILY_COLOURS.items()],
    }


def data_block(data: dict[str, Any]) -> tuple[str, str]:
    """(type, text) of the page's data block: JSON, or gzipped JSON in base64 above `PACK_ABOVE`."""
    text = json_for_script(data)
    if len(text) <= PACK_ABOVE:
        return "application/json", text
    packed = gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)  # mtime 0: same bytes
    return "application/gzip", base64.b64encode(packed).decode("ascii")


def read_data_block(kind: str, text: str) -> Any:
    """The data of a block `data_block` made (for tests and tools reading a page)."""
    if kind == "application/gzip":
        text = gzip.decompress(base64.b64decode(text)).decode("utf-8")
    return json.loads(text)


def page_html(view: NetworkView, title: str = "kg graph") -> str:
    template, script, style = _page_parts()
    vis_js, vis_css = vis_assets()
    shown, total = len(view.nodes), view.total_nodes
    data_type, data = data_block(page_data(view, title))
    values = {
        "TITLE": html.escape(title),
        "VIS_CSS": vis_css,
        "CSS": style,
        "VIS_JS": vis_js,
        "JS": _script_safe(script),
        "DATA_TYPE": data_type,
        "DATA": data,
        "BANNER": f"showing {shown} of {total} nodes; filter or focus to see the rest",
        "BANNER_HIDDEN": "" if shown < total else " hidden",
    }
    return re.sub(r"@@KG_([A-Z_]+)@@", lambda m: values[m.group(1)], template)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = create_beside(path)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def render_html(view: NetworkView, path: Path, *, title: str = "kg graph") -> Path:
    """Write the page for `view` to `path` (atomically) and return the path."""
    path = Path(path)
    text = page_html(view, title)
    try:
        _write_atomic(path, text)
    except OSError as e:
        raise KGError(f"cannot write {path}: {e}") from e
    return path


def render(graph: Graph, path: Path, *, title: str = "kg graph", **view_options: Any) -> Path:
    """`network_view(graph, **view_options)` drawn to `path`."""
    return render_html(network_view(graph, **view_options), path, title=title)
