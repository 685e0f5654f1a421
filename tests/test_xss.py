"""Hostile text in HTML (issue #24): the standard XSS vectors in article text, titles, URLs, entity
names, aliases, ISO codes, rules and query results, rendered in headless Chromium on the explorer
(built by `kg build` and drawn from a graph) and on `kg serve`'s query page. Nothing executes (no
dialog, no `window.__xss`, no element the text would make), the text shows as text, and every link
is http(s)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import test_views_browser
from rdflib import RDF, RDFS, SKOS, Graph, Literal
from rdflib.namespace import DCTERMS, PROV
from test_views_browser import Opened

from kg.core.vocab import ID, KG
from kg.views.html import render_html
from kg.views.network import network_view

pytestmark = pytest.mark.browser
browser = test_views_browser.browser  # the fixtures: Chromium, and pages opened in it
open_page = test_views_browser.open_page

#: The standard vectors, each setting window.__xss (and opening a dialog) if it ever runs.
VECTORS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x onerror="window.__xss=2;alert(2)">',
    "<svg onload=window.__xss=3;alert(3)>",
    "<svg><script>window.__xss=4;alert(4)</script></svg>",
    '"><img src=x onerror=window.__xss=5;alert(5)>',
    "' onmouseover='window.__xss=6;alert(6)' x='",
    '<a href="javascript:window.__xss=7;alert(7)">click</a>',
    '<iframe src="javascript:window.__xss=8;alert(8)"></iframe>',
    "</script><script>window.__xss=9;alert(9)</script>",
    "${window.__xss=10}`;window.__xss=10;`",
    '"}]};window.__xss=11;alert(11);//',
    "\u2028\u2029<!--<script>window.__xss=12</script>-->",
    "{{constructor.constructor('window.__xss=13;alert(13)')()}}",
    "<details open ontoggle=window.__xss=14;alert(14)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=15>",
]
#: URLs a document may claim: only the http(s) one may become a link
URLS = [
    "javascript:window.__xss=20;alert(20)",
    " JaVaScRiPt:window.__xss=21",
    "java\tscript:window.__xss=22",
    "data:text/html,<script>window.__xss=23</script>",
    "vbscript:msgbox(24)",
    'https://example.org/"><script>window.__xss=25</script>',
]
ELEMENTS = "script, img, svg, iframe, math, details, object, embed, style:not(head style)"


def hostile_graph() -> Graph:
    """Every vector as an entity's label, alias and ISO code, a document's title, an evidence
    sentence and rule, and every URL as a document's source, on edges between hostile entities."""
    graph = Graph()
    hub = ID["country/OK"]
    graph.add((hub, RDF.type, KG.Country))
    graph.add((hub, RDFS.label, Literal("Okay")))
    for n, vector in enumerate(VECTORS):
        entity = ID[f"country/X{n}"]
        graph.add((entity, RDF.type, KG.Country))
        graph.add((entity, RDFS.label, Literal(vector)))
        graph.add((entity, SKOS.altLabel, Literal(VECTORS[-1 - n])))
        graph.add((entity, KG.isoCode, Literal(vector[:12])))
        graph.add((entity, KG.threatens, hub))
        doc, ev = ID[f"doc/d{n}"], ID[f"evidence/e{n}"]
        graph.add((doc, RDF.type, KG.Document))
        graph.add((doc, DCTERMS.title, Literal(vector)))
        graph.add((doc, DCTERMS.source, Literal(URLS[n % len(URLS)])))
        for p, o in (
            (RDF.type, KG.Evidence),
            (RDF.subject, entity),
            (RDF.predicate, KG.threatens),
            (RDF.object, hub),
            (KG.sentence, Literal(f"{vector} threatened Okay.")),
            (KG.confidence, Literal(0.5)),
            (KG.rule, Literal(vector)),
            (PROV.wasDerivedFrom, doc),
        ):
            graph.add((ev, p, o))
    return graph


def _show(opened: Opened, kind: str, item: str) -> None:
    """Open the panel of a node or edge as a click on it does (vis's click event: no need for a
    point clear of the other nodes)."""
    event = {"nodes": [item] if kind == "node" else [], "edges": [item] if kind == "edge" else []}
    opened.js("(e) => kgNetwork.body.emitter.emit('click', e)", event)
    opened.page.wait_for_function(
        "(kind) => document.getElementById('kg-panel').dataset.kind === kind", arg=kind
    )


def _elements(opened: Opened) -> int:
    return int(opened.js(f"document.body.querySelectorAll({json.dumps(ELEMENTS)}).length"))


def _nothing_ran(opened: Opened, elements: int) -> None:
    """No vector ran, made an element (beyond the page's own `elements`) or a non-http(s) link."""
    assert opened.js("window.__xss") is None
    assert opened.dialogs == []
    assert _elements(opened) == elements
    protocols = opened.js("[...document.querySelectorAll('a[href]')].map(a => new URL(a.href).protocol)")
    assert set(protocols) <= {"http:", "https:"}, protocols


def test_xss_explorer_shows_every_vector_as_text(open_page: Callable[..., Opened], tmp_path: Path) -> None:
    path = render_html(network_view(hostile_graph()), tmp_path / "x.html", title=VECTORS[0])
    opened = open_page(path)
    own = _elements(opened)
    assert opened.js("document.title") == VECTORS[0]
    links: list[str] = []
    for n, vector in enumerate(VECTORS):
        _show(opened, "node", str(ID[f"country/X{n}"]))
        assert vector.split("\n")[0].strip()[:15] in opened.panel()
        _nothing_ran(opened, own)
    for edge in opened.js("kgData.edges.map(e => e.id)"):
        _show(opened, "edge", edge)
        _nothing_ran(opened, own)
        links += opened.js("[...document.querySelectorAll('#kg-panel a')].map(a => a.href)")
    assert links and all(link.startswith("https://example.org/") for link in links)
    for text in (VECTORS[8], VECTORS[10], "${window.__xss=10}"):
        opened.page.fill("#kg-search", text)
        opened.page.press("#kg-search", "Enter")
    _nothing_ran(opened, own)


@pytest.mark.model
def test_xss_build_of_hostile_articles_renders_inert(
    open_page: Callable[..., Opened], nlp: Any, tmp_path: Path
) -> None:
    """Through the whole pipeline: hostile titles, URLs and text in a JSON lines corpus, built by
    kg build, opened in the browser."""
    from kg.pipeline.incremental import build_store

    corpus = tmp_path / "corpus.jsonl"
    records = [
        {
            "id": f"a{n}",
            "title": VECTORS[n],
            "url": URLS[n // 3 % len(URLS)],
            "text": " ".join(
                f"Japan and {v} China held talks in Tokyo. Russia {v} threatened Ukraine."
                for v in VECTORS[n : n + 3]
            ),
        }
        for n in range(0, len(VECTORS), 3)
    ]
    records.append({"id": "ok", "url": "https://example.org/ok", "text": "Japan and China held talks."})
    corpus.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    change = build_store([corpus], tmp_path / "out", nlp=nlp)
    assert change.errors == ()
    opened = open_page(tmp_path / "out" / "graph.html")
    own = _elements(opened)
    edges = opened.js("kgData.edges.map(e => e.id)")
    assert edges
    for edge in edges:
        _show(opened, "edge", edge)
        _nothing_ran(opened, own)
    hrefs = opened.js("kgData.edges.flatMap(e => e.evidence.map(v => v.doc_url)).filter(Boolean)")
    assert "https://example.org/ok" in hrefs and all(h.startswith("https://") for h in hrefs)
    _nothing_ran(opened, own)


def test_xss_serve_query_page_shows_results_as_text(browser: Any, tmp_path: Path) -> None:
    """Query results holding the vectors, run from `kg serve`'s own page, and its /explorer."""
    from test_serve import start

    from kg.views.exporting import import_files

    ttl = tmp_path / "hostile.ttl"
    graph = hostile_graph()
    graph.serialize(ttl, format="turtle")
    import_files(tmp_path / "store", [ttl])
    render_html(network_view(graph), tmp_path / "graph.html", title=VECTORS[2])
    serving = start(tmp_path)
    server = next(serving)
    page = browser.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(server.url + "/")
        own = page.evaluate(f"document.body.querySelectorAll({json.dumps(ELEMENTS)}).length")
        page.fill(
            "#q",
            "SELECT ?s ?label ?title WHERE { ?s rdfs:label ?label OPTIONAL { ?d dcterms:title ?title } }",
        )
        page.click("#run")
        page.wait_for_function("() => /rows$/.test(document.getElementById('status').textContent)")
        cells = page.evaluate("[...document.querySelectorAll('#out td')].map(td => td.textContent)")
        assert set(VECTORS) <= set(cells)
        assert page.evaluate("window.__xss") is None
        assert page.evaluate(f"document.body.querySelectorAll({json.dumps(ELEMENTS)}).length") == own
        page.goto(server.url + "/explorer")
        page.wait_for_function("() => window.kgReady === true", timeout=60_000)
        assert page.evaluate("document.title") == VECTORS[2]
        assert page.evaluate("window.__xss") is None
        assert dialogs == []
        assert all(url.startswith(server.url) or url.startswith("data:") for url in requests), requests
    finally:
        page.close()
        serving.close()
