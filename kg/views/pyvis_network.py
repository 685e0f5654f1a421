"""The explorer's view as a pyvis `Network`, for notebook users who want pyvis's API.

`to_pyvis(view)` gives the nodes and edges of a `NetworkView` with the explorer's look: each
class's colour and shape (`group` is the class), sizes that grow with importance, edges coloured
by relation family, as wide as they are confident, with arrows on directed relations and parallel
edges curved apart; by default at the explorer's positions, physics off. A node's title is the
explorer's ("Lloyd Austin (Person)"); an edge's title names the relation and quotes its strongest
evidence. kg's own page (`kg.views.html`) stays the one `kg build` writes: it filters, searches
and shows all the evidence in a panel, and it lays out and labels views of thousands of nodes.
The network is directed (an undirected pyvis network keeps one edge between two nodes, and the
view may have several relations there): a symmetric relation's edge just has no arrow.

Titles are plain text. vis-network shows a text title as text, but pyvis's page switches node
tooltips to `innerHTML` as soon as one node title contains "href"; so no `<` from the graph is
left in a title (it becomes `＜`, U+FF1C), and no title can make an element, whichever way it is
shown. Labels are drawn on the canvas, never parsed.
"""

from __future__ import annotations

from typing import Any

from pyvis.network import Network

from kg.views.html import CLASS_STYLE, FAMILY_COLOURS, SPACING, class_label, layout, lone_nodes
from kg.views.network import NetworkView, ViewEdge, ViewNode

#: node sizes, in canvas units, from least to most important (the explorer's)
SIZE = (8.0, 30.0)
#: evidence sentences an edge's title quotes, strongest first
EVIDENCE_IN_TITLE = 3
#: what `to_pyvis` passes to `Network` unless told otherwise: directed (the view has several
#: relations between two nodes, which an undirected pyvis network merges), and offline (vis-network
#: inlined in the page, as in the explorer; pyvis's "local" loads it from a CDN)
NETWORK_DEFAULTS: dict[str, Any] = {
    "height": "750px",
    "width": "100%",
    "directed": True,
    "cdn_resources": "in_line",
}


def plain(text: str) -> str:
    """`text` as a title that is text however it is shown: `<` becomes `＜`, so no tag can open."""
    return text.replace("<", "\uff1c")


def node_title(node: ViewNode) -> str:
    """The explorer's tooltip: "Lloyd Austin (Person)"."""
    return plain(f"{node.label} ({class_label(node.cls)})")


def edge_title(edge: ViewEdge, labels: dict[str, str], evidence: int = EVIDENCE_IN_TITLE) -> str:
    """The relation, its confidence, and its strongest `evidence` sentences with their documents."""
    arrow = "↔" if edge.symmetric else "→"
    lines = [
        f"{labels[edge.source]} {arrow} {edge.predicate} {arrow} {labels[edge.target]}",
        f"{edge.family}, confidence {edge.confidence:.2f}, {len(edge.evidence)} evidence",
    ]
    for ev in edge.evidence[:evidence]:
        source = ", ".join(part for part in (ev.doc_title or ev.doc_id, ev.date) if part)
        lines.append(f"• {ev.sentence}" + (f" ({source})" if source else ""))
    if len(edge.evidence) > evidence:
        lines.append(f"… and {len(edge.evidence) - evidence} more")
    return plain("\n".join(lines))


def _sizes(view: NetworkView) -> dict[str, float]:
    """vis's linear scaling of importance to size, as the explorer does it."""
    values = [node.importance for node in view.nodes]
    low, high = min(values, default=0.0), max(values, default=0.0)
    small, big = SIZE
    scaled = {node.id: 0.5 if high == low else (node.importance - low) / (high - low) for node in view.nodes}
    return {node_id: round(small + value * (big - small), 2) for node_id, value in scaled.items()}


def _positions(view: NetworkView) -> dict[str, tuple[int, int]]:
    """The explorer's layout; the nodes it lists beside the drawing (no edges) in rows below."""
    positions = layout(view)
    alone = lone_nodes(view)
    lone = [node.id for node in view.nodes if node.id in alone]
    if not lone:
        return positions
    xs = [x for x, _ in positions.values()] or [0]
    top = max((y for _, y in positions.values()), default=-SPACING) + SPACING
    per_row = max(1, int((max(xs) - min(xs)) // SPACING) + 1)
    for i, node_id in enumerate(lone):
        row, column = divmod(i, per_row)
        positions[node_id] = (round(min(xs) + column * SPACING), round(top + row * SPACING))
    return positions


def to_pyvis(
    view: NetworkView, *, positions: bool = True, evidence: int = EVIDENCE_IN_TITLE, **network: Any
) -> Network:
    """A pyvis `Network` of `view`'s nodes and edges, styled as the explorer draws them.

    `positions` places the nodes where the explorer does, with physics off (else pyvis's physics lays
    them out); `evidence` is how many sentences an edge's title quotes; the other keywords go to
    `Network` (`notebook=True`, `height="500px"`, ...), over `NETWORK_DEFAULTS`.
    """
    net = Network(**{**NETWORK_DEFAULTS, **network})
    sizes = _sizes(view)
    placed = _positions(view) if positions else {}
    for node in view.nodes:
        colour, shape = CLASS_STYLE[node.cls]
        extra: dict[str, Any] = {}
        if node.id in placed:
            extra["x"], extra["y"] = placed[node.id]
        net.add_node(
            node.id,
            label=node.label,
            shape=shape,
            color={
                "background": colour,
                "border": "#555",
                "highlight": {"background": colour, "border": "#000"},
                "hover": {"background": colour, "border": "#000"},
            },
            title=node_title(node),
            size=sizes[node.id],
            **extra,
        )
        net.get_node(node.id)["group"] = node.cls  # (`add_node` drops the colour of a node given a group)
    labels = {node.id: node.label for node in view.nodes}
    pairs: dict[frozenset[str], int] = {}
    for edge in view.edges:
        colour = FAMILY_COLOURS[edge.family]
        pair = frozenset((edge.source, edge.target))
        k = pairs[pair] = pairs.get(pair, -1) + 1  # parallel edges curve apart, as in the explorer
        smooth: dict[str, Any] | bool = (
            {"enabled": True, "type": "curvedCW" if k % 2 else "curvedCCW", "roundness": 0.2 * ((k + 1) // 2)}
            if k
            else False
        )
        net.add_edge(
            edge.source,
            edge.target,
            title=edge_title(edge, labels, evidence),
            color={"color": colour, "highlight": colour, "hover": colour, "opacity": 0.85},
            width=1 + 2 * edge.confidence,
            arrows={"to": {"enabled": not edge.symmetric}},
            smooth=smooth,
            predicate=edge.predicate,
            family=edge.family,
        )
    if positions:
        net.toggle_physics(False)
    return net


__all__ = ["EVIDENCE_IN_TITLE", "NETWORK_DEFAULTS", "edge_title", "node_title", "plain", "to_pyvis"]
