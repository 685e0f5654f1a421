"""The HTML view in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from rdflib import RDF, RDFS, SKOS, Graph, Literal
from rdflib.namespace import DCTERMS, PROV

import kg
import kg.views.html
from kg.core.vocab import ID, KG
from kg.views.html import render, render_html
from kg.views.network import NetworkView, ViewEdge, ViewEvidence, ViewNode, network_view

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
PRK, JPN, USA = (str(ID[f"country/{c}"]) for c in ("PRK", "JPN", "USA"))
KIM, AUSTIN = str(ID["person/kim-jong-un"]), str(ID["person/lloyd-austin"])
TOKYO, MEETING = str(ID["city/tokyo"]), str(ID["meeting/5d41402a"])

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Opened:
    page: Any
    url: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def node_point(self, node_id: str) -> dict[str, float]:
        return self.js(
            """(id) => {
                const p = kgNetwork.canvasToDOM(kgNetwork.getPosition(id));
                const r = document.getElementById('kg-network').getBoundingClientRect();
                return {x: r.left + p.x, y: r.top + p.y, cx: p.x, cy: p.y};
            }""",
            node_id,
        )

    def edge_point(self, edge_id: str) -> dict[str, float]:
        """A point on the edge clear of every node shape (where vis would hover or pick the node)."""
        point = self.js(
            """(id) => {
                const e = kgNetwork.body.data.edges.get(id);
                const a = kgNetwork.getPosition(e.from), b = kgNetwork.getPosition(e.to);
                const r = document.getElementById('kg-network').getBoundingClientRect();
                const boxes = Object.values(kgNetwork.body.nodes).map(({shape: s}) => (
                    {left: s.left, right: s.left + s.width, top: s.top, bottom: s.top + s.height}));
                for (const t of [0.5, 0.45, 0.55, 0.4, 0.6, 0.35, 0.65, 0.3, 0.7, 0.25, 0.75]) {
                    const c = {x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y)};
                    const clear = boxes.every((k) => c.x < k.left - 4 || c.x > k.right + 4
                                                  || c.y < k.top - 4 || c.y > k.bottom + 4);
                    const p = kgNetwork.canvasToDOM(c);
                    if (clear && kgNetwork.getEdgeAt(p) === id) {
                        return {x: r.left + p.x, y: r.top + p.y, cx: p.x, cy: p.y};
                    }
                }
                return null;
            }""",
            edge_id,
        )
        assert point is not None, f"no point of {edge_id} is clear of nodes and labels"
        return point

    def edge_id(self, predicate: str) -> str:
        return self.js("(p) => kgData.edges.find((e) => e.predicate === p).id", predicate)

    def click_node(self, node_id: str) -> None:
        point = self.node_point(node_id)
        found = self.js("(p) => kgNetwork.getNodeAt({x: p.cx, y: p.cy})", point)
        assert found == node_id, f"another node lies over {node_id}: {found}"
        self.page.mouse.click(point["x"], point["y"])

    def click_edge(self, edge_id: str) -> None:
        point = self.edge_point(edge_id)
        at = self.js(
            "(p) => [kgNetwork.getNodeAt({x: p.cx, y: p.cy}), kgNetwork.getEdgeAt({x: p.cx, y: p.cy})]", point
        )
        assert at == [None, edge_id], f"the middle of {edge_id} is covered: {at}"
        self.page.mouse.click(point["x"], point["y"])

    def counts(self) -> tuple[int, int]:
        return tuple(self.js("[kgNetwork.body.data.nodes.length, kgNetwork.body.data.edges.length]"))

    def panel(self) -> str:
        return self.page.inner_text("#kg-panel")

    def shown(self) -> tuple[set[str], set[tuple[str, str, str]]]:
        """The node ids and (source, predicate, target) edges vis draws now."""
        nodes, edges = self.js(
            """() => [kgNetwork.body.data.nodes.getIds(),
                      kgNetwork.body.data.edges.getIds().map((id) => {
                          const e = kgData.edges.find((x) => x.id === id);
                          return [e.source, e.predicate, e.target];
                      })]"""
        )
        return set(nodes), {tuple(e) for e in edges}

    def set_dates(self, start: str, end: str) -> None:
        self.page.fill("#kg-date-from", start)
        self.page.fill("#kg-date-to", end)


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[Path], Opened]]:
    pages: list[Opened] = []

    def opener(path: Path, width: int = 1400, height: int = 900) -> Opened:
        page = browser.new_page(viewport={"width": width, "height": height})
        opened = Opened(page, path.resolve().as_uri())

        def on_console(message: Any) -> None:
            if message.type == "error":
                opened.errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("request", lambda r: opened.requests.append(r.url))

        def on_dialog(dialog: Any) -> None:
            opened.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(opened.url)
        page.wait_for_function("() => window.kgReady === true", timeout=60_000)
        pages.append(opened)
        return opened

    yield opener
    for opened in pages:
        assert opened.dialogs == [], "a dialog opened: injected script ran"
        assert opened.errors == []
        opened.page.close()


@pytest.fixture(scope="module")
def sample_page(sample_view: NetworkView, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_html(sample_view, tmp_path_factory.mktemp("browser") / "sample.html", title="Sample")


def test_views_browser_loads_offline_and_draws_the_view(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    assert [url for url in opened.requests if not url.startswith("data:")] == [opened.url]
    assert opened.counts() == (7, 7)
    assert opened.js("kgData.nodes.length") == 7
    assert opened.js("Object.keys(kgNetwork.body.nodes).length") == 7
    assert opened.page.is_hidden("#kg-banner")
    assert opened.page.inner_text("#kg-counts") == "7 nodes, 7 edges shown"
    legend = opened.page.inner_text("#kg-legend")
    for name in ("cooperative", "conflictual", "structural", "Country", "Person", "City", "Meeting"):
        assert name in legend
    # arrows on directed edges only; labels only on hover
    arrows = opened.js(
        "Object.fromEntries(kgNetwork.body.data.edges.get().map(e => [e.predicate, e.arrows.to.enabled]))"
    )
    assert arrows["alliedWith"] is False and arrows["threatens"] is True
    assert opened.js("kgNetwork.body.data.edges.get().every(e => !e.label)")


def test_views_browser_click_node_opens_the_panel(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    opened.click_node(JPN)
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'node'")
    text = opened.panel()
    assert text.startswith("Japan")
    for expected in (
        "Class: Country",
        "ISO code: JPN",
        "alliedWith",
        "threatens",
        "locatedIn",
        "North Korea",
    ):
        assert expected in text
    assert opened.js("document.querySelector('#kg-panel a').href") == "https://www.wikidata.org/wiki/Q17"
    assert opened.js("kgNetwork.getSelectedNodes()") == [JPN]


def test_views_browser_click_edge_shows_its_evidence(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    threat = opened.edge_id("threatens")
    point = opened.edge_point(threat)
    opened.page.mouse.move(point["x"], point["y"])
    opened.page.wait_for_function(
        "(id) => kgNetwork.body.data.edges.get(id).label === 'threatens'", arg=threat
    )
    opened.click_edge(threat)
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'edge'")
    text = opened.panel()
    for expected in (
        "North Korea threatened Japan with missiles.",
        "Threats <script>alert(1)</script>",  # shown as text
        "Date: 2024-08-01",
        "Confidence: 0.70",
        "Rule: verb-frame",
        "Event family: THREATEN",
    ):
        assert expected in text
    assert opened.js("document.querySelectorAll('#kg-panel a').length") == 0  # no url: no link
    opened.page.mouse.move(5, 5)  # off the canvas
    opened.page.wait_for_function("(id) => !kgNetwork.body.data.edges.get(id).label", arg=threat)
    ally = opened.edge_id("alliedWith")
    opened.click_edge(ally)
    opened.page.wait_for_function("() => document.querySelector('#kg-panel a') !== null")
    assert opened.js("document.querySelector('#kg-panel a').href") == "https://example.org/alpha"
    assert opened.js("document.querySelector('#kg-panel a').textContent") == "Allies meet in Tokyo"


def test_views_browser_filters(open_page: Callable[[Path], Opened], sample_page: Path) -> None:
    opened = open_page(sample_page)
    opened.page.click("#kg-family-conflictual")
    assert opened.counts() == (7, 6)
    assert opened.js("kgNetwork.body.data.edges.get().every(e => e.family !== 'conflictual')")
    opened.page.click("#kg-family-conflictual")
    assert opened.counts() == (7, 7)
    opened.page.click("#kg-class-Person")
    assert opened.counts() == (5, 5)
    opened.page.click("#kg-class-Person")
    opened.page.eval_on_selector(
        "#kg-min-confidence", "(el) => { el.value = '0.9'; el.dispatchEvent(new Event('input')); }"
    )
    assert opened.counts() == (7, 3)
    assert opened.page.inner_text("#kg-min-confidence-value") == "0.90"


def test_views_browser_search_focuses_the_node(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    options = opened.js("Array.from(document.querySelectorAll('#kg-search-list option')).map(o => o.value)")
    assert {"North Korea", "DPRK", "Japan", "United States", "US", "America"} <= set(options)
    opened.page.fill("#kg-search", "dprk")
    opened.page.press("#kg-search", "Enter")
    assert opened.js("kgNetwork.getSelectedNodes()") == [PRK]
    assert opened.panel().startswith("North Korea")
    centre = opened.js("kgNetwork.getViewPosition()")
    node = opened.js("(id) => kgNetwork.getPosition(id)", PRK)
    assert math.dist((centre["x"], centre["y"]), (node["x"], node["y"])) < 1
    opened.page.fill("#kg-search", "Atlantis")
    opened.page.press("#kg-search", "Enter")
    assert opened.page.inner_text("#kg-search-status") == "no match"


def test_views_browser_time_range_filters_edges_by_date(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    assert opened.page.inner_text("#kg-date-span") == "Dates in the data: 2024-07-28 to 2024-08-02"
    assert opened.js(
        "[document.getElementById('kg-date-from').min, document.getElementById('kg-date-to').max]"
    ) == [
        "2024-07-28",
        "2024-08-02",
    ]
    opened.set_dates("2024-08-01", "")
    nodes, edges = opened.shown()
    assert edges == {(KIM, "leaderOf", PRK), (PRK, "threatens", JPN)}
    assert nodes == {KIM, PRK, JPN}  # nodes left without edges go
    assert opened.page.inner_text("#kg-counts") == "3 nodes, 2 edges shown"
    opened.set_dates("2024-08-01", "2024-08-01")  # leaderOf is dated by its document: 08-02
    assert opened.shown() == ({PRK, JPN}, {(PRK, "threatens", JPN)})
    opened.set_dates("", "2024-07-31")
    nodes, edges = opened.shown()
    assert nodes == {AUSTIN, USA, JPN, MEETING, TOKYO}
    assert (MEETING, "locatedIn", TOKYO) in edges  # no evidence, dated by its meeting
    assert len(edges) == 5
    opened.page.click("#kg-family-structural")  # filters combine
    assert opened.shown() == ({USA, JPN}, {(JPN, "alliedWith", USA)})
    opened.page.click("#kg-family-structural")
    opened.page.click("#kg-date-clear")
    assert opened.counts() == (7, 7)
    assert opened.js(
        "[document.getElementById('kg-date-from').value, document.getElementById('kg-date-to').value]"
    ) == [
        "",
        "",
    ]


def dated_view() -> NetworkView:
    """A-B dated by its evidence, A-M by its meeting (a month), B-C undated evidence, C-D none, E alone."""

    def node(name: str, cls: str = "Country", when: str | None = None) -> ViewNode:
        return ViewNode(f"urn:{name}", name, cls, (), None, None, 1, 0.5, when)

    def edge(a: str, p: str, b: str, *days: str | None) -> ViewEdge:
        evidence = tuple(
            ViewEvidence(f"{a} {p} {b}", None, None, None, d, 0.5, None, None, None) for d in days
        )
        return ViewEdge(f"urn:{a}", f"urn:{b}", p, "cooperative", False, 0.5 if days else 0.0, evidence)

    nodes = (*(node(n) for n in "ABCDE"), node("M", "Meeting", "2024-07"))
    edges = (
        edge("A", "supports", "B", "2024-07-10"),
        edge("B", "supports", "C", None),
        edge("C", "supports", "D"),
        edge("A", "participatedIn", "M", None),
    )
    return NetworkView(nodes, edges, len(nodes), len(edges))


def test_views_browser_time_range_undated_edges_and_event_dates(
    open_page: Callable[[Path], Opened], tmp_path: Path
) -> None:
    opened = open_page(render_html(dated_view(), tmp_path / "dated.html"))
    assert opened.counts() == (5, 4)  # E, without relations, is listed, not drawn
    assert opened.page.inner_text("#kg-lone-summary") == "Without relations (1)"
    opened.set_dates("2024-07-15", "")
    nodes, edges = opened.shown()
    assert {(s[4:], p, o[4:]) for s, p, o in edges} == {
        ("A", "participatedIn", "M"),  # the meeting's month meets the range
        ("B", "supports", "C"),  # undated: kept
        ("C", "supports", "D"),
    }
    assert nodes == {f"urn:{n}" for n in "ABCDM"}  # E, without edges, goes
    opened.page.check("#kg-hide-undated")
    assert opened.shown() == ({"urn:A", "urn:M"}, {("urn:A", "participatedIn", "urn:M")})
    opened.set_dates("", "")
    assert opened.shown()[0] == {"urn:A", "urn:B", "urn:M"}
    opened.set_dates("", "2024-06-30")
    assert opened.counts() == (0, 0)
    opened.page.click("#kg-date-clear")
    assert opened.counts() == (5, 4)
    assert opened.js("document.getElementById('kg-hide-undated').checked") is False


def test_views_browser_neighbourhood_shows_n_hops(
    open_page: Callable[[Path], Opened], sample_page: Path
) -> None:
    opened = open_page(sample_page)
    assert opened.page.is_hidden("#kg-ego-status")
    opened.click_node(PRK)
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'node'")
    assert opened.js("document.getElementById('kg-ego-all').disabled") is True
    opened.page.click("#kg-ego-show")  # 1 hop by default
    assert opened.shown() == ({PRK, KIM, JPN}, {(KIM, "leaderOf", PRK), (PRK, "threatens", JPN)})
    assert opened.page.inner_text("#kg-ego-text") == "Neighbourhood of North Korea, 1 hop"
    assert opened.page.is_visible("#kg-ego-status")
    assert opened.js("document.getElementById('kg-ego-all').disabled") is False
    assert opened.js("kgNetwork.getSelectedNodes()") == [PRK]
    opened.page.select_option("#kg-ego-hops", "2")
    opened.page.click("#kg-ego-show")
    nodes, edges = opened.shown()
    assert nodes == {PRK, KIM, JPN, USA, TOKYO}
    assert edges == {
        (KIM, "leaderOf", PRK),
        (PRK, "threatens", JPN),
        (JPN, "alliedWith", USA),
        (TOKYO, "locatedIn", JPN),
    }
    assert opened.page.inner_text("#kg-ego-text") == "Neighbourhood of North Korea, 2 hops"
    # the view is fitted to the neighbourhood
    inside = opened.js(
        """(ids) => {
            const r = document.getElementById('kg-network').getBoundingClientRect();
            return ids.every((id) => {
                const p = kgNetwork.canvasToDOM(kgNetwork.getPosition(id));
                return p.x >= 0 && p.y >= 0 && p.x <= r.width && p.y <= r.height;
            });
        }""",
        sorted(nodes),
    )
    assert inside
    opened.page.select_option("#kg-ego-hops", "3")
    opened.page.click("#kg-ego-show")
    assert opened.counts() == (7, 7)
    # over the edges the filters leave: without conflictual relations North Korea only has its leader
    opened.page.click("#kg-family-conflictual")
    assert opened.shown() == ({PRK, KIM}, {(KIM, "leaderOf", PRK)})
    opened.page.click("#kg-ego-reset")  # "Show all", in the legend
    assert opened.counts() == (7, 6)
    assert opened.page.is_hidden("#kg-ego-status")
    opened.page.click("#kg-family-conflictual")
    assert opened.counts() == (7, 7)
    # the panel's "Show all", and search leaving a neighbourhood that hides its match
    opened.click_node(JPN)
    opened.page.click("#kg-ego-show")
    assert opened.shown()[0] == {JPN, USA, PRK, TOKYO}
    opened.page.click("#kg-ego-all")
    assert opened.counts() == (7, 7)
    opened.click_node(KIM)
    opened.page.click("#kg-ego-show")
    assert opened.counts() == (2, 1)
    opened.page.fill("#kg-search", "Tokyo")
    opened.page.press("#kg-search", "Enter")
    assert opened.counts() == (7, 7)
    assert opened.js("kgNetwork.getSelectedNodes()") == [TOKYO]


def test_views_browser_gzipped_data_loads(
    open_page: Callable[[Path], Opened],
    sample_view: NetworkView,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kg.views.html, "PACK_ABOVE", 1000)  # as big views are written
    path = render_html(sample_view, tmp_path / "packed.html")
    assert 'type="application/gzip"' in path.read_text()
    opened = open_page(path)
    assert opened.counts() == (7, 7)
    assert opened.js("kgData.edges.length") == 7
    opened.click_edge(opened.edge_id("threatens"))
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'edge'")
    assert "North Korea threatened Japan with missiles." in opened.panel()


def test_views_browser_truncation_banner(
    open_page: Callable[[Path], Opened], sample: Graph, tmp_path: Path
) -> None:
    path = render_html(network_view(sample, max_nodes=3), tmp_path / "cut.html")
    opened = open_page(path)
    assert opened.page.is_visible("#kg-banner")
    assert opened.page.inner_text("#kg-banner") == "showing 3 of 7 nodes; filter or focus to see the rest"
    assert opened.counts() == (3, 2)


def xss_graph() -> Graph:
    bad = ID["country/XSS"]
    good = ID["country/OK"]
    doc = ID["doc/xss"]
    ev = ID["evidence/xss"]
    graph = Graph()
    graph.add((bad, RDF.type, KG.Country))
    graph.add((bad, RDFS.label, Literal('<img src=x onerror="window.__xss=1;alert(1)">')))
    graph.add((bad, SKOS.altLabel, Literal("</script><script>window.__xss=2;alert(2)</script>")))
    graph.add((bad, KG.isoCode, Literal("<b onmouseover=window.__xss=3>")))
    graph.add((good, RDF.type, KG.Country))
    graph.add((good, RDFS.label, Literal("Okay")))
    graph.add((bad, KG.threatens, good))
    graph.add((doc, RDF.type, KG.Document))
    graph.add((doc, DCTERMS.title, Literal("<svg onload=window.__xss=4;alert(4)>")))
    graph.add((doc, DCTERMS.source, Literal("javascript:window.__xss=5")))
    for p, o in (
        (RDF.type, KG.Evidence),
        (RDF.subject, bad),
        (RDF.predicate, KG.threatens),
        (RDF.object, good),
        (KG.sentence, Literal("<script>window.__xss=6;alert(6)</script><img src=x onerror=alert(7)>")),
        (KG.confidence, Literal(0.5)),
        (KG.rule, Literal('"><iframe src="javascript:alert(8)">')),
        (PROV.wasDerivedFrom, doc),
    ):
        graph.add((ev, p, o))
    return graph


def test_views_browser_xss_payloads_do_not_run(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    path = render_html(network_view(xss_graph()), tmp_path / "xss.html", title="<script>alert(9)</script>")
    opened = open_page(path)
    bad = str(ID["country/XSS"])
    opened.click_node(bad)
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'node'")
    assert opened.panel().startswith('<img src=x onerror="window.__xss=1;alert(1)">')
    opened.click_edge(opened.edge_id("threatens"))
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.kind === 'edge'")
    assert "<script>window.__xss=6;alert(6)</script>" in opened.panel()
    assert opened.js("document.querySelectorAll('#kg-panel a, #kg-panel img, #kg-panel script').length") == 0
    opened.page.fill("#kg-search", "</script><script>window.__xss=2;alert(2)</script>")
    opened.page.press("#kg-search", "Enter")
    assert opened.js("kgNetwork.getSelectedNodes()") == [bad]
    point = opened.node_point(bad)
    opened.page.mouse.move(point["x"], point["y"])  # the tooltip shows the label
    opened.page.wait_for_selector("div.vis-tooltip", state="visible")
    assert opened.page.inner_text("div.vis-tooltip").startswith("<img src=x")
    assert opened.js("window.__xss") is None
    assert opened.js("document.title") == "<script>alert(9)</script>"
    assert opened.js("document.querySelectorAll('img, iframe, svg').length") == 0


def synthetic_view(n_nodes: int, n_edges: int) -> NetworkView:
    nodes = tuple(
        ViewNode(f"urn:n{i}", f"Entity {i}", "Country", (), None, None, 0, 0.5) for i in range(n_nodes)
    )
    ev = (ViewEvidence("s", None, None, None, None, 0.5, None, None, None),)
    edges = tuple(
        ViewEdge(f"urn:n{a}", f"urn:n{b}", "supports", "cooperative", False, 0.5, ev)
        for i in range(n_edges)
        for a, b in [(i % n_nodes, (i % n_nodes + 1 + (i * 7919) % (n_nodes - 1)) % n_nodes)]
    )
    return NetworkView(nodes, edges, n_nodes, n_edges)


@pytest.mark.slow
def test_views_browser_large_graph_draws(open_page: Callable[[Path], Opened], tmp_path: Path) -> None:
    view = synthetic_view(5000, 20000)
    path = render_html(view, tmp_path / "big.html")
    opened = open_page(path)
    assert opened.counts() == (5000, 20000)


def test_views_browser_big_view_adds_labels_and_arrowheads_when_zoomed_in(
    open_page: Callable[[Path], Opened], tmp_path: Path
) -> None:
    opened = open_page(render_html(synthetic_view(1100, 1500), tmp_path / "big.html"))
    assert opened.counts() == (1100, 1500)
    labelled = "() => kgNetwork.body.data.nodes.get().filter((n) => n.label).map((n) => n.id)"
    arrowed = """() => Object.values(kgNetwork.body.edges)
        .filter((e) => e.options.arrows.to.enabled).map((e) => e.id)"""
    assert opened.js("kgNetwork.getScale()") < 0.35  # zoomed out: arrowheads would not show anyway
    assert opened.js(arrowed) == []
    assert len(opened.js(labelled)) < 1100 / 2  # zoomed out: only the labels that do not overlap
    assert overlapping_labels(opened) == []
    opened.js("() => kgNetwork.moveTo({position: kgNetwork.getPosition('urn:n0'), scale: 1})")
    opened.page.wait_for_timeout(500)  # labels and arrowheads come once the view settles
    opened.page.wait_for_function("() => kgNetwork.body.data.nodes.get('urn:n0').label === 'Entity 0'")
    labels = set(opened.js(labelled))
    assert 1 < len(labels) < 1100  # what is in sight, not the rest
    assert overlapping_labels(opened) == []
    outside = opened.js(
        """(ids) => {
            const r = document.getElementById('kg-network').getBoundingClientRect();
            return ids.filter((id) => {
                const p = kgNetwork.canvasToDOM(kgNetwork.getPosition(id));
                return p.x < -60 || p.y < -60 || p.x > r.width + 60 || p.y > r.height + 60;
            });
        }""",
        sorted(labels),
    )
    assert outside == []
    mine = set(
        opened.js(
            "() => kgData.edges.filter((e) => [e.source, e.target].includes('urn:n0')).map((e) => e.id)"
        )
    )
    assert mine and mine <= set(opened.js(arrowed))


# ---------------------------------------------------------------------- the first view: fitted, readable

#: Each drawn node: its shape's box, and its label's box if it shows one, in page pixels (vis's own
#: boxes: the shape's bounding box, the label module's size), and the label's height on screen.
_BOXES = """() => {
    const net = kgNetwork, r = document.getElementById('kg-network').getBoundingClientRect();
    const page = (x, y) => { const p = net.canvasToDOM({x, y}); return [r.left + p.x, r.top + p.y]; };
    return net.body.data.nodes.getIds().map((id) => {
        const node = net.body.nodes[id], size = node.options.size, at = net.getPosition(id);
        const shape = [...page(at.x - size, at.y - size), ...page(at.x + size, at.y + size)];
        const s = node.labelModule.size;
        const label = node.options.label
            ? [...page(s.left, s.top), ...page(s.left + s.width, s.top + s.height)] : null;
        return {id, text: node.options.label || '', shape, label, px: s.height * net.getScale()};
    });
}"""
_CANVAS = """() => {
    const r = document.getElementById('kg-network').getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
}"""


def _meets(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def overlapping_labels(opened: Opened) -> list[tuple[str, str]]:
    """Pairs of shown labels whose boxes intersect."""
    shown = [b for b in opened.js(_BOXES) if b["label"] is not None]
    return [
        (a["text"], b["text"])
        for i, a in enumerate(shown)
        for b in shown[i + 1 :]
        if _meets(a["label"], b["label"])
    ]


def assert_fitted_and_readable(opened: Opened) -> list[dict[str, Any]]:
    """Every node's shape and label inside the canvas; no horizontal scrollbar, the legend within
    its sidebar; no two shown labels intersect; each is 11 pixels high or more."""
    boxes = opened.js(_BOXES)
    left, top, right, bottom = opened.js(_CANVAS)
    outside = [
        b["text"] or b["id"]
        for b in boxes
        for box in (b["shape"], b["label"])
        if box is not None and not (box[0] >= left and box[1] >= top and box[2] <= right and box[3] <= bottom)
    ]
    assert outside == [], f"cut at the canvas's edges: {outside}"
    widths = opened.js(
        """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth,
                  document.getElementById('kg-legend').scrollWidth,
                  document.getElementById('kg-legend').clientWidth]"""
    )
    assert widths[0] <= widths[1], "the page scrolls sideways"
    assert widths[2] <= widths[3], "the legend is wider than its sidebar"
    assert overlapping_labels(opened) == []
    shown = [b for b in boxes if b["label"] is not None]
    assert all(b["px"] >= 10.9 for b in shown), sorted(b["px"] for b in shown)[:3]
    return shown


@pytest.fixture(scope="module")
def examples_page(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The explorer `make demo` writes, on the graph of examples/ (needs the spaCy model)."""
    kgraph = kg.build([examples_dir])
    return render(kgraph.graph, tmp_path_factory.mktemp("examples") / "graph.html")


@pytest.mark.model
@pytest.mark.parametrize(("width", "height"), [(1400, 900), (1920, 1080)])
def test_views_browser_examples_open_fitted_and_readable(
    open_page: Callable[..., Opened], examples_page: Path, width: int, height: int
) -> None:
    opened = open_page(examples_page, width, height)
    shown = assert_fitted_and_readable(opened)
    drawn = opened.counts()[0]
    assert len(shown) >= drawn / 2, f"{len(shown)} labels of {drawn} nodes"
    biggest = opened.js("kgData.nodes.slice().sort((a, b) => b.importance - a.importance)[0].label")
    assert biggest in {b["text"] for b in shown}  # the most important node keeps its label
    lone = opened.js("kgData.nodes.filter((n) => n.lone).map((n) => n.label).sort()")
    assert lone, "the examples have entities without relations"
    listed = opened.js(
        "Array.from(document.querySelectorAll('#kg-lone-list li')).map((li) => li.lastChild.textContent)"
    )
    assert sorted(listed) == lone  # listed in the sidebar, not drawn
    assert opened.page.inner_text("#kg-lone-summary") == f"Without relations ({len(lone)})"


def test_views_browser_300_nodes_open_fitted_and_readable(
    open_page: Callable[..., Opened], tmp_path: Path
) -> None:
    import test_views_html

    view = test_views_html.synthetic_view(300, 500)
    opened = open_page(render_html(view, tmp_path / "300.html"))
    shown = assert_fitted_and_readable(opened)
    drawn = opened.counts()[0]
    assert drawn + opened.js("kgData.nodes.filter((n) => n.lone).length") == 300
    assert 10 < len(shown) < drawn  # small nodes' labels wait for the zoom
    # zoomed in, labels keep their size on screen and more of them show, still apart
    before = {b["id"] for b in shown}
    centre = opened.js("kgNetwork.getViewPosition()")
    opened.js("(c) => kgNetwork.moveTo({position: c, scale: kgNetwork.getScale() * 4})", centre)
    opened.page.wait_for_timeout(500)  # labels are placed once the view settles
    assert overlapping_labels(opened) == []
    zoomed = [b for b in opened.js(_BOXES) if b["label"] is not None]
    assert all(10.9 <= b["px"] <= 15.1 for b in zoomed)  # the same size on screen as before
    assert {b["id"] for b in zoomed} - before, "zooming in shows labels hidden before"


def test_views_browser_lone_entities_are_listed(open_page: Callable[..., Opened], tmp_path: Path) -> None:
    opened = open_page(render_html(dated_view(), tmp_path / "dated.html"))
    assert opened.js("kgNetwork.body.data.nodes.get('urn:E')") is None  # not drawn
    assert "4 edges shown; 1 without relations, listed below" in opened.page.inner_text("#kg-counts")
    opened.page.click("#kg-lone-summary")
    opened.page.click("#kg-lone-list li")
    opened.page.wait_for_function("() => document.getElementById('kg-panel').dataset.id === 'urn:E'")
    assert opened.panel().startswith("E\n")
    assert "No relations" in opened.panel()
    assert opened.js("document.getElementById('kg-ego-show')") is None  # no neighbourhood to show
    opened.page.click("#kg-class-Country")  # the class filter applies to the list too
    assert opened.page.is_hidden("#kg-lone")
    opened.page.click("#kg-class-Country")
    opened.page.fill("#kg-search", "E")
    opened.page.press("#kg-search", "Enter")
    assert opened.page.inner_text("#kg-search-status") == "no relations: listed in the sidebar"
    assert opened.js("document.getElementById('kg-lone').open") is True


def test_views_browser_year_and_month_dates_read_as_such(
    open_page: Callable[..., Opened], tmp_path: Path
) -> None:
    def view(*dates: str | None) -> NetworkView:
        nodes = (ViewNode("urn:a", "A", "Country", (), None, None, 1, 0.5),
                 ViewNode("urn:b", "B", "Country", (), None, None, 1, 0.5))  # fmt: skip
        evidence = tuple(ViewEvidence("A and B.", None, None, None, d, 0.5, None, None, None) for d in dates)
        return NetworkView(
            nodes, (ViewEdge("urn:a", "urn:b", "supports", "cooperative", False, 0.5, evidence),), 2, 1
        )

    for dates, text in [
        (("2025",), "2025"),
        (("2024-07", "2025"), "2024-07 to 2025"),
        (("2024-07",), "2024-07"),
    ]:
        opened = open_page(render_html(view(*dates), tmp_path / "dates.html"))
        assert opened.page.inner_text("#kg-date-span") == f"Dates in the data: {text}"
        first, last = opened.js("[kgData.date_range[0], kgData.date_range[1]]")
        assert opened.js("document.getElementById('kg-date-from').min") == first  # the inputs take days
        assert last.endswith("-12-31") or last.endswith("-07-31")
