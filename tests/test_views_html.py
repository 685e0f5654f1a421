"""`kg.views.html`: one offline, escaped, atomically written page."""

from __future__ import annotations

import json
import math
import os
import random
import re
from pathlib import Path

import pytest
from rdflib import Graph

import kg.views.html
from kg.core.errors import KGError
from kg.core.vocab import RELATION_FAMILIES, RELATION_PROPERTIES, SYMMETRIC_PROPERTIES
from kg.views.html import (
    CLASS_STYLE,
    class_label,
    data_block,
    date_label,
    edge_dates,
    json_for_script,
    layout,
    lone_nodes,
    page_data,
    read_data_block,
    render,
    render_html,
    vis_assets,
)
from kg.views.network import NODE_CLASSES, NetworkView, ViewEdge, ViewEvidence, ViewNode, network_view

TAG = re.compile(r"<(script|link|img|iframe|embed|object|source|a)\b[^>]*>", re.IGNORECASE)
URL_ATTR = re.compile(r"""\b(?:src|href|data)\s*=\s*["']?\s*([^"'\s>]+)""", re.IGNORECASE)
DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.DOTALL)


@pytest.fixture(scope="module")
def page(sample_view: NetworkView, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = render_html(sample_view, tmp_path_factory.mktemp("html") / "graph.html", title="Sample")
    return path.read_text(encoding="utf-8")


def embedded(page: str) -> dict:
    (block,) = DATA_BLOCK.findall(page)
    return json.loads(block)


def test_views_html_no_remote_resources(page: str) -> None:
    tags = TAG.findall(page)
    assert tags, "the regex finds the page's tags"
    for tag in (m.group(0) for m in TAG.finditer(page)):
        for url in URL_ATTR.findall(tag):
            assert not re.match(r"(?i)(https?:)?//", url), tag
    assert "cdn" not in " ".join(m.group(0) for m in TAG.finditer(page)).lower()
    assert "default-src 'none'" in page  # CSP: the page may not fetch anything


def test_views_html_vis_is_inlined(page: str) -> None:
    js, css = vis_assets()
    assert len(js) > 100_000 and js in page
    assert css in page
    assert "new vis.Network(" in page


def test_views_html_element_ids_for_tests(page: str) -> None:
    for element in ("kg-panel", "kg-search", "kg-banner", "kg-legend", "kg-network", "kg-search-list"):
        assert f'id="{element}"' in page
    assert "window.kgNetwork" in page and "window.kgData" in page and "window.kgReady" in page


def test_views_html_payloads_appear_only_escaped(page: str) -> None:
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x onerror=" not in page
    assert "<b>agree</b>" not in page
    assert "Threats \\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in page
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page
    # exactly three script elements end: data, vis, page code
    assert page.count("</script>") == 3


def test_views_html_data_round_trips(page: str, sample_view: NetworkView) -> None:
    data = embedded(page)
    assert [n["id"] for n in data["nodes"]] == [n.id for n in sample_view.nodes]
    assert [n["label"] for n in data["nodes"]] == [n.label for n in sample_view.nodes]
    assert [(e["source"], e["predicate"], e["target"]) for e in data["edges"]] == [
        (e.source, e.predicate, e.target) for e in sample_view.edges
    ]
    titles = {ev["doc_title"] for e in data["edges"] for ev in e["evidence"]}
    assert "Threats <script>alert(1)</script>" in titles
    assert (data["total_nodes"], data["total_edges"], data["title"]) == (7, 7, "Sample")
    assert {c["name"] for c in data["classes"]} == {"Country", "City", "Person", "Meeting"}
    assert [f["name"] for f in data["families"]] == ["cooperative", "conflictual", "structural"]
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in data["nodes"])
    assert not any(n["lone"] for n in data["nodes"])  # every node of the sample has a relation


def test_views_html_dates_for_the_time_filter(sample_view: NetworkView) -> None:
    data = page_data(sample_view)
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert {n["label"]: n["date"] for n in data["nodes"] if n["date"]} == {"Meeting in Tokyo": "2024-07-28"}
    dates = {(labels[e["source"]], e["predicate"], labels[e["target"]]): e["dates"] for e in data["edges"]}
    assert dates == {
        ("Lloyd Austin", "officialOf", "United States"): ["2024-07-28"],  # the document's issue date
        ("Japan", "alliedWith", "United States"): ["2024-07-28"],
        ("United States", "participatedIn", "Meeting in Tokyo"): ["2024-07-28"],  # evidence and event
        ("Meeting in Tokyo", "locatedIn", "Tokyo"): ["2024-07-28"],  # no evidence: the event's date
        ("Tokyo", "locatedIn", "Japan"): ["2024-07-28"],
        ("Kim Jong Un", "leaderOf", "North Korea"): ["2024-08-02"],
        ("North Korea", "threatens", "Japan"): ["2024-08-01"],  # the evidence's own kg:date
    }
    assert data["date_range"] == ["2024-07-28", "2024-08-02"]
    assert data["date_label"] == "2024-07-28 to 2024-08-02"
    assert page_data(network_view_of_one())["date_range"] is None
    assert page_data(network_view_of_one())["date_label"] is None


@pytest.mark.parametrize(
    ("texts", "label"),
    [
        (["2025"], "2025"),  # "this year": not "2025-01-01 to 2025-12-31"
        (["2025-03"], "2025-03"),
        (["2024-07", "2025", None, "someday"], "2024-07 to 2025"),
        (["2024-07-28T09:30:00+02:00", "2024-07-28"], "2024-07-28"),
        (["2024", "2024-03-05"], "2024"),  # the day lies within the year
        ([None, "not a date"], None),
    ],
)
def test_views_html_date_label_keeps_the_precision(texts: list[str | None], label: str | None) -> None:
    assert date_label(texts) == label


def test_views_html_class_label() -> None:
    assert class_label("InternationalOrganization") == "International organization"
    assert class_label("Country") == "Country"
    assert class_label("MilitaryExercise") == "Military exercise"


def test_views_html_edge_dates_spans_and_undated() -> None:
    def ev(day: str | None) -> ViewEvidence:
        return ViewEvidence("s", None, None, None, day, 0.5, None, None, None)

    evidence = (ev("2024-07-10"), ev(None))
    edge = ViewEdge("urn:a", "urn:m", "participatedIn", "structural", False, 0.5, evidence)
    assert edge_dates(edge, {"urn:a": None, "urn:m": "2024-07"}) == ["2024-07-01/2024-07-31", "2024-07-10"]
    evidence = (ev("2024"), ev("soon"), ev("2024"))
    edge = ViewEdge("urn:a", "urn:b", "supports", "cooperative", False, 0.5, evidence)
    assert edge_dates(edge, {}) == ["2024-01-01/2024-12-31"]
    assert edge_dates(ViewEdge("urn:a", "urn:b", "supports", "cooperative", False, 0.0, ()), {}) == []


def test_views_html_big_data_is_gzipped(
    sample_view: NetworkView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = page_data(sample_view, "Sample")
    assert data_block(data)[0] == "application/json"  # small: plain JSON
    monkeypatch.setattr(kg.views.html, "PACK_ABOVE", 1000)
    kind, text = data_block(data)
    assert kind == "application/gzip"
    assert re.fullmatch(r"[A-Za-z0-9+/]+=*", text)  # nothing that could end the script element
    assert read_data_block(kind, text) == json.loads(json.dumps(data))
    page = render_html(sample_view, tmp_path / "packed.html", title="Sample").read_text()
    (block,) = re.findall(r'<script type="application/gzip" id="kg-data">([^<]*)</script>', page)
    assert block == text
    assert "North Korea" not in page and "Threats" not in page
    assert render_html(sample_view, tmp_path / "again.html", title="Sample").read_text() == page


def test_views_html_every_class_has_a_style() -> None:
    assert set(CLASS_STYLE) == set(NODE_CLASSES)


def test_views_html_json_for_script_escapes() -> None:
    value = {"a": "</script><script>x()</script>", "b": "<!-- & -->", "c": "\u2028\u2029"}
    text = json_for_script(value)
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == value


def test_views_html_title_is_escaped(sample_view: NetworkView, tmp_path: Path) -> None:
    text = render_html(sample_view, tmp_path / "t.html", title="<b>x</b> & y").read_text()
    assert "<b>x</b>" not in text
    assert "<title>&lt;b&gt;x&lt;/b&gt; &amp; y</title>" in text


def test_views_html_banner(sample: Graph, sample_view: NetworkView, tmp_path: Path) -> None:
    full = render_html(sample_view, tmp_path / "full.html").read_text()
    assert re.search(r'<div id="kg-banner" role="status" hidden>', full)
    cut = render_html(network_view(sample, max_nodes=3), tmp_path / "cut.html").read_text()
    assert (
        '<div id="kg-banner" role="status">showing 3 of 7 nodes; filter or focus to see the rest</div>' in cut
    )


def test_views_html_atomic_write(
    sample_view: NetworkView, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out" / "graph.html"
    assert render_html(sample_view, out) == out
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]
    before = out.read_bytes()
    assert render_html(sample_view, out).read_bytes() == before  # overwrite: same bytes

    def fail(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(KGError, match="disk full"):
        render_html(network_view_of_one(), out)
    assert out.read_bytes() == before
    assert [p.name for p in out.parent.iterdir()] == ["graph.html"]  # no temp file left


def network_view_of_one() -> NetworkView:
    node = ViewNode("urn:x", "X", "Country", (), None, None, 0, 0.0)
    return NetworkView(nodes=(node,), edges=(), total_nodes=1, total_edges=0)


def test_views_html_render_is_view_plus_page(sample: Graph, tmp_path: Path) -> None:
    path = render(sample, tmp_path / "focus.html", title="Japan", focus="Japan")
    data = embedded(path.read_text())
    assert sorted(n["label"] for n in data["nodes"]) == sorted(
        n.label for n in network_view(sample, focus="Japan").nodes
    )
    assert data["title"] == "Japan"


def test_views_html_empty_view(tmp_path: Path) -> None:
    data = embedded(render_html(NetworkView((), (), 0, 0), tmp_path / "e.html").read_text())
    assert data["nodes"] == [] and data["edges"] == []


def synthetic_view(n_nodes: int, n_edges: int, seed: int = 3) -> NetworkView:
    """A NetworkView built directly: clustered random relations, a few isolated nodes."""
    rng = random.Random(seed)
    classes = ["Country", "Person", "Organization", "City", "Meeting", "Agreement"]
    degree = [0] * n_nodes
    keys: set[tuple[int, int, str]] = set()
    while len(keys) < n_edges:
        a = rng.randrange(n_nodes - 10)
        b = (
            (a + int(rng.expovariate(0.05))) % (n_nodes - 10)
            if rng.random() < 0.9
            else rng.randrange(n_nodes)
        )
        p = rng.choice(RELATION_PROPERTIES)
        if a != b and (a, b, p) not in keys and (b, a, p) not in keys:
            keys.add((a, b, p))
            degree[a] += 1
            degree[b] += 1
    top = math.log1p(max(degree))
    nodes = tuple(
        ViewNode(f"urn:n{i}", f"Entity {i}", classes[i % 6], (), None, None, d, math.log1p(d) / top)
        for i, d in enumerate(degree)
    )
    edges = tuple(
        ViewEdge(
            f"urn:n{a}",
            f"urn:n{b}",
            p,
            RELATION_FAMILIES[p],
            p in SYMMETRIC_PROPERTIES,
            c,
            (
                ViewEvidence(
                    f"Entity {a} {p} Entity {b}.", "urn:doc", "Doc", None, "2024-01-01", c, "r", None, None
                ),
            ),
        )
        for a, b, p in sorted(keys)
        for c in [round(rng.random(), 2)]
    )
    return NetworkView(nodes, edges, n_nodes, n_edges)


def test_views_html_layout_separates_nodes() -> None:
    view = synthetic_view(300, 500)
    positions = layout(view)
    lone = lone_nodes(view)
    assert lone  # the synthetic view has nodes without relations: listed by the page, not drawn
    assert set(positions) == {n.id for n in view.nodes} - lone
    data = page_data(view)
    assert {n["id"] for n in data["nodes"] if n["lone"]} == lone
    assert all(n["x"] is None for n in data["nodes"] if n["lone"])
    assert len(set(positions.values())) == len(positions)
    assert layout(view) == positions  # deterministic


@pytest.mark.slow
def test_views_html_large_view_renders(tmp_path: Path) -> None:
    # speed is measured in benchmarks/, not here
    view = synthetic_view(5000, 20000)
    path = render_html(view, tmp_path / "big.html")
    data = page_data(view)
    assert (len(data["nodes"]), len(data["edges"])) == (5000, 20000)
    assert path.stat().st_size < 20_000_000
