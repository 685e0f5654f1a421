"""`to_pyvis`: the explorer's view as a pyvis `Network` (same nodes, edges, look and positions), with
titles that stay text (the hostile page is opened in headless Chromium in the last test)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pyvis.network import Network

from kg.core.vocab import ID
from kg.views.html import CLASS_STYLE, FAMILY_COLOURS, layout, lone_nodes
from kg.views.network import NetworkView, ViewEdge, ViewEvidence, ViewNode
from kg.views.pyvis_network import edge_title, node_title, plain, to_pyvis

USA, JPN, PRK = (str(ID[f"country/{c}"]) for c in ("USA", "JPN", "PRK"))
AUSTIN, LONE = str(ID["person/lloyd-austin"]), str(ID["organization/lone"])
#: hostile text (as in test_xss.py): each sets window.__xss if it ever runs
VECTORS = [
    "<script>window.__xss=1</script>",
    '<img src=x onerror="window.__xss=2">',
    "<svg onload=window.__xss=3>",
    '<a href="javascript:window.__xss=4">click</a>',
    "</script><script>window.__xss=5</script>",
]


def evidence(
    sentence: str, confidence: float, title: str | None = "Talks", day: str | None = "2024-07-28"
) -> ViewEvidence:
    return ViewEvidence(sentence, "doc1", title, None, day, confidence, "rule", "CONSULT", None)


def node(node_id: str, label: str, cls: str, importance: float, degree: int = 1) -> ViewNode:
    return ViewNode(node_id, label, cls, (), None, None, degree, importance)


def edge(
    source: str, target: str, predicate: str, family: str, symmetric: bool, *evs: ViewEvidence
) -> ViewEdge:
    confidence = max((e.confidence for e in evs), default=0.0)
    return ViewEdge(source, target, predicate, family, symmetric, confidence, evs)


@pytest.fixture
def small() -> NetworkView:
    """Two relations between the US and Japan (one symmetric), one directed, and a lone node."""
    nodes = (
        node(USA, "United States", "Country", 1.0, 3),
        node(JPN, "Japan", "Country", 0.6, 2),
        node(AUSTIN, "Lloyd Austin", "Person", 0.3),
        node(LONE, "Lone Org", "Organization", 0.0, 0),
    )
    edges = (
        edge(JPN, USA, "allyOf", "cooperative", True, evidence("Japan and the US are allies.", 0.9)),
        edge(
            JPN,
            USA,
            "meetsWith",
            "cooperative",
            True,
            *(evidence(f"They met, report {i}.", 0.5 + i / 10) for i in range(5)),
        ),
        edge(
            AUSTIN, USA, "officialOf", "structural", False, evidence("US Secretary Lloyd Austin said.", 0.8)
        ),
    )
    return NetworkView(nodes, edges, total_nodes=4, total_edges=3)


def edge_keys(net: Network) -> Counter[tuple[str, str, str]]:
    return Counter((e["from"], e["to"], e["predicate"]) for e in net.edges)


def test_views_pyvis_nodes_and_edges_are_the_views(sample_view: NetworkView) -> None:
    net = to_pyvis(sample_view)
    assert isinstance(net, Network)
    assert net.get_nodes() == [n.id for n in sample_view.nodes]
    for view_node in sample_view.nodes:
        drawn = net.get_node(view_node.id)
        colour, shape = CLASS_STYLE[view_node.cls]
        assert drawn["label"] == view_node.label
        assert drawn["group"] == view_node.cls
        assert drawn["shape"] == shape
        assert drawn["color"]["background"] == colour
        assert 8.0 <= drawn["size"] <= 30.0
    assert edge_keys(net) == Counter((e.source, e.target, e.predicate) for e in sample_view.edges)
    for view_edge, drawn in zip(sample_view.edges, net.edges, strict=True):
        assert drawn["color"]["color"] == FAMILY_COLOURS[view_edge.family]
        assert drawn["width"] == pytest.approx(1 + 2 * view_edge.confidence)
        assert drawn["arrows"] == {"to": {"enabled": not view_edge.symmetric}}


def test_views_pyvis_titles_and_sizes(small: NetworkView) -> None:
    net = to_pyvis(small)
    assert net.get_node(AUSTIN)["title"] == "Lloyd Austin (Person)"  # the explorer's tooltip
    assert net.get_node(USA)["title"] == "United States (Country)"
    sizes = {n: net.get_node(n)["size"] for n in (USA, JPN, AUSTIN, LONE)}
    assert sizes == {USA: 30.0, JPN: 21.2, AUSTIN: 14.6, LONE: 8.0}  # linear in importance
    titles = {e["predicate"]: e["title"] for e in net.edges}
    assert titles["officialOf"] == (
        "Lloyd Austin → officialOf → United States\n"
        "structural, confidence 0.80, 1 evidence\n"
        "• US Secretary Lloyd Austin said. (Talks, 2024-07-28)"
    )
    met = titles["meetsWith"].splitlines()
    assert met[:2] == ["Japan ↔ meetsWith ↔ United States", "cooperative, confidence 0.90, 5 evidence"]
    assert met[2:] == [f"• They met, report {i}. (Talks, 2024-07-28)" for i in range(3)] + ["… and 2 more"]
    assert edge_title(small.edges[1], {USA: "US", JPN: "JP"}, evidence=0).splitlines()[2:] == ["… and 5 more"]
    bare = edge(USA, JPN, "allyOf", "cooperative", True, evidence("No source.", 0.4, title=None, day=None))
    assert edge_title(bare, {USA: "US", JPN: "JP"}).splitlines()[2] == "• No source. (doc1)"


def test_views_pyvis_keeps_parallel_edges_apart(small: NetworkView) -> None:
    """Two relations between the same nodes are two edges (an undirected pyvis network would merge
    them), the second curved as the explorer curves it; a symmetric one has no arrow."""
    net = to_pyvis(small)
    assert net.directed
    between = [e for e in net.edges if {e["from"], e["to"]} == {USA, JPN}]
    assert [e["predicate"] for e in between] == ["allyOf", "meetsWith"]
    assert between[0]["smooth"] is False
    assert between[1]["smooth"] == {"enabled": True, "type": "curvedCW", "roundness": 0.2}
    assert [e["arrows"]["to"]["enabled"] for e in net.edges] == [False, False, True]


def test_views_pyvis_positions_are_the_explorers(small: NetworkView) -> None:
    net = to_pyvis(small)
    assert net.options.physics.enabled is False
    placed = layout(small)
    for node_id, (x, y) in placed.items():
        assert (net.get_node(node_id)["x"], net.get_node(node_id)["y"]) == (x, y)
    assert lone_nodes(small) == {LONE}  # the explorer lists it beside the drawing; here it sits below
    assert net.get_node(LONE)["y"] > max(y for _, y in placed.values())
    free = to_pyvis(small, positions=False)
    assert free.options.physics.enabled is True
    assert all("x" not in n and "y" not in n for n in free.nodes)


def test_views_pyvis_network_options() -> None:
    empty = NetworkView((), (), 0, 0)
    net = to_pyvis(empty)
    assert (net.height, net.width, net.directed, net.cdn_resources) == ("750px", "100%", True, "in_line")
    net = to_pyvis(empty, height="300px", notebook=True)
    assert (net.height, net.cdn_resources) == ("300px", "in_line")
    assert net.get_nodes() == [] and net.edges == []


def hostile() -> NetworkView:
    nodes = [node(USA, "Safe", "Country", 1.0, len(VECTORS))]
    edges = []
    for i, vector in enumerate(VECTORS):
        node_id = str(ID[f"country/X{i}"])
        nodes.append(node(node_id, vector, "Country", 0.5))
        edges.append(
            edge(node_id, USA, "threatens", "conflictual", False, evidence(vector, 0.7, title=vector))
        )
    return NetworkView(tuple(nodes), tuple(edges), len(nodes), len(edges))


def test_views_pyvis_titles_are_plain_text() -> None:
    """No `<` of the graph's text is left in a title, whichever way pyvis's page shows it (a node
    title with "href" switches its tooltips to innerHTML); the text is there otherwise unchanged."""
    net = to_pyvis(hostile())
    titles = [n["title"] for n in net.nodes] + [e["title"] for e in net.edges]
    assert all("<" not in title for title in titles)
    for vector in VECTORS:
        assert f"{plain(vector)} (Country)" in titles
        assert any(f"• {plain(vector)} ({plain(vector)}, 2024-07-28)" in t for t in titles)
    assert {n["label"] for n in net.nodes} == {"Safe", *VECTORS}  # labels are drawn on the canvas
    assert plain("a < b <b>") == "a ＜ b ＜b>"
    assert node_title(node(USA, "<i>x</i>", "InternationalOrganization", 0.0)) == (
        "＜i>x＜/i> (International organization)"
    )
    page = net.generate_html()
    for vector in VECTORS:
        assert vector not in page  # the data is JSON with `<` escaped


@pytest.mark.browser
def test_views_pyvis_page_runs_nothing_from_the_graph(tmp_path: Path) -> None:
    """pyvis's page in headless Chromium: each node's tooltip is text, though pyvis's page shows it
    with innerHTML (a title contains "href"); nothing the graph says runs or makes an element."""
    test_views_browser = pytest.importorskip("test_views_browser")
    sync_api = pytest.importorskip("playwright.sync_api")
    path = tmp_path / "pyvis.html"
    path.write_text(to_pyvis(hostile()).generate_html(), encoding="utf-8")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(test_views_browser.CHROMIUM), args=test_views_browser.ARGS
        )
        try:
            page = chromium.new_page()
            problems: list[str] = []
            page.on("dialog", lambda d: (problems.append(d.message), d.dismiss()))
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.goto(path.as_uri())
            page.wait_for_function("() => typeof network === 'object' && network !== null")
            shown: list[Any] = page.evaluate(
                """() => nodes.getIds().map((id) => {
                    network.emit('showPopup', id);
                    const popup = document.querySelector('div.popup');
                    return [popup.textContent, popup.querySelectorAll('*').length];
                })"""
            )
            assert [text for text, _ in shown] == [
                "Safe (Country)",
                *(f"{plain(v)} (Country)" for v in VECTORS),
            ]
            assert all(elements == 0 for _, elements in shown)
            assert page.evaluate("() => window.__xss") is None
            made = page.evaluate("() => document.querySelectorAll('body img, body svg, body iframe').length")
            assert made == 0
            assert problems == []
        finally:
            chromium.close()
    assert re.search(r"<script>window.__xss", path.read_text(encoding="utf-8")) is None
